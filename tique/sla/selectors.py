"""Reads of business calendars."""

from __future__ import annotations

import datetime as dt

import holidays
from django.utils import translation

from tique.sla.models import BusinessCalendar


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
