"""Tickets: list with the desk's filters and sorts (cursor pages), open one of any
kind with its typed fields, read, change, merge and link. Every operation goes through
the same selectors, services and policy as the panel and the desk."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Literal

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.params import HeaderEx, P

from tique.accounts.models import Membership, Team, User
from tique.accounts.selectors import memberships_of
from tique.api.auth import caller
from tique.api.errors import ApiError, ErrorOut, not_found
from tique.api.pagination import keyset_page
from tique.api.schemas import (
    AccountRef,
    KindRef,
    TeamRef,
    UserRef,
    account_ref,
    team_ref,
    user_ref,
)
from tique.api.viewer import Viewer, viewer_of
from tique.tickets import pending_uploads, permissions, selectors, services
from tique.tickets.catalogue import TypedFieldsForm, build_form_class, mask_iban
from tique.tickets.choices import Channel, Priority
from tique.tickets.choices import Status as TicketStatus
from tique.tickets.models import Ticket
from tique.tickets.search import MAX_QUERY_LENGTH
from tique.tickets.snapshot import with_kinds_and_teams

router = Router(tags=["tickets"])

SortName = Literal[
    "-last_activity_at",
    "last_activity_at",
    "-created_at",
    "created_at",
    "priority",
    "sla",
    "-number",
    "number",
    "relevance",
]
StatusName = Literal["new", "open", "pending", "on_hold", "solved", "closed"]
PriorityName = Literal["low", "normal", "high", "urgent"]
CategoryName = Literal["query", "request", "incident"]
QueueName = Literal["unassigned", "mine", "teams", "open", "solved"]
# The largest id the databases hold (a signed 64-bit integer); a larger one is refused
# (422) instead of overflowing the query.
MAX_ID = 2**63 - 1
# Day filters stay where a day's start and the next day's start, in any time zone, are
# still datetimes.
DAY_MIN, DAY_MAX = dt.date(1, 1, 2), dt.date(9999, 12, 30)


class SlaOut(Schema):
    policy: str | None
    attend_from: dt.datetime | None
    first_response_due_at: dt.datetime | None
    first_responded_at: dt.datetime | None
    next_response_due_at: dt.datetime | None
    resolution_due_at: dt.datetime | None
    paused_since: dt.datetime | None
    first_response_breached: bool
    next_response_breached: bool
    resolution_breached: bool


class TicketOut(Schema):
    number: int
    subject: str
    category: CategoryName
    kind: KindRef
    status: StatusName
    priority: PriorityName
    channel: str
    account: AccountRef
    requester: UserRef
    team: TeamRef | None
    assignee: UserRef | None
    service_affecting: bool
    after_hours: str
    fields: dict[str, Any] = Field(description="Typed values; bank data masked but for billing.")
    created_at: dt.datetime
    updated_at: dt.datetime
    last_activity_at: dt.datetime
    solved_at: dt.datetime | None
    closed_at: dt.datetime | None
    merged_into: int | None = Field(description="The ticket this one was merged into.")
    is_outage: bool
    outage: int | None = Field(description="The known outage this incident is linked to.")
    sla: SlaOut
    url: str
    snippet: str | None = Field(
        None,
        description="With `q`: HTML extract of where the ticket matched, the matching words "
        "in <mark>, everything else escaped. Null without `q`.",
    )


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


class TicketFilters(Schema):
    q: str | None = Field(
        None,
        max_length=MAX_QUERY_LENGTH,
        description='Full-text search: words in any form and accent, "a phrase", -excluded, '
        "`or` between alternatives. Searches subjects, typed values and messages "
        "(internal notes for staff only).",
    )
    queue: QueueName | None = Field(None, description="A desk queue (staff only).")
    number: int | None = Field(None, ge=1)
    account: str | None = Field(None, max_length=200, description="Customer code or name.")
    requester: int | None = Field(None, ge=1, le=MAX_ID, description="Requester's user id.")
    category: CategoryName | None = None
    kind: str | None = Field(None, max_length=60, description="Request type or kind slug.")
    status: StatusName | None = None
    priority: PriorityName | None = None
    team: str | None = Field(None, max_length=40, description="Team slug.")
    assignee: str | None = Field(
        None, pattern=r"^(none|me|\d{1,18})$", description="A user id, `me` or `none`."
    )
    created_from: dt.date | None = Field(None, ge=DAY_MIN, le=DAY_MAX)
    created_to: dt.date | None = Field(None, ge=DAY_MIN, le=DAY_MAX)
    updated_from: dt.date | None = Field(None, ge=DAY_MIN, le=DAY_MAX)
    updated_to: dt.date | None = Field(None, ge=DAY_MIN, le=DAY_MAX)
    sort: SortName | None = Field(
        None,
        description="`relevance` (only with `q`, and the default then), else "
        "`-last_activity_at` by default.",
    )
    limit: int = Field(25, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2000)


class TicketCreateIn(Schema):
    category: CategoryName
    kind: str = Field(max_length=60, description="Slug of the query kind, request or incident.")
    account: str | None = Field(
        None, max_length=32, description="Customer code; needed with several accounts."
    )
    fields: dict[str, Any] = Field(
        default_factory=dict,
        description="The kind's fields by name (see the catalogue), subject and description "
        "included; a file field takes a list of upload tokens.",
    )


class TicketPatchIn(Schema):
    status: StatusName | None = None
    priority: PriorityName | None = None
    assignee: int | None = Field(None, description="An agent's user id; null unassigns.")
    team: str | None = Field(None, max_length=40, description="Team slug; null for none.")


class MergeIn(Schema):
    into: int = Field(ge=1, description="Number of the ticket that stays.")


class LinkIn(Schema):
    number: int = Field(ge=1)


class TicketRef(Schema):
    number: int
    subject: str
    status: StatusName


# --- Building the output ------------------------------------------------------------


def _fields_out(ticket: Ticket, viewer: Viewer) -> dict[str, Any]:
    values = dict(ticket.fields)
    if not viewer.reveal_sensitive:
        for spec in ticket.kind.field_specs():
            if spec.sensitive and isinstance(values.get(spec.name), str):
                values[spec.name] = mask_iban(values[spec.name])
    return values


def ticket_out(ticket: Ticket, viewer: Viewer) -> TicketOut:
    kind = ticket.kind
    policy = ticket.sla_policy
    return TicketOut(
        number=ticket.number,
        subject=ticket.subject,
        category=ticket.category,  # type: ignore[arg-type]
        kind=KindRef(slug=kind.slug, name=kind.name),
        status=ticket.status,  # type: ignore[arg-type]
        priority=ticket.priority,  # type: ignore[arg-type]
        channel=ticket.channel,
        account=account_ref(ticket.account),
        requester=user_ref(ticket.requester),  # type: ignore[arg-type]
        team=team_ref(ticket.team),
        assignee=user_ref(ticket.assignee),
        service_affecting=ticket.service_affecting,
        after_hours=ticket.after_hours,
        fields=_fields_out(ticket, viewer),
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        last_activity_at=ticket.last_activity_at,
        solved_at=ticket.solved_at,
        closed_at=ticket.closed_at,
        merged_into=getattr(ticket, "merged_into_number", None),
        is_outage=ticket.is_outage,
        outage=getattr(ticket, "outage_number", None),
        sla=SlaOut(
            policy=policy.name if policy else None,
            attend_from=ticket.attend_from,
            first_response_due_at=ticket.first_response_due_at,
            first_responded_at=ticket.first_responded_at,
            next_response_due_at=ticket.next_response_due_at,
            resolution_due_at=ticket.resolution_due_at,
            paused_since=ticket.sla_paused_at,
            first_response_breached=ticket.first_response_breached,
            next_response_breached=ticket.next_response_breached,
            resolution_breached=ticket.resolution_breached,
        ),
        url=viewer.web_url(ticket),
        snippet=ticket.search_snippet,
    )


def _number_of(field: str) -> Subquery:
    return Subquery(Ticket.objects.filter(pk=OuterRef(field)).order_by().values("number")[:1])


def _with_joins(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """What a ticket's representation needs. Kinds and teams come from memory, and the
    merged-into and outage numbers from subqueries: every table joined to a list query
    makes PostgreSQL's planning of it slower (see `tique.tickets.snapshot`)."""
    return with_kinds_and_teams(
        tickets.select_related("account", "requester", "assignee", "sla_policy").annotate(
            merged_into_number=_number_of("merged_into_id"), outage_number=_number_of("outage_id")
        )
    )


