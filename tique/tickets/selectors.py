"""Use-case reads of tickets, each with the joins its page needs (no N+1)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from tique.accounts.models import Account, User
from tique.tickets.catalogue import display_value
from tique.tickets.choices import Category
from tique.tickets.models import (
    Attachment,
    CatalogueEntry,
    IncidentKind,
    Message,
    QueryKind,
    RequestType,
    Ticket,
)


@dataclass(frozen=True)
class HistoryFilters:
    number: int | None = None
    requester_id: int | None = None
    category: str = ""
    status: str = ""
    created_from: dt.date | None = None
    created_to: dt.date | None = None


def _start_of(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def ticket_history(
    *, user: User, account: Account, filters: HistoryFilters, tz: ZoneInfo
) -> QuerySet[Ticket]:
    """An account's tickets the user may see, newest first; dates are whole days in `tz`."""
    tickets = Ticket.objects.visible_to(user).filter(account=account)
    if filters.number is not None:
        tickets = tickets.filter(number=filters.number)
    if filters.requester_id is not None:
        tickets = tickets.filter(requester_id=filters.requester_id)
    if filters.category:
        tickets = tickets.filter(category=filters.category)
    if filters.status:
        tickets = tickets.filter(status=filters.status)
    if filters.created_from:
        tickets = tickets.filter(created_at__gte=_start_of(filters.created_from, tz))
    if filters.created_to:
        next_day = filters.created_to + dt.timedelta(days=1)
        tickets = tickets.filter(created_at__lt=_start_of(next_day, tz))
    return tickets.select_related(
        "requester", "query_kind", "request_type", "incident_kind"
    ).order_by("-created_at", "-id")


def ticket_get_visible(*, user: User | AnonymousUser, number: int) -> Ticket:
    """The ticket with that number if the user may see it; 404 otherwise, whether or not
    it exists (no existence leak)."""
    try:
        return (
            Ticket.objects.visible_to(user)
            .select_related(
                "account", "requester", "team", "query_kind", "request_type", "incident_kind"
            )
            .get(number=number)
        )
    except Ticket.DoesNotExist:
        raise Http404("No such ticket") from None


def ticket_thread(*, ticket: Ticket, include_internal: bool) -> list[Message]:
    """The thread oldest first, with authors and attachments in a constant number of queries."""
    messages = ticket.messages.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("created_at", "id"))
    )
    if not include_internal:
        messages = messages.filter(is_internal=False)
    return list(messages.order_by("created_at", "id"))


@dataclass(frozen=True)
class FieldRow:
    label: str
    text: str
    attachments: list[Attachment] = field(default_factory=list)


def ticket_field_rows(*, ticket: Ticket, reveal_sensitive: bool) -> list[FieldRow]:
    """The ticket's typed fields as label/text rows, sensitive values masked unless
    `reveal_sensitive`, with the files given in file fields."""
    by_field: dict[str, list[Attachment]] = defaultdict(list)
    for attachment in ticket.attachments.exclude(field_name="").order_by("created_at", "id"):
        by_field[attachment.field_name].append(attachment)
    rows = []
    for spec in ticket.kind.field_specs():
        if spec.role:
            continue
        if spec.is_file:
            if by_field.get(spec.name):
                rows.append(FieldRow(spec.label, "", by_field[spec.name]))
            continue
        if spec.name in ticket.fields:
            text = display_value(spec, ticket.fields[spec.name], reveal_sensitive=reveal_sensitive)
            rows.append(FieldRow(spec.label, text))
    return rows


def attachment_get_visible(*, user: User, number: int, attachment_id: int) -> Attachment:
    ticket = ticket_get_visible(user=user, number=number)
    attachment = (
        Attachment.objects.filter(ticket=ticket, pk=attachment_id).select_related("message").first()
    )
    if attachment is None:
        raise Http404("No such attachment")
    if attachment.message is not None and attachment.message.is_internal and not user.is_staff:
        raise Http404("No such attachment")
    return attachment


CATALOGUE: dict[str, type[QueryKind] | type[RequestType] | type[IncidentKind]] = {
    Category.QUERY: QueryKind,
    Category.REQUEST: RequestType,
    Category.INCIDENT: IncidentKind,
}


def catalogue_entries(category: str) -> list[CatalogueEntry]:
    """The active entries of a category, in the order supervisors gave them."""
    model = CATALOGUE.get(category)
    if model is None:
        return []
    return list(model.objects.filter(is_active=True).select_related("team"))


def catalogue_entry(category: str, slug: str) -> CatalogueEntry | None:
    model = CATALOGUE.get(category)
    if model is None:
        return None
    return model.objects.filter(slug=slug, is_active=True).select_related("team").first()
