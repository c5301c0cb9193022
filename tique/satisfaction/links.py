"""Signed rating links for e-mail: one click rates a solved ticket without signing in.

The token carries the ticket's and the requester's primary keys, signed with the site's
secret key and a salt of its own, and stamped with the time it was made; it is valid for
`TIQUE_RATING_LINK_DAYS`. The choice (good or bad) rides outside the signature in the
query string: following a link records nothing by itself (see the view)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.http import urlencode

from tique.accounts.models import User
from tique.satisfaction.choices import Rating
from tique.tickets.models import Ticket

SALT = "tique.satisfaction"


class LinkInvalid(Exception):
    """Not a token we signed (tampered, truncated), or for a ticket or user that is gone."""


class LinkExpired(Exception):
    """A token we signed, but too old; `ticket_number` says which ticket it was for."""

    def __init__(self, ticket_number: int | None) -> None:
        super().__init__("rating link expired")
        self.ticket_number = ticket_number


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.TIQUE_RATING_LINK_DAYS)


def make_token(ticket: Ticket) -> str:
    return _signer().sign_object([ticket.pk, ticket.requester_id], compress=True)


def rating_url(ticket: Ticket, rating: Rating | str) -> str:
    """The absolute address of the rating page for the ticket's requester, with `rating`
    preselected."""
    path = reverse("satisfaction:rate", kwargs={"token": make_token(ticket)})
    return f"{settings.TIQUE_SITE_URL}{path}?{urlencode({'r': Rating(rating).value})}"


def _payload(token: str, age: dt.timedelta | None) -> tuple[int, int]:
    value = _signer().unsign_object(token, max_age=age)
    match value:
        case [int(ticket_pk), int(user_pk)]:
            return ticket_pk, user_pk
    raise LinkInvalid("unexpected payload")


def read_token(token: str) -> tuple[Ticket, User]:
    """The ticket and the requester a token was made for. Raises `LinkExpired` when it is
    older than `TIQUE_RATING_LINK_DAYS`, `LinkInvalid` for anything else that is wrong."""
    try:
        ticket_pk, user_pk = _payload(token, max_age())
    except signing.SignatureExpired:
        # The signature is ours, only old: say which ticket, so it can be rated there.
        ticket_pk, _user_pk = _payload(token, None)
        number = Ticket.objects.filter(pk=ticket_pk).values_list("number", flat=True).first()
        raise LinkExpired(number) from None
    except (signing.BadSignature, ValueError) as error:
        raise LinkInvalid(str(error)) from None
    ticket = (
        Ticket.objects.select_related("account", "requester")
        .filter(pk=ticket_pk, requester_id=user_pk, requester__is_active=True)
        .first()
    )
    if ticket is None:
        raise LinkInvalid("no such ticket for that requester")
    return ticket, ticket.requester