def get_ticket(user: User, number: int) -> Ticket:
    """The ticket if the caller may see it; the same 404 whether it exists or not."""
    ticket = _with_joins(Ticket.objects.visible_to(user)).filter(number=number).first()
    if ticket is None:
        raise not_found()
    return ticket


def membership_for(user: User, ticket: Ticket) -> Membership | None:
    if user.is_staff:
        return None
    return memberships_of(user).filter(account_id=ticket.account_id).first()


# --- List ---------------------------------------------------------------------------


def _team_id(slug: str | None) -> int | None:
    if slug is None:
        return None
    team = Team.objects.filter(slug=slug).only("pk").first()
    return team.pk if team else -1  # an unknown team matches nothing, like the desk


@router.get("/tickets", response={200: TicketPage, 400: ErrorOut, 403: ErrorOut, 422: ErrorOut})
def ticket_list(request: HttpRequest, filters: Query[TicketFilters]) -> TicketPage:
    """Tickets the caller may see. Staff may pick a desk queue; customers see their
    accounts' tickets as in the panel. Newest activity first unless `sort` says otherwise."""
    user = caller(request)
    viewer = viewer_of(user)
    q = (filters.q or "").strip()
    if filters.sort == selectors.RELEVANCE and not q:
        raise ApiError(
            422,
            "validation_error",
            _("Sorting by relevance needs a search."),
            {"sort": [_("Only valid with q.")]},
        )
    sort = filters.sort or (selectors.RELEVANCE if q else "-last_activity_at")
    if filters.queue is not None:
        if not user.is_staff:
            raise ApiError(
                403, "forbidden", _("Queues are for staff."), {"queue": [_("Staff only.")]}
            )
        tickets = selectors.queue_tickets(
            user=user, queue=selectors.Queue(filters.queue), team_ids=viewer.team_ids
        )
    else:
        tickets = selectors.tickets_to_list(user)
    assignee = filters.assignee or ""
    if assignee == "me":
        assignee = str(user.pk)
    desk = selectors.DeskFilters(
        number=filters.number,
        account=filters.account or "",
        requester_id=filters.requester,
        category=filters.category or "",
        kind=filters.kind or "",
        status=filters.status or "",
        priority=filters.priority or "",
        team_id=_team_id(filters.team),
        assignee=assignee,
        created_from=filters.created_from,
        created_to=filters.created_to,
        updated_from=filters.updated_from,
        updated_to=filters.updated_to,
        sort=sort,
        q=q,
        search_internal=user.is_staff,
    )
    tickets = _with_joins(selectors.desk_filter(tickets, desk))
    scope_data = filters.dict(exclude={"cursor", "limit"})
    scope = hashlib.sha256(
        json.dumps([user.pk, scope_data], sort_keys=True, default=str).encode()
    ).hexdigest()[:16]
    page = keyset_page(
        tickets,
        selectors.sort_order(sort),
        cursor=filters.cursor,
        limit=filters.limit,
        scope=scope,
    )
    return TicketPage(
        items=[ticket_out(t, viewer) for t in page.items], next_cursor=page.next_cursor
    )


