"""Reads of business calendars."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import holidays
from django.db.models import QuerySet
from django.utils import translation

from tique.sla.models import BusinessCalendar, SlaPolicy


def default_calendar() -> BusinessCalendar | None:
    """The default calendar, with its opening hours and closing days loaded, so that
    business-time arithmetic asks the database nothing more. A fresh object on every
    call: nothing is cached across requests, so a supervisor's edit counts at once.
    None when no calendar is the default (a test database that was flushed, say)."""
    return (
        BusinessCalendar.objects.prefetch_related("opening_hours", "closing_days")
        .filter(is_default=True)
        .first()
    )


def upcoming_holidays(
    calendar: BusinessCalendar, *, since: dt.date, limit: int = 10
) -> list[tuple[dt.date, str]]:
    """The next public holidays of the calendar's country and region from `since` on,
    named in the active language when the `holidays` package has it."""
    if not calendar.country:
        return []
    found = holidays.country_holidays(
        calendar.country,
        subdiv=calendar.subdivision or None,
        years=range(since.year, since.year + 2),
        language=_holidays_language(calendar.country),
    )
    upcoming = sorted((day, str(name)) for day, name in found.items() if day >= since)
    return upcoming[:limit]


def _holidays_language(country: str) -> str | None:
    """The `holidays` package's code for the active language ("en" is "en_US" there);
    None (the country's own language) when it has no translation into it."""
    supported = holidays.list_localized_countries().get(country.upper(), [])
    language = translation.get_language() or ""
    for code in (language, language.replace("-", "_"), language.split("-")[0]):
        if code in supported:
            return code
    base = language.split("-")[0]
    return next((code for code in supported if code.split("_")[0] == base), None)


def sla_policies() -> QuerySet[SlaPolicy]:
    """Every SLA policy, active or not, with its calendar, by plan, category and priority."""
    return SlaPolicy.objects.select_related("calendar").order_by(
        "plan", "category", "priority", "id"
    )


@dataclass(frozen=True)
class Closure:
    date: dt.date
    name: str
    kind: Literal["holiday", "closing"]  # public, or a closing day of the calendar


def closures_between(
    calendar: BusinessCalendar, *, since: dt.date, until: dt.date
) -> list[Closure]:
    """The days in `[since, until]` the calendar is closed although it may have hours
    that weekday: its own closing days (prefetched by `default_calendar`) and the public
    holidays, in date order; a closing day that is also a holiday is given once, as the
    holiday."""
    found: dict[dt.date, Closure] = {
        closing.date: Closure(closing.date, closing.name, "closing")
        for closing in calendar.closing_days.all()
        if since <= closing.date <= until
    }
    days = (until - since).days + 1
    for day, name in upcoming_holidays(calendar, since=since, limit=days):
        if day <= until:
            found[day] = Closure(day, name, "holiday")
    return sorted(found.values(), key=lambda closure: closure.date)
