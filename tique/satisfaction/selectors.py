"""Reads of satisfaction ratings: a ticket's rating, and the report's figures.

The report is one aggregate query per table whatever the number of ratings or groups,
and one more for the latest comments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from tique.core.i18n import pick
from tique.satisfaction.choices import Rating
from tique.satisfaction.models import SatisfactionRating
from tique.tickets.models import Ticket

LATEST_COMMENTS = 20


class Grouping(StrEnum):
    AGENT = "agent"
    TEAM = "team"
    ACCOUNT = "account"


def rating_of(ticket: Ticket) -> SatisfactionRating | None:
    return SatisfactionRating.objects.filter(ticket_id=ticket.pk).first()


@dataclass(frozen=True)
class SatisfactionRow:
    """One group's ratings (or the total's)."""

    label: str
    code: str
    good: int
    bad: int

    @property
    def total(self) -> int:
        return self.good + self.bad

    @property
    def percent_good(self) -> int | None:
        """Rounded to a whole number; None when there are no ratings."""
        return round(100 * self.good / self.total) if self.total else None


def _start_of(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=tz)


def ratings_between(*, start: dt.date, end: dt.date, tz: ZoneInfo) -> QuerySet[SatisfactionRating]:
    """The ratings first given from `start` to `end` (whole days in `tz`, both included)."""
    return SatisfactionRating.objects.filter(
        created_at__gte=_start_of(start, tz),
        created_at__lt=_start_of(end + dt.timedelta(days=1), tz),
    )


_GROUP_FIELDS: dict[Grouping, tuple[str, ...]] = {
    Grouping.AGENT: ("agent_id", "agent__full_name", "agent__email"),
    Grouping.TEAM: ("team_id", "team__name_es", "team__name_en"),
    Grouping.ACCOUNT: ("account_id", "account__name", "account__customer_code"),
}


def _label(grouping: Grouping, values: dict[str, Any]) -> tuple[str, str]:
    if grouping is Grouping.ACCOUNT:
        return values["account__name"], values["account__customer_code"]
    if grouping is Grouping.TEAM:
        if values["team_id"] is None:
            return _("No team"), ""
        return pick(es=values["team__name_es"], en=values["team__name_en"]), ""
    if values["agent_id"] is None:
        return _("No agent"), ""
    return values["agent__full_name"] or values["agent__email"], ""


def satisfaction_table(
    *, start: dt.date, end: dt.date, tz: ZoneInfo, grouping: Grouping
) -> list[SatisfactionRow]:
    """Good and bad ratings per agent, team or account (as they were when rated), most
    rated first. One query."""
    groups = (
        ratings_between(start=start, end=end, tz=tz)
        .values(*_GROUP_FIELDS[grouping])
        .annotate(
            good=Count("pk", filter=Q(rating=Rating.GOOD)),
            bad=Count("pk", filter=Q(rating=Rating.BAD)),
        )
        .order_by()
    )
    rows = [
        SatisfactionRow(*_label(grouping, values), good=values["good"], bad=values["bad"])
        for values in groups
    ]
    return sorted(rows, key=lambda row: (-row.total, row.label.casefold(), row.code))


def total_of(rows: list[SatisfactionRow]) -> SatisfactionRow:
    return SatisfactionRow(
        label=_("Total"),
        code="",
        good=sum(row.good for row in rows),
        bad=sum(row.bad for row in rows),
    )


def latest_comments(
    *, start: dt.date, end: dt.date, tz: ZoneInfo, limit: int = LATEST_COMMENTS
) -> list[SatisfactionRating]:
    """The ratings of the range that carry a comment, most recently written first."""
    return list(
        ratings_between(start=start, end=end, tz=tz)
        .exclude(comment="")
        .select_related("ticket", "agent", "team", "account")
        .order_by("-updated_at", "-pk")[:limit]
    )