# --- Create -------------------------------------------------------------------------


def _membership_to_open(user: User, code: str | None) -> Membership:
    memberships = list(memberships_of(user))
    if not memberships:
        raise ApiError(
            403, "forbidden", _("Only customers open tickets: this user has no account.")
        )
    if code is None:
        if len(memberships) > 1:
            raise ApiError(
                422,
                "validation_error",
                _("Say which account the ticket is for."),
                {"account": [_("Required: you belong to several accounts.")]},
            )
        return memberships[0]
    for membership in memberships:
        if membership.account.customer_code.lower() == code.lower():
            return membership
    raise ApiError(
        422,
        "validation_error",
        _("You do not belong to that account."),
        {"account": [_("Unknown account.")]},
    )


def _form_value(value: Any) -> str | None:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, int | float | str):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return "\n".join(str(v) for v in value)
    return None


def _bind(
    user: User, form_class: type[TypedFieldsForm], values: dict[str, Any]
) -> tuple[TypedFieldsForm, list[pending_uploads.KeptFile]]:
    """The kind's form bound to the JSON values (files by their upload tokens)."""
    specs = {spec.name: spec for spec in form_class.specs}
    errors: dict[str, list[str]] = {}
    data: dict[str, str] = {}
    files: MultiValueDict[str, Any] = MultiValueDict()
    kept_all: list[pending_uploads.KeptFile] = []
    for name, value in values.items():
        spec = specs.get(name)
        if spec is None:
            errors[f"fields.{name}"] = [_("This kind of ticket has no such field.")]
        elif spec.is_file:
            tokens = [value] if isinstance(value, str) else value
            if not isinstance(tokens, list) or not all(isinstance(t, str) for t in tokens):
                errors[f"fields.{name}"] = [_("Give a list of upload tokens.")]
                continue
            kept = pending_uploads.restore(user_id=user.pk, tokens=tokens)
            if len(kept) != len(set(tokens)):
                errors[f"fields.{name}"] = [_("Unknown or expired upload token.")]
                continue
            kept_all.extend(kept)
            for item in kept:
                files.appendlist(name, pending_uploads.open_kept(item))
        else:
            text = _form_value(value)
            if text is None:
                errors[f"fields.{name}"] = [_("Give a text, a number, true/false or a list.")]
            else:
                data[name] = text
    if errors:
        raise ApiError(422, "validation_error", _("Some fields are not valid."), errors)
    return form_class(data, files), kept_all


