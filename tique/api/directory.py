"""Accounts and users: who the caller is, the accounts they may see and, for staff and
an account's administrators, the account's users; for staff, the teams and agents that
`PATCH /tickets/{number}` assigns to. Another account answers 404, never 403."""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from django.db.models import F, Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from tique.accounts import selectors
from tique.accounts.models import Account, Team, User
from tique.api.auth import caller
from tique.api.errors import ApiError, ErrorOut, not_found
from tique.api.pagination import keyset_page
from tique.api.schemas import AccountRef, TeamRef, UserRef, account_ref, user_ref

router = Router(tags=["accounts and users"])

RoleName = Literal["admin", "member"]
PlanName = Literal["basic", "business", "premium"]
LanguageName = Literal["es", "en"]


class MembershipOut(Schema):
    account: AccountRef
    role: RoleName


class MeOut(Schema):
    id: int
    name: str
    email: str
    language: LanguageName | None = Field(description="Empty: the browser's.")
    is_staff: bool
    teams: list[TeamRef] = Field(description="Staff: the active teams they work in.")
    memberships: list[MembershipOut] = Field(description="Customers: their active accounts.")


class AccountOut(Schema):
    code: str = Field(description="The customer code.")
    name: str
    plan: PlanName
    tax_id: str
    contact_email: str
    contact_phone: str
    members_can_open_tickets: bool
    language: LanguageName
    time_zone: str
    is_active: bool


