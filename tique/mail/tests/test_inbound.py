"""The inbound pipeline: store first, then route by token, thread and subject tag, and
never append a message to a ticket its sender may not see."""

import datetime as dt
import io
import sys
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from conftest import open_ticket
from tique.mail.choices import InboundOutcome, InboundSource, InboundState, OutboundState
from tique.mail.inbound.process import MAX_ATTEMPTS, process, process_stuck, retry
from tique.mail.inbound.store import store_raw
from tique.mail.inbound.tokens import reply_address
from tique.mail.models import InboundEmail, OutboundEmail
from tique.tickets.choices import Channel
from tique.tickets.models import Ticket


def mail(sender, subject="No funciona el desvío", body="Hola, el desvío no funciona.", **headers):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = headers.pop("to", "ayuda@tique.example")
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = headers.pop("message_id", make_msgid(domain="cliente.example"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def receive(raw):
    email, _created = store_raw(raw, source=InboundSource.PIPE)
    return process(email.pk)


def test_a_customers_new_mail_opens_a_ticket_and_is_acknowledged(acme_admin):
    email = receive(mail("Marta Ortega <ADMIN@acme.example>"))
    assert (email.state, email.outcome) == (InboundState.PROCESSED, InboundOutcome.NEW_TICKET)
    ticket = email.ticket
    assert ticket.channel == Channel.EMAIL and ticket.requester == acme_admin
    assert ticket.subject == "No funciona el desvío"
    first = ticket.messages.get()
    assert "el desvío no funciona" in first.body
    assert first.email_message_id == email.message_id
    ack = OutboundEmail.objects.get(ticket=ticket, to_address="admin@acme.example")
    assert ack.kind == "ticket_received"


def test_the_same_message_twice_makes_one_ticket(acme_admin):
    raw = mail("admin@acme.example")
    first = receive(raw)
    second = receive(raw)
    assert first.pk == second.pk
    assert Ticket.objects.count() == 1
    assert InboundEmail.objects.count() == 1


def test_a_reply_to_our_notification_is_added_to_its_ticket(acme_admin, agent):
    from tique.tickets.services import message_add

    ticket = open_ticket(acme_admin)
    message_add(ticket=ticket, author=agent, membership=None, body="¿Qué modelo de router?")
    ours = OutboundEmail.objects.filter(ticket=ticket, to_address="admin@acme.example").latest("id")
    email = receive(
        mail(
            "admin@acme.example",
            subject="Re: algo",
            body="Un MikroTik hEX.\n\nEl mar, Pablo escribió:\n> ¿Qué modelo de router?",
            In_Reply_To=ours.message_id,
            References=ours.message_id,
        )
    )
    assert (email.outcome, email.ticket) == (InboundOutcome.REPLY, ticket)
    reply = ticket.messages.latest("id")
    assert reply.channel == Channel.EMAIL and reply.author == acme_admin
    assert "MikroTik" in reply.body and "¿Qué modelo de router?" not in reply.body


def test_a_reply_to_the_token_address_is_added_whatever_its_headers(acme_admin):
    ticket = open_ticket(acme_admin)
    email = receive(
        mail("admin@acme.example", subject="sin etiqueta", to=reply_address(ticket.number))
    )
    assert (email.outcome, email.ticket) == (InboundOutcome.REPLY, ticket)


def test_a_subject_tag_from_the_requester_is_added(ana):
    ticket = open_ticket(ana)
    email = receive(mail("ana@acme.example", subject=f"Re: [#{ticket.number}] Desvío"))
    assert (email.outcome, email.ticket) == (InboundOutcome.REPLY, ticket)


@pytest.mark.parametrize("how", ["subject", "token", "message_id"])
def test_another_accounts_mail_is_never_added_to_an_acme_ticket(acme_admin, beta_admin, how):
    ticket = open_ticket(acme_admin)
    first_id = ticket.messages.get().email_message_id or f"<ticket-{ticket.number}@tique.example>"
    headers = {
        "subject": {"subject": f"Re: [#{ticket.number}]"},
        "token": {"to": reply_address(ticket.number)},
        "message_id": {"In_Reply_To": first_id, "References": first_id},
    }[how]
    email = receive(mail("admin@beta.example", **headers))
    assert email.state == InboundState.QUARANTINED
    assert ticket.messages.count() == 1
    assert not OutboundEmail.objects.filter(to_address="admin@beta.example").exists()


def test_a_member_cannot_write_into_another_members_ticket(ana, luis):
    ticket = open_ticket(ana)
    email = receive(mail("luis@acme.example", subject=f"Re: [#{ticket.number}]"))
    assert email.state == InboundState.QUARANTINED
    assert ticket.messages.count() == 1


def test_an_unknown_sender_waits_in_quarantine_and_can_be_retried_later(acme, db):
    email = receive(mail("nuevo@acme.example"))
    assert email.state == InboundState.QUARANTINED
    assert "Unknown sender" in email.reason
    from tique.accounts.choices import Role
    from tique.accounts.models import User
    from tique.accounts.services import membership_add

    user = User.objects.create_user(email="nuevo@acme.example", password="x" * 12)
    membership_add(account=acme, user=user, role=Role.ADMIN)
    again = retry(email.pk)
    assert again.outcome == InboundOutcome.NEW_TICKET


def test_an_out_of_office_reply_is_ignored_and_answered_by_nothing(acme_admin):
    email = receive(
        mail("admin@acme.example", subject="Fuera de la oficina", Auto_Submitted="auto-replied")
    )
    assert (email.state, email.outcome) == (InboundState.PROCESSED, InboundOutcome.AUTOMATIC)
    assert not Ticket.objects.exists()
    assert not OutboundEmail.objects.exists()


def test_a_bounce_of_our_mail_is_recorded_against_it(acme_admin, agent):
    from tique.tickets.services import message_add

    ticket = open_ticket(acme_admin)
    message_add(ticket=ticket, author=agent, membership=None, body="Hola")
    ours = OutboundEmail.objects.filter(ticket=ticket).latest("id")
    bounce = (
        "From: MAILER-DAEMON@mx.acme.example\r\n"
        "To: ayuda@tique.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <bounce-1@mx.acme.example>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nThe mail system: user unknown\r\n"
        "--B\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.acme.example\r\n\r\nFinal-Recipient: rfc822; admin@acme.example\r\n"
        "Action: failed\r\nStatus: 5.1.1\r\n"
        "--B\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"Message-ID: {ours.message_id}\r\nSubject: x\r\n"
        "--B--\r\n"
    ).encode()
    email = receive(bounce)
    assert email.outcome == InboundOutcome.BOUNCE
    ours.refresh_from_db()
    assert ours.state == OutboundState.BOUNCED


def test_garbage_is_quarantined_and_the_next_message_still_goes_through(acme_admin):
    bad = receive(b"\x00\x01 not an e-mail \xff")
    assert bad.state == InboundState.QUARANTINED
    good = receive(mail("admin@acme.example"))
    assert good.outcome == InboundOutcome.NEW_TICKET


def test_ingest_email_stores_from_standard_input_and_exits_zero(acme_admin, monkeypatch):
    raw = mail("admin@acme.example")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("ingest_email", stdout=out)
    assert "stored" in out.getvalue()
    assert InboundEmail.objects.get().source == InboundSource.PIPE


def test_ingest_email_fails_on_empty_input_so_the_mail_server_retries(monkeypatch, db):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    with pytest.raises(CommandError):
        call_command("ingest_email")


def test_a_directory_import_stores_each_file_once_and_moves_it_aside(
    acme_admin, tmp_path, django_capture_on_commit_callbacks
):
    (tmp_path / "a.eml").write_bytes(mail("admin@acme.example", subject="Uno"))
    (tmp_path / "b.eml").write_bytes(mail("admin@acme.example", subject="Dos"))
    (tmp_path / "notes.txt").write_text("not mail")
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_email_dir", str(tmp_path), stdout=out)
    assert out.getvalue().strip() == "2 stored, 0 already stored, 0 not stored"
    assert sorted(p.name for p in (tmp_path / "stored").iterdir()) == ["a.eml", "b.eml"]
    assert (tmp_path / "notes.txt").exists()
    assert InboundEmail.objects.filter(source=InboundSource.DIRECTORY).count() == 2
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Dos", "Uno"]


def test_a_sender_gets_a_few_acknowledgements_an_hour_and_then_none(acme_admin, settings):
    settings.TIQUE_MAIL_ACK_LIMIT = 2
    for n in range(4):
        receive(mail("admin@acme.example", subject=f"Mensaje {n}"))
    assert Ticket.objects.count() == 4
    acks = OutboundEmail.objects.filter(kind="ticket_received", to_address="admin@acme.example")
    assert acks.count() == 2


def test_an_agent_can_answer_by_e_mail(acme_admin, agent):
    ticket = open_ticket(acme_admin)
    email = receive(mail("agent@tique.example", subject=f"Re: [#{ticket.number}]", body="Hecho."))
    assert (email.outcome, email.ticket) == (InboundOutcome.REPLY, ticket)
    reply = ticket.messages.latest("id")
    assert reply.author == agent and not reply.is_internal
    assert OutboundEmail.objects.filter(
        ticket=ticket, to_address="admin@acme.example", kind="agent_reply"
    ).exists()


def test_mail_a_lost_task_left_waiting_is_processed_by_the_scheduler(acme_admin):
    email, _created = store_raw(mail("admin@acme.example"), source=InboundSource.PIPE)
    assert process_stuck() == 0  # just received: its own task may still be on the way
    later = timezone.now() + dt.timedelta(minutes=15)
    assert process_stuck(now=later) == 1
    email.refresh_from_db()
    assert email.outcome == InboundOutcome.NEW_TICKET


def test_mail_a_dead_workers_half_processed_message_is_retried_then_quarantined(acme_admin):
    email, _created = store_raw(mail("admin@acme.example"), source=InboundSource.PIPE)
    InboundEmail.objects.filter(pk=email.pk).update(state=InboundState.PROCESSING, attempts=1)
    later = timezone.now() + dt.timedelta(minutes=15)
    assert process_stuck(now=later) == 1
    email.refresh_from_db()
    assert email.state == InboundState.PROCESSED
    stuck, _created = store_raw(
        mail("admin@acme.example", subject="Otro"), source=InboundSource.PIPE
    )
    InboundEmail.objects.filter(pk=stuck.pk).update(
        state=InboundState.PROCESSING, attempts=MAX_ATTEMPTS
    )
    process_stuck(now=later)
    stuck.refresh_from_db()
    assert stuck.state == InboundState.QUARANTINED


def test_a_mailbox_names_what_its_new_tickets_become(acme_admin, settings):
    settings.TIQUE_IMAP_MAILBOXES = [
        {
            "name": "ventas",
            "host": "x",
            "port": 993,
            "user": "u",
            "password": "p",
            "kind": "query:commercial",
        }
    ]
    raw = mail("admin@acme.example")
    email, _created = store_raw(raw, source=InboundSource.IMAP, mailbox="ventas")
    ticket = process(email.pk).ticket
    assert ticket is not None
    assert ticket.kind.slug == "commercial"
    assert ticket.team is not None and ticket.team.slug == "commercial"
    raw = mail("admin@acme.example", subject="Otro")
    other, _created = store_raw(raw, source=InboundSource.PIPE)
    plain = process(other.pk).ticket
    assert plain is not None and plain.kind.slug == "technical"


def test_agents_can_download_the_original_of_an_e_mailed_message(acme_admin, agent, client_for):
    from django.urls import reverse

    raw = mail("admin@acme.example", body="Texto\n\n-- \nFirma de Marta")
    email = receive(raw)
    message = email.ticket.messages.get()
    url = reverse(
        "desk:message-original", kwargs={"number": email.ticket.number, "message_id": message.pk}
    )
    response = client_for(agent).get(url)
    assert response.status_code == 200
    assert response.content == raw
    assert response["Content-Type"] == "message/rfc822"
    assert response["Content-Disposition"].startswith("attachment;")
    assert client_for(acme_admin).get(url).status_code == 404


def test_an_unknown_sender_can_be_answered_politely_a_few_times_an_hour(db, settings):
    settings.TIQUE_MAIL_UNKNOWN_SENDERS = "reject"
    settings.TIQUE_MAIL_ACK_LIMIT = 2
    outcomes = [
        receive(mail("desconocido@otra.example", subject=f"Hola {n}")).outcome for n in range(3)
    ]
    assert outcomes == [InboundOutcome.REJECTED] * 3
    answers = OutboundEmail.objects.filter(to_address="desconocido@otra.example")
    assert answers.count() == 2
    answer = answers.first()
    assert answer is not None
    # Both languages: nothing tells us which one a stranger reads.
    assert "no ha abierto ningún ticket" in answer.text_body
    assert "it has not opened a ticket" in answer.text_body
    assert answer.ticket is None and answer.in_reply_to.startswith("<")
    assert not Ticket.objects.exists()


def test_a_reply_about_someone_elses_ticket_can_open_the_senders_own(
    acme_admin, beta_admin, settings
):
    settings.TIQUE_MAIL_FOREIGN_REPLY = "new_ticket"
    theirs = open_ticket(acme_admin)
    email = receive(mail("admin@beta.example", subject=f"Re: [#{theirs.number}] Desvío"))
    assert email.outcome == InboundOutcome.NEW_TICKET
    assert email.ticket is not None and email.ticket != theirs
    assert email.ticket.account.customer_code == "C-10002"
    assert theirs.messages.count() == 1


def test_the_stored_subject_and_sender_are_decoded_for_the_list(db):
    raw = (
        b"From: =?utf-8?q?Jos=C3=A9?= <jose@acme.example>\r\nTo: ayuda@tique.example\r\n"
        b"Subject: =?utf-8?q?Extensi=C3=B3n_104?=\r\nMessage-ID: <x-1@acme.example>\r\n\r\nHola\r\n"
    )
    email, _created = store_raw(raw, source=InboundSource.PIPE)
    assert (email.subject, email.from_address) == ("Extensión 104", "José <jose@acme.example>")
