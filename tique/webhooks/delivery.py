"""Sending what the webhook outbox holds, at least once and, barring a crash mid-send,
once: the model is `tique.mail.delivery`.

A sender first claims a delivery with a conditional UPDATE (pending, due and its
subscription active → sending), so two workers, or a worker and the sweep, never both
send it. The claim is a lease: `next_attempt_at` becomes the time after which the sweep
may take the delivery back from a sender that died. A failed try (no connection, a
timeout, an answer other than 2xx) is retried with exponential backoff until
`TIQUE_WEBHOOK_MAX_ATTEMPTS` tries have been made; a URL the guard refuses is given up
at once. `TIQUE_WEBHOOK_DISABLE_AFTER` deliveries given up in a row disable the
subscription; a delivered one starts the count again.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from tique.webhooks import transport
from tique.webhooks.choices import DeliveryState, DisabledReason
from tique.webhooks.models import WebhookDelivery, WebhookSubscription
from tique.webhooks.signing import HEADER as SIGNATURE_HEADER
from tique.webhooks.signing import signature_header

logger = logging.getLogger(__name__)

USER_AGENT = "Tique-Webhooks/1"
# Far longer than a try may block (TIQUE_WEBHOOK_TIMEOUT, for connecting and for each
# read), after which the sweep takes the delivery back from a sender that died.
SEND_LEASE = dt.timedelta(minutes=5)
MAX_BACKOFF = dt.timedelta(hours=1)
SWEEP_BATCH = 100
ERROR_MAX = 2000
LOST = "The sender stopped before finishing (worker lost); sent again."
LOST_FOR_GOOD = "The sender stopped before finishing (worker lost); no tries left."
DISABLED = "The subscription was disabled before this delivery was sent."


class Outcome(enum.Enum):
    NOT_CLAIMED = "not_claimed"  # not pending, not due, disabled, or another sender has it
    DELIVERED = "delivered"
    RETRY = "retry"  # failed; tried again later
    FAILED = "failed"  # given up


@dataclass(frozen=True)
class SweepResult:
    recovered: int = 0
    given_up: int = 0
    delivered: int = 0
    retrying: int = 0


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed try: 1, 2, 4, 8… minutes, at most an hour."""
    return min(dt.timedelta(minutes=2 ** min(max(attempts - 1, 0), 16)), MAX_BACKOFF)


def encode(payload: Any) -> bytes:
    """The request body: the same bytes for the same payload, whichever database kept it."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def request_headers(delivery: WebhookDelivery, secret: str, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Tique-Event": delivery.event,
        "Tique-Delivery": str(delivery.uuid),
        SIGNATURE_HEADER: signature_header(secret, body),
    }


def claim(delivery_id: int) -> bool:
    now = timezone.now()
    # The subscription's state is asked in a subquery, not a join: an UPDATE with a join
    # is rewritten as `id IN (…)`, and PostgreSQL would not check the state again on a
    # row another sender changed meanwhile.
    active = WebhookSubscription.objects.filter(is_active=True).values("pk")
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id,
        state=DeliveryState.PENDING,
        next_attempt_at__lte=now,
        subscription_id__in=active,
    ).update(
        state=DeliveryState.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now + SEND_LEASE,
        last_attempt_at=now,
    )
    return claimed == 1


def deliver(delivery_id: int) -> Outcome:
    """Send one delivery if it is pending and due; safe to call any number of times."""
    if not claim(delivery_id):
        return Outcome.NOT_CLAIMED
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None:  # its subscription was deleted meanwhile
        return Outcome.NOT_CLAIMED
    subscription = delivery.subscription
    body = encode(delivery.payload)
    try:
        target = transport.check_url(subscription.url)
        response = transport.post(
            target,
            body,
            request_headers(delivery, subscription.secret, body),
            timeout=settings.TIQUE_WEBHOOK_TIMEOUT,
        )
    except transport.RefusedUrl as error:
        return _record_failure(delivery, f"Refused: {error}", permanent=True)
    except Exception as error:  # any failure is recorded and retried
        return _record_failure(delivery, f"{type(error).__name__}: {error}")
    if 200 <= response.status < 300:
        _record_success(delivery, response)
        return Outcome.DELIVERED
    return _record_failure(
        delivery,
        _status_error(response.status),
        status=response.status,
        excerpt=response.excerpt,
    )


def _status_error(status: int) -> str:
    if 300 <= status < 400:
        return f"HTTP {status}: redirects are not followed"
    return f"HTTP {status}"


def _record_success(delivery: WebhookDelivery, response: transport.Response) -> None:
    # Unconditional: it has arrived, whatever a sweep decided meanwhile about a slow sender.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=DeliveryState.DELIVERED,
        delivered_at=timezone.now(),
        last_status_code=response.status,
        response_excerpt=response.excerpt,
        last_error="",
    )
    WebhookSubscription.objects.filter(
        pk=delivery.subscription_id, consecutive_failures__gt=0
    ).update(consecutive_failures=0)


def _record_failure(
    delivery: WebhookDelivery,
    error: str,
    *,
    status: int | None = None,
    excerpt: str = "",
    permanent: bool = False,
) -> Outcome:
    text = transport.excerpt_text(error.encode())[:ERROR_MAX]
    mine = WebhookDelivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING)
    fields = {"last_error": text, "last_status_code": status, "response_excerpt": excerpt}
    if permanent or delivery.attempts >= settings.TIQUE_WEBHOOK_MAX_ATTEMPTS:
        if mine.update(state=DeliveryState.FAILED, **fields):
            count_given_up(delivery.subscription_id)
        logger.warning(
            "Gave up webhook delivery %s after %s tries: %s", delivery.pk, delivery.attempts, text
        )
        return Outcome.FAILED
    mine.update(
        state=DeliveryState.PENDING,
        next_attempt_at=timezone.now() + backoff(delivery.attempts),
        **fields,
    )
    logger.info("Webhook delivery %s failed (try %s): %s", delivery.pk, delivery.attempts, text)
    return Outcome.RETRY


def count_given_up(subscription_id: int) -> None:
    """One more delivery given up in a row; enough of them disable the subscription."""
    with transaction.atomic():
        subscription = WebhookSubscription.objects.filter(pk=subscription_id)
        subscription.update(consecutive_failures=F("consecutive_failures") + 1)
        disabled = subscription.filter(
            is_active=True, consecutive_failures__gte=settings.TIQUE_WEBHOOK_DISABLE_AFTER
        ).update(
            is_active=False,
            disabled_at=timezone.now(),
            disabled_reason=DisabledReason.FAILURES,
        )
        if disabled:
            abandon_pending(subscription_id)
            logger.warning(
                "Disabled webhook subscription %s after %s deliveries given up in a row",
                subscription_id,
                settings.TIQUE_WEBHOOK_DISABLE_AFTER,
            )


def abandon_pending(subscription_id: int) -> int:
    """A disabled subscription's waiting deliveries are not sent."""
    return WebhookDelivery.objects.filter(
        subscription_id=subscription_id, state=DeliveryState.PENDING
    ).update(state=DeliveryState.FAILED, last_error=DISABLED)


