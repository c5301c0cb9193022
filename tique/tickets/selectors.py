"""Use-case reads of tickets, each with the joins its page needs (no N+1)."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    F,
    Prefetch,
    Q,
    QuerySet,
    TextChoices,
)
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tique.accounts.models import Account, Membership, User
from tique.accounts.selectors import memberships_of
from tique.tickets.catalogue import display_value
from tique.tickets.choices import ACTIVE_STATUSES, Category, Status
from tique.tickets.models import (
    Attachment,
    CannedReply,
    CatalogueEntry,
    IncidentKind,
    Message,
    QueryKind,
    RequestType,
    Ticket,
    TicketEvent,
    TicketLink,
    TicketPresence,
)
from tique.tickets.ordering import PRIORITY_RANK, SLA_DUE
from tique.tickets.search import is_search, ticket_search
from tique.tickets.snapshot import with_kinds_and_teams


@dataclass(frozen=True)
class HistoryFilters:
    number: int | None = None
    requester_id: int | None = None
    category: str = ""
    status: str = ""
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    q: str = ""


def _start_of(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def ticket_history(
    *, membership: Membership, filters: HistoryFilters, tz: ZoneInfo
) -> QuerySet[Ticket]:
    """The tickets of the membership's account that its user may see, newest first (most
    relevant first with a search, which never looks at internal notes); dates are whole
    days in `tz`."""
    account = membership.account
    tickets: QuerySet[Ticket] = Ticket.objects.visible_in(membership)
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
    order = ("-created_at", "-id")
    if is_search(filters.q):
        tickets = ticket_search(
            tickets,
            filters.q,
            include_internal=False,
            accounts=[account.pk],
            newest_first=("-created_at", "-id"),
        )
        order = ("-search_rank", "-id")
    return with_kinds_and_teams(tickets.select_related("requester").order_by(*order))


def tickets_to_list(user: User) -> QuerySet[Ticket]:
    """What `visible_to` gives, shaped for a list: a customer in one account, as most
    are, gets `visible_in` that membership, so the account is an equality and a page
    reads the account's index in its order and stops at its end. With `visible_to`'s
    subqueries, which serve any number of accounts, PostgreSQL read every ticket in the
    table to sort the account's: a second per page at a million tickets."""
    if not user.is_staff:
        memberships = list(memberships_of(user)[:2])
        if len(memberships) == 1:
            return Ticket.objects.visible_in(memberships[0])
    return Ticket.objects.visible_to(user)


def ticket_get_visible(*, user: User | AnonymousUser, number: int) -> Ticket:
    """The ticket with that number if the user may see it; 404 otherwise, whether or not
    it exists (no existence leak)."""
    try:
        return with_kinds_and_teams(
            Ticket.objects.visible_to(user).select_related("account", "requester")
        ).get(number=number)
    except Ticket.DoesNotExist:
        raise Http404("No such ticket") from None


def ticket_survivor(ticket: Ticket) -> Ticket:
    """The ticket a merged ticket lives on in (following merges of merges); the ticket
    itself when it was never merged."""
    seen = {ticket.pk}
    while ticket.merged_into_id is not None and ticket.merged_into_id not in seen:
        seen.add(ticket.merged_into_id)
        ticket = Ticket.objects.get(pk=ticket.merged_into_id)
    return ticket


def thread_messages(*, ticket: Ticket, include_internal: bool) -> QuerySet[Message]:
    """The thread with authors and attachments in a constant number of queries (unordered)."""
    messages = ticket.messages.select_related("author").prefetch_related(
        Prefetch("attachments", queryset=Attachment.objects.order_by("created_at", "id"))
    )
    if not include_internal:
        messages = messages.filter(is_internal=False)
    return messages


def ticket_thread(*, ticket: Ticket, include_internal: bool) -> list[Message]:
    """The thread oldest first."""
    messages = thread_messages(ticket=ticket, include_internal=include_internal)
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


# --- The desk -----------------------------------------------------------------------

RECENTLY_SOLVED_DAYS = 7
COUNT_CAP = 1000


class Queue(TextChoices):
    UNASSIGNED = "unassigned", _("Unassigned in my teams")
    MINE = "mine", _("Mine")
    TEAMS = "teams", _("My teams")
    OPEN = "open", _("All open")
    SOLVED = "solved", _("Recently solved")


def queue_tickets(*, user: User, queue: Queue, team_ids: list[int]) -> QuerySet[Ticket]:
    """The tickets of one of the desk's queues (unordered, no joins: callers add them)."""
    tickets = Ticket.objects.visible_to(user)
    active = list(ACTIVE_STATUSES)
    match queue:
        case Queue.UNASSIGNED:
            return tickets.filter(team_id__in=team_ids, assignee__isnull=True, status__in=active)
        case Queue.MINE:
            return tickets.filter(assignee=user, status__in=active)
        case Queue.TEAMS:
            return tickets.filter(team_id__in=team_ids, status__in=active)
        case Queue.OPEN:
            return tickets.filter(status__in=active)
        case Queue.SOLVED:
            since = timezone.now() - dt.timedelta(days=RECENTLY_SOLVED_DAYS)
            return tickets.filter(status=Status.SOLVED, solved_at__gte=since)
    raise ValueError(queue)


