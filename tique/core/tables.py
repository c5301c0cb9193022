"""Helpers for the table rows that hot list pages write in Python instead of with the
template engine (the history's and the desk queue's): escaping as the engine does, and
a row's URL without a `reverse()` per row."""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable
from typing import Any

from django.urls import reverse
from django.utils.safestring import SafeData
from django.utils.translation import gettext

# A number no ticket has, reversed once and split: a row's URL is then two joins.
_PLACEHOLDER = 987654321987


def e(value: Any) -> str:
    """`{{ value }}` in a template: escaped unless already safe HTML (marked safe, or
    with an `__html__`, as a form's bound field has). Django's `conditional_escape`,
    as a plain string: that one wraps each result in a SafeString through `keep_lazy`,
    and a list page calls this thousands of times."""
    if isinstance(value, SafeData):
        return str(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


def labels(names: Iterable[str]) -> list[str]:
    """The columns' names (marked with gettext_noop) in the active language, escaped:
    each cell repeats its column's name, which a narrow screen shows beside the value."""
    return [e(gettext(name)) for name in names]


def snippet(text: str | None) -> str:
    """A search's highlighted extract under a row's subject, if the row has one."""
    return f'<br><small class="snippet">{e(text)}</small>' if text else ""


def url_maker(name: str, argument: str) -> Callable[[Any], str]:
    """A function from a value to `reverse(name, kwargs={argument: value})`, escaped as
    `{% url %}` output is in an attribute. The URL is reversed once per table; values
    must be what the pattern accepts (the int converter's digits)."""
    before, after = reverse(name, kwargs={argument: _PLACEHOLDER}).split(str(_PLACEHOLDER))
    before, after = html.escape(before), html.escape(after)

    def url(value: Any) -> str:
        return f"{before}{value}{after}"

    return url
