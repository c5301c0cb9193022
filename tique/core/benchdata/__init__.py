"""Bulk benchmark data (`python manage.py bench_data`): accounts of very different
sizes, their users, bench agents in every team, and N tickets of every category and
kind with valid typed values, 1–10 messages in Spanish or English, an audit trail and
SLA fields, over the last three years (more recent years busier).

Everything bench data makes is marked, and only that is ever deleted: accounts by their
customer-code prefix (`B-00001`…), users by their e-mail domain (`…bench.tique.example`).

This is a bulk load, like a fixture: rows are written directly (COPY on PostgreSQL,
`bulk_create` on SQLite), not through the ticket services, which would take hours for
a million tickets; the data is made to be what the services would have written.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from tique.accounts.models import Account, User
from tique.core.benchdata import people
from tique.core.benchdata.people import CODE_PREFIX, EMAIL_DOMAIN, PASSWORD
from tique.core.benchdata.purge import purge
from tique.core.benchdata.stories import YEARS, Kind, Policy, TicketMaker
from tique.core.benchdata.values import MADRID
from tique.core.benchdata.vocabulary import Phrasebook
from tique.core.benchdata.writers import make_writer
from tique.sla.models import SlaPolicy
from tique.sla.selectors import default_calendar
from tique.tickets.models import (
    CatalogueEntry,
    IncidentKind,
    Message,
    QueryKind,
    RequestType,
    Ticket,
    TicketEvent,
)

__all__ = [
    "CODE_PREFIX",
    "EMAIL_DOMAIN",
    "PASSWORD",
    "LoadReport",
    "bench_accounts",
    "bench_tickets",
    "bench_users",
    "load",
    "reset",
]

# How often each kind is opened, relative to the others of all categories; a kind a
# supervisor added later gets DEFAULT_WEIGHT.
KIND_WEIGHTS: dict[tuple[str, str], float] = {
    ("query", "technical"): 23,
    ("query", "commercial"): 10,
    ("request", "other"): 7,
    ("request", "port-numbers"): 4,
    ("request", "more-channels"): 3,
    ("request", "refund"): 3,
    ("request", "rma"): 2,
    ("request", "recover-number"): 1.5,
    ("request", "change-bank-account"): 1.5,
    ("request", "cancel-direct-debit"): 1.2,
    ("request", "update-paypal"): 1,
    ("request", "raise-deposit"): 0.8,
    ("request", "remove-vat"): 0.8,
    ("request", "change-holder"): 0.7,
    ("incident", "cannot-receive-calls"): 9,
    ("incident", "cannot-place-calls"): 7,
    ("incident", "phones-not-registered"): 6,
    ("incident", "pbx"): 5,
    ("incident", "one-way-audio-outbound"): 4,
    ("incident", "one-way-audio-inbound"): 4,
    ("incident", "other"): 3,
    ("incident", "outbound-rings-extension"): 2,
}
DEFAULT_WEIGHT = 1.0
_ACCOUNT_BITS = 24


def bench_accounts() -> QuerySet[Account]:
    return Account.objects.filter(customer_code__startswith=CODE_PREFIX)


def bench_users() -> QuerySet[User]:
    return User.objects.filter(
        Q(email__endswith=f".{EMAIL_DOMAIN}") | Q(email__endswith=f"@{EMAIL_DOMAIN}")
    )


def bench_tickets() -> QuerySet[Ticket]:
    return Ticket.objects.filter(account__customer_code__startswith=CODE_PREFIX)


def reset() -> int:
    """Delete every bench ticket, account and user (with what depends on them); returns
    how many tickets went. Nothing else is touched."""
    with transaction.atomic():
        deleted = purge(bench_tickets())
        purge(bench_accounts())
        purge(bench_users())
    return deleted


@dataclass
class LoadReport:
    accounts: int
    users: int
    tickets: int
    messages: int
    events: int
    seconds: float


def _kinds() -> list[Kind]:
    entries: list[CatalogueEntry] = [
        *QueryKind.objects.filter(is_active=True),
        *RequestType.objects.filter(is_active=True),
        *IncidentKind.objects.filter(is_active=True),
    ]
    fk = {"query": "query_kind_id", "request": "request_type_id", "incident": "incident_kind_id"}
    return [
        Kind(
            category=entry.category,
            slug=entry.slug,
            pk=entry.pk,
            fk=fk[entry.category],
            team_id=entry.team_id,
            specs=tuple(entry.field_specs()),
            admin_only=bool(getattr(entry, "admin_only", False)),
            service_affecting=str(getattr(entry, "service_affecting", "")),
            name_es=entry.name_es,
            name_en=entry.name_en,
        )
        for entry in entries
    ]


def _policies() -> list[Policy]:
    return [
        Policy(
            pk=p.pk,
            plan=p.plan,
            category=p.category,
            priority=p.priority,
            first=p.first_response_minutes,
            following=p.next_response_minutes,
            resolution=p.resolution_minutes,
            business_hours=p.business_hours,
        )
        for p in SlaPolicy.objects.filter(is_active=True)
    ]


def _created_times(sizes: list[int], now: float, rng: random.Random) -> list[int]:
    """Every ticket's opening second and account, oldest first, packed in one int each
    (seconds << 24 | account index) to keep a million of them small and sortable.

    Volume grows linearly over the years (density ∝ age from the start); most tickets
    come in office hours on weekdays."""
    span = YEARS * 365 * 86400
    start = now - span
    latest = now - 120
    keys: list[int] = []
    for index, size in enumerate(sizes):
        for _ in range(size):
            moment = start + span * rng.random() ** 0.5
            local = dt.datetime.fromtimestamp(moment, MADRID)
            day = local.date()
            if day.weekday() >= 5 and rng.random() < 0.8:
                day -= dt.timedelta(days=day.weekday() - 4)
            if rng.random() < 0.85:
                seconds = rng.randint(8 * 3600, 19 * 3600)
            else:
                seconds = rng.randint(0, 86399)
            wall = dt.datetime.combine(day, dt.time(seconds // 3600, seconds // 60 % 60))
            moment = wall.replace(tzinfo=MADRID, second=seconds % 60).timestamp()
            if moment > latest:
                moment = latest - rng.random() * 3600
            keys.append(int(moment) << _ACCOUNT_BITS | index)
    keys.sort()
    return keys


def load(
    *,
    tickets: int,
    seed: int,
    batch: int,
    progress: Callable[[str], Any] = print,
) -> LoadReport:
    """Make `tickets` bench tickets (and their accounts, users and agents)."""
    began = time.monotonic()
    rng = random.Random(seed)  # noqa: S311 (reproducible made-up data, no secret)
    now = timezone.now()
    sizes = people.account_sizes(tickets, rng)
    with transaction.atomic():
        crowd = people.create_people(sizes, rng, batch)
    progress(
        f"{len(crowd.accounts)} accounts (the largest with {sizes[0] if sizes else 0} "
        f"tickets) and {crowd.users} users in {time.monotonic() - began:.1f}s"
    )
    kinds = _kinds()
    cumulative = list(
        itertools.accumulate(KIND_WEIGHTS.get((k.category, k.slug), DEFAULT_WEIGHT) for k in kinds)
    )
    maker = TicketMaker(
        rng=rng,
        phrases=Phrasebook(rng),
        agents_by_team=crowd.agents_by_team,
        policies=_policies(),
        calendar=default_calendar(),
        now=now,
    )
    keys = _created_times(sizes, now.timestamp(), rng)
    writer = make_writer(batch, tickets)
    made_messages = made_events = 0
    try:
        for first in range(0, len(keys), batch):
            chunk = keys[first : first + batch]
            ids, numbers = writer.ticket_ids(len(chunk)), writer.ticket_numbers(len(chunk))
            rows: dict[Any, list[dict[str, Any]]] = {Ticket: [], Message: [], TicketEvent: []}
            for offset, key in enumerate(chunk):
                position = first + offset
                # The first tickets go through the whole catalogue: every kind is there.
                kind = (
                    kinds[position]
                    if position < len(kinds)
                    else rng.choices(kinds, cum_weights=cumulative)[0]
                )
                made = maker.make(
                    ticket_id=ids[offset],
                    number=numbers[offset],
                    created=float(key >> _ACCOUNT_BITS),
                    account=crowd.accounts[key & ((1 << _ACCOUNT_BITS) - 1)],
                    kind=kind,
                )
                rows[Ticket].append(made.ticket)
                rows[Message].extend(made.messages)
                rows[TicketEvent].extend(made.events)
            made_messages += len(rows[Message])
            made_events += len(rows[TicketEvent])
            writer.write(rows)
            done = first + len(chunk)
            elapsed = time.monotonic() - began
            progress(
                f"{done:>9,} / {len(keys):,} tickets, {made_messages:,} messages, "
                f"{made_events:,} events — {elapsed:.0f}s"
            )
        progress("Finishing (indexes, foreign keys, VACUUM ANALYZE)…")
        writer.finish()
        if writer.rebuild_seconds:
            progress(f"Indexes and foreign keys rebuilt in {writer.rebuild_seconds:.0f}s")
    except BaseException:
        writer.abort()
        raise
    return LoadReport(
        accounts=len(crowd.accounts),
        users=crowd.users,
        tickets=len(keys),
        messages=made_messages,
        events=made_events,
        seconds=time.monotonic() - began,
    )
