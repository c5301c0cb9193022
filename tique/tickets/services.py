"""The only writers of tickets, messages, attachments and events.

Each service checks the policy itself (so no surface can forget to), runs in one
transaction and records what it changed in the ticket's events.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tique.accounts.models import Membership, Team, User
from tique.mail import notifications
from tique.sla import clock as sla_clock
from tique.tickets import permissions
from tique.tickets.attachments import checksum, guess_type, sanitize_filename
from tique.tickets.catalogue import format_list_item
from tique.tickets.choices import (
    AfterHours,
    Channel,
    EventKind,
    Priority,
    ServiceAffecting,
    Status,
)
from tique.tickets.models import (
    Attachment,
    CannedReply,
    CatalogueEntry,
    IdempotencyKey,
    IncidentKind,
    Message,
    QueryKind,
    RequestType,
    Ticket,
    TicketEvent,
    TicketLink,
    TicketPresence,
)
from tique.tickets.numbering import next_ticket_number
from tique.tickets.routing import round_robin_pick
from tique.webhooks import events as webhook_events

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
    # When the customer sent it, if not now (an e-mail read later, an import): the
    # after-hours rule and the SLA clock count from then.
    received_at: dt.datetime | None = None
    # The Message-ID of the e-mail that opened it, for threading the replies to it.
    email_message_id: str = ""
    # Off when the channel must not answer automatically (a sender over its limit).
    acknowledge: bool = True


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
    now = draft.received_at or timezone.now()
    with transaction.atomic():
        ticket = Ticket(
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
            team=kind.team,  # read with the kind: the team's e-mails need it
            service_affecting=service_affecting,
            language=draft.created_by.language or account.language,
            created_at=now,
            last_activity_at=now,
        )
        # The SLA's policy and first due times are set before the row is written: one
        # INSERT, not an INSERT and an UPDATE that recomputes the search vectors.
        arrival = sla_clock.start(ticket, now)
        ticket.save(force_insert=True)
        message = None
        if draft.body.strip():
            message = Message.objects.create(
                ticket=ticket,
                author=draft.created_by,
                body=draft.body.strip(),
                channel=draft.channel,
                email_message_id=draft.email_message_id,
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
        if arrival.after_hours:
            _record(
                ticket,
                None,
                EventKind.AFTER_HOURS,
                "",
                arrival.after_hours,
                {"attend_from": arrival.attend_from.isoformat()},
            )
        agent = round_robin_pick(kind.team) if kind.team_id else None
        if agent is not None:
            ticket.assignee = agent
            ticket.save(update_fields=["assignee"])
            _record(ticket, None, EventKind.ASSIGNEE, "", agent.display_name, {"to": agent.pk})
            notifications.ticket_assigned(ticket, agent, draft.created_by)
        notifications.ticket_created(ticket, opening=message)
        if draft.acknowledge:
            notifications.ticket_received(ticket, calendar=arrival.calendar)
        if arrival.after_hours == AfterHours.URGENT:
            notifications.urgent_after_hours(ticket)
        webhook_events.ticket_created(ticket, draft.created_by, message)
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


def _record(
    ticket: Ticket,
    actor: User | None,
    kind: EventKind,
    old: str = "",
    new: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    TicketEvent.objects.create(
        ticket=ticket,
        actor=actor,
        kind=kind,
        old_value=old[:200],
        new_value=new[:200],
        data=data or {},
    )


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
    sla_clock.status_changed(ticket, old, status, now)
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
    email_message_id: str = "",
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
            email_message_id=email_message_id,
            created_at=now,
        )
        _store_uploads(locked, message, author, [("", upload) for upload in uploads])
        _record(locked, author, EventKind.NOTE if internal else EventKind.REPLY)
        if author.is_staff:
            if not internal:
                if locked.status == Status.NEW:
                    _move(locked, author, Status.OPEN)
                sla_clock.agent_replied(locked, now)
        else:
            if locked.status in {Status.SOLVED, Status.PENDING}:
                _move(locked, author, Status.OPEN)
            sla_clock.customer_replied(locked, now)
        locked.last_activity_at = now
        locked.save()
        if not internal:
            notifications.reply_added(message)
        webhook_events.message_created(message)
    ticket.refresh_from_db()
    return message


def ticket_set_status(
    *, ticket: Ticket, actor: User, membership: Membership | None, status: Status
) -> Ticket:
    with transaction.atomic():
        locked = _locked(ticket)
        if not permissions.can_set_status(actor, locked, membership, status):
            raise PermissionDenied(f"this user may not move the ticket to {status}")
        old_status = locked.status
        _move(locked, actor, status)
        locked.last_activity_at = timezone.now()
        locked.save()
        if status == Status.SOLVED:
            notifications.ticket_solved(locked, actor)
        webhook_events.ticket_status_changed(locked, actor, old_status)
    ticket.refresh_from_db()
    return ticket


# --- The desk's work on a ticket (staff only) -------------------------------------------


def _require_staff(actor: User) -> None:
    if not permissions.can_work_tickets(actor):
        raise PermissionDenied("only active provider staff work tickets in the desk")


def _refuse_closed(ticket: Ticket) -> None:
    """A closed ticket is final: its record is not rewritten."""
    if ticket.status == Status.CLOSED:
        raise ValidationError(_("This ticket is closed."))


def ticket_assign(*, ticket: Ticket, actor: User, assignee: User | None) -> Ticket:
    """Give the ticket to an agent (or to nobody)."""
    _require_staff(actor)
    if assignee is not None and not permissions.can_work_tickets(assignee):
        raise ValidationError({"assignee": _("Tickets are assigned to active agents only.")})
    with transaction.atomic():
        locked = _locked(ticket)
        if locked.assignee_id == (assignee.pk if assignee else None):
            return ticket
        _refuse_closed(locked)
        old = locked.assignee
        locked.assignee = assignee
        locked.save(update_fields=["assignee", "updated_at"])
        _record(
            locked,
            actor,
            EventKind.ASSIGNEE,
            old.display_name if old else "",
            assignee.display_name if assignee else "",
            {"from": old.pk if old else None, "to": assignee.pk if assignee else None},
        )
        if assignee is not None:
            notifications.ticket_assigned(locked, assignee, actor)
        webhook_events.ticket_updated(locked, actor, {"assignee": [old, assignee]})
    ticket.refresh_from_db()
    return ticket


def ticket_set_priority(*, ticket: Ticket, actor: User, priority: Priority) -> Ticket:
    _require_staff(actor)
    with transaction.atomic():
        locked = _locked(ticket)
        if locked.priority != priority:
            _refuse_closed(locked)
            _record(locked, actor, EventKind.PRIORITY, locked.priority, priority)
            old_priority = locked.priority
            locked.priority = priority
            locked.save(update_fields=["priority", "updated_at"])
            webhook_events.ticket_updated(locked, actor, {"priority": [old_priority, priority]})
    ticket.refresh_from_db()
    return ticket


def ticket_set_team(*, ticket: Ticket, actor: User, team: Team | None) -> Ticket:
    _require_staff(actor)
    with transaction.atomic():
        locked = _locked(ticket)
        if locked.team_id != (team.pk if team else None):
            _refuse_closed(locked)
            old = locked.team
            _record(
                locked,
                actor,
                EventKind.TEAM,
                old.name if old else "",
                team.name if team else "",
                {"from": old.pk if old else None, "to": team.pk if team else None},
            )
            locked.team = team
            locked.save(update_fields=["team", "updated_at"])
            webhook_events.ticket_updated(locked, actor, {"team": [old, team]})
    ticket.refresh_from_db()
    return ticket


def ticket_merge(*, source: Ticket, target: Ticket, actor: User) -> Ticket:
    """Merge a duplicate into another ticket of the same account: its thread and files
    move, it is closed and points at the survivor (its number keeps resolving there), and
    its requester is told where the conversation goes on."""
    _require_staff(actor)
    if source.pk == target.pk:
        raise ValidationError({"target": _("A ticket cannot be merged into itself.")})
    if source.account_id != target.account_id:
        raise ValidationError({"target": _("Only tickets of the same account can be merged.")})
    with transaction.atomic():
        first, second = sorted([source.pk, target.pk])
        locked = {
            t.pk: t for t in Ticket.objects.select_for_update().filter(pk__in=[first, second])
        }
        src, dst = locked[source.pk], locked[target.pk]
        if src.merged_into_id or dst.merged_into_id:
            raise ValidationError({"target": _("A merged ticket cannot be merged again.")})
        if dst.status == Status.CLOSED:
            raise ValidationError({"target": _("Tickets cannot be merged into a closed ticket.")})
        src.messages.update(ticket=dst)
        src.attachments.update(ticket=dst)
        note = _("Ticket #%(source)s (%(subject)s) was merged into this ticket.") % {
            "source": src.number,
            "subject": src.subject,
        }
        Message.objects.create(ticket=dst, author=actor, body=note)
        _record(dst, actor, EventKind.MERGED, f"#{src.number}", f"#{dst.number}")
        _record(src, actor, EventKind.MERGED, f"#{src.number}", f"#{dst.number}")
        if src.status != Status.CLOSED:
            _move(src, actor, Status.CLOSED)
        src.merged_into = dst
        src.save()
        dst.last_activity_at = timezone.now()
        dst.save(update_fields=["last_activity_at", "updated_at"])
        notifications.ticket_merged(src, dst, actor)
        webhook_events.ticket_updated(src, actor, {"merged_into": [None, dst]})
    target.refresh_from_db()
    source.refresh_from_db()
    return target


def ticket_link(*, ticket: Ticket, other: Ticket, actor: User) -> None:
    """Record that two tickets are related (either direction, once)."""
    _require_staff(actor)
    if ticket.pk == other.pk:
        raise ValidationError({"other": _("A ticket cannot be linked to itself.")})
    first, second = sorted([ticket, other], key=lambda t: t.pk)
    with transaction.atomic():
        _link, created = TicketLink.objects.get_or_create(
            from_ticket=first, to_ticket=second, defaults={"created_by": actor}
        )
        if created:
            _record(first, actor, EventKind.LINKED, "", f"#{second.number}")
            _record(second, actor, EventKind.LINKED, "", f"#{first.number}")


def ticket_unlink(*, ticket: Ticket, other: Ticket, actor: User) -> None:
    _require_staff(actor)
    first, second = sorted([ticket, other], key=lambda t: t.pk)
    with transaction.atomic():
        deleted, _rows = TicketLink.objects.filter(from_ticket=first, to_ticket=second).delete()
        if deleted:
            _record(first, actor, EventKind.LINKED, f"#{second.number}", "")
            _record(second, actor, EventKind.LINKED, f"#{first.number}", "")


def ticket_set_outage(*, ticket: Ticket, actor: User, is_outage: bool) -> Ticket:
    """Declare an incident a known outage (a parent many incidents can be linked to)."""
    _require_staff(actor)
    if is_outage and ticket.category != "incident":
        raise ValidationError({"is_outage": _("Only an incident can be a known outage.")})
    with transaction.atomic():
        locked = _locked(ticket)
        if locked.is_outage != is_outage:
            if not is_outage and locked.outage_incidents.exists():
                raise ValidationError(
                    {"is_outage": _("Detach the linked incidents before ending the outage.")}
                )
            locked.is_outage = is_outage
            locked.outage = None
            locked.save(update_fields=["is_outage", "outage", "updated_at"])
            _record(locked, actor, EventKind.OUTAGE, str(not is_outage), str(is_outage))
    ticket.refresh_from_db()
    return ticket


def ticket_attach_to_outage(*, ticket: Ticket, actor: User, outage: Ticket | None) -> Ticket:
    """Link an incident to a known outage (or detach it, with None)."""
    _require_staff(actor)
    if outage is not None and (not outage.is_outage or outage.pk == ticket.pk):
        raise ValidationError({"outage": _("Choose a ticket marked as a known outage.")})
    if ticket.is_outage:
        raise ValidationError({"outage": _("A known outage cannot be linked to another.")})
    with transaction.atomic():
        locked = _locked(ticket)
        old = locked.outage
        if (old.pk if old else None) == (outage.pk if outage else None):
            return ticket
        locked.outage = outage
        locked.save(update_fields=["outage", "updated_at"])
        _record(
            locked,
            actor,
            EventKind.OUTAGE,
            f"#{old.number}" if old else "",
            f"#{outage.number}" if outage else "",
        )
    ticket.refresh_from_db()
    return ticket


def outage_broadcast(*, outage: Ticket, actor: User, body: str, solve: bool = False) -> int:
    """Post one public update to the outage and every active incident linked to it, and
    optionally solve them all together. Returns how many customer tickets were updated."""
    _require_staff(actor)
    if not outage.is_outage:
        raise ValidationError({"body": _("This ticket is not a known outage.")})
    if not body.strip():
        raise ValidationError({"body": _("Write the update to post.")})
    updated = 0
    with transaction.atomic():
        linked = list(
            outage.outage_incidents.exclude(status__in=[Status.SOLVED, Status.CLOSED])
            .select_related("account", "requester")
            .order_by("pk")
        )
        for ticket in [outage, *linked]:
            message_add(ticket=ticket, author=actor, membership=None, body=body)
            if solve and ticket.status != Status.SOLVED:  # the outage may be solved already
                ticket_set_status(ticket=ticket, actor=actor, membership=None, status=Status.SOLVED)
            updated += ticket.pk != outage.pk
    return updated


def presence_touch(*, ticket: Ticket, user: User, replying: bool) -> None:
    """Note that an agent has the ticket open (and whether they are writing)."""
    _require_staff(user)
    now = timezone.now()
    # Every desk page and its heartbeat call this, and the row is there but the first
    # time: one UPDATE (a single statement, no transaction). Else an upsert, in case
    # another request of the agent's wrote the row in between.
    seen = TicketPresence.objects.filter(ticket=ticket, user=user)
    if seen.update(is_replying=replying, seen_at=now):
        return
    TicketPresence.objects.bulk_create(
        [TicketPresence(ticket=ticket, user=user, is_replying=replying, seen_at=now)],
        update_conflicts=True,
        unique_fields=["ticket", "user"],
        update_fields=["is_replying", "seen_at"],
    )


def canned_reply_create(*, owner: User, title: str, body: str) -> CannedReply:
    """A personal canned reply of an agent's own."""
    _require_staff(owner)
    return CannedReply.objects.create(owner=owner, title=title.strip(), body=body.strip())


