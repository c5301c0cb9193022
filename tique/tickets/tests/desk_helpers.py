"""People and tickets the desk's tests share: more agents than the one persona, a third
customer account, tickets of every catalogue entry, and ways to age a ticket."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from conftest import PASSWORD, open_ticket
from tique.accounts.choices import Role
from tique.accounts.models import Account, Team, User
from tique.accounts.services import membership_add
from tique.tickets import services
from tique.tickets.choices import Status
from tique.tickets.models import Ticket
from tique.tickets.tests.catalogue_examples import Example, bound_form, kind_of
from tique.tickets.tests.catalogue_examples import example as example_of

IBAN_WHOLE = "ES91 2100 0418 4502 0005 1332"
IBAN_MASKED = "ES·· ···· 1332"


def make_agent(email: str, name: str, team: str | None = "technical", **extra: Any) -> User:
    user = User.objects.create_user(
        email=email, password=PASSWORD, full_name=name, is_staff=True, **extra
    )
    if team:
        Team.objects.get(slug=team).members.add(user)
    return user


def customer(code: str, name: str, email: str, person: str) -> User:
    """The administrator of a new customer account."""
    account = Account.objects.create(name=name, customer_code=code, tax_id="B12345674")
    user = User.objects.create_user(email=email, password=PASSWORD, full_name=person)
    membership_add(account=account, user=user, role=Role.ADMIN)
    return user


def open_example(user: User, example: Example, *, with_files: bool = True) -> Ticket:
    """Open a ticket of a seeded catalogue entry with its valid example submission."""
    form = bound_form(example.category, example.slug, files=None if with_files else {})
    assert form.is_valid(), form.errors.as_json()
    membership = user.memberships.select_related("account").get()
    return services.ticket_create(
        draft=services.TicketDraft(
            membership=membership,
            created_by=user,
            kind=kind_of(example.category, example.slug),
            values=form.typed_values(),
            subject=form.role_value("subject"),
            body=form.role_value("body"),
            uploads=form.uploads(),
        )
    )


def incident(user: User, slug: str = "cannot-receive-calls") -> Ticket:
    """An incident of that kind, opened with its valid example and no files."""
    return open_example(user, example_of("incident", slug), with_files=False)


def query(user: User, slug: str = "technical", subject: str = "Desvío de llamadas") -> Ticket:
    return open_ticket(user, "query", slug, {"subject": subject, "question": "¿Cómo lo activo?"})


def set_state(ticket: Ticket, **values: Any) -> Ticket:
    """Put a ticket in a state for a test (the services are tested elsewhere)."""
    Ticket.objects.filter(pk=ticket.pk).update(**values)
    ticket.refresh_from_db()
    return ticket


def solved(ticket: Ticket, days_ago: float = 0) -> Ticket:
    when = timezone.now() - dt.timedelta(days=days_ago)
    return set_state(ticket, status=Status.SOLVED, solved_at=when)


def closed(ticket: Ticket) -> Ticket:
    return set_state(ticket, status=Status.CLOSED, closed_at=timezone.now())
