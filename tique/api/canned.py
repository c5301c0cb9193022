"""Canned replies (staff only): the shared ones, the caller's teams' and their own, the
personal ones they add or delete, and a reply's text filled in for a ticket."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from tique.accounts.models import User
from tique.api.auth import caller
from tique.api.errors import ApiError, ErrorOut, not_found
from tique.api.schemas import TeamRef, team_ref
from tique.tickets import permissions, selectors, services
from tique.tickets.models import CannedReply, Ticket

router = Router(tags=["canned replies"])

PLACEHOLDERS = "{customer_name}, {ticket_number}, {customer_code}, {account_name}"


class CannedReplyOut(Schema):
    id: int
    title: str
    body: str = Field(description=f"The text with its placeholders: {PLACEHOLDERS}.")
    scope: Literal["shared", "team", "personal"] = Field(
        description="For every agent, for a team's members, or the caller's own."
    )
    team: TeamRef | None
    created_at: dt.datetime


class CannedReplyIn(Schema):
    title: str = Field(max_length=120)
    body: str = Field(max_length=20_000, description=f"Placeholders: {PLACEHOLDERS}.")


class RenderFilters(Schema):
    ticket: int = Field(ge=1, description="Number of the ticket to fill the reply in for.")


class RenderedOut(Schema):
    body: str


def canned_reply_out(reply: CannedReply) -> CannedReplyOut:
    if reply.owner_id is not None:
        scope: Literal["shared", "team", "personal"] = "personal"
    elif reply.team_id is not None:
        scope = "team"
    else:
        scope = "shared"
    return CannedReplyOut(
        id=reply.pk,
        title=reply.title,
        body=reply.body,
        scope=scope,
        team=team_ref(reply.team),
        created_at=reply.created_at,
    )


def _agent(request: HttpRequest) -> User:
    user = caller(request)
    if not permissions.can_work_tickets(user):
        raise ApiError(403, "forbidden", _("Canned replies are for staff."))
    return user


def _reply(user: User, reply_id: int) -> CannedReply:
    reply = selectors.canned_reply_of(user=user, reply_id=reply_id)
    if reply is None:
        raise not_found()
    return reply


@router.get("/canned-replies", response={200: list[CannedReplyOut], 403: ErrorOut})
def canned_reply_list(request: HttpRequest) -> list[CannedReplyOut]:
    """The replies the caller may use: shared, their teams' and their own, by title."""
    user = _agent(request)
    replies = selectors.canned_replies_for(user).select_related("team").order_by("title", "id")
    return [canned_reply_out(reply) for reply in replies]


@router.post("/canned-replies", response={201: CannedReplyOut, 403: ErrorOut, 422: ErrorOut})
def canned_reply_create(request: HttpRequest, payload: CannedReplyIn) -> Status[CannedReplyOut]:
    """Add a personal canned reply."""
    user = _agent(request)
    blank = {
        name: [_("This field is required.")]
        for name in ("title", "body")
        if not getattr(payload, name).strip()
    }
    if blank:
        raise ApiError(422, "validation_error", _("Some fields are not valid."), blank)
    reply = services.canned_reply_create(owner=user, title=payload.title, body=payload.body)
    return Status(201, canned_reply_out(reply))


@router.delete(
    "/canned-replies/{reply_id}", response={204: None, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def canned_reply_delete(request: HttpRequest, reply_id: int) -> Status[None]:
    """Delete one of the caller's personal replies; shared and team replies are
    configured by supervisors (403)."""
    user = _agent(request)
    services.canned_reply_delete(reply=_reply(user, reply_id), actor=user)
    return Status(204, None)


@router.get(
    "/canned-replies/{reply_id}/render",
    response={200: RenderedOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def canned_reply_render(
    request: HttpRequest, reply_id: int, filters: Query[RenderFilters]
) -> RenderedOut:
    """The reply's text with its placeholders filled in for a ticket; a ticket that does
    not exist is a 422 naming `ticket`."""
    user = _agent(request)
    reply = _reply(user, reply_id)
    ticket = (
        Ticket.objects.visible_to(user)
        .select_related("account", "requester")
        .filter(number=filters.ticket)
        .first()
    )
    if ticket is None:
        raise ApiError(
            422, "validation_error", _("No such ticket."), {"ticket": [_("No such ticket.")]}
        )
    return RenderedOut(body=selectors.render_canned(reply, ticket))
