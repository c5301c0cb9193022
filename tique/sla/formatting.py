"""How an instant is written for people, in their language."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import formats, translation


def format_attend_at(instant: dt.datetime, language: str) -> str:
    """When a ticket will be attended, in `instant`'s own zone: "lunes 2 de diciembre a
    las 09:00", "Monday 2 December at 09:00". The pattern is each language's
    `ATTEND_AT_FORMAT` (tique/formats/); a language Tique does not speak gets the
    default one's."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{instant!r} is naive: its zone decides the day and hour written.")
    try:
        language = translation.get_supported_language_variant(language)
    except LookupError:
        language = settings.LANGUAGE_CODE
    with translation.override(language):
        return formats.date_format(instant, "ATTEND_AT_FORMAT")
