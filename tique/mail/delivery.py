"""Sending what the outbox holds, at least once and, barring a crash mid-send, once.

A sender first claims an e-mail with a conditional UPDATE (pending and due → sending),
so two workers, or a worker and the sweep, never both send it. The claim is a lease:
`next_attempt_at` becomes the time after which the sweep may take the e-mail back from
a sender that died. A failed send is retried with exponential backoff until
`TIQUE_MAIL_MAX_ATTEMPTS` tries have been made; a recipient the server refuses for good
(a 5xx answer) is given up at once.
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
import smtplib
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, QuerySet
from django.utils import timezone

from tique.mail.choices import OutboundState
from tique.mail.inbound.tokens import reply_address
from tique.mail.models import OutboundEmail

logger = logging.getLogger(__name__)

# How long a sender may hold an e-mail before the sweep takes it back: far longer than
# an SMTP conversation may block (EMAIL_TIMEOUT).
SEND_LEASE = dt.timedelta(minutes=10)
MAX_BACKOFF = dt.timedelta(hours=1)
SWEEP_BATCH = 100
LOST = "The sender stopped before finishing (worker lost); sent again."
LOST_FOR_GOOD = "The sender stopped before finishing (worker lost); no tries left."
ERROR_MAX = 2000


class Outcome(enum.Enum):
    NOT_CLAIMED = "not_claimed"  # not pending, not due, or another sender has it
    SENT = "sent"
    RETRY = "retry"  # failed; tried again later
    UNREACHABLE = "unreachable"  # the server could not be reached; tried again later
    FAILED = "failed"  # given up


@dataclass(frozen=True)
class SweepResult:
    recovered: int = 0
    given_up: int = 0
    sent: int = 0
    retrying: int = 0


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed try: 1, 2, 4, 8… minutes, at most an hour."""
    return min(dt.timedelta(minutes=2 ** min(max(attempts - 1, 0), 16)), MAX_BACKOFF)


def claim(email_id: int) -> bool:
    now = timezone.now()
    claimed = OutboundEmail.objects.filter(
        pk=email_id, state=OutboundState.PENDING, next_attempt_at__lte=now
    ).update(
        state=OutboundState.SENDING,
        attempts=F("attempts") + 1,
        next_attempt_at=now + SEND_LEASE,
    )
    return claimed == 1


def deliver(email_id: int) -> Outcome:
    """Send one e-mail if it is pending and due; safe to call any number of times."""
    if not claim(email_id):
        return Outcome.NOT_CLAIMED
    email = OutboundEmail.objects.select_related("ticket").get(pk=email_id)
    try:
        build_message(email).send()
    except Exception as error:  # any failure is recorded and retried
        return _record_failure(email, error)
    # Unconditional: it has gone, whatever a sweep decided meanwhile about a slow sender.
    OutboundEmail.objects.filter(pk=email.pk).update(
        state=OutboundState.SENT, sent_at=timezone.now(), last_error=""
    )
    return Outcome.SENT


def build_message(email: OutboundEmail) -> EmailMultiAlternatives:
    headers = {
        "Message-ID": email.message_id,
        # RFC 3834: an automatic message; well-behaved responders do not answer it.
        "Auto-Submitted": "auto-generated",
        "X-Auto-Response-Suppress": "OOF, AutoReply",
    }
    if email.in_reply_to:
        headers["In-Reply-To"] = email.in_reply_to
    if email.references:
        headers["References"] = email.references
    if email.ticket_id is not None and email.ticket is not None:
        # Replies come back to the ticket by its token, whatever the mail client does
        # with the threading headers.
        headers["Reply-To"] = reply_address(email.ticket.number)
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_address],
        headers=headers,
    )
    message.attach_alternative(email.html_body, "text/html")
    return message


def is_permanent(error: Exception) -> bool:
    """The server refused this e-mail for good (5xx for its recipient or its content).
    A refused sender or a failed sign-in is a configuration problem that, once fixed,
    lets every e-mail through: those are retried."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    return isinstance(error, smtplib.SMTPDataError) and error.smtp_code >= 500


def is_unreachable(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPServerDisconnected):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _record_failure(email: OutboundEmail, error: Exception) -> Outcome:
    text = f"{type(error).__name__}: {error}"[:ERROR_MAX]
    mine = OutboundEmail.objects.filter(pk=email.pk, state=OutboundState.SENDING)
    if is_permanent(error) or email.attempts >= settings.TIQUE_MAIL_MAX_ATTEMPTS:
        mine.update(state=OutboundState.FAILED, last_error=text)
        logger.warning(
            "Gave up outbound e-mail %s to %s after %s tries: %s",
            email.pk,
            email.to_address,
            email.attempts,
            text,
        )
        return Outcome.FAILED
    mine.update(
        state=OutboundState.PENDING,
        next_attempt_at=timezone.now() + backoff(email.attempts),
        last_error=text,
    )
    logger.info("Outbound e-mail %s failed (try %s): %s", email.pk, email.attempts, text)
    return Outcome.UNREACHABLE if is_unreachable(error) else Outcome.RETRY


def recover_lost() -> tuple[int, int]:
    """Take back e-mails whose sender's lease ran out: pending again, or given up if
    they have had all their tries. Returns (recovered, given up)."""
    lost = OutboundEmail.objects.filter(
        state=OutboundState.SENDING, next_attempt_at__lte=timezone.now()
    )
    max_attempts = settings.TIQUE_MAIL_MAX_ATTEMPTS
    given_up = lost.filter(attempts__gte=max_attempts).update(
        state=OutboundState.FAILED, last_error=LOST_FOR_GOOD
    )
    recovered = lost.filter(attempts__lt=max_attempts).update(
        state=OutboundState.PENDING, next_attempt_at=timezone.now(), last_error=LOST
    )
    if recovered or given_up:
        logger.warning("Took back %s outbound e-mails from lost senders", recovered + given_up)
    return recovered, given_up


def retry_due_emails(*, limit: int = SWEEP_BATCH) -> SweepResult:
    """The scheduler's sweep: take back e-mails from lost senders, then send what is due
    (retries after a failure, and e-mails whose task was lost), oldest first.

    It sends in this process rather than enqueueing again, so it works with no worker
    running and never piles up tasks while the workers are down; the claim keeps a
    worker that runs the same e-mail's task from sending it twice. It stops early when
    the mail server cannot be reached: the rest would only time out too."""
    recovered, given_up = recover_lost()
    due = list(
        OutboundEmail.objects.filter(
            state=OutboundState.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    sent = retrying = 0
    for email_id in due:
        outcome = deliver(email_id)
        if outcome is Outcome.SENT:
            sent += 1
        elif outcome is Outcome.FAILED:
            given_up += 1
        elif outcome in {Outcome.RETRY, Outcome.UNREACHABLE}:
            retrying += 1
        if outcome is Outcome.UNREACHABLE:
            break
    return SweepResult(recovered=recovered, given_up=given_up, sent=sent, retrying=retrying)


def send_again(emails: QuerySet[OutboundEmail]) -> int:
    """Give failed e-mails a fresh set of tries (after the cause was fixed); the next
    sweep sends them. Returns how many."""
    return emails.filter(state=OutboundState.FAILED).update(
        state=OutboundState.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
