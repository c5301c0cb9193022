"""Where an inbound e-mail goes. The ticket it is about is found by, in order: the
reply token in the address it was sent to, the Message-IDs it answers, and a `[#N]` tag
in its subject. It is added to that ticket only if its sender may see the ticket under
the same rules as the panel; otherwise it waits in quarantine, and nothing tells the
sender whether the ticket exists."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

from tique.accounts.models import User
from tique.accounts.selectors import memberships_of
from tique.core import ratelimit
from tique.mail import compose
from tique.mail.choices import InboundOutcome, InboundState, OutboundState
from tique.mail.inbound.parse import ParsedEmail
from tique.mail.inbound.tokens import number_from_recipients
from tique.mail.models import OutboundEmail
from tique.tickets import permissions, selectors, services
from tique.tickets.attachments import validate_upload
from tique.tickets.choices import Channel, Status
from tique.tickets.models import Message, Ticket

DEFAULT_KIND = ("query", "technical")
_SUBJECT_TAG = re.compile(r"\[#(\d{1,18})\]")
SUBJECT_MAX = 200


@dataclass(frozen=True)
class Decision:
    state: InboundState
    outcome: InboundOutcome = InboundOutcome.NONE
    reason: str = ""
    ticket: Ticket | None = None


def quarantine(reason: str) -> Decision:
    return Decision(InboundState.QUARANTINED, reason=reason)


def kind_for_mailbox(mailbox: str) -> tuple[str, str]:
    """The catalogue entry (category, slug) new tickets from a mailbox become."""
    for entry in settings.TIQUE_IMAP_MAILBOXES:
        if entry["name"] == mailbox and entry.get("kind"):
            category, _colon, slug = str(entry["kind"]).partition(":")
            return category, slug
    return DEFAULT_KIND


def route(parsed: ParsedEmail, *, received_at: dt.datetime, mailbox: str = "") -> Decision:
    """Decide and do: bounces are recorded, automatic mail is ignored, a reply is added
    to its ticket, a new message opens one; anything doubtful goes to quarantine. Runs
    inside the caller's transaction."""
    if parsed.is_bounce:
        bounced = OutboundEmail.objects.filter(message_id__in=parsed.bounced_message_ids)
        count = bounced.update(state=OutboundState.BOUNCED, last_error="bounced")
        return Decision(
            InboundState.PROCESSED, InboundOutcome.BOUNCE, f"{count} of our e-mails bounced"
        )
    if parsed.is_auto:
        return Decision(InboundState.PROCESSED, InboundOutcome.AUTOMATIC)
    sender = User.objects.filter(email__iexact=parsed.from_address, is_active=True).first()
    ticket = _ticket_about(parsed)
    kind = kind_for_mailbox(mailbox)
    if ticket is not None:
        if _may_add(sender, ticket) or settings.TIQUE_MAIL_FOREIGN_REPLY != "new_ticket":
            return _reply(parsed, sender, ticket)
        # Not theirs: a ticket of their own, with no word of the other one.
        return _new_ticket(parsed, sender, received_at, kind)
    return _new_ticket(parsed, sender, received_at, kind)


def _may_add(sender: User | None, ticket: Ticket) -> bool:
    return sender is not None and Ticket.objects.visible_to(sender).filter(pk=ticket.pk).exists()


def _ticket_about(parsed: ParsedEmail) -> Ticket | None:
    number = number_from_recipients(parsed.recipients)
    if number is None:
        number = _number_from_thread([*parsed.in_reply_to, *reversed(parsed.references)])
    if number is None:
        match = _SUBJECT_TAG.search(parsed.subject)
        number = int(match.group(1)) if match else None
    if number is None:
        return None
    ticket = Ticket.objects.filter(number=number).first()
    return selectors.ticket_survivor(ticket) if ticket is not None else None


_OUR_ID = re.compile(r"^<ticket-(\d{1,18})(?:\.[0-9a-f]+)?@(.+)>$")


