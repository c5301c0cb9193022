import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone, translation

from tique.sla.formatting import format_attend_at

MADRID = ZoneInfo("Europe/Madrid")
MONDAY_9 = dt.datetime(2026, 11, 30, 9, tzinfo=MADRID)


def test_it_writes_the_day_and_hour_in_spanish_in_lower_case():
    assert format_attend_at(MONDAY_9, "es") == "lunes 30 de noviembre a las 09:00"


def test_it_writes_the_day_and_hour_in_english():
    assert format_attend_at(MONDAY_9, "en") == "Monday 30 November at 09:00"


def test_it_writes_the_hour_of_the_instants_own_zone_not_the_active_one():
    canary = MONDAY_9.astimezone(ZoneInfo("Atlantic/Canary"))
    with timezone.override(ZoneInfo("America/New_York")):
        assert format_attend_at(canary, "es") == "lunes 30 de noviembre a las 08:00"
        assert format_attend_at(MONDAY_9, "en") == "Monday 30 November at 09:00"


def test_it_writes_the_summer_time_hour_after_the_clocks_go_forward():
    monday = dt.datetime(2026, 3, 30, 7, tzinfo=dt.UTC).astimezone(MADRID)
    assert format_attend_at(monday, "en") == "Monday 30 March at 09:00"


def test_a_regional_variant_uses_its_language_and_an_unknown_language_the_default():
    assert format_attend_at(MONDAY_9, "en-gb") == "Monday 30 November at 09:00"
    assert format_attend_at(MONDAY_9, "fr") == "lunes 30 de noviembre a las 09:00"


def test_it_leaves_the_active_language_alone():
    with translation.override("en"):
        format_attend_at(MONDAY_9, "es")
        assert translation.get_language() == "en"


def test_it_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="naive"):
        format_attend_at(dt.datetime(2026, 11, 30, 9), "es")  # noqa: DTZ001
