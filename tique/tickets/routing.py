"""Where a new ticket goes: the team its catalogue entry names (data a supervisor
edits), and, when that team works round-robin, the available member who has waited
longest for a ticket."""

from __future__ import annotations

from django.db.models import F
from django.utils import timezone

from tique.accounts.models import Team, User


def round_robin_pick(team: Team) -> User | None:
    """The next agent of a round-robin team, or None (not round-robin, or nobody is
    available). Must run inside the transaction that assigns the ticket: the chosen row
    is locked, and on PostgreSQL a concurrent creator skips it and takes the next one."""
    if not team.round_robin or not team.is_active:
        return None
    candidates = (
        team.members.filter(is_active=True, is_staff=True, is_away=False)
        .order_by(F("last_round_robin_at").asc(nulls_first=True), "id")
        .select_for_update(skip_locked=True, of=("self",))
    )
    agent = candidates.first()
    if agent is not None:
        agent.last_round_robin_at = timezone.now()
        User.objects.filter(pk=agent.pk).update(last_round_robin_at=agent.last_round_robin_at)
    return agent
