"""Sending deliveries to a real receiver: signed, once, retried with backoff, swept up by
the scheduler when a task failed or was lost, given up in the end, and a subscription
disabled after repeated failures."""

import datetime as dt
import socket

import time_machine
from django.utils import timezone

from tique.mail.management.commands.run_scheduler import JOBS
from tique.webhooks import delivery, services
from tique.webhooks.choices import DeliveryState, DisabledReason
from tique.webhooks.delivery import backoff, retry_due_webhooks
from tique.webhooks.models import WebhookDelivery
from tique.webhooks.signing import verify_signature
from tique.webhooks.tasks import deliver_webhook
from tique.webhooks.tests.conftest import subscribe


def later(minutes: float) -> time_machine.travel:
    return time_machine.travel(timezone.now() + dt.timedelta(minutes=minutes))


def ping(subscription, actor, capture, *, send=True) -> WebhookDelivery:
    with capture(execute=send):
        queued = services.webhook_ping(subscription=subscription, actor=actor)
    queued.refresh_from_db()
    return queued


def test_a_delivery_is_signed_and_the_signature_verifies_with_the_raw_body(
    acme_admin, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(acme_admin, receiver.url)

    sent = ping(subscription, acme_admin, django_capture_on_commit_callbacks)

    [request] = receiver.requests
    assert request.path == "/hooks/tique"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == "Tique-Webhooks/1"
    assert request.headers["tique-event"] == "ping"
    assert request.headers["tique-delivery"] == str(sent.uuid)
    assert request.payload["id"] == str(sent.uuid)
    assert request.payload["event"] == "ping"
    assert verify_signature(subscription.secret, request.headers["tique-signature"], request.body)
    assert not verify_signature("another secret", request.headers["tique-signature"], request.body)
    assert not verify_signature(
        subscription.secret, request.headers["tique-signature"], request.body + b" "
    )
    assert (sent.state, sent.attempts, sent.last_status_code) == (DeliveryState.DELIVERED, 1, 204)
    assert sent.delivered_at is not None


def test_a_failing_receiver_is_retried_after_the_backoff_and_receives_it_once(
    acme_admin, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(acme_admin, receiver.url)
    receiver.fail_next = 1
    before = timezone.now()

    sent = ping(subscription, acme_admin, django_capture_on_commit_callbacks)

    assert [r.status for r in receiver.requests] == [500]
    assert (sent.state, sent.attempts, sent.last_status_code) == (DeliveryState.PENDING, 1, 500)
    assert sent.last_error == "HTTP 500"
    assert sent.response_excerpt == "try again later"
    assert before + dt.timedelta(minutes=1) <= sent.next_attempt_at
    assert sent.next_attempt_at <= timezone.now() + dt.timedelta(minutes=1)

    assert retry_due_webhooks().delivered == 0  # not due yet
    assert len(receiver.requests) == 1

    with later(1.1):
        assert retry_due_webhooks().delivered == 1
        assert retry_due_webhooks().delivered == 0

    assert [r.status for r in receiver.requests] == [500, 204]
    [received] = receiver.delivered
    assert verify_signature(subscription.secret, received.headers["tique-signature"], received.body)
    sent.refresh_from_db()
    assert (sent.state, sent.attempts, sent.last_error) == (DeliveryState.DELIVERED, 2, "")


def test_running_the_task_twice_and_the_sweep_delivers_once(
    acme_admin, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(acme_admin, receiver.url)
    queued = ping(subscription, acme_admin, django_capture_on_commit_callbacks, send=False)
    assert receiver.requests == []

    first = deliver_webhook.enqueue(queued.pk)
    second = deliver_webhook.enqueue(queued.pk)
    swept = retry_due_webhooks()

    assert (first.return_value, second.return_value) == ("delivered", "not_claimed")
    assert swept.delivered == 0
    assert len(receiver.requests) == 1
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == (DeliveryState.DELIVERED, 1)


def test_the_scheduler_sends_what_a_lost_task_left_behind(
    acme_admin, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(acme_admin, receiver.url)
    queued = ping(subscription, acme_admin, django_capture_on_commit_callbacks, send=False)

    jobs = dict(JOBS)
    result = jobs["retry_due_webhooks"]()

    assert result == delivery.SweepResult(delivered=1)
    assert len(receiver.delivered) == 1
    queued.refresh_from_db()
    assert queued.state == DeliveryState.DELIVERED


def test_the_sweep_takes_a_delivery_back_from_a_sender_that_died(
    acme_admin, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(acme_admin, receiver.url)
    queued = ping(subscription, acme_admin, django_capture_on_commit_callbacks, send=False)
    assert delivery.claim(queued.pk)  # a worker claims it, then dies

    assert retry_due_webhooks() == delivery.SweepResult()  # its lease still runs
    with later(6):
        result = retry_due_webhooks()

    assert (result.recovered, result.delivered) == (1, 1)
    assert len(receiver.requests) == 1
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == (DeliveryState.DELIVERED, 2)


def test_a_delivery_is_given_up_after_its_last_try(
    acme_admin, receiver, settings, django_capture_on_commit_callbacks
):
    settings.TIQUE_WEBHOOK_MAX_ATTEMPTS = 2
    subscription = subscribe(acme_admin, receiver.url)
    receiver.fail_next = 5
    receiver.fail_status = 503

    sent = ping(subscription, acme_admin, django_capture_on_commit_callbacks)
    with later(1.1):
        result = retry_due_webhooks()

    assert result.given_up == 1
    assert [r.status for r in receiver.requests] == [503, 503]
    sent.refresh_from_db()
    assert (sent.state, sent.attempts, sent.last_error) == (DeliveryState.FAILED, 2, "HTTP 503")
    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.consecutive_failures) == (True, 1)


def test_repeated_failed_deliveries_disable_the_subscription(
    acme_admin, receiver, settings, django_capture_on_commit_callbacks
):
    settings.TIQUE_WEBHOOK_MAX_ATTEMPTS = 1
    settings.TIQUE_WEBHOOK_DISABLE_AFTER = 2
    subscription = subscribe(acme_admin, receiver.url)
    waiting = ping(subscription, acme_admin, django_capture_on_commit_callbacks, send=False)
    receiver.fail_next = 10

    ping(subscription, acme_admin, django_capture_on_commit_callbacks)
    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.consecutive_failures) == (True, 1)
    ping(subscription, acme_admin, django_capture_on_commit_callbacks)

    subscription.refresh_from_db()
    assert subscription.is_active is False
    assert subscription.consecutive_failures == 2
    assert subscription.disabled_reason == DisabledReason.FAILURES
    assert subscription.disabled_at is not None
    # What was still waiting is not sent to a disabled subscription, now or later.
    waiting.refresh_from_db()
    assert (waiting.state, waiting.last_error) == (DeliveryState.FAILED, delivery.DISABLED)
    with later(120):
        assert retry_due_webhooks() == delivery.SweepResult()
    assert len(receiver.requests) == 2


def test_a_delivered_one_starts_the_count_of_failures_again(
    acme_admin, receiver, settings, django_capture_on_commit_callbacks
):
    settings.TIQUE_WEBHOOK_MAX_ATTEMPTS = 1
    subscription = subscribe(acme_admin, receiver.url)
    receiver.fail_next = 1

    ping(subscription, acme_admin, django_capture_on_commit_callbacks)
    subscription.refresh_from_db()
    assert subscription.consecutive_failures == 1
    ping(subscription, acme_admin, django_capture_on_commit_callbacks)

    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.consecutive_failures) == (True, 0)


def test_a_redirect_is_not_followed(acme_admin, receiver, django_capture_on_commit_callbacks):
    subscription = subscribe(acme_admin, receiver.url)
    receiver.status = 302
    receiver.headers = {"Location": "http://169.254.169.254/latest/meta-data/"}

    sent = ping(subscription, acme_admin, django_capture_on_commit_callbacks)

    assert len(receiver.requests) == 1
    assert (sent.state, sent.last_status_code) == (DeliveryState.PENDING, 302)
    assert "redirects are not followed" in sent.last_error


def test_a_receiver_that_cannot_be_reached_is_tried_again_later(
    acme_admin, receiver, django_capture_on_commit_callbacks
):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    subscription = subscribe(acme_admin, f"http://127.0.0.1:{closed_port}/hook")

    sent = ping(subscription, acme_admin, django_capture_on_commit_callbacks)

    assert sent.state == DeliveryState.PENDING
    assert sent.last_status_code is None
    assert "ConnectionRefusedError" in sent.last_error
    assert sent.next_attempt_at > timezone.now()


def test_a_url_the_guard_refuses_at_send_time_is_given_up_at_once(
    acme_admin, receiver, settings, django_capture_on_commit_callbacks
):
    subscription = subscribe(acme_admin, receiver.url)
    settings.TIQUE_WEBHOOKS_ALLOW_PRIVATE = False  # e.g. the setting was turned off since

    sent = ping(subscription, acme_admin, django_capture_on_commit_callbacks)

    assert receiver.requests == []
    assert (sent.state, sent.attempts) == (DeliveryState.FAILED, 1)
    assert sent.last_error.startswith("Refused: ")


def test_only_the_start_of_the_answer_is_kept(
    acme_admin, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(acme_admin, receiver.url)
    receiver.status = 200
    receiver.answer = b"ok\x00" + b"x" * 20_000

    sent = ping(subscription, acme_admin, django_capture_on_commit_callbacks)

    assert sent.state == DeliveryState.DELIVERED
    assert len(sent.response_excerpt) == 4096
    assert sent.response_excerpt.startswith("ok\ufffdxxx")


def test_a_slow_receiver_times_out_and_is_tried_again(
    acme_admin, receiver, settings, django_capture_on_commit_callbacks
):
    settings.TIQUE_WEBHOOK_TIMEOUT = 1
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        subscription = subscribe(acme_admin, f"http://127.0.0.1:{silent.getsockname()[1]}/")

        sent = ping(subscription, acme_admin, django_capture_on_commit_callbacks)

    assert sent.state == DeliveryState.PENDING
    assert "timed out" in sent.last_error


def test_backoff_doubles_from_a_minute_up_to_an_hour():
    assert [backoff(n).total_seconds() / 60 for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]
