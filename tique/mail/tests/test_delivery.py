"""Sending from the outbox: once, with backoff on failure, giving up in the end, and
swept up by `retry_due_emails` when a task failed or was lost."""

import datetime as dt
import socket

import time_machine
from django.utils import timezone

from conftest import signed_in
from tique.accounts.models import User
from tique.mail import compose, delivery, notifications
from tique.mail.choices import OutboundState
from tique.mail.delivery import Outcome, backoff, retry_due_emails
from tique.mail.models import OutboundEmail
from tique.mail.tasks import send_outbound_email
from tique.mail.tests.conftest import quiet_ticket

TRY_AGAIN = "451 4.3.0 Try again later"


def solved_mail(ticket, agent, django_capture_on_commit_callbacks, *, send=True):
    """The requester's 'solved' e-mail, sent after the commit (or only written)."""
    with django_capture_on_commit_callbacks(execute=send):
        notifications.ticket_solved(ticket, agent)
    return OutboundEmail.objects.get(ticket=ticket)


def later(minutes: float) -> time_machine.travel:
    return time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes))


def test_a_mail_is_sent_after_the_commit_and_marked_sent(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    email = solved_mail(quiet_ticket(ana), agent, django_capture_on_commit_callbacks)

    assert len(mailbox.received) == 1
    assert email.state == OutboundState.SENT
    assert email.attempts == 1
    assert email.sent_at is not None
    assert mailbox.envelopes == [("ayuda@tique.example", [ana.email])]


def test_running_the_task_twice_sends_once(ana, agent, mailbox, django_capture_on_commit_callbacks):
    email = solved_mail(quiet_ticket(ana), agent, django_capture_on_commit_callbacks, send=False)
    assert mailbox.received == []

    first = send_outbound_email.enqueue(email.pk)
    second = send_outbound_email.enqueue(email.pk)

    assert (first.return_value, second.return_value) == ("sent", "not_claimed")
    assert len(mailbox.received) == 1
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboundState.SENT, 1)


