"""Helpers for data stored in both languages (catalogue names, team names)."""

from django.utils import translation


def current_language() -> str:
    return (translation.get_language() or "es").split("-")[0]


def pick(*, es: str, en: str) -> str:
    """The text for the active language, falling back to the other one when empty."""
    if current_language() == "en":
        return en or es
    return es or en