def recover_lost() -> tuple[int, int]:
    """Take back deliveries whose sender's lease ran out: pending again, or given up if
    they have had all their tries. Returns (recovered, given up)."""
    now = timezone.now()
    lost = WebhookDelivery.objects.filter(state=DeliveryState.SENDING, next_attempt_at__lte=now)
    max_attempts = settings.TIQUE_WEBHOOK_MAX_ATTEMPTS
    given_up = 0
    for pk, subscription_id in lost.filter(attempts__gte=max_attempts).values_list(
        "pk", "subscription_id"
    ):
        if lost.filter(pk=pk).update(state=DeliveryState.FAILED, last_error=LOST_FOR_GOOD):
            given_up += 1
            count_given_up(subscription_id)
    recovered = lost.filter(attempts__lt=max_attempts).update(
        state=DeliveryState.PENDING, next_attempt_at=now, last_error=LOST
    )
    if recovered or given_up:
        logger.warning("Took back %s webhook deliveries from lost senders", recovered + given_up)
    return recovered, given_up


def retry_due_webhooks(*, limit: int = SWEEP_BATCH) -> SweepResult:
    """The scheduler's sweep: take back deliveries from lost senders, then send what is
    due (retries after a failure, and deliveries whose task was lost), oldest first.

    It sends in this process rather than enqueueing again, so it works with no worker
    running; the claim keeps a worker that runs the same delivery's task from sending it
    twice. After a failure it skips that subscription's other deliveries until the next
    sweep: they would most likely only wait for the same timeout."""
    recovered, given_up = recover_lost()
    active = WebhookSubscription.objects.filter(is_active=True).values("pk")
    due = list(
        WebhookDelivery.objects.filter(
            state=DeliveryState.PENDING,
            next_attempt_at__lte=timezone.now(),
            subscription_id__in=active,
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", "subscription_id")[:limit]
    )
    delivered = retrying = 0
    failing: set[int] = set()
    for delivery_id, subscription_id in due:
        if subscription_id in failing:
            continue
        outcome = deliver(delivery_id)
        if outcome is Outcome.DELIVERED:
            delivered += 1
        elif outcome is Outcome.FAILED:
            given_up += 1
            failing.add(subscription_id)
        elif outcome is Outcome.RETRY:
            retrying += 1
            failing.add(subscription_id)
    return SweepResult(
        recovered=recovered, given_up=given_up, delivered=delivered, retrying=retrying
    )


def send_again(deliveries: QuerySet[WebhookDelivery]) -> int:
    """Give failed deliveries a fresh set of tries (after the cause was fixed); the next
    sweep sends those whose subscription is active. Returns how many."""
    return deliveries.filter(state=DeliveryState.FAILED).update(
        state=DeliveryState.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
