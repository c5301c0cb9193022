"""What the e-mails say: both parts, the recipient's language, the right links, and
nothing a recipient must not read."""

from conftest import pdf
from tique.mail import notifications
from tique.mail.tests.conftest import (
    html_part,
    make_agent,
    quiet_ticket,
    subject,
    text_part,
    write,
)

IBAN = "ES9121000418450200051332"


def test_a_mail_has_a_text_part_and_an_html_part(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(ana)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.reply_added(write(ticket, agent, "Ya está activado.\nPrueba ahora."))

    (message,) = mailbox.received
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert "Ya está activado.\nPrueba ahora." in text_part(message)
    assert "<p>Ya está activado.<br>Prueba ahora.</p>" in html_part(message)
    assert message["From"] == "Tique <ayuda@tique.example>"


def test_the_subject_carries_the_ticket_number_tag(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ana.language = "en"
    ana.save(update_fields=["language"])
    ticket = quiet_ticket(ana)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.ticket_solved(ticket, agent)

    (message,) = mailbox.received
    assert subject(message) == f"[#{ticket.number}] Your ticket has been solved: {ticket.subject}"


def test_each_recipient_reads_their_own_language(
    ana, luis, agent, mailbox, django_capture_on_commit_callbacks
):
    ana.language = "es"
    ana.save(update_fields=["language"])
    luis.language = "en"
    luis.save(update_fields=["language"])
    spanish, english = quiet_ticket(ana), quiet_ticket(luis)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.reply_added(write(spanish, agent, "Hecho."))
        notifications.reply_added(write(english, agent, "Done."))

    (to_ana,) = mailbox.to(ana.email)
    (to_luis,) = mailbox.to(luis.email)
    assert subject(to_ana) == f"[#{spanish.number}] Nueva respuesta a tu ticket: Desvío de llamadas"
    assert "Pablo Técnico ha respondido a tu ticket" in text_part(to_ana)
    assert '<html lang="es">' in html_part(to_ana)
    assert subject(to_luis) == f"[#{english.number}] New reply to your ticket: Desvío de llamadas"
    assert "Pablo Técnico replied to your ticket" in text_part(to_luis)
    assert '<html lang="en">' in html_part(to_luis)


def test_without_a_language_of_their_own_a_user_reads_the_accounts(
    acme, ana, agent, mailbox, django_capture_on_commit_callbacks
):
    acme.language = "en"
    acme.save(update_fields=["language"])
    ticket = quiet_ticket(ana)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.ticket_solved(ticket, agent)

    (message,) = mailbox.received
    assert "has been marked as solved" in text_part(message)


def test_customers_are_linked_to_the_panel_and_agents_to_the_desk(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(ana)
    ticket.assignee = agent
    ticket.save(update_fields=["assignee"])

    with django_capture_on_commit_callbacks(execute=True):
        notifications.reply_added(write(ticket, agent, "¿Lo has probado?"))
        notifications.reply_added(write(ticket, ana, "Sí."))

    (to_customer,) = mailbox.to(ana.email)
    (to_agent,) = mailbox.to(agent.email)
    customer_link = f"https://help.tique.example/tickets/{ticket.number}/"
    agent_link = f"https://help.tique.example/desk/tickets/{ticket.number}/"
    assert customer_link in text_part(to_customer)
    assert f'href="{customer_link}"' in html_part(to_customer)
    assert "/desk/" not in text_part(to_customer) + html_part(to_customer)
    assert agent_link in text_part(to_agent)
    assert f'href="{agent_link}"' in html_part(to_agent)


def test_a_customer_mail_never_quotes_an_internal_note(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(ana)
    write(ticket, agent, "NOTA: cliente con impagos", internal=True)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.reply_added(write(ticket, agent, "Lo revisamos hoy."))
        notifications.ticket_solved(ticket, agent)

    assert len(mailbox.received) == 2
    for message in mailbox.received:
        assert "impagos" not in message.as_string()
        assert "impagos" not in text_part(message) + html_part(message)


def test_typed_field_values_such_as_an_iban_are_in_no_mail(
    acme_admin, mailbox, django_capture_on_commit_callbacks
):
    billing = make_agent("billing@tique.example", "Facturación", team="billing")
    ticket = quiet_ticket(
        acme_admin,
        "request",
        "change-bank-account",
        data={
            "iban": IBAN,
            "holder_name": "Acme Telefonía S.L.",
            "holder_tax_id": "B12345674",
            "comments": "Desde el mes que viene, por favor.",
        },
        files={"sepa_mandate": pdf()},
    )
    assert ticket.fields["iban"]

    with django_capture_on_commit_callbacks(execute=True):
        notifications.ticket_created(ticket)
        notifications.ticket_assigned(ticket, billing, make_agent("s@tique.example", "Sup"))
        notifications.reply_added(write(ticket, billing, "Cambiado."))
        notifications.ticket_solved(ticket, billing)

    assert len(mailbox.received) == 4
    for message in mailbox.received:
        whole = text_part(message) + html_part(message)
        assert IBAN not in whole
        assert "0418450200051332" not in whole
        assert "B12345674" not in whole


def test_what_people_typed_is_escaped_in_the_html_part(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    agent.language = "en"
    agent.save(update_fields=["language"])
    ticket = quiet_ticket(ana, data={"subject": "<b>Urgente</b>", "question": "x"})
    ticket.assignee = agent
    ticket.save(update_fields=["assignee"])

    with django_capture_on_commit_callbacks(execute=True):
        notifications.reply_added(write(ticket, ana, '<img src=x onerror="alert(1)">'))

    (message,) = mailbox.received
    html = html_part(message)
    assert "<img" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "&lt;b&gt;Urgente&lt;/b&gt;" in html
    assert '<img src=x onerror="alert(1)">' in text_part(message)
    assert subject(message) == f"[#{ticket.number}] Customer reply: <b>Urgente</b>"
