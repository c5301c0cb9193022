"""The SLA report: for the tickets created in a range of days that have an SLA policy, how
many met or breached their first-response and resolution targets, and the median times,
per account or per team.

Two queries whatever the number of tickets or groups: one aggregate per group for the
counts, and one list of the (group, start, first response, solution) instants that the
medians are taken over in Python."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, DateTimeField, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from tique.core.i18n import pick
from tique.tickets.models import Ticket


class Grouping(StrEnum):
    ACCOUNT = "account"
    TEAM = "team"


@dataclass(frozen=True)
class SlaRow:
    """One group's figures (or the total's). Durations are wall-clock minutes; None when
    no ticket of the group has got there yet."""

    label: str
    code: str
    tickets: int
    first_met: int
    first_breached: int
    resolution_met: int
    resolution_breached: int
    median_first_response: int | None
    median_resolution: int | None

    @property
    def first_open(self) -> int:
        """Not answered yet, and not late yet."""
        return self.tickets - self.first_met - self.first_breached

    @property
    def resolution_open(self) -> int:
        """Still running (or paused while waiting for the customer)."""
        return self.tickets - self.resolution_met - self.resolution_breached


@dataclass(frozen=True)
class SlaReport:
    grouping: Grouping
    start: dt.date
    end: dt.date
    rows: list[SlaRow]
    total: SlaRow


@dataclass
class _Durations:
    first_response: list[float]
    resolution: list[float]


def _start_of(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def report_tickets(*, start: dt.date, end: dt.date, tz: ZoneInfo) -> QuerySet[Ticket]:
    """The tickets the report is about: created from `start` to `end` (whole days in
    `tz`, both included), with an SLA policy. A ticket merged into another is left out:
    the survivor carries the conversation and its targets."""
    return Ticket.objects.filter(
        created_at__gte=_start_of(start, tz),
        created_at__lt=_start_of(end + dt.timedelta(days=1), tz),
        sla_policy__isnull=False,
        merged_into__isnull=True,
    )


def _outcomes(now: dt.datetime) -> dict[str, Any]:
    """The counts each group aggregates, as conditional counts; met and breached exclude
    each other, and what is neither is still open. A target still running is late once
    its due time is before now, or before the moment its clock stopped (paused waiting
    for the customer, or the ticket closed)."""
    stopped = Coalesce("sla_paused_at", "closed_at", Value(now, output_field=DateTimeField()))
    first_breached = (
        Q(first_response_breached=True)
        | Q(first_responded_at__gt=F("first_response_due_at"))
        | Q(first_responded_at__isnull=True, first_response_due_at__lt=stopped)
    )
    first_met = Q(first_responded_at__lte=F("first_response_due_at"), first_response_breached=False)
    resolution_breached = (
        Q(resolution_breached=True)
        | Q(solved_at__gt=F("resolution_due_at"))
        | Q(solved_at__isnull=True, resolution_due_at__lt=stopped)
    )
    resolution_met = Q(solved_at__lte=F("resolution_due_at"), resolution_breached=False)
    return {
        "tickets": Count("pk"),
        "first_met": Count("pk", filter=first_met),
        "first_breached": Count("pk", filter=first_breached),
        "resolution_met": Count("pk", filter=resolution_met),
        "resolution_breached": Count("pk", filter=resolution_breached),
    }


def _group_fields(grouping: Grouping) -> tuple[str, ...]:
    if grouping is Grouping.ACCOUNT:
        return ("account_id", "account__name", "account__customer_code")
    return ("team_id", "team__name_es", "team__name_en")


def _label(grouping: Grouping, values: dict[str, Any]) -> tuple[str, str]:
    if grouping is Grouping.ACCOUNT:
        return values["account__name"], values["account__customer_code"]
    if values["team_id"] is None:
        return _("No team"), ""
    return pick(es=values["team__name_es"], en=values["team__name_en"]), ""


def _minutes(start: dt.datetime, end: dt.datetime | None) -> float | None:
    """Wall-clock minutes from start to end; an answer given before the ticket was due to
    be attended (an agent on call early) counts as immediate."""
    if end is None:
        return None
    return max(0.0, (end - start).total_seconds() / 60)


def _durations(tickets: QuerySet[Ticket], key: str) -> dict[Any, _Durations]:
    """Each group's first-response and resolution times (one query, three columns)."""
    rows = (
        tickets.filter(Q(first_responded_at__isnull=False) | Q(solved_at__isnull=False))
        .annotate(clock_start=Coalesce("attend_from", "created_at"))
        .order_by()
        .values_list(key, "clock_start", "first_responded_at", "solved_at")
    )
    found: dict[Any, _Durations] = defaultdict(lambda: _Durations([], []))
    for group, start, responded, solved in rows:
        durations = found[group]
        if (first := _minutes(start, responded)) is not None:
            durations.first_response.append(first)
        if (resolution := _minutes(start, solved)) is not None:
            durations.resolution.append(resolution)
    return found


def _median(values: list[float]) -> int | None:
    return round(statistics.median(values)) if values else None


def _sort_key(row: SlaRow, key: Any) -> tuple[bool, str, str]:
    return (key is None, row.label.casefold(), row.code)


def sla_report(
    *, start: dt.date, end: dt.date, grouping: Grouping, tz: ZoneInfo, now: dt.datetime
) -> SlaReport:
    """The report's rows, one per account or team that has tickets in the range, by name
    (tickets with no team last), and the total."""
    tickets = report_tickets(start=start, end=end, tz=tz)
    fields = _group_fields(grouping)
    key = fields[0]
    groups = tickets.order_by().values(*fields).annotate(**_outcomes(now))
    durations = _durations(tickets, key)
    keyed: list[tuple[Any, SlaRow]] = []
    for values in groups:
        label, code = _label(grouping, values)
        times = durations.get(values[key], _Durations([], []))
        row = SlaRow(
            label=label,
            code=code,
            tickets=values["tickets"],
            first_met=values["first_met"],
            first_breached=values["first_breached"],
            resolution_met=values["resolution_met"],
            resolution_breached=values["resolution_breached"],
            median_first_response=_median(times.first_response),
            median_resolution=_median(times.resolution),
        )
        keyed.append((values[key], row))
    keyed.sort(key=lambda pair: _sort_key(pair[1], pair[0]))
    rows = [row for _key, row in keyed]
    every = list(durations.values())
    total = SlaRow(
        label=_("Total"),
        code="",
        tickets=sum(row.tickets for row in rows),
        first_met=sum(row.first_met for row in rows),
        first_breached=sum(row.first_breached for row in rows),
        resolution_met=sum(row.resolution_met for row in rows),
        resolution_breached=sum(row.resolution_breached for row in rows),
        median_first_response=_median([m for d in every for m in d.first_response]),
        median_resolution=_median([m for d in every for m in d.resolution]),
    )
    return SlaReport(grouping=grouping, start=start, end=end, rows=rows, total=total)
