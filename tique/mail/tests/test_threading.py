"""Mail clients thread every e-mail about a ticket: each has its own Message-ID and
refers to the ticket's root and to the previous e-mail its recipient got about it."""

from tique.mail import notifications
from tique.mail.models import OutboundEmail
from tique.mail.tests.conftest import quiet_ticket, subject, write


def test_the_first_mail_about_a_ticket_replies_to_its_root(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(ana)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.reply_added(write(ticket, agent, "Hecho."))

    (message,) = mailbox.received
    root = f"<ticket-{ticket.number}@tique.example>"
    assert message["In-Reply-To"] == root
    assert message["References"] == root
    assert message["Message-ID"] != root
    assert message["Message-ID"].startswith(f"<ticket-{ticket.number}.")
    assert message["Message-ID"].endswith("@tique.example>")
    assert message["Auto-Submitted"] == "auto-generated"


def test_a_second_mail_chains_after_the_first(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(ana)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.reply_added(write(ticket, agent, "¿Lo has probado?"))
    with django_capture_on_commit_callbacks(execute=True):
        notifications.ticket_solved(ticket, agent)

    first, second = mailbox.received
    root = f"<ticket-{ticket.number}@tique.example>"
    assert second["Message-ID"] != first["Message-ID"]
    assert second["In-Reply-To"] == first["Message-ID"]
    assert second["References"].split() == [root, first["Message-ID"]]
    assert subject(first).startswith(f"[#{ticket.number}] ")
    assert subject(second).startswith(f"[#{ticket.number}] ")


def test_each_recipient_has_a_thread_of_their_own(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(ana)
    ticket.assignee = agent
    ticket.save(update_fields=["assignee"])

    with django_capture_on_commit_callbacks(execute=True):
        notifications.reply_added(write(ticket, agent, "¿Lo has probado?"))
        notifications.reply_added(write(ticket, ana, "Sí, y nada."))
        notifications.reply_added(write(ticket, agent, "Lo miramos."))

    first_to_ana, second_to_ana = mailbox.to(ana.email)
    (to_agent,) = mailbox.to(agent.email)
    root = f"<ticket-{ticket.number}@tique.example>"
    assert to_agent["In-Reply-To"] == root
    assert second_to_ana["In-Reply-To"] == first_to_ana["Message-ID"]


def test_the_headers_are_stored_with_the_mail(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(ana)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.ticket_solved(ticket, agent)

    (message,) = mailbox.received
    stored = OutboundEmail.objects.get()
    assert stored.message_id == message["Message-ID"]
    assert stored.in_reply_to == message["In-Reply-To"]
    assert stored.references == message["References"]
