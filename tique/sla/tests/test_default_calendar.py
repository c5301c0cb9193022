"""The default calendar the data migration seeds, and the selector that loads it."""

import datetime as dt
import importlib

from django.apps import apps as django_apps
from django.utils import translation

from tique.sla.models import BusinessCalendar
from tique.sla.selectors import default_calendar, upcoming_holidays

T = dt.time
seed = importlib.import_module("tique.sla.migrations.0002_default_calendar")


def test_the_default_calendar_is_madrid_with_split_shifts_and_short_fridays(db):
    calendar = default_calendar()
    assert calendar is not None
    assert (calendar.name, calendar.time_zone, calendar.country, calendar.subdivision) == (
        "España — Comunidad de Madrid",
        "Europe/Madrid",
        "ES",
        "MD",
    )
    assert calendar.is_default
    assert not calendar.closing_days.exists()
    monday, friday, saturday = dt.date(2026, 11, 30), dt.date(2026, 12, 4), dt.date(2026, 12, 5)
    split = [(T(9), T(14)), (T(15), T(18))]
    assert [calendar.shifts_on(monday + dt.timedelta(days=n)) for n in range(4)] == [split] * 4
    assert calendar.shifts_on(friday) == [(T(9), T(15))]
    assert calendar.shifts_on(saturday) == calendar.shifts_on(saturday + dt.timedelta(days=1)) == []


def test_the_seed_runs_again_without_a_second_default(db):
    seed.seed_default_calendar(django_apps, None)
    assert BusinessCalendar.objects.count() == 1


def test_the_seed_fills_an_emptied_database(db):
    BusinessCalendar.objects.all().delete()
    assert default_calendar() is None
    seed.seed_default_calendar(django_apps, None)
    calendar = default_calendar()
    assert calendar is not None
    assert calendar.opening_hours.count() == 9


def test_the_selector_loads_a_fresh_calendar_every_time(db):
    first = default_calendar()
    assert first is not None
    first.opening_hours.filter(weekday=4).update(closes=T(14))
    second = default_calendar()
    assert second is not None
    assert second is not first
    assert second.shifts_on(dt.date(2026, 12, 4)) == [(T(9), T(14))]


def test_asking_for_shifts_again_and_again_asks_the_database_nothing_more(
    db, django_assert_num_queries, django_assert_max_num_queries
):
    calendar = default_calendar()
    assert calendar is not None
    with django_assert_max_num_queries(2):  # once per calendar object (see the report)
        calendar.shifts_on(dt.date(2026, 11, 30))
    with django_assert_num_queries(0):
        for n in range(400):
            calendar.shifts_on(dt.date(2026, 1, 1) + dt.timedelta(days=n))


def test_upcoming_holidays_are_the_next_ten_from_a_date_in_the_active_language(db):
    calendar = default_calendar()
    assert calendar is not None
    with translation.override("en"):
        upcoming = upcoming_holidays(calendar, since=dt.date(2026, 12, 7))
    assert len(upcoming) == 10
    assert upcoming[:3] == [
        (dt.date(2026, 12, 7), "Monday following Constitution Day"),
        (dt.date(2026, 12, 8), "Immaculate Conception"),
        (dt.date(2026, 12, 25), "Christmas Day"),
    ]
    assert upcoming[-1] == (dt.date(2027, 5, 3), "Monday following Madrid Day")
    with translation.override("es"):
        assert upcoming_holidays(calendar, since=dt.date(2026, 12, 8), limit=1) == [
            (dt.date(2026, 12, 8), "Inmaculada Concepción")
        ]


def test_a_calendar_without_a_country_has_no_public_holidays(db):
    calendar = BusinessCalendar(name="Sin festivos", country="", subdivision="")
    assert upcoming_holidays(calendar, since=dt.date(2026, 12, 1)) == []
