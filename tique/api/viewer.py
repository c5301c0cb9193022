"""What the API needs to know about its caller to shape an answer: their teams (queues
and bank data) and where the ticket lives on the web for them."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from tique.accounts.models import User
from tique.tickets import permissions
from tique.tickets.models import Ticket


@dataclass(frozen=True)
class Viewer:
    user: User
    team_ids: list[int]
    reveal_sensitive: bool

    def web_url(self, ticket: Ticket) -> str:
        name = "desk:ticket-detail" if self.user.is_staff else "portal:ticket-detail"
        return settings.TIQUE_SITE_URL + reverse(name, kwargs={"number": ticket.number})


def viewer_of(user: User) -> Viewer:
    if not user.is_staff:
        return Viewer(user=user, team_ids=[], reveal_sensitive=False)
    teams = list(user.teams.filter(is_active=True).values_list("pk", "slug"))
    return Viewer(
        user=user,
        team_ids=[pk for pk, _slug in teams],
        reveal_sensitive=permissions.can_see_sensitive_values(user, {s for _pk, s in teams}),
    )
