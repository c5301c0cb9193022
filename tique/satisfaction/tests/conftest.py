"""Tickets that can be rated: Ana's query, worked by the agent and solved by them."""

from __future__ import annotations

import pytest
from django.conf import settings

from conftest import open_ticket
from tique.accounts.models import User
from tique.tickets import services
from tique.tickets.choices import Status
from tique.tickets.models import Ticket


def solve(ticket: Ticket, agent: User) -> Ticket:
    """Give the ticket to `agent` and have them solve it, through the real services."""
    services.ticket_assign(ticket=ticket, actor=agent, assignee=agent)
    return services.ticket_set_status(
        ticket=ticket, actor=agent, membership=None, status=Status.SOLVED
    )


def reopen(ticket: Ticket) -> Ticket:
    requester = ticket.requester
    return services.ticket_set_status(
        ticket=ticket,
        actor=requester,
        membership=requester.memberships.get(account=ticket.account),
        status=Status.OPEN,
    )


def site_path(url: str) -> str:
    """An absolute link of an e-mail, as the test client requests it."""
    assert url.startswith(settings.TIQUE_SITE_URL), url
    return url.removeprefix(settings.TIQUE_SITE_URL)


@pytest.fixture
def solved(ana: User, agent: User) -> Ticket:
    return solve(open_ticket(ana), agent)
