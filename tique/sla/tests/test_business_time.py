"""Business-time arithmetic: table tests in Europe/Madrid, then properties (hypothesis).

Most tests use in-memory calendars (`WeeklyCalendar`); the last ones use the default
`BusinessCalendar` that the data migration seeds, with the real holidays of Madrid.
The office hours are the seed's: Monday to Thursday 09:00–14:00 and 15:00–18:00, Friday
09:00–15:00.
"""

import datetime as dt
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tique.sla.business_time import (
    MAX_CLOSED_DAYS,
    WeeklyCalendar,
    add_business_minutes,
    business_minutes_between,
    is_open,
    next_opening,
)
from tique.sla.models import ClosingDay
from tique.sla.selectors import default_calendar

MADRID = ZoneInfo("Europe/Madrid")
T = dt.time
SPLIT = [(T(9), T(14)), (T(15), T(18))]
WEEK = {0: SPLIT, 1: SPLIT, 2: SPLIT, 3: SPLIT, 4: [(T(9), T(15))]}
CHRISTMAS_EVE = dt.date(2026, 12, 24)  # the provider's own closing day (a Thursday)
MADRID_HOLIDAYS = frozenset(holidays.country_holidays("ES", subdiv="MD", years=range(2024, 2031)))
OFFICE = WeeklyCalendar(MADRID, WEEK, closed=MADRID_HOLIDAYS | {CHRISTMAS_EVE})
ALWAYS = WeeklyCalendar.always_open(MADRID)
NEVER = WeeklyCalendar(MADRID, {})
CEST = dt.timedelta(hours=2)  # summer time
CET = dt.timedelta(hours=1)  # winter time


def madrid(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, *rest: int, fold: int = 0
) -> dt.datetime:
    second, microsecond = (*rest, 0, 0)[:2]
    return dt.datetime(year, month, day, hour, minute, second, microsecond, MADRID, fold=fold)


def utc(instant: dt.datetime) -> dt.datetime:
    """Compare instants in UTC: Python compares two datetimes of the same zone by their
    wall time (so the two passes of the repeated hour are equal), adds a timedelta on the
    wall clock, and finds a time in the repeated hour unequal to any of another zone."""
    return instant.astimezone(dt.UTC)


def sundays(*shifts: tuple[dt.time, dt.time]) -> WeeklyCalendar:
    return WeeklyCalendar(MADRID, {6: list(shifts)})


# --- add_business_minutes ----------------------------------------------------------------

