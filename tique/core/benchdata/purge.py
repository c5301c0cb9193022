"""Delete rows in bulk with their dependants, set-based (no objects loaded): what
`QuerySet.delete()` does, without collecting a million tickets into memory first.

Every reverse relation is followed as its `on_delete` says: CASCADE deletes the
dependants first (recursively), SET_NULL empties the reference, and PROTECT, RESTRICT or
DO_NOTHING refuse when a row outside the deleted set still points in. Bench data only
ever calls it on bench rows (`tique.core.benchdata.bench_*`).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.db import models
from django.db.models import Exists, OuterRef

Queryset = models.QuerySet[Any]


def _reverse_relations(model: type[models.Model]) -> list[Any]:
    return [
        field
        for field in model._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one)
    ]


def purge(rows: Queryset) -> int:
    """Delete `rows` and what depends on them; returns how many of `rows` went."""
    model = rows.model
    keys = rows.values("pk")
    for relation in _reverse_relations(model):
        child: type[models.Model] = relation.related_model
        name = relation.field.name
        pointing = child._base_manager.filter(**{f"{name}__in": keys})
        if child is model:
            # NOT EXISTS, an anti-join: `NOT IN (a million ids)` does not fit in
            # PostgreSQL's work_mem as a hash and is then checked row by row (hours).
            pointing = pointing.exclude(Exists(rows.filter(pk=OuterRef("pk"))))
        on_delete = relation.on_delete
        if on_delete is models.CASCADE:
            purge(pointing)
        elif on_delete is models.SET_NULL:
            pointing.update(**{name: None})
        elif pointing.exists():
            raise CommandError(
                f"{child._meta.label} rows outside the deleted set point at "
                f"{model._meta.label} rows that were to be deleted; nothing was deleted."
            )
    # `_raw_delete`: one DELETE … WHERE, the fast path `QuerySet.delete()` takes itself.
    deleted: int = rows._raw_delete(rows.db)
    return deleted
