"""Business time: how many minutes a calendar is open between two instants, when a number
of open minutes runs out, and when the calendar next opens.

Pure functions. They never touch the database: they ask the calendar only for its `zone`
and for `shifts_on(local_date)` (a `BusinessCalendar` fetched with `default_calendar()`
answers both from memory; so does `WeeklyCalendar`, for tests and for the 24×7 clock).

The rules, decided once here:

- Instants are aware datetimes (a naive one is a `ValueError`); every result is aware and
  in the calendar's zone. All arithmetic is done in UTC, in real elapsed time: a 24-hour
  shift on the day the clocks go forward lasts 23 hours, and on the day they go back, 25.
- A shift `(opens, closes)` of a local date is open over `[opens, closes)`. A `closes`
  at or before `opens` falls on the next date: `00:00` closes at midnight at the end of the
  day, so `(00:00, 00:00)` is the whole day. Shifts may come unsorted or overlapping;
  they are merged, and back-to-back shifts (14:00–15:00 then 15:00–18:00, or one day's
  shift to midnight and the next day's from midnight) are one stretch of open time.
- A wall time maps to the first instant at which the calendar's clock shows that time
  or a later one. In the repeated hour of autumn (02:00–03:00 happens twice in Madrid on
  the last Sunday of October) a time means its first pass: a shift that opens inside the
  repeated hour includes both passes of what is left of it, and one that closes inside
  it closes on the first pass. In the missing hour of spring (02:00–03:00 never shows in
  Madrid on the last Sunday of March) a time means the instant the clocks jump (03:00
  summer time): a shift 02:30–05:00 opens at 03:00 and lasts two hours, and a shift that
  lies wholly inside the missing hour is empty. The mapping never goes backwards, so
  shifts keep their order and a day split at any time adds up to the whole day.
- `add_business_minutes`: when the minutes run out exactly at a closing time the result
  is that closing time, not the next opening; adding 0 minutes gives `next_opening`
  (the instant itself when open). `next_opening` of an open instant is that instant;
  a closing instant is closed (`[opens, closes)`).
- A calendar that is never open: `add_business_minutes` (with minutes > 0) and
  `next_opening` raise `ValueError` after looking `MAX_CLOSED_DAYS` ahead;
  `business_minutes_between` only looks between its two instants and counts 0;
  `is_open` is False.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

__all__ = [
    "MAX_CLOSED_DAYS",
    "Calendar",
    "WeeklyCalendar",
    "add_business_minutes",
    "business_minutes_between",
    "is_open",
    "next_opening",
]

# How many consecutive closed days the search for open time crosses before it gives up.
MAX_CLOSED_DAYS = 2 * 366

_UTC = dt.UTC
_MIDNIGHT = dt.time(0)
_ONE_DAY = dt.timedelta(days=1)
_ONE_MINUTE = dt.timedelta(minutes=1)
_ONE_MICROSECOND = dt.timedelta(microseconds=1)

Shift = tuple[dt.time, dt.time]
_Interval = tuple[dt.datetime, dt.datetime]  # UTC, start < end


class Calendar(Protocol):
    """What business-time arithmetic needs of a calendar (`BusinessCalendar` has it)."""

    @property
    def zone(self) -> dt.tzinfo: ...

    def shifts_on(self, day: dt.date, /) -> Sequence[Shift]:
        """The local opening intervals of a date; none when it is closed all day."""
        ...


@dataclass(frozen=True)
class WeeklyCalendar:
    """An in-memory calendar: the same shifts every week (weekday 0 is Monday), except
    on the `closed` dates."""

    zone: dt.tzinfo
    week: Mapping[int, Sequence[Shift]]
    closed: Container[dt.date] = field(default_factory=frozenset)

    @classmethod
    def always_open(cls, zone: dt.tzinfo) -> WeeklyCalendar:
        """The 24×7 clock: business minutes are real minutes."""
        return cls(zone, {weekday: [(_MIDNIGHT, _MIDNIGHT)] for weekday in range(7)})

    def shifts_on(self, day: dt.date, /) -> list[Shift]:
        if day in self.closed:
            return []
        return list(self.week.get(day.weekday(), ()))


def is_open(instant: dt.datetime, calendar: Calendar) -> bool:
    """Whether the calendar is open at `instant` (a closing instant is closed)."""
    moment = _as_utc(instant)
    local_day = moment.astimezone(calendar.zone).date()
    # Yesterday's shift may run past midnight; tomorrow's is checked for zones whose
    # clocks go back across midnight.
    days = (local_day - _ONE_DAY, local_day, local_day + _ONE_DAY)
    return any(
        start <= moment < end for day in days for start, end in _day_intervals(calendar, day)
    )


def next_opening(instant: dt.datetime, calendar: Calendar) -> dt.datetime:
    """`instant` itself when the calendar is open then; otherwise the next opening."""
    moment = _as_utc(instant)
    start, _end = next(_open_intervals(calendar, moment))
    return start.astimezone(calendar.zone)


def add_business_minutes(
    start: dt.datetime, minutes: int | float, calendar: Calendar
) -> dt.datetime:
    """The instant at which `minutes` of open time after `start` have passed.

    Ends exactly at a closing time when the minutes run out there; 0 minutes give
    `next_opening(start)`. Minutes are kept to the microsecond.
    """
    moment = _as_utc(start)
    remaining = _as_duration(minutes)
    if not remaining:
        return next_opening(start, calendar)
    for opens, closes in _open_intervals(calendar, moment):
        available = closes - opens
        if remaining <= available:
            return (opens + remaining).astimezone(calendar.zone)
        remaining -= available
    raise AssertionError("unreachable: the search for open time ends with ValueError")


def business_minutes_between(start: dt.datetime, end: dt.datetime, calendar: Calendar) -> float:
    """The open minutes in `[start, end)`; negative when `end` is before `start`."""
    since, until = _as_utc(start), _as_utc(end)
    if until < since:
        return -business_minutes_between(end, start, calendar)
    total = dt.timedelta(0)
    for opens, closes in _open_intervals(calendar, since, until=until):
        if opens >= until:
            break
        total += min(closes, until) - opens
    return total / _ONE_MINUTE


# --- Internals --------------------------------------------------------------------------


def _as_utc(instant: dt.datetime) -> dt.datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{instant!r} is a naive datetime; business time needs aware ones.")
    return instant.astimezone(_UTC)


def _as_duration(minutes: float) -> dt.timedelta:
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError(f"Business minutes must be a finite number ≥ 0, not {minutes!r}.")
    try:
        return dt.timedelta(minutes=minutes)
    except OverflowError as error:
        raise ValueError(f"{minutes!r} business minutes is more than time can hold.") from error


def _open_intervals(
    calendar: Calendar, since: dt.datetime, until: dt.datetime | None = None
) -> Iterator[_Interval]:
    """The open time after `since` (UTC), in order, as intervals that do not overlap
    (back-to-back ones are not joined: no caller needs it, and a 24×7 calendar would
    never end one). The first one starts at `since` when the calendar is open then.

    With `until`, it stops after the last day whose shifts may open before it; without,
    it raises `ValueError` after `MAX_CLOSED_DAYS` closed days in a row.
    """
    zone = calendar.zone
    day = since.astimezone(zone).date() - _ONE_DAY  # yesterday's shift may run past midnight
    # Shifts of later dates open after `until` (a day later: clocks that go back across
    # midnight show the next date twice).
    last_day = None if until is None else until.astimezone(zone).date() + _ONE_DAY
    frontier = since  # nothing before it is yielded again
    closed_days = 0
    while True:
        if last_day is not None and day > last_day:
            return
        intervals = _day_intervals(calendar, day)
        if intervals:
            closed_days = 0
        else:
            closed_days += 1
            if until is None and closed_days > MAX_CLOSED_DAYS:
                raise ValueError(
                    f"The calendar is closed on all the {MAX_CLOSED_DAYS} days up to {day}:"
                    " does it have opening hours?"
                )
        # Every start of a day is at or after every start of the day before (the wall-time
        # mapping never goes backwards), so clipping to the frontier merges overlaps.
        for opens, closes in intervals:
            start = max(opens, frontier)
            if start < closes:
                yield start, closes
                frontier = closes
        day += _ONE_DAY


def _day_intervals(calendar: Calendar, day: dt.date) -> list[_Interval]:
    """The shifts of one local date as UTC intervals, sorted by start; empty ones dropped."""
    zone = calendar.zone
    intervals = []
    for opens, closes in calendar.shifts_on(day):
        closing_day = day if closes > opens else day + _ONE_DAY
        start = _wall_to_utc(dt.datetime.combine(day, opens), zone)
        end = _wall_to_utc(dt.datetime.combine(closing_day, closes), zone)
        if start < end:
            intervals.append((start, end))
    intervals.sort()
    return intervals


def _wall_to_utc(wall: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """The first instant at which the clock of `zone` shows `wall` or a later time: the
    first pass of a repeated time, the moment of the jump for a time that never shows."""
    wall = wall.replace(tzinfo=None, fold=0)
    first = wall.replace(tzinfo=zone).astimezone(_UTC)  # fold=0: the earlier offset
    if _wall_at(first, zone) == wall:
        return first
    # `wall` falls in a gap. fold=0 and fold=1 give the instants an hour (the gap's
    # length) apart on either side of the jump; find the jump between them.
    other = wall.replace(tzinfo=zone, fold=1).astimezone(_UTC)
    low, high = min(first, other), max(first, other)
    if not _wall_at(low, zone) < wall <= _wall_at(high, zone):
        low, high = low - _ONE_DAY, high + _ONE_DAY  # a tzinfo that ignores fold
    below, above = 0, (high - low) // _ONE_MICROSECOND
    while above - below > 1:
        middle = (below + above) // 2
        if _wall_at(low + middle * _ONE_MICROSECOND, zone) >= wall:
            above = middle
        else:
            below = middle
    return low + above * _ONE_MICROSECOND


def _wall_at(instant: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return instant.astimezone(zone).replace(tzinfo=None, fold=0)