def capped_count(tickets: QuerySet[Ticket], cap: int | None = None) -> int:
    """How many, counting no further than cap + 1 (`COUNT_CAP` by default, read at call
    time like the page's "1000+"): a queue's badge never scans a million rows."""
    limit = COUNT_CAP if cap is None else cap
    return tickets.order_by()[: limit + 1].count()


def queue_counts(*, user: User, team_ids: list[int]) -> dict[str, int]:
    """Every queue's badge, each counted no further than `COUNT_CAP` + 1, in one query:
    `SELECT (SELECT COUNT(*) FROM (… LIMIT 1001)), (SELECT COUNT(*) FROM (…)), …`."""
    parts: list[str] = []
    params: list[Any] = []
    for queue in Queue:
        capped = queue_tickets(user=user, queue=queue, team_ids=team_ids).order_by()
        try:
            sql, args = capped.values("pk")[: COUNT_CAP + 1].query.sql_with_params()
        except EmptyResultSet:  # e.g. "my teams" of an agent in no team
            parts.append("0")
            continue
        # Django's own SQL for the queryset, with its parameters kept apart.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS {queue.value}_rows)")  # noqa: S608
        params.extend(args)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {queue.value: int(count) for queue, count in zip(Queue, row, strict=True)}


@dataclass(frozen=True)
class DeskFilters:
    number: int | None = None
    account: str = ""
    requester_id: int | None = None
    category: str = ""
    kind: str = ""
    status: str = ""
    priority: str = ""
    team_id: int | None = None
    assignee: str = ""
    created_from: dt.date | None = None
    created_to: dt.date | None = None
    updated_from: dt.date | None = None
    updated_to: dt.date | None = None
    sort: str = "-last_activity_at"
    q: str = ""
    # Whether a search looks at internal notes too: staff only.
    search_internal: bool = False


SORTS: dict[str, tuple[Any, ...]] = {
    "sla": (SLA_DUE.asc(), F("id").asc()),
    "-last_activity_at": (F("last_activity_at").desc(), F("id").desc()),
    "last_activity_at": (F("last_activity_at").asc(), F("id").asc()),
    "-created_at": (F("created_at").desc(), F("id").desc()),
    "created_at": (F("created_at").asc(), F("id").asc()),
    "priority": (PRIORITY_RANK.asc(), F("last_activity_at").asc(), F("id").asc()),
    "-number": (F("number").desc(),),
    "number": (F("number").asc(),),
}
# Best match of a search first (`search_rank`, annotated by `ticket_search`).
RELEVANCE = "relevance"
RELEVANCE_ORDER = (F("search_rank").desc(), F("id").desc())


def sort_order(sort: str) -> tuple[Any, ...]:
    """The ORDER BY of a sort name (relevance needs `search_rank`, see `desk_filter`)."""
    if sort == RELEVANCE:
        return RELEVANCE_ORDER
    return SORTS.get(sort, SORTS["-last_activity_at"])


def _day_range(
    tickets: QuerySet[Ticket], field: str, start: dt.date | None, end: dt.date | None
) -> QuerySet[Ticket]:
    tz = timezone.get_current_timezone()
    if start:
        tickets = tickets.filter(**{f"{field}__gte": _start_of(start, tz)})
    if end:
        tickets = tickets.filter(**{f"{field}__lt": _start_of(end + dt.timedelta(days=1), tz)})
    return tickets