class AccountPage(Schema):
    items: list[AccountOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


class AccountFilters(Schema):
    q: str | None = Field(
        None, max_length=200, description="Start of the customer code or of the name."
    )
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = Field(None, max_length=2000)


class AccountUserOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    role: RoleName
    is_active: bool


class AccountUserPage(Schema):
    items: list[AccountUserOut]
    next_cursor: str | None


class PageFilters(Schema):
    limit: int = Field(100, ge=1, le=200)
    cursor: str | None = Field(None, max_length=2000)


class TeamOut(Schema):
    slug: str = Field(description="What `PATCH /tickets/{number}` takes as `team`.")
    name: str
    email: str
    round_robin: bool
    supervisor: UserRef | None
    members: list[UserRef]


class AgentOut(Schema):
    id: int = Field(description="What `PATCH /tickets/{number}` takes as `assignee`.")
    name: str
    email: str
    teams: list[TeamRef]
    is_away: bool = Field(description="Gets no tickets by round-robin assignment.")
    is_on_call: bool = Field(description="Told of urgent incidents outside business hours.")
    is_supervisor: bool


class AgentPage(Schema):
    items: list[AgentOut]
    next_cursor: str | None


class AgentFilters(PageFilters):
    team: str | None = Field(None, max_length=40, description="Only this team's (its slug).")


# --- Building the output ------------------------------------------------------------


def _team_ref(team: Team) -> TeamRef:
    return TeamRef(slug=team.slug, name=team.name)


def _user_ref(user: User) -> UserRef:
    return UserRef(id=user.pk, name=user.display_name, email=user.email)


def account_out(account: Account) -> AccountOut:
    return AccountOut(
        code=account.customer_code,
        name=account.name,
        plan=account.plan,  # type: ignore[arg-type]
        tax_id=account.tax_id,
        contact_email=account.contact_email,
        contact_phone=account.contact_phone,
        members_can_open_tickets=account.members_can_open_tickets,
        language=account.language,  # type: ignore[arg-type]
        time_zone=account.time_zone,
        is_active=account.is_active,
    )


def _scope(user: User, name: str, data: object) -> str:
    """A cursor is good for one list, one caller and one set of filters."""
    raw = json.dumps([name, user.pk, data], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _require_staff(user: User) -> None:
    if not user.is_staff:
        raise ApiError(403, "forbidden", _("Only staff may do this."))


# --- Operations -----------------------------------------------------------------------


@router.get("/users/me", response={200: MeOut})
def me(request: HttpRequest) -> MeOut:
    """The caller: their teams if staff, their accounts and roles if a customer."""
    user = caller(request)
    teams = list(selectors.user_teams(user)) if user.is_staff else []
    return MeOut(
        id=user.pk,
        name=user.display_name,
        email=user.email,
        language=user.language or None,  # type: ignore[arg-type]
        is_staff=user.is_staff,
        teams=[_team_ref(team) for team in teams],
        memberships=[
            MembershipOut(account=account_ref(m.account), role=m.role)  # type: ignore[arg-type]
            for m in selectors.memberships_of(user)
        ],
    )


@router.get("/accounts", response={200: AccountPage, 400: ErrorOut, 422: ErrorOut})
def account_list(request: HttpRequest, filters: Query[AccountFilters]) -> AccountPage:
    """Every account for staff (active or not); a customer's own accounts. By name."""
    user = caller(request)
    accounts = selectors.accounts_visible_to(user)
    q = (filters.q or "").strip()
    if q:
        accounts = accounts.filter(Q(customer_code__istartswith=q) | Q(name__istartswith=q))
    page = keyset_page(
        accounts,
        [F("name").asc(), F("id").asc()],
        cursor=filters.cursor,
        limit=filters.limit,
        scope=_scope(user, "accounts", q),
    )
    return AccountPage(items=[account_out(a) for a in page.items], next_cursor=page.next_cursor)


@router.get("/accounts/{code}", response={200: AccountOut, 404: ErrorOut})
def account_detail(request: HttpRequest, code: str) -> AccountOut:
    """One account by customer code: staff see any, customers their own."""
    account = selectors.account_visible_to(caller(request), code)
    if account is None:
        raise not_found()
    return account_out(account)


@router.get(
    "/accounts/{code}/users",
    response={200: AccountUserPage, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def account_user_list(
    request: HttpRequest, code: str, filters: Query[PageFilters]
) -> AccountUserPage:
    """The account's users with their role, by name: for staff and the account's
    administrators (a member gets 403)."""
    user = caller(request)
    account = selectors.account_visible_to(user, code)
    if account is None:
        raise not_found()
    if not user.is_staff:
        mine = selectors.memberships_of(user).filter(account=account).first()
        if mine is None:
            raise not_found()
        if not mine.is_admin:
            raise ApiError(403, "forbidden", _("Only the account's administrators see its users."))
    page = keyset_page(
        selectors.account_memberships(account),
        [F("user__full_name").asc(), F("user__email").asc(), F("id").asc()],
        cursor=filters.cursor,
        limit=filters.limit,
        scope=_scope(user, "account-users", account.pk),
    )
    return AccountUserPage(
        items=[
            AccountUserOut(
                id=m.user.pk,
                name=m.user.display_name,
                email=m.user.email,
                phone=m.user.phone,
                role=m.role,
                is_active=m.user.is_active,
            )
            for m in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.get("/teams", response={200: list[TeamOut], 403: ErrorOut})
def team_list(request: HttpRequest) -> list[TeamOut]:
    """The active teams with their supervisor and active members (staff only)."""
    _require_staff(caller(request))
    return [
        TeamOut(
            slug=team.slug,
            name=team.name,
            email=team.email,
            round_robin=team.round_robin,
            supervisor=user_ref(team.supervisor),
            members=[_user_ref(member) for member in team.members.all()],
        )
        for team in selectors.active_teams()
    ]


@router.get("/agents", response={200: AgentPage, 400: ErrorOut, 403: ErrorOut, 422: ErrorOut})
def agent_list(request: HttpRequest, filters: Query[AgentFilters]) -> AgentPage:
    """Active staff, by name, with their teams and availability (staff only)."""
    user = caller(request)
    _require_staff(user)
    team = None
    if filters.team is not None:
        team = Team.objects.filter(slug=filters.team, is_active=True).first()
        if team is None:
            raise ApiError(422, "validation_error", _("Unknown team."), {"team": [_("Unknown.")]})
    page = keyset_page(
        selectors.agents(team=team),
        [F("full_name").asc(), F("email").asc(), F("id").asc()],
        cursor=filters.cursor,
        limit=filters.limit,
        scope=_scope(user, "agents", filters.team),
    )
    return AgentPage(
        items=[
            AgentOut(
                id=agent.pk,
                name=agent.display_name,
                email=agent.email,
                teams=[_team_ref(team) for team in agent.teams.all()],
                is_away=agent.is_away,
                is_on_call=agent.is_on_call,
                is_supervisor=agent.is_superuser
                or bool(getattr(agent, "configures_by_group", False))
                or bool(getattr(agent, "configures_directly", False)),
            )
            for agent in page.items
        ],
        next_cursor=page.next_cursor,
    )