def test_an_smtp_failure_backs_off_and_a_later_sweep_sends(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    mailbox.refuse_data.append(TRY_AGAIN)
    before = timezone.now()

    email = solved_mail(quiet_ticket(ana), agent, django_capture_on_commit_callbacks)

    assert mailbox.received == []
    assert email.state == OutboundState.PENDING
    assert email.attempts == 1
    assert "451" in email.last_error
    assert "Try again later" in email.last_error
    assert before + dt.timedelta(minutes=1) <= email.next_attempt_at
    assert email.next_attempt_at <= timezone.now() + dt.timedelta(minutes=1)

    assert retry_due_emails().sent == 0  # not due yet
    assert mailbox.received == []

    with later(1.1):
        result = retry_due_emails()

    assert result.sent == 1
    assert len(mailbox.received) == 1
    email.refresh_from_db()
    assert (email.state, email.attempts, email.last_error) == (OutboundState.SENT, 2, "")


def test_the_wait_doubles_after_each_failure_up_to_an_hour():
    assert [backoff(n).total_seconds() / 60 for n in range(1, 10)] == [
        1,
        2,
        4,
        8,
        16,
        32,
        60,
        60,
        60,
    ]
    assert backoff(1000) == dt.timedelta(hours=1)


def test_a_mail_is_given_up_after_the_maximum_number_of_tries(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    mailbox.refuse_data.extend([TRY_AGAIN] * 3)  # TIQUE_MAIL_MAX_ATTEMPTS is 3 here
    email = solved_mail(quiet_ticket(ana), agent, django_capture_on_commit_callbacks)
    with later(1.1):
        assert retry_due_emails().retrying == 1
    with later(1.1 + 2.1):
        assert retry_due_emails().given_up == 1

    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboundState.FAILED, 3)
    assert "451" in email.last_error
    with later(24 * 60):
        assert retry_due_emails() == delivery.SweepResult()
    assert mailbox.received == []


def test_a_recipient_refused_for_good_is_given_up_at_once(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    mailbox.refuse_recipients.append("550 5.1.1 No such user")

    email = solved_mail(quiet_ticket(ana), agent, django_capture_on_commit_callbacks)

    assert (email.state, email.attempts) == (OutboundState.FAILED, 1)
    assert "No such user" in email.last_error


def test_an_unreachable_server_stops_the_sweep_until_the_next_run(
    ana, luis, agent, mailbox, settings, django_capture_on_commit_callbacks
):
    first = solved_mail(quiet_ticket(ana), agent, django_capture_on_commit_callbacks, send=False)
    second = solved_mail(quiet_ticket(luis), agent, django_capture_on_commit_callbacks, send=False)
    working_port = settings.EMAIL_PORT
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = probe.getsockname()[1]

    result = retry_due_emails()

    assert result.retrying == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.attempts == 1
    assert "Connection refused" in first.last_error
    assert second.attempts == 0  # not tried: the server was down
    assert delivery.deliver(second.pk) is Outcome.UNREACHABLE

    settings.EMAIL_PORT = working_port
    with later(1.1):
        assert retry_due_emails().sent == 2
    assert len(mailbox.received) == 2


def test_the_sweep_takes_back_a_mail_whose_sender_died(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    email = solved_mail(quiet_ticket(ana), agent, django_capture_on_commit_callbacks, send=False)
    assert delivery.claim(email.pk)  # a worker took it, then died before sending

    assert retry_due_emails().recovered == 0  # its lease still runs
    assert mailbox.received == []

    with later(11):
        result = retry_due_emails()

    assert (result.recovered, result.sent) == (1, 1)
    assert len(mailbox.received) == 1
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboundState.SENT, 2)


def test_a_lost_mail_with_no_tries_left_is_given_up(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    email = solved_mail(quiet_ticket(ana), agent, django_capture_on_commit_callbacks, send=False)
    OutboundEmail.objects.filter(pk=email.pk).update(attempts=2)
    assert delivery.claim(email.pk)

    with later(11):
        assert retry_due_emails().given_up == 1

    email.refresh_from_db()
    assert email.state == OutboundState.FAILED
    assert mailbox.received == []


def test_a_mail_whose_task_was_never_enqueued_is_sent_by_the_sweep(
    ana, agent, mailbox, monkeypatch, django_capture_on_commit_callbacks
):
    def broken_queue(email_ids: list[int]) -> None:
        raise ConnectionError("the task queue is down")

    monkeypatch.setattr(compose, "enqueue", broken_queue)
    email = solved_mail(quiet_ticket(ana), agent, django_capture_on_commit_callbacks)
    assert email.state == OutboundState.PENDING
    assert mailbox.received == []

    assert retry_due_emails().sent == 1
    assert len(mailbox.received) == 1


def test_a_failed_mail_can_be_sent_again_with_fresh_tries(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    mailbox.refuse_recipients.append("550 5.1.1 No such user")
    email = solved_mail(quiet_ticket(ana), agent, django_capture_on_commit_callbacks)
    assert email.state == OutboundState.FAILED

    assert delivery.send_again(OutboundEmail.objects.all()) == 1
    assert retry_due_emails().sent == 1

    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboundState.SENT, 1)
    assert len(mailbox.received) == 1


def test_a_superuser_sends_failed_mail_again_from_the_admin(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    mailbox.refuse_recipients.append("550 5.1.1 No such user")
    email = solved_mail(quiet_ticket(ana), agent, django_capture_on_commit_callbacks)
    boss = User.objects.create_superuser(email="root@tique.example", password="x")

    response = signed_in(boss).post(
        "/admin/mail/outboundemail/",
        {"action": "send_again_action", "_selected_action": [email.pk]},
    )

    assert response.status_code == 302
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboundState.PENDING, 0)


def test_an_agent_cannot_reach_the_outbox_in_the_admin(agent):
    response = signed_in(agent).get("/admin/mail/outboundemail/")

    assert response.status_code in {302, 403}