def desk_filter(tickets: QuerySet[Ticket], filters: DeskFilters) -> QuerySet[Ticket]:
    """Apply the desk's filters and sort, and join what a row shows (its account and
    assignee; the requester is not on the row)."""
    if filters.number is not None:
        tickets = tickets.filter(number=filters.number)
    if filters.account:
        accounts = Account.objects.filter(
            Q(customer_code__iexact=filters.account) | Q(name__istartswith=filters.account)
        ).values("pk")
        tickets = tickets.filter(account__in=accounts)
    if filters.requester_id is not None:
        tickets = tickets.filter(requester_id=filters.requester_id)
    if filters.category:
        tickets = tickets.filter(category=filters.category)
    if filters.kind:
        # Slugs are unique within a category only ("other" is a request and an incident).
        fields = {"query": "query_kind", "request": "request_type", "incident": "incident_kind"}
        wanted = [fields[filters.category]] if filters.category in fields else fields.values()
        by_kind = Q()
        for name in wanted:
            by_kind |= Q(**{f"{name}__slug": filters.kind})
        tickets = tickets.filter(by_kind)
    if filters.status:
        tickets = tickets.filter(status=filters.status)
    if filters.priority:
        tickets = tickets.filter(priority=filters.priority)
    if filters.team_id is not None:
        tickets = tickets.filter(team_id=filters.team_id)
    if filters.assignee == "none":
        tickets = tickets.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        tickets = tickets.filter(assignee_id=int(filters.assignee))
    tickets = _day_range(tickets, "created_at", filters.created_from, filters.created_to)
    tickets = _day_range(tickets, "last_activity_at", filters.updated_from, filters.updated_to)
    if filters.q or filters.sort == RELEVANCE:
        # Without a query this only annotates a rank of 0: relevance is then newest first.
        # The candidates are the most recently active matches: what a desk works on,
        # and the order every queue's partial index gives without sorting the queue.
        tickets = ticket_search(
            tickets,
            filters.q,
            include_internal=filters.search_internal,
            newest_first=("-last_activity_at", "-id"),
        )
    # Kinds and teams come from memory: four more joined tables cost PostgreSQL more to
    # plan than the page costs to read (see `tique.tickets.snapshot`).
    return with_kinds_and_teams(
        tickets.select_related("account", "assignee").order_by(*sort_order(filters.sort))
    )


# What a reference to another ticket shows (a ticket row has 40 columns): reading all of
# them for a few short lists was most of the desk ticket page's ORM time.
REFERENCE_FIELDS = ("number", "subject", "status")


def account_open_tickets(*, ticket: Ticket, limit: int = 10) -> list[Ticket]:
    """The account's other active tickets, for the agent's context panel (number,
    subject and status only)."""
    return list(
        Ticket.objects.filter(account_id=ticket.account_id, status__in=list(ACTIVE_STATUSES))
        .exclude(pk=ticket.pk)
        .order_by("-last_activity_at", "-id")
        .only(*REFERENCE_FIELDS)[:limit]
    )


def ticket_events(*, ticket: Ticket) -> list[TicketEvent]:
    return list(ticket.events.select_related("actor").order_by("created_at", "id"))


def ticket_links(*, ticket: Ticket) -> list[Ticket]:
    """The tickets linked to this one, either way (number, subject and status only)."""
    linked = TicketLink.objects.filter(Q(from_ticket=ticket) | Q(to_ticket=ticket)).values_list(
        "from_ticket_id", "to_ticket_id"
    )
    ids = {pk for pair in linked for pk in pair} - {ticket.pk}
    return list(Ticket.objects.filter(pk__in=ids).order_by("number").only(*REFERENCE_FIELDS))


def canned_replies_for(user: User) -> QuerySet[CannedReply]:
    """Replies for every agent, the user's teams' and the user's own."""
    return CannedReply.objects.filter(
        Q(team__isnull=True, owner__isnull=True) | Q(team__members=user) | Q(owner=user),
        is_active=True,
    ).distinct()


_PLACEHOLDER = re.compile(r"\{(customer_name|ticket_number|customer_code|account_name)\}")


def render_canned(reply: CannedReply, ticket: Ticket) -> str:
    """The reply's text with its placeholders filled in for this ticket (anything else
    in braces is left as written)."""
    values = {
        "customer_name": ticket.requester.display_name,
        "ticket_number": str(ticket.number),
        "customer_code": ticket.account.customer_code,
        "account_name": ticket.account.name,
    }
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], reply.body)


PRESENCE_FRESH = dt.timedelta(seconds=60)


def presence_others(*, ticket: Ticket, user: User) -> list[TicketPresence]:
    """Other agents who have had the ticket open in the last minute."""
    since = timezone.now() - PRESENCE_FRESH
    return list(
        TicketPresence.objects.filter(ticket=ticket, seen_at__gte=since)
        .exclude(user=user)
        .select_related("user")
        .order_by("user__full_name")
    )


def outages_open() -> list[Ticket]:
    """The known outages still open, newest first (number, subject and status only)."""
    return list(
        Ticket.objects.filter(is_outage=True, status__in=list(ACTIVE_STATUSES))
        .order_by("-created_at")
        .only(*REFERENCE_FIELDS)
    )


# --- The API's catalogue and canned replies ---------------------------------------------


def catalogue_by_category() -> dict[str, list[CatalogueEntry]]:
    """Every category's active entries, one query per category."""
    return {category: catalogue_entries(category) for category in CATALOGUE}


def canned_reply_of(*, user: User, reply_id: int) -> CannedReply | None:
    """A canned reply the agent may use, or one of their own (even inactive); None for
    anything else (another agent's, another team's), whether or not it exists."""
    return (
        CannedReply.objects.filter(
            Q(pk__in=canned_replies_for(user).values("pk")) | Q(owner=user), pk=reply_id
        )
        .select_related("team")
        .first()
    )
