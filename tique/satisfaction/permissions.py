"""Who may rate a ticket: a pure predicate, asked by the panel, the signed link and the
service alike."""

from __future__ import annotations

from tique.accounts.models import User
from tique.tickets.choices import Status
from tique.tickets.models import Ticket

RATABLE_STATUSES = frozenset({Status.SOLVED, Status.CLOSED})


def can_rate(user: User, ticket: Ticket) -> bool:
    """The ticket's requester, while active, once it is solved or closed; a ticket merged
    into another is rated there (its conversation went on in the survivor)."""
    return (
        user.is_active
        and ticket.requester_id == user.pk
        and ticket.status in RATABLE_STATUSES
        and ticket.merged_into_id is None
    )