ADDITIONS = [
    # (why, start, minutes, expected)
    ("inside a shift", madrid(2026, 11, 30, 10), 60, madrid(2026, 11, 30, 11)),
    ("across the lunch gap", madrid(2026, 11, 30, 13, 30), 60, madrid(2026, 11, 30, 15, 30)),
    ("from the lunch gap", madrid(2026, 11, 30, 14, 30), 30, madrid(2026, 11, 30, 15, 30)),
    ("before opening", madrid(2026, 11, 30, 7), 30, madrid(2026, 11, 30, 9, 30)),
    ("after closing", madrid(2026, 11, 30, 19), 30, madrid(2026, 12, 1, 9, 30)),
    ("across a whole day", madrid(2026, 11, 30, 10), 480, madrid(2026, 12, 1, 10)),
    ("Friday closes at 15:00", madrid(2026, 11, 27, 14, 30), 60, madrid(2026, 11, 30, 9, 30)),
    ("Saturday night to Monday", madrid(2026, 11, 28, 23), 240, madrid(2026, 11, 30, 13)),
    ("Sunday to Monday", madrid(2026, 11, 29, 12), 1, madrid(2026, 11, 30, 9, 1)),
    # 12 October 2026, a Monday, is the National Day.
    ("national holiday", madrid(2026, 10, 9, 14, 30), 60, madrid(2026, 10, 13, 9, 30)),
    # Monday 7 December 2026 is a Madrid holiday, Tuesday 8 December a national one.
    ("two holidays", madrid(2026, 12, 4, 14), 120, madrid(2026, 12, 9, 10)),
    # Monday 2 November 2026 is a holiday in Madrid only.
    ("regional holiday", madrid(2026, 10, 30, 14, 30), 60, madrid(2026, 11, 3, 9, 30)),
    # Madrid Day (2 May) is a Sunday in 2027 and moves to Monday 3 May.
    ("Madrid Day moved", madrid(2027, 4, 30, 14, 30), 60, madrid(2027, 5, 4, 9, 30)),
    # Maundy Thursday is a Madrid holiday, Good Friday a national one.
    ("Easter", madrid(2026, 4, 1, 17, 30), 60, madrid(2026, 4, 6, 9, 30)),
    # Christmas Eve is the provider's closing day, Christmas Day a holiday.
    ("closing day", madrid(2026, 12, 23, 17, 30), 60, madrid(2026, 12, 28, 9, 30)),
    ("ends at lunch", madrid(2026, 11, 30, 13), 60, madrid(2026, 11, 30, 14)),
    ("ends at the evening close", madrid(2026, 11, 30, 17), 60, madrid(2026, 11, 30, 18)),
    ("ends at Friday's close", madrid(2026, 11, 27, 9), 360, madrid(2026, 11, 27, 15)),
    ("zero while open", madrid(2026, 11, 30, 10, 15), 0, madrid(2026, 11, 30, 10, 15)),
    ("zero while closed", madrid(2026, 11, 28, 23), 0, madrid(2026, 11, 30, 9)),
    ("zero at a closing time", madrid(2026, 11, 30, 14), 0, madrid(2026, 11, 30, 15)),
    ("a fraction of a minute", madrid(2026, 11, 30, 10), 0.5, madrid(2026, 11, 30, 10, 0, 30)),
    # The clocks go forward on Sunday 29 March 2026: Friday is in winter time, Monday in
    # summer time.
    ("spring weekend", madrid(2026, 3, 27, 14), 120, madrid(2026, 3, 30, 10)),
    # The clocks go back on Sunday 25 October 2026.
    ("autumn weekend", madrid(2026, 10, 23, 14), 120, madrid(2026, 10, 26, 10)),
]


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [case[1:] for case in ADDITIONS],
    ids=[case[0] for case in ADDITIONS],
)
def test_add_business_minutes_in_office_hours(start, minutes, expected):
    result = add_business_minutes(start, minutes, OFFICE)
    assert result == expected
    assert result.utcoffset() == expected.utcoffset()


def test_minutes_that_run_out_at_a_closing_time_end_there_not_at_the_next_opening():
    assert add_business_minutes(madrid(2026, 11, 30, 9), 300, OFFICE) == madrid(2026, 11, 30, 14)
    assert add_business_minutes(madrid(2026, 11, 30, 9), 301, OFFICE) == madrid(2026, 11, 30, 15, 1)


def test_the_result_is_in_the_calendars_zone_whatever_the_zone_of_the_start():
    start = madrid(2026, 11, 30, 10).astimezone(dt.UTC)
    result = add_business_minutes(start, 30, OFFICE)
    assert result.tzinfo is MADRID
    assert (result.hour, result.minute) == (10, 30)
    assert next_opening(start, OFFICE).tzinfo is MADRID


# --- Daylight-saving time ------------------------------------------------------------------


def test_a_24_hour_day_lasts_23_hours_when_the_clocks_go_forward():
    assert business_minutes_between(madrid(2026, 3, 29), madrid(2026, 3, 30), ALWAYS) == 23 * 60
    assert add_business_minutes(madrid(2026, 3, 29), 23 * 60, ALWAYS) == madrid(2026, 3, 30)


def test_a_24_hour_day_lasts_25_hours_when_the_clocks_go_back():
    assert business_minutes_between(madrid(2026, 10, 25), madrid(2026, 10, 26), ALWAYS) == 25 * 60
    assert add_business_minutes(madrid(2026, 10, 25), 25 * 60, ALWAYS) == madrid(2026, 10, 26)


def test_24x7_minutes_are_real_minutes_across_the_spring_change():
    result = add_business_minutes(madrid(2026, 3, 28, 12), 24 * 60, ALWAYS)
    assert result == madrid(2026, 3, 29, 13)  # 24 real hours later, in summer time
    assert result.utcoffset() == CEST


def test_24x7_minutes_pass_the_repeated_hour_twice():
    first = add_business_minutes(madrid(2026, 10, 25, 1, 30), 60, ALWAYS)
    second = add_business_minutes(madrid(2026, 10, 25, 1, 30), 120, ALWAYS)
    assert (first.hour, first.minute, first.utcoffset()) == (2, 30, CEST)
    assert (second.hour, second.minute, second.utcoffset()) == (2, 30, CET)


