"""Personas and shared fixtures.

Three kinds of people use Tique, and every test of a rule speaks of them: the
account's administrator (`acme_admin`), a member of the same account (`ana`, `luis`),
an outsider from another account (`beta_admin`), and provider staff (`agent`).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps as django_apps
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.datastructures import MultiValueDict

from tique.accounts.choices import Role
from tique.accounts.models import Account, Team, User
from tique.accounts.services import membership_add
from tique.tickets import services, snapshot
from tique.tickets.catalogue import build_form_class
from tique.tickets.models import RequestType, Ticket
from tique.tickets.selectors import catalogue_entry

# The real-browser tests' fixtures (Chromium, console errors, axe) for every app.
pytest_plugins = ["tique.core.testing.browser"]

PASSWORD = "correct horse battery staple"


# Tests run on a clock that starts on a Tuesday at 10:00 in Madrid, inside business
# hours, so what the after-hours rule and the SLA clock do never depends on when the
# suite runs. A test about another moment travels there itself.
BUSINESS_HOURS = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/Madrid"))


@pytest.fixture(autouse=True)
def _isolated(settings: Any, tmp_path: Path) -> Iterator[None]:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    cache.clear()
    # Rolled-back tests leave no kinds or teams behind, and SQLite reuses their ids.
    snapshot.forget()
    with time_machine.travel(BUSINESS_HOURS, tick=True):
        yield
    cache.clear()
    snapshot.forget()


@pytest.fixture
def catalogue(transactional_db: None) -> None:
    """What the data migrations seed: teams, the catalogue, the default business
    calendar and the SLA policies. A transactional test's flush empties every table, so
    such a test re-runs the migrations' (idempotent) seeds."""
    seeds = [
        ("tique.tickets.migrations.0002_seed_catalogue", "seed_catalogue"),
        ("tique.sla.migrations.0002_default_calendar", "seed_default_calendar"),
        ("tique.sla.migrations.0003_default_policies", "seed"),
    ]
    for module, function in seeds:
        getattr(importlib.import_module(module), function)(django_apps, None)
    assert RequestType.objects.count() == 12


def _user(email: str, name: str, **extra: Any) -> User:
    return User.objects.create_user(email=email, password=PASSWORD, full_name=name, **extra)


@pytest.fixture
def acme(db: None) -> Account:
    return Account.objects.create(
        name="Acme Telefonía S.L.",
        customer_code="C-10001",
        tax_id="B12345674",
        members_can_open_tickets=True,
    )


@pytest.fixture
def beta(db: None) -> Account:
    return Account.objects.create(
        name="Beta Logística S.A.", customer_code="C-10002", tax_id="A58818501"
    )


@pytest.fixture
def acme_admin(acme: Account) -> User:
    user = _user("admin@acme.example", "Marta Ortega")
    membership_add(account=acme, user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def ana(acme: Account) -> User:
    user = _user("ana@acme.example", "Ana Ruiz")
    membership_add(account=acme, user=user, role=Role.MEMBER)
    return user


@pytest.fixture
def luis(acme: Account) -> User:
    user = _user("luis@acme.example", "Luis Gómez")
    membership_add(account=acme, user=user, role=Role.MEMBER)
    return user


@pytest.fixture
def beta_admin(beta: Account) -> User:
    user = _user("admin@beta.example", "Jorge Beltrán")
    membership_add(account=beta, user=user, role=Role.ADMIN)
    return user


@pytest.fixture
def agent(db: None) -> User:
    user = _user("agent@tique.example", "Pablo Técnico", is_staff=True)
    Team.objects.get(slug="technical").members.add(user)
    return user


def english_client() -> Client:
    """Tests read the English source strings; a test of Spanish asks for it explicitly."""
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def client() -> Client:
    return english_client()


def signed_in(user: User) -> Client:
    client = english_client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    return signed_in


def pdf(name: str = "document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", "application/pdf")


# Valid raw input for one entry of each category: what a customer would type.
VALID_INPUT: dict[tuple[str, str], dict[str, Any]] = {
    ("query", "technical"): {"subject": "Desvío de llamadas", "question": "¿Cómo lo activo?"},
    ("request", "recover-number"): {"number": "912 345 678", "reason": "Baja por error"},
    ("incident", "cannot-receive-calls"): {
        "description": "No entran llamadas",
        "tests_done": "Reinicié el router",
        "affected": "912345678",
        "called_number": "912345678",
        "caller_number": "600111222",
        "failed_at": "2026-11-20T09:30",
    },
}


def open_ticket(
    user: User,
    category: str = "query",
    slug: str = "technical",
    data: dict[str, Any] | None = None,
    files: dict[str, Any] | None = None,
) -> Ticket:
    """Open a ticket as `user` in their first account, through the real form and service."""
    kind = catalogue_entry(category, slug)
    assert kind is not None, (category, slug)
    uploads = MultiValueDict({name: [upload] for name, upload in (files or {}).items()})
    form = build_form_class(kind.field_specs())(
        data if data is not None else VALID_INPUT[(category, slug)], uploads
    )
    assert form.is_valid(), form.errors.as_json()
    membership = user.memberships.select_related("account").first()
    assert membership is not None
    return services.ticket_create(
        draft=services.TicketDraft(
            membership=membership,
            created_by=user,
            kind=kind,
            values=form.typed_values(),
            subject=form.role_value("subject"),
            body=form.role_value("body"),
            uploads=form.uploads(),
        )
    )


@pytest.fixture
def ticket_factory(db: None) -> Callable[..., Ticket]:
    return open_ticket
