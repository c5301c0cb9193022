"""Keyset (cursor) pagination: a page is the rows after the last one seen, in a total
order, so page 5,000 costs what page 1 costs and rows added meanwhile are neither
skipped nor repeated. The cursor is signed: a client can keep it, not forge it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core import signing
from django.db.models import Model, OrderBy, Q, QuerySet
from django.utils.translation import gettext as _

from tique.api.errors import ApiError

SALT = "tique.api.cursor"
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Page:
    items: list[Any]
    next_cursor: str | None


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "t" in value:
        return dt.datetime.fromisoformat(value["t"])
    return value


def _after(keys: Sequence[tuple[str, bool]], values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in the order of `keys` (name, descending): equal on
    the first i keys and past the value on key i, for some i."""
    after = Q()
    for i, (name, descending) in enumerate(keys):
        equal = {keys[j][0]: values[j] for j in range(i)}
        after |= Q(**equal, **{f"{name}__{'lt' if descending else 'gt'}": values[i]})
    return after


def keyset_page(
    rows: QuerySet[M], order: Sequence[OrderBy], *, cursor: str | None, limit: int, scope: str
) -> Page:
    """One page of `rows` in `order` (which must end in a unique key). `scope` names the
    list and its filters, so that a cursor cannot be replayed against another list."""
    names = [f"_k{i}" for i in range(len(order))]
    rows = rows.annotate(**{name: o.expression for name, o in zip(names, order, strict=True)})
    keys = [(name, o.descending) for name, o in zip(names, order, strict=True)]
    rows = rows.order_by(*[f"-{name}" if desc else name for name, desc in keys])
    if cursor:
        try:
            data = signing.loads(cursor, salt=SALT)
        except signing.BadSignature:
            raise ApiError(
                400, "bad_cursor", _("This cursor is not valid."), {"cursor": [_("Not valid.")]}
            ) from None
        if data.get("s") != scope or len(data.get("v", ())) != len(keys):
            raise ApiError(
                400,
                "bad_cursor",
                _("This cursor belongs to another list or other filters."),
                {"cursor": [_("Not valid for these filters.")]},
            )
        rows = rows.filter(_after(keys, [_decode(v) for v in data["v"]]))
    found = list(rows[: limit + 1])
    more = len(found) > limit
    found = found[:limit]
    next_cursor = None
    if more and found:
        last = found[-1]
        values = [_encode(getattr(last, name)) for name in names]
        next_cursor = signing.dumps({"s": scope, "v": values}, salt=SALT, compress=True)
    return Page(items=found, next_cursor=next_cursor)
