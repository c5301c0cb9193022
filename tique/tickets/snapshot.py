"""Kinds and teams for lists of tickets, from a snapshot held in memory.

A row of the history, the desk or the API list shows the ticket's kind and team. Joining
the three kind tables and the teams to each list query made PostgreSQL weigh the join
orders of eight tables: 25 ms of planning for a query that then ran in 1 ms, at any
number of tickets (and each row carried its kind's field specification as JSON to parse).
Those tables hold a few dozen rows that supervisors rarely change, so a list reads them
from a snapshot that each process keeps for `MAX_AGE` seconds.

Saving or deleting a kind or a team drops this process's snapshot at once; another
process sees a renamed entry at most `MAX_AGE` seconds later. An entry that the snapshot
does not hold yet (created since) makes it reload: a list never shows a wrong kind.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import ForeignKey, Model
from django.db.models.query import ModelIterable, QuerySet
from django.db.models.signals import post_delete, post_save

from tique.accounts.models import Team
from tique.tickets.models import CatalogueEntry, IncidentKind, QueryKind, RequestType, Ticket

MAX_AGE = 30.0

# The ticket's foreign keys to a kind, with the model each points to.
_KINDS: dict[str, type[QueryKind] | type[RequestType] | type[IncidentKind]] = {
    "query_kind_id": QueryKind,
    "request_type_id": RequestType,
    "incident_kind_id": IncidentKind,
}
_KIND_FIELDS: dict[str, ForeignKey[Any, Any]] = {
    "query_kind_id": Ticket.query_kind.field,
    "request_type_id": Ticket.request_type.field,
    "incident_kind_id": Ticket.incident_kind.field,
}


@dataclass(frozen=True)
class Snapshot:
    entries: dict[type[CatalogueEntry], dict[int, CatalogueEntry]]
    teams: dict[int, Team]
    taken_at: float


_lock = threading.Lock()
_current: Snapshot | None = None


def _take() -> Snapshot:
    teams = {team.pk: team for team in Team.objects.all()}
    entries: dict[type[CatalogueEntry], dict[int, CatalogueEntry]] = {}
    for model in _KINDS.values():
        rows: dict[int, CatalogueEntry] = {}
        for entry in model.objects.all():
            if entry.team_id in teams:
                model.team.field.set_cached_value(entry, teams[entry.team_id])
            rows[entry.pk] = entry
        entries[model] = rows
    return Snapshot(entries, teams, time.monotonic())


def snapshot(*, fresh: bool = False) -> Snapshot:
    """This process's snapshot, taken again when older than `MAX_AGE` or when `fresh`."""
    global _current
    with _lock:
        current = _current
        if fresh or current is None or time.monotonic() - current.taken_at > MAX_AGE:
            current = _current = _take()
        return current


def forget(**_kwargs: Any) -> None:
    """Drop this process's snapshot (on any change to a kind or a team, and in tests)."""
    global _current
    with _lock:
        _current = None


_WATCHED: tuple[type[Model], ...] = (Team, QueryKind, RequestType, IncidentKind)
for _model in _WATCHED:
    post_save.connect(forget, sender=_model, dispatch_uid=f"snapshot-save-{_model.__name__}")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"snapshot-delete-{_model.__name__}")


def _attach(tickets: list[Ticket], current: Snapshot) -> bool:
    """Give each ticket what `current` holds of its kind and team; False when it lacks
    one of them."""
    complete = True
    for ticket in tickets:
        for attname, model in _KINDS.items():
            pk = getattr(ticket, attname)
            if pk is None:
                continue
            entry = current.entries[model].get(pk)
            if entry is None:
                complete = False
            else:
                _KIND_FIELDS[attname].set_cached_value(ticket, entry)
        if ticket.team_id is not None:
            team = current.teams.get(ticket.team_id)
            if team is None:
                complete = False
            else:
                Ticket.team.field.set_cached_value(ticket, team)
    return complete


def attach_kinds_and_teams(tickets: Iterable[Ticket]) -> list[Ticket]:
    """Give each ticket its kind and team from the snapshot, as `select_related` would
    (no query, unless the snapshot is missing one of them). Returns the tickets."""
    rows = list(tickets)
    if not _attach(rows, snapshot()):
        _attach(rows, snapshot(fresh=True))
    return rows


class _Attaching(ModelIterable):  # type: ignore[type-arg]
    """Mixed into a queryset's own iterable (plain, or a search's with its snippets)."""

    def __iter__(self) -> Iterator[Any]:
        yield from attach_kinds_and_teams(super().__iter__())


_iterables: dict[type[Any], type[Any]] = {}


def with_kinds_and_teams(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """`tickets` that, once fetched, have their kinds and teams from the snapshot: what
    `select_related("query_kind", "request_type", "incident_kind", "team")` gives,
    without four more tables in the query. Apply it last (a later `ticket_search` or
    `values()` sets its own way of fetching)."""
    base = tickets._iterable_class
    if issubclass(base, _Attaching):
        return tickets
    attaching = _iterables.get(base)
    if attaching is None:
        attaching = _iterables[base] = type(f"{base.__name__}WithKinds", (_Attaching, base), {})
    clone = tickets.all()
    clone._iterable_class = attaching
    return clone