def test_office_minutes_across_a_clock_change_count_only_open_time():
    for friday, monday in [
        (madrid(2026, 3, 27, 14), madrid(2026, 3, 30, 10)),
        (madrid(2026, 10, 23, 14), madrid(2026, 10, 26, 10)),
    ]:
        assert business_minutes_between(friday, monday, OFFICE) == 120


@pytest.mark.parametrize(
    ("shifts", "day", "minutes"),
    [
        # 01:00 winter time to 04:00 summer time: two real hours.
        ([(T(1), T(4))], dt.date(2026, 3, 29), 120),
        # 01:00 summer time to 04:00 winter time: four real hours.
        ([(T(1), T(4))], dt.date(2026, 10, 25), 240),
        # Opening in the missing hour: opens when the clocks jump, at 03:00.
        ([(T(2, 30), T(5))], dt.date(2026, 3, 29), 120),
        # Closing in the missing hour: closes when the clocks jump.
        ([(T(0), T(2, 30))], dt.date(2026, 3, 29), 120),
        # Wholly inside the missing hour: never open.
        ([(T(2, 15), T(2, 45))], dt.date(2026, 3, 29), 0),
        # Opening in the repeated hour: from its first pass, so both passes count.
        ([(T(2, 30), T(4))], dt.date(2026, 10, 25), 150),
        # Closing in the repeated hour: on its first pass.
        ([(T(0), T(2, 30))], dt.date(2026, 10, 25), 150),
        # A day split inside the repeated hour adds up to the whole day.
        ([(T(0), T(2, 30)), (T(2, 30), T(5))], dt.date(2026, 10, 25), 360),
        ([(T(0), T(5))], dt.date(2026, 10, 25), 360),
    ],
)
def test_shifts_that_contain_a_clock_change_count_real_time(shifts, day, minutes):
    calendar = sundays(*shifts)
    start = dt.datetime.combine(day, T(0), MADRID) - dt.timedelta(days=1)
    end = start + dt.timedelta(days=3)
    assert business_minutes_between(start, end, calendar) == minutes


def test_a_shift_that_opens_in_the_missing_hour_opens_when_the_clocks_jump():
    opening = next_opening(madrid(2026, 3, 28, 12), sundays((T(2, 30), T(5))))
    assert opening == madrid(2026, 3, 29, 3)
    assert opening.utcoffset() == CEST


def test_a_shift_that_opens_in_the_repeated_hour_opens_on_its_first_pass():
    calendar = sundays((T(2, 30), T(4)))
    opening = next_opening(madrid(2026, 10, 24, 12), calendar)
    assert (opening.hour, opening.minute, opening.utcoffset()) == (2, 30, CEST)
    assert is_open(madrid(2026, 10, 25, 2, 15, fold=1), calendar)  # the second pass counts


def test_a_shift_wholly_inside_the_missing_hour_is_skipped():
    calendar = sundays((T(2, 15), T(2, 45)))
    assert next_opening(madrid(2026, 3, 28), calendar) == madrid(2026, 4, 5, 2, 15)


# --- next_opening and is_open ------------------------------------------------------------

OPENINGS = [
    ("open: the instant itself", madrid(2026, 11, 30, 10, 7, 30), madrid(2026, 11, 30, 10, 7, 30)),
    ("at opening time", madrid(2026, 11, 30, 9), madrid(2026, 11, 30, 9)),
    ("at lunch closing time", madrid(2026, 11, 30, 14), madrid(2026, 11, 30, 15)),
    ("in the lunch gap", madrid(2026, 11, 30, 14, 59), madrid(2026, 11, 30, 15)),
    ("early morning", madrid(2026, 11, 30, 0, 1), madrid(2026, 11, 30, 9)),
    ("evening", madrid(2026, 11, 30, 18), madrid(2026, 12, 1, 9)),
    ("Friday afternoon", madrid(2026, 11, 27, 15), madrid(2026, 11, 30, 9)),
    ("Saturday", madrid(2026, 11, 28, 23), madrid(2026, 11, 30, 9)),
    ("holiday Monday and Tuesday", madrid(2026, 12, 5, 23), madrid(2026, 12, 9, 9)),
    ("national day", madrid(2026, 10, 12, 10), madrid(2026, 10, 13, 9)),
    ("closing day", madrid(2026, 12, 24, 10), madrid(2026, 12, 28, 9)),
]