def _number_from_thread(message_ids: list[str]) -> int | None:
    for message_id in message_ids:
        match = _OUR_ID.match(message_id)
        if match and match.group(2).lower() == settings.TIQUE_MAIL_DOMAIN.lower():
            return int(match.group(1))
        message = (
            Message.objects.filter(email_message_id=message_id).select_related("ticket").first()
        )
        if message is not None:
            return message.ticket.number
    return None


def _uploads(parsed: ParsedEmail) -> tuple[list[UploadedFile], list[str]]:
    accepted: list[UploadedFile] = []
    refused: list[str] = []
    for attachment in parsed.attachments:
        upload = SimpleUploadedFile(
            attachment.filename, attachment.content, attachment.content_type
        )
        try:
            validate_upload(upload)
        except ValidationError as error:
            refused.append(" ".join(error.messages))
        else:
            accepted.append(upload)
    return accepted, refused


def _reply(parsed: ParsedEmail, sender: User | None, ticket: Ticket) -> Decision:
    if sender is None or not _may_add(sender, ticket):
        return quarantine(
            f"{parsed.from_address or 'An unknown sender'} may not add to ticket #{ticket.number}."
        )
    if ticket.status == Status.CLOSED:
        return quarantine(f"Ticket #{ticket.number} is closed.")
    membership = next(
        (m for m in memberships_of(sender) if m.account_id == ticket.account_id), None
    )
    uploads, refused = _uploads(parsed)
    services.message_add(
        ticket=ticket,
        author=sender,
        membership=membership,
        body=parsed.reply_text or parsed.text or "(sin texto)",
        uploads=uploads,
        channel=Channel.EMAIL,
        email_message_id=parsed.message_id,
    )
    return Decision(InboundState.PROCESSED, InboundOutcome.REPLY, _refused(refused), ticket)


def _new_ticket(
    parsed: ParsedEmail, sender: User | None, received_at: dt.datetime, kind_key: tuple[str, str]
) -> Decision:
    if sender is None:
        return _stranger(parsed)
    if sender.is_staff:
        return quarantine("An e-mail from staff that is about no ticket.")
    membership = next((m for m in memberships_of(sender) if permissions.can_open_tickets(m)), None)
    kind = selectors.catalogue_entry(*kind_key) or selectors.catalogue_entry(*DEFAULT_KIND)
    if membership is None or kind is None:
        return quarantine(f"{sender.email} may not open tickets.")
    uploads, refused = _uploads(parsed)
    # At most a few automatic answers per sender and hour: two robots writing to each
    # other (or one mail loop) get a handful, not an endless exchange.
    acknowledge = ratelimit.hit(
        "mail-ack",
        sender.email.lower(),
        limit=settings.TIQUE_MAIL_ACK_LIMIT,
        window=60 * 60,
    )
    ticket = services.ticket_create(
        draft=services.TicketDraft(
            membership=membership,
            created_by=sender,
            kind=kind,
            values={},
            subject=(parsed.subject or "(sin asunto)")[:SUBJECT_MAX],
            body=parsed.text or "(sin texto)",
            uploads=[("", upload) for upload in uploads],
            channel=Channel.EMAIL,
            received_at=received_at,
            email_message_id=parsed.message_id,
            acknowledge=acknowledge,
        )
    )
    return Decision(InboundState.PROCESSED, InboundOutcome.NEW_TICKET, _refused(refused), ticket)


def _refused(refused: list[str]) -> str:
    return ("Attachments not accepted: " + "; ".join(refused)) if refused else ""


def _stranger(parsed: ParsedEmail) -> Decision:
    """A new e-mail from an address with no account: the unknown senders' queue (the
    quarantine), or a polite answer when so configured (a few per address and hour)."""
    reason = f"Unknown sender {parsed.from_address or '(none)'}."
    if settings.TIQUE_MAIL_UNKNOWN_SENDERS != "reject" or not parsed.from_address:
        return quarantine(reason)
    if ratelimit.hit(
        "mail-stranger", parsed.from_address, limit=settings.TIQUE_MAIL_ACK_LIMIT, window=3600
    ):
        compose.queue_to_stranger(
            address=parsed.from_address, subject=parsed.subject, in_reply_to=parsed.message_id
        )
    return Decision(InboundState.PROCESSED, InboundOutcome.REJECTED, reason)
