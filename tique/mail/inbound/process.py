"""Processing a stored e-mail: parse, route, record the outcome. Idempotent (a message
is claimed before it is worked on) and never blocking: whatever goes wrong with one
message sends it to quarantine, and the next one is processed as usual."""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from tique.mail.choices import InboundState
from tique.mail.inbound.parse import ParseError, parse_email
from tique.mail.inbound.route import Decision, quarantine, route
from tique.mail.models import InboundEmail

logger = logging.getLogger(__name__)


def process(email_id: int) -> InboundEmail:
    claimed = InboundEmail.objects.filter(pk=email_id, state=InboundState.RECEIVED).update(
        state=InboundState.PROCESSING, attempts=F("attempts") + 1
    )
    email = InboundEmail.objects.get(pk=email_id)
    if not claimed:
        return email
    decision = _decide(email)
    InboundEmail.objects.filter(pk=email.pk).update(
        state=decision.state,
        outcome=decision.outcome,
        reason=decision.reason,
        ticket=decision.ticket,
        processed_at=timezone.now(),
    )
    email.refresh_from_db()
    return email


def _decide(email: InboundEmail) -> Decision:
    try:
        parsed = parse_email(bytes(email.raw))
    except ParseError as error:
        return quarantine(f"Not an e-mail: {error}")
    except Exception as error:
        logger.exception("could not parse inbound e-mail %s", email.pk)
        return quarantine(f"Could not be read: {error!r}")
    try:
        with transaction.atomic():
            return route(parsed, received_at=email.received_at, mailbox=email.mailbox)
    except Exception as error:
        logger.exception("could not route inbound e-mail %s", email.pk)
        return quarantine(f"Could not be processed: {error!r}")


def retry(email_id: int) -> InboundEmail:
    """A supervisor sends a quarantined message through again."""
    InboundEmail.objects.filter(pk=email_id, state=InboundState.QUARANTINED).update(
        state=InboundState.RECEIVED
    )
    return process(email_id)


def discard(email_id: int) -> None:
    """A supervisor decides a quarantined message needs nothing (it is kept, raw)."""
    InboundEmail.objects.filter(pk=email_id, state=InboundState.QUARANTINED).update(
        state=InboundState.DISCARDED, processed_at=timezone.now()
    )


STUCK_AFTER = dt.timedelta(minutes=10)
MAX_ATTEMPTS = 5


def process_stuck(now: dt.datetime | None = None) -> int:
    """Scheduler job: process what a lost task left behind — messages still waiting, and
    messages a dead worker left half-processed (their work was rolled back with it). A
    message that keeps failing that way goes to quarantine. Returns how many it took."""
    now = now or timezone.now()
    limit = now - STUCK_AFTER
    worn = InboundEmail.objects.filter(
        state=InboundState.PROCESSING, received_at__lt=limit, attempts__gte=MAX_ATTEMPTS
    )
    worn.update(
        state=InboundState.QUARANTINED,
        reason="Processing was interrupted too many times.",
        processed_at=now,
    )
    InboundEmail.objects.filter(state=InboundState.PROCESSING, received_at__lt=limit).update(
        state=InboundState.RECEIVED
    )
    waiting = InboundEmail.objects.filter(state=InboundState.RECEIVED, received_at__lt=limit)
    taken = 0
    for pk in waiting.order_by("received_at").values_list("pk", flat=True)[:200]:
        process(pk)
        taken += 1
    return taken