@pytest.mark.parametrize(
    ("instant", "expected"),
    [case[1:] for case in OPENINGS],
    ids=[case[0] for case in OPENINGS],
)
def test_next_opening(instant, expected):
    assert next_opening(instant, OFFICE) == expected


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (madrid(2026, 11, 30, 9), True),
        (madrid(2026, 11, 30, 13, 59, 59, 999999), True),
        (madrid(2026, 11, 30, 14), False),
        (madrid(2026, 11, 30, 15), True),
        (madrid(2026, 11, 30, 18), False),
        (madrid(2026, 11, 27, 14, 59), True),
        (madrid(2026, 11, 27, 15), False),
        (madrid(2026, 11, 28, 11), False),
        (madrid(2026, 10, 12, 11), False),
        (madrid(2026, 12, 8, 11), False),
        (madrid(2026, 12, 24, 11), False),
    ],
)
def test_is_open(instant, expected):
    assert is_open(instant, OFFICE) is expected


# --- business_minutes_between ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        (madrid(2026, 11, 30, 9), madrid(2026, 12, 1, 9), 480),
        (madrid(2026, 11, 30), madrid(2026, 12, 7), 4 * 480 + 360),
        (madrid(2026, 11, 30, 13, 30), madrid(2026, 11, 30, 15, 30), 60),
        (madrid(2026, 11, 28, 10), madrid(2026, 11, 29, 20), 0),
        (madrid(2026, 12, 4, 14), madrid(2026, 12, 9, 10), 120),
        (madrid(2026, 11, 30, 10), madrid(2026, 11, 30, 10), 0),
        (madrid(2026, 11, 30, 10), madrid(2026, 11, 30, 10, 0, 0, 600), 0.00001),
    ],
)
def test_business_minutes_between(start, end, minutes):
    assert business_minutes_between(start, end, OFFICE) == pytest.approx(minutes, abs=1e-12)
    assert business_minutes_between(end, start, OFFICE) == pytest.approx(-minutes, abs=1e-12)


# --- Odd calendars and bad input ---------------------------------------------------------


def test_overlapping_and_unsorted_shifts_are_merged():
    calendar = WeeklyCalendar(MADRID, {0: [(T(15), T(18)), (T(9), T(14)), (T(10), T(12))]})
    monday, tuesday = madrid(2026, 11, 30), madrid(2026, 12, 1)
    assert business_minutes_between(monday, tuesday, calendar) == 480
    overlapping = WeeklyCalendar(MADRID, {0: [(T(13), T(16)), (T(9), T(14)), (T(15), T(18))]})
    assert business_minutes_between(monday, tuesday, overlapping) == 540
    assert add_business_minutes(madrid(2026, 11, 30, 13), 120, overlapping) == madrid(
        2026, 11, 30, 15
    )


def test_a_shift_that_closes_before_it_opens_runs_past_midnight():
    night = WeeklyCalendar(MADRID, {4: [(T(22), T(6))]})  # Friday night
    assert is_open(madrid(2026, 11, 28, 5, 59), night)
    assert not is_open(madrid(2026, 11, 28, 6), night)
    assert add_business_minutes(madrid(2026, 11, 27, 21), 60, night) == madrid(2026, 11, 27, 23)
    assert add_business_minutes(madrid(2026, 11, 27, 23), 420, night) == madrid(2026, 11, 28, 6)


def test_a_calendar_never_open_is_an_error_not_an_endless_search():
    with pytest.raises(ValueError, match="opening hours"):
        next_opening(madrid(2026, 11, 30), NEVER)
    with pytest.raises(ValueError, match="opening hours"):
        add_business_minutes(madrid(2026, 11, 30), 1, NEVER)
    assert business_minutes_between(madrid(2026, 1, 1), madrid(2030, 1, 1), NEVER) == 0
    assert not is_open(madrid(2026, 11, 30, 10), NEVER)


def test_the_search_gives_up_only_after_two_years_of_closed_days():
    closed = frozenset(dt.date(2026, 1, 1) + dt.timedelta(days=n) for n in range(MAX_CLOSED_DAYS))
    calendar = WeeklyCalendar(MADRID, WEEK, closed=closed)
    assert next_opening(madrid(2026, 1, 1), calendar) >= madrid(2028, 1, 1)


