"""The desk's computed sort orders, shared by the queries that sort by them
(`tique.tickets.selectors.SORTS`) and the indexes that serve them (`Ticket.Meta`):
PostgreSQL uses an index on an expression only when the query's expression is the same
one, so both are built from these."""

from __future__ import annotations

import datetime as dt

from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.db.models.functions import Coalesce, Least

from tique.tickets.choices import Priority, Status

PRIORITY_RANK = Case(
    When(priority=Priority.URGENT, then=Value(0)),
    When(priority=Priority.HIGH, then=Value(1)),
    When(priority=Priority.NORMAL, then=Value(2)),
    default=Value(3),
)
FAR_FUTURE = Value(dt.datetime(9999, 1, 1, tzinfo=dt.UTC))
# The soonest SLA target still running; tickets with none (paused, solved, no policy)
# sort last. Each term is coalesced because SQLite's MIN() is NULL if any argument is.
SLA_DUE = Case(
    When(
        Q(sla_paused_at__isnull=False) | Q(status__in=[Status.SOLVED, Status.CLOSED]),
        then=FAR_FUTURE,
    ),
    default=Least(
        Coalesce(
            Case(When(first_responded_at__isnull=True, then=F("first_response_due_at"))),
            FAR_FUTURE,
        ),
        Coalesce(F("next_response_due_at"), FAR_FUTURE),
        Coalesce(F("resolution_due_at"), FAR_FUTURE),
    ),
    output_field=DateTimeField(),
)
