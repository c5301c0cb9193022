"""Schemas shared by several areas of the API: short references to related objects."""

from __future__ import annotations

from ninja import Schema

from tique.accounts.models import Account, Team, User


class UserRef(Schema):
    id: int
    name: str
    email: str


class AccountRef(Schema):
    code: str
    name: str


class TeamRef(Schema):
    slug: str
    name: str


class KindRef(Schema):
    slug: str
    name: str


def user_ref(user: User | None) -> UserRef | None:
    if user is None:
        return None
    return UserRef(id=user.pk, name=user.display_name, email=user.email)


def account_ref(account: Account) -> AccountRef:
    return AccountRef(code=account.customer_code, name=account.name)


def team_ref(team: Team | None) -> TeamRef | None:
    return TeamRef(slug=team.slug, name=team.name) if team is not None else None