@pytest.mark.parametrize("minutes", [-1, -0.001, float("nan"), float("inf")])
def test_minutes_must_be_a_finite_number_not_below_zero(minutes):
    with pytest.raises(ValueError, match="finite number"):
        add_business_minutes(madrid(2026, 11, 30, 10), minutes, OFFICE)


def test_naive_datetimes_are_refused():
    naive = dt.datetime(2026, 11, 30, 10)  # noqa: DTZ001
    aware = madrid(2026, 11, 30, 10)
    with pytest.raises(ValueError, match="naive"):
        add_business_minutes(naive, 10, OFFICE)
    with pytest.raises(ValueError, match="naive"):
        business_minutes_between(aware, naive, OFFICE)
    with pytest.raises(ValueError, match="naive"):
        next_opening(naive, OFFICE)
    with pytest.raises(ValueError, match="naive"):
        is_open(naive, OFFICE)


# --- Properties ----------------------------------------------------------------------------

PROPERTIES = hypothesis_settings(
    max_examples=200,
    deadline=None,
    database=None,
    # The project's autouse fixtures (settings, tmp_path) do not matter to pure functions.
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# Times on the quarter hour, so that shifts often touch, overlap and meet the clock changes.
quarter_hours = st.integers(0, 95).map(lambda n: T(n // 4, n % 4 * 15))
shifts = st.tuples(quarter_hours, quarter_hours)
random_weeks = st.dictionaries(st.integers(0, 6), st.lists(shifts, max_size=3), max_size=7)


@st.composite
def calendars(draw: st.DrawFn) -> WeeklyCalendar:
    """The office, 24×7, Sunday nights across the clock changes, or a random week with
    unsorted, overlapping and overnight shifts (open at least one quarter each week)."""
    fixed = [OFFICE, ALWAYS, sundays((T(1), T(4)), (T(2, 30), T(5)), (T(0), T(2, 15)))]
    if draw(st.booleans()):
        return draw(st.sampled_from(fixed))
    week = draw(random_weeks)
    anchor = draw(st.integers(0, 6))
    week.setdefault(anchor, []).append((T(2), T(2, 15)) if anchor == 6 else (T(9), T(9, 15)))
    return WeeklyCalendar(MADRID, week)


# Instants from mid-2025 to mid-2028 (three springs and autumns), often near a change.
instants = st.one_of(
    st.datetimes(
        min_value=dt.datetime(2025, 6, 1),  # noqa: DTZ001
        max_value=dt.datetime(2028, 6, 1),  # noqa: DTZ001
        timezones=st.sampled_from([MADRID, dt.UTC]),
    ),
    st.builds(
        lambda day, minutes: dt.datetime.combine(day, T(0), MADRID) + dt.timedelta(minutes=minutes),
        st.sampled_from([dt.date(2026, 3, 28), dt.date(2026, 10, 24), dt.date(2027, 3, 27)]),
        st.integers(0, 3 * 24 * 60),
    ),
)
minutes = st.one_of(
    st.integers(0, 3000),
    st.floats(0, 3000, allow_nan=False, allow_infinity=False),
)


@PROPERTIES
@given(calendars(), instants, minutes)
def test_measuring_what_was_added_gives_back_the_minutes(calendar, start, amount):
    end = add_business_minutes(start, amount, calendar)
    measured = business_minutes_between(start, end, calendar)
    if isinstance(amount, int):
        assert measured == amount
    else:  # kept to the microsecond
        assert measured == pytest.approx(amount, abs=1e-6)


@PROPERTIES
@given(calendars(), instants, minutes)
def test_an_addition_ends_in_open_time_or_exactly_at_a_closing_time(calendar, start, amount):
    end = add_business_minutes(start, amount, calendar)
    assert utc(end) >= utc(start)
    assert end.tzinfo is calendar.zone
    at_closing_time = not is_open(end, calendar) and is_open(
        end - dt.timedelta(microseconds=1), calendar
    )
    assert is_open(end, calendar) or (amount > 0 and at_closing_time)


@PROPERTIES
@given(calendars(), instants, minutes, minutes)
def test_more_minutes_never_end_earlier(calendar, start, one, other):
    fewer, more = sorted([one, other])
    assert utc(add_business_minutes(start, fewer, calendar)) <= utc(
        add_business_minutes(start, more, calendar)
    )


@PROPERTIES
@given(calendars(), instants, instants, instants)
def test_business_minutes_add_up_over_any_split_point(calendar, a, b, c):
    whole = business_minutes_between(a, c, calendar)
    parts = business_minutes_between(a, b, calendar) + business_minutes_between(b, c, calendar)
    assert whole == pytest.approx(parts, abs=1e-6)
    assert business_minutes_between(c, a, calendar) == -whole
    assert (whole >= 0) == (utc(c) >= utc(a)) or whole == 0


@PROPERTIES
@given(calendars(), instants)
def test_the_next_opening_is_open_not_earlier_and_reached_without_open_time(calendar, instant):
    opening = next_opening(instant, calendar)
    assert utc(opening) >= utc(instant)
    assert is_open(opening, calendar)
    assert business_minutes_between(instant, opening, calendar) == 0
    assert (utc(opening) == utc(instant)) == is_open(instant, calendar)


@PROPERTIES
@given(calendars(), instants, st.integers(0, 2 * 24 * 4))
def test_between_agrees_with_probing_every_quarter_hour(calendar, instant, quarters):
    """Shifts change on the quarter hour, and so on a quarter hour in UTC too (Madrid's
    offsets are whole hours): probing each quarter hour with `is_open` measures exactly."""
    start = utc(instant).replace(minute=instant.minute // 15 * 15, second=0, microsecond=0)
    probes = [start + dt.timedelta(minutes=15 * n) for n in range(quarters)]
    expected = 15 * sum(is_open(probe, calendar) for probe in probes)
    end = start + dt.timedelta(minutes=15 * quarters)
    assert business_minutes_between(start, end, calendar) == expected


@PROPERTIES
@given(instants, st.integers(0, 10_000))
def test_24x7_business_minutes_are_real_minutes(start, amount):
    end = add_business_minutes(start, amount, ALWAYS)
    assert utc(end) == utc(start) + dt.timedelta(minutes=amount)
    assert business_minutes_between(start, end, ALWAYS) == amount


# --- With the seeded BusinessCalendar ------------------------------------------------------


def test_the_seeded_calendar_knows_madrids_holidays(db):
    calendar = default_calendar()
    assert calendar is not None
    # Saturday night: Monday 7 (Madrid) and Tuesday 8 December (national) are holidays.
    assert next_opening(madrid(2026, 12, 5, 23), calendar) == madrid(2026, 12, 9, 9)
    assert add_business_minutes(madrid(2026, 10, 9, 14, 30), 60, calendar) == madrid(
        2026, 10, 13, 9, 30
    )
    assert not is_open(madrid(2026, 11, 2, 10), calendar)  # a Madrid holiday
    assert business_minutes_between(madrid(2026, 11, 30), madrid(2026, 12, 7), calendar) == 2280


def test_the_seeded_calendar_skips_the_providers_closing_days(db):
    calendar = default_calendar()
    assert calendar is not None
    ClosingDay.objects.create(calendar=calendar, date=CHRISTMAS_EVE, name="Nochebuena")
    calendar = default_calendar()
    assert calendar is not None
    start = madrid(2026, 12, 23, 17, 30)
    assert add_business_minutes(start, 60, calendar) == madrid(2026, 12, 28, 9, 30)


def test_a_calendar_with_national_holidays_only_opens_on_madrids_holidays(db):
    calendar = default_calendar()
    assert calendar is not None
    calendar.subdivision = ""
    assert next_opening(madrid(2026, 10, 31, 12), calendar) == madrid(2026, 11, 2, 9)


def test_the_seeded_calendar_across_the_clock_changes(db):
    calendar = default_calendar()
    assert calendar is not None
    spring = add_business_minutes(madrid(2026, 3, 27, 14), 120, calendar)
    assert (spring, spring.utcoffset()) == (madrid(2026, 3, 30, 10), CEST)
    autumn = add_business_minutes(madrid(2026, 10, 23, 14), 120, calendar)
    assert (autumn, autumn.utcoffset()) == (madrid(2026, 10, 26, 10), CET)


def test_a_year_of_arithmetic_with_the_default_calendar_makes_a_few_queries(
    db, django_assert_max_num_queries
):
    # The calendar and its prefetched hours and closing days; the model reads its shifts
    # once per instance (today with queries of its own, hence 5 rather than 3).
    with django_assert_max_num_queries(5):
        calendar = default_calendar()
        assert calendar is not None
        end = add_business_minutes(madrid(2026, 1, 1), 250 * 480, calendar)
        assert business_minutes_between(madrid(2026, 1, 1), end, calendar) == 250 * 480