def canned_reply_delete(*, reply: CannedReply, actor: User) -> None:
    """Agents delete their own personal replies; team and shared ones are configured by
    supervisors."""
    if reply.owner_id != actor.pk:
        raise PermissionDenied("only the owner deletes a personal canned reply")
    reply.delete()


# --- Retried creations ------------------------------------------------------------------

IDEMPOTENCY_WINDOW = dt.timedelta(hours=24)


@dataclass(frozen=True)
class IdempotentResult:
    ticket: Ticket
    replayed: bool


class IdempotencyConflict(Exception):
    """The key was used before for a request with other contents."""


def ticket_create_once(*, draft: TicketDraft, key: str, fingerprint: str) -> IdempotentResult:
    """`ticket_create`, unless this user already made a ticket with this key (in the last
    24 hours): then that ticket. Two concurrent requests with one key make one ticket: the
    second waits on the key's unique index and then finds the first one's ticket."""
    user = draft.created_by
    since = timezone.now() - IDEMPOTENCY_WINDOW
    IdempotencyKey.objects.filter(user=user, key=key, created_at__lt=since).delete()
    existing = _idempotent_hit(user, key, fingerprint)
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            ticket = ticket_create(draft=draft)
            IdempotencyKey.objects.create(
                user=user, key=key, fingerprint=fingerprint, ticket=ticket
            )
    except IntegrityError:
        existing = _idempotent_hit(user, key, fingerprint)
        if existing is None:
            raise
        return existing
    return IdempotentResult(ticket=ticket, replayed=False)


def _idempotent_hit(user: User, key: str, fingerprint: str) -> IdempotentResult | None:
    found = IdempotencyKey.objects.filter(user=user, key=key).select_related("ticket").first()
    if found is None:
        return None
    if found.fingerprint != fingerprint:
        raise IdempotencyConflict(key)
    return IdempotentResult(ticket=found.ticket, replayed=True)


def idempotency_keys_sweep() -> int:
    """Forget keys older than the window (the scheduler runs this)."""
    since = timezone.now() - IDEMPOTENCY_WINDOW
    deleted, _rows = IdempotencyKey.objects.filter(created_at__lt=since).delete()
    return deleted
