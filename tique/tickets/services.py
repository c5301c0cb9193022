"""The only writers of tickets, messages, attachments and events.

Each service checks the policy itself (so no surface can forget to), runs in one
transaction and records what it changed in the ticket's events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tique.accounts.models import Membership, User
from tique.tickets import permissions
from tique.tickets.attachments import checksum, guess_type, sanitize_filename
from tique.tickets.catalogue import format_list_item
from tique.tickets.choices import Channel, EventKind, Priority, ServiceAffecting, Status
from tique.tickets.models import (
    Attachment,
    CatalogueEntry,
    IncidentKind,
    Message,
    QueryKind,
    RequestType,
    Ticket,
    TicketEvent,
)
from tique.tickets.numbering import next_ticket_number

SUBJECT_MAX = 200


@dataclass(frozen=True)
class TicketDraft:
    """What a new ticket is made of, already validated against its kind's fields."""

    membership: Membership
    created_by: User
    kind: CatalogueEntry
    values: dict[str, Any]
    subject: str = ""
    body: str = ""
    uploads: Sequence[tuple[str, UploadedFile]] = field(default_factory=tuple)
    channel: Channel = Channel.WEB


def is_service_affecting(kind: CatalogueEntry, values: dict[str, Any]) -> bool:
    """Whether an incident stops the telephone service (the after-hours rule reads this)."""
    if not isinstance(kind, IncidentKind):
        return False
    if kind.service_affecting == ServiceAffecting.ALWAYS:
        return True
    return kind.service_affecting == ServiceAffecting.WHEN_FAILING and bool(
        values.get("calls_failing_now")
    )


def _default_subject(kind: CatalogueEntry, values: dict[str, Any]) -> str:
    affected = values.get("affected") or values.get("numbers") or []
    shown = [format_list_item(item) for item in affected[:3]]
    subject = f"{kind.name} — {', '.join(shown)}" if shown else kind.name
    return subject[:SUBJECT_MAX]


def ticket_create(*, draft: TicketDraft) -> Ticket:
    membership, kind = draft.membership, draft.kind
    if not permissions.can_use_kind(membership, kind):
        raise PermissionDenied("this user may not open this kind of ticket for this account")
    account = membership.account
    service_affecting = is_service_affecting(kind, draft.values)
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.create(
            number=next_ticket_number(),
            account=account,
            requester=draft.created_by,
            created_by=draft.created_by,
            category=kind.category,
            query_kind=kind if isinstance(kind, QueryKind) else None,
            request_type=kind if isinstance(kind, RequestType) else None,
            incident_kind=kind if isinstance(kind, IncidentKind) else None,
            subject=(draft.subject.strip() or _default_subject(kind, draft.values))[:SUBJECT_MAX],
            fields=draft.values,
            priority=Priority.HIGH if service_affecting else Priority.NORMAL,
            channel=draft.channel,
            team_id=kind.team_id,
            service_affecting=service_affecting,
            language=draft.created_by.language or account.language,
            created_at=now,
            last_activity_at=now,
        )
        message = None
        if draft.body.strip():
            message = Message.objects.create(
                ticket=ticket,
                author=draft.created_by,
                body=draft.body.strip(),
                channel=draft.channel,
                created_at=now,
            )
        _store_uploads(ticket, message, draft.created_by, draft.uploads)
        TicketEvent.objects.create(
            ticket=ticket,
            actor=draft.created_by,
            kind=EventKind.CREATED,
            new_value=Status.NEW,
            data={"channel": draft.channel, "kind": kind.slug},
            created_at=now,
        )
    return ticket


def _store_uploads(
    ticket: Ticket,
    message: Message | None,
    uploader: User,
    uploads: Sequence[tuple[str, UploadedFile]],
) -> list[Attachment]:
    stored = []
    for field_name, upload in uploads:
        name = sanitize_filename(upload.name or "")
        attachment = Attachment(
            ticket=ticket,
            message=message,
            field_name=field_name,
            original_name=name,
            size=upload.size or 0,
            content_type=guess_type(name),
            sha256=checksum(upload),
            uploaded_by=uploader,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def _locked(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _record(ticket: Ticket, actor: User, kind: EventKind, old: str = "", new: str = "") -> None:
    TicketEvent.objects.create(ticket=ticket, actor=actor, kind=kind, old_value=old, new_value=new)


def _move(ticket: Ticket, actor: User, status: Status) -> None:
    """Change the status of a locked ticket and record it; the caller saves."""
    old = ticket.status
    ticket.status = status
    now = timezone.now()
    if status == Status.SOLVED:
        ticket.solved_at = now
    elif status == Status.CLOSED:
        ticket.closed_at = now
    elif old == Status.SOLVED:
        ticket.solved_at = None
    _record(ticket, actor, EventKind.STATUS, old, status)


def message_add(
    *,
    ticket: Ticket,
    author: User,
    membership: Membership | None,
    body: str,
    uploads: Sequence[UploadedFile] = (),
    internal: bool = False,
    channel: Channel = Channel.WEB,
) -> Message:
    """A public reply or (staff only) an internal note. A customer's reply reopens a
    solved ticket and takes a pending one back to open."""
    if not permissions.can_reply(author, ticket, membership):
        raise PermissionDenied("this user may not reply to this ticket")
    if internal and not author.is_staff:
        raise PermissionDenied("only staff write internal notes")
    if not body.strip() and not uploads:
        raise ValidationError({"body": _("Write a message or attach a file.")})
    with transaction.atomic():
        locked = _locked(ticket)
        if locked.status == Status.CLOSED:
            raise ValidationError(
                {"body": _("This ticket is closed. Open a new ticket to continue.")}
            )
        now = timezone.now()
        message = Message.objects.create(
            ticket=locked,
            author=author,
            body=body.strip(),
            is_internal=internal,
            channel=channel,
            created_at=now,
        )
        _store_uploads(locked, message, author, [("", upload) for upload in uploads])
        _record(locked, author, EventKind.NOTE if internal else EventKind.REPLY)
        is_customer = not author.is_staff
        if is_customer and locked.status in {Status.SOLVED, Status.PENDING}:
            _move(locked, author, Status.OPEN)
        locked.last_activity_at = now
        locked.save()
    ticket.refresh_from_db()
    return message


def ticket_set_status(
    *, ticket: Ticket, actor: User, membership: Membership | None, status: Status
) -> Ticket:
    with transaction.atomic():
        locked = _locked(ticket)
        if not permissions.can_set_status(actor, locked, membership, status):
            raise PermissionDenied(f"this user may not move the ticket to {status}")
        _move(locked, actor, status)
        locked.last_activity_at = timezone.now()
        locked.save()
    ticket.refresh_from_db()
    return ticket
