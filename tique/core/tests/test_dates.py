"""`format_datetime` is `date_format` with the format parsed once per language."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.formats import date_format

from tique.core.dates import format_datetime

MOMENTS = [
    dt.datetime(2026, 1, 5, 9, 3, tzinfo=ZoneInfo("Europe/Madrid")),
    dt.datetime(2026, 5, 31, 23, 59, 59, 999_999, tzinfo=ZoneInfo("Atlantic/Canary")),
    dt.datetime(2026, 12, 6, 0, 0, tzinfo=dt.UTC),
]


@pytest.mark.parametrize("language", ["es", "en"])
@pytest.mark.parametrize(
    "format_name", ["DATETIME_FORMAT", "DATE_FORMAT", "SHORT_DATE_FORMAT", "ATTEND_AT_FORMAT"]
)
def test_it_writes_what_date_format_writes(language, format_name):
    with translation.override(language):
        for moment in MOMENTS:
            assert format_datetime(moment, format_name) == date_format(moment, format_name)


def test_the_language_active_at_the_call_is_used():
    moment = MOMENTS[0]
    with translation.override("es"):
        spanish = format_datetime(moment)
    with translation.override("en"):
        english = format_datetime(moment)
    assert (spanish, english) == ("5 ene 2026, 09:03", "5 Jan 2026, 09:03")