def _fingerprint(payload: TicketCreateIn) -> str:
    canonical = json.dumps(payload.dict(), sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


@router.post(
    "/tickets",
    response={200: TicketOut, 201: TicketOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
)
def ticket_create(
    request: HttpRequest,
    payload: TicketCreateIn,
    response: HttpResponse,
    idempotency_key: HeaderEx[str | None, P(alias="Idempotency-Key", max_length=255)] = None,
) -> Status[TicketOut]:
    """Open a ticket of any kind the caller's account may use. With an `Idempotency-Key`
    header, retrying the same request within 24 hours returns the first ticket (200, and
    `Idempotent-Replayed: true`) instead of opening another."""
    user = caller(request)
    membership = _membership_to_open(user, payload.account)
    if not permissions.can_open_tickets(membership):
        raise ApiError(403, "forbidden", _("Only the account's administrators open tickets."))
    kind = selectors.catalogue_entry(payload.category, payload.kind)
    if kind is None or not permissions.can_use_kind(membership, kind):
        raise ApiError(
            422,
            "validation_error",
            _("There is no such kind of ticket, or you may not use it."),
            {"kind": [_("Unknown kind.")]},
        )
    form, kept = _bind(user, build_form_class(kind.field_specs()), payload.fields)
    if not form.is_valid():
        fields = {
            (f"fields.{name}" if name != "__all__" else "fields"): [str(m) for m in messages]
            for name, messages in form.errors.items()
        }
        raise ApiError(422, "validation_error", _("Some fields are not valid."), fields)
    draft = services.TicketDraft(
        membership=membership,
        created_by=user,
        kind=kind,
        values=form.typed_values(),
        subject=form.role_value("subject"),
        body=form.role_value("body"),
        uploads=form.uploads(),
        channel=Channel.API,
    )
    if idempotency_key:
        try:
            result = services.ticket_create_once(
                draft=draft, key=idempotency_key, fingerprint=_fingerprint(payload)
            )
        except services.IdempotencyConflict:
            raise ApiError(
                409,
                "idempotency_conflict",
                _("This Idempotency-Key was used for a different request."),
            ) from None
        ticket, replayed = result.ticket, result.replayed
    else:
        ticket, replayed = services.ticket_create(draft=draft), False
    if not replayed:
        pending_uploads.discard(kept)
    response["Idempotent-Replayed"] = "true" if replayed else "false"
    response["Location"] = f"/api/v1/tickets/{ticket.number}"
    if replayed:  # the first ticket may have changed, or been moved, since
        shown = get_ticket(user, ticket.number)
    else:  # its requester: the caller sees it (no visibility subqueries to plan)
        shown = _with_joins(Ticket.objects.filter(pk=ticket.pk)).get()
    return Status(200 if replayed else 201, ticket_out(shown, viewer_of(user)))


# --- One ticket -----------------------------------------------------------------------


@router.get("/tickets/{number}", response={200: TicketOut, 404: ErrorOut})
def ticket_detail(request: HttpRequest, number: int) -> TicketOut:
    user = caller(request)
    return ticket_out(get_ticket(user, number), viewer_of(user))


@router.patch(
    "/tickets/{number}", response={200: TicketOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def ticket_update(request: HttpRequest, number: int, payload: TicketPatchIn) -> TicketOut:
    """Change status, priority, assignee or team; only what is sent changes, all or
    nothing. Customers may only solve an active ticket or reopen a solved one."""
    user = caller(request)
    ticket = get_ticket(user, number)
    changes = payload.dict(exclude_unset=True)
    with transaction.atomic():
        if "team" in changes:
            team = None
            if changes["team"] is not None:
                team = Team.objects.filter(slug=changes["team"], is_active=True).first()
                if team is None:
                    raise ApiError(
                        422, "validation_error", _("Unknown team."), {"team": [_("Unknown.")]}
                    )
            services.ticket_set_team(ticket=ticket, actor=user, team=team)
        if "assignee" in changes:
            assignee = None
            if changes["assignee"] is not None:
                assignee = User.objects.filter(pk=changes["assignee"]).first()
                if assignee is None:
                    raise ApiError(
                        422,
                        "validation_error",
                        _("Unknown user."),
                        {"assignee": [_("Unknown.")]},
                    )
            services.ticket_assign(ticket=ticket, actor=user, assignee=assignee)
        if changes.get("priority") is not None:
            services.ticket_set_priority(
                ticket=ticket, actor=user, priority=Priority(changes["priority"])
            )
        status = changes.get("status")
        if status is not None and status != ticket.status:
            services.ticket_set_status(
                ticket=ticket,
                actor=user,
                membership=membership_for(user, ticket),
                status=TicketStatus(status),
            )
    return ticket_out(get_ticket(user, number), viewer_of(user))


@router.post(
    "/tickets/{number}/merge",
    response={200: TicketOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def ticket_merge(request: HttpRequest, number: int, payload: MergeIn) -> TicketOut:
    """Merge this ticket into another of the same account (staff); returns the survivor."""
    user = caller(request)
    source = get_ticket(user, number)
    target = Ticket.objects.visible_to(user).filter(number=payload.into).first()
    if target is None:
        raise ApiError(
            422, "validation_error", _("No such ticket."), {"into": [_("No such ticket.")]}
        )
    services.ticket_merge(source=source, target=target, actor=user)
    return ticket_out(get_ticket(user, payload.into), viewer_of(user))


@router.get("/tickets/{number}/links", response={200: list[TicketRef], 404: ErrorOut})
def ticket_links(request: HttpRequest, number: int) -> list[TicketRef]:
    user = caller(request)
    ticket = get_ticket(user, number)
    visible = set(
        Ticket.objects.visible_to(user)
        .filter(pk__in=[t.pk for t in selectors.ticket_links(ticket=ticket)])
        .values_list("pk", flat=True)
    )
    return [
        TicketRef(number=t.number, subject=t.subject, status=t.status)  # type: ignore[arg-type]
        for t in selectors.ticket_links(ticket=ticket)
        if t.pk in visible
    ]


def _other(user: User, number: int, field: str) -> Ticket:
    other = Ticket.objects.visible_to(user).filter(number=number).first()
    if other is None:
        raise ApiError(422, "validation_error", _("No such ticket."), {field: [_("Unknown.")]})
    return other


@router.post(
    "/tickets/{number}/links",
    response={201: list[TicketRef], 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def ticket_link(request: HttpRequest, number: int, payload: LinkIn) -> Status[list[TicketRef]]:
    """Relate two tickets (staff); answers the ticket's links."""
    user = caller(request)
    ticket = get_ticket(user, number)
    services.ticket_link(ticket=ticket, other=_other(user, payload.number, "number"), actor=user)
    return Status(201, ticket_links(request, number))


@router.delete(
    "/tickets/{number}/links/{other}", response={204: None, 403: ErrorOut, 404: ErrorOut}
)
def ticket_unlink(request: HttpRequest, number: int, other: int) -> Status[None]:
    user = caller(request)
    ticket = get_ticket(user, number)
    linked = Ticket.objects.visible_to(user).filter(number=other).first()
    if linked is None:
        raise not_found()
    services.ticket_unlink(ticket=ticket, other=linked, actor=user)
    return Status(204, None)


class EventOut(Schema):
    kind: str
    label: str
    actor: UserRef | None
    old_value: str
    new_value: str
    data: dict[str, Any]
    created_at: dt.datetime


@router.get(
    "/tickets/{number}/events", response={200: list[EventOut], 403: ErrorOut, 404: ErrorOut}
)
def ticket_events(request: HttpRequest, number: int) -> list[EventOut]:
    """The audit trail, oldest first: who changed what, from what to what (staff)."""
    user = caller(request)
    ticket = get_ticket(user, number)
    if not permissions.can_work_tickets(user):
        raise ApiError(403, "forbidden", _("The audit trail is for staff."))
    return [
        EventOut(
            kind=event.kind,
            label=str(event.get_kind_display()),
            actor=user_ref(event.actor),
            old_value=event.old_value,
            new_value=event.new_value,
            data=event.data,
            created_at=event.created_at,
        )
        for event in selectors.ticket_events(ticket=ticket)
    ]
