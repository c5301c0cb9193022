"""Dates written for people, as `django.utils.formats.date_format` writes them, but with
each language's format parsed once: list pages write two dates per row, and parsing the
format string on every call was a third of the cost of a row."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from django.utils import translation
from django.utils.dateformat import DateFormat, re_escaped, re_formatchars
from django.utils.formats import get_format


@lru_cache(maxsize=64)
def _pieces(language: str, format_name: str) -> tuple[tuple[bool, str], ...]:
    """The format as (is a format character, text) pairs, escapes already resolved."""
    pieces = []
    for index, piece in enumerate(re_formatchars.split(str(get_format(format_name, language)))):
        if index % 2:
            pieces.append((True, piece))
        elif piece:
            pieces.append((False, re_escaped.sub(r"\1", piece)))
    return tuple(pieces)


def format_datetime(value: dt.datetime, format_name: str = "DATETIME_FORMAT") -> str:
    """`date_format(value, format_name)` in the active language: the value is written as
    given (localise it first)."""
    formatter = DateFormat(value)
    return "".join(
        str(getattr(formatter, text)()) if is_code else text
        for is_code, text in _pieces(translation.get_language() or "", format_name)
    )
