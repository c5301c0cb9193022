"""Where bench rows go: PostgreSQL's `COPY … FROM STDIN` (text format, streamed by a
second thread on its own connection, so the database ingests one batch while Python
makes the next), or `bulk_create` in transactions on SQLite.

Both draw ticket ids and numbers the way the app would never collide with: on
PostgreSQL from the tables' own identity sequences (`nextval`, so the app's next ticket
gets a fresh number and id), on SQLite past the AUTOINCREMENT counters, which are moved
on afterwards.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection, connections, models, transaction

from tique.tickets.models import Message, Ticket, TicketEvent, TicketNumber

Row = dict[str, Any]
TABLES: tuple[type[models.Model], ...] = (Ticket, Message, TicketEvent)


def _defaults(model: type[models.Model]) -> Row:
    """Every concrete column's default, so a row needs to name only what it sets."""
    return {
        field.attname: field.get_default() if field.has_default() else None
        for field in model._meta.concrete_fields
        if not getattr(field, "generated", False)
    }


def _writable_fields(model: type[models.Model], with_pk: bool) -> list[models.Field[Any, Any]]:
    return [
        field
        for field in model._meta.concrete_fields
        if not getattr(field, "generated", False) and (with_pk or not field.primary_key)
    ]


# --- PostgreSQL: COPY --------------------------------------------------------------------


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], str]:
    """How one column's Python value is written in COPY's text format."""
    kind = field.get_internal_type()
    if kind == "BooleanField":
        return lambda value: "t" if value else "f"
    if kind == "JSONField":
        return lambda value: (
            "{}"
            if value == {}
            else _escape(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
        )
    if kind in {"DateTimeField", "DateField", "TimeField"}:
        return lambda value: value.isoformat()
    if isinstance(field, models.CharField | models.TextField):
        return lambda value: _escape(str(value))
    return lambda value: str(value) if not isinstance(value, Decimal) else format(value, "f")


class _CopyTable:
    def __init__(self, model: type[models.Model], with_pk: bool) -> None:
        fields = _writable_fields(model, with_pk)
        self.defaults = _defaults(model)
        self.columns = [(field.attname, _converter(field)) for field in fields]
        names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        self.statement = (
            f"COPY {connection.ops.quote_name(model._meta.db_table)} ({names}) FROM STDIN"
        )

    def text(self, rows: list[Row]) -> str:
        lines = []
        defaults = self.defaults
        columns = self.columns
        for row in rows:
            values = []
            for name, convert in columns:
                value = row[name] if name in row else defaults[name]
                values.append("\\N" if value is None else convert(value))
            lines.append("\t".join(values))
        lines.append("")
        return "\n".join(lines)


_SECONDARY_INDEXES = """
SELECT pg_get_indexdef(i.indexrelid), i.indexrelid::regclass::text
FROM pg_index i
WHERE i.indrelid = ANY(%s::regclass[])
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
"""
_FOREIGN_KEYS = """
SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid)
FROM pg_constraint
WHERE contype = 'f' AND conrelid = ANY(%s::regclass[])
"""


def _drop_secondary(cursor: Any, tables: list[str]) -> list[str]:
    """Drop the tables' indexes (but the primary keys and unique constraints) and their
    foreign keys; returns the statements that make them again, exactly as they were."""
    quote = connection.ops.quote_name
    cursor.execute(_SECONDARY_INDEXES, [tables])
    indexes = cursor.fetchall()
    cursor.execute(_FOREIGN_KEYS, [tables])
    foreign_keys = cursor.fetchall()
    for table, name, _definition in foreign_keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    for _definition, name in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return [definition for definition, _name in indexes] + [
        f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}"
        for table, name, definition in foreign_keys
    ]


class CopyWriter:
    """Batches are turned into COPY text here and sent by a second thread on its own
    connection, so PostgreSQL ingests one batch while Python makes the next.

    `rebuild`: drop the three tables' secondary indexes and foreign keys, load, and make
    them again, all in one transaction (an interrupted load leaves the database as it
    was); building an index once is much faster than growing it row by row. Without it,
    each batch is its own transaction."""

    def __init__(self, *, rebuild: bool) -> None:
        self.rebuild = rebuild
        self.tables = {model: _CopyTable(model, with_pk=model is Ticket) for model in TABLES}
        self.queue: queue.Queue[list[tuple[str, str]] | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.aborted = False
        self.rebuild_seconds = 0.0
        self.thread = threading.Thread(target=self._send, name="bench-copy", daemon=True)
        self.thread.start()

    def _sequence(self, table: str, count: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return sorted(int(row[0]) for row in cursor.fetchall())

    def ticket_ids(self, count: int) -> list[int]:
        return self._sequence(Ticket._meta.db_table, count)

    def ticket_numbers(self, count: int) -> list[int]:
        return self._sequence(TicketNumber._meta.db_table, count)

    def write(self, batch: dict[type[models.Model], list[Row]]) -> None:
        work = [
            (self.tables[model].statement, self.tables[model].text(rows))
            for model, rows in batch.items()
        ]
        self._check()
        self.queue.put(work)

    def _check(self) -> None:
        if self.error is not None:
            raise RuntimeError("the COPY thread failed") from self.error

    @staticmethod
    def _copy(cursor: Any, work: list[tuple[str, str]]) -> None:
        for statement, text in work:
            with cursor.cursor.copy(statement) as copy:
                copy.write(text)

    def _send(self) -> None:
        database = connections["default"]
        try:
            if self.rebuild:
                with transaction.atomic(), database.cursor() as cursor:
                    cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
                    tables = [model._meta.db_table for model in TABLES]
                    recreate = _drop_secondary(cursor, tables)
                    while (work := self.queue.get()) is not None:
                        self._copy(cursor, work)
                    if self.aborted:
                        raise RuntimeError("bench load aborted: rolled back")
                    began = time.monotonic()
                    for statement in recreate:
                        cursor.execute(statement)
                    self.rebuild_seconds = time.monotonic() - began
            else:
                while (work := self.queue.get()) is not None:
                    with transaction.atomic(), database.cursor() as cursor:
                        self._copy(cursor, work)
        except BaseException as error:  # reported by the main thread
            self.error = error
            while not self.aborted and self.queue.get() is not None:
                pass  # takes what the producer still puts until it sees the error
        finally:
            database.close()

    def finish(self) -> None:
        self.queue.put(None)
        self.thread.join()
        self._check()
        tables = ", ".join(
            connection.ops.quote_name(model._meta.db_table)
            for model in (*TABLES, *_people_models())
        )
        # VACUUM too, as autovacuum would later: the search triggers' updates leave dead
        # ticket rows, and index-only scans need the visibility map. Measuring before it
        # ran would measure a state production never stays in for long.
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {tables}")

    def abort(self) -> None:
        """Stop the sending thread after an error in the main thread (its transaction
        rolls back when it stops without finishing)."""
        self.aborted = True
        if self.thread.is_alive():
            self.queue.put(None)
            self.thread.join()


def _people_models() -> tuple[type[models.Model], ...]:
    from tique.accounts.models import Account, Membership, User

    return (Account, User, Membership)


# --- SQLite: bulk_create --------------------------------------------------------------------


class BulkWriter:
    """`bulk_create` per batch, in one transaction each; ids and numbers run on from
    the tables' AUTOINCREMENT counters."""

    rebuild_seconds = 0.0

    def __init__(self, batch_size: int) -> None:
        self.batch_size = batch_size
        self.next_id = self._counter(Ticket._meta.db_table, "id") + 1
        self.next_number = self._counter(TicketNumber._meta.db_table, None) + 1

    @staticmethod
    def _counter(table: str, column: str | None) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            seen = int(row[0]) if row else 0
            if column is not None:
                cursor.execute(f"SELECT MAX({column}) FROM {table}")  # noqa: S608 (our names)
                seen = max(seen, int(cursor.fetchone()[0] or 0))
        return seen

    def ticket_ids(self, count: int) -> list[int]:
        first, self.next_id = self.next_id, self.next_id + count
        return list(range(first, self.next_id))

    def ticket_numbers(self, count: int) -> list[int]:
        first, self.next_number = self.next_number, self.next_number + count
        return list(range(first, self.next_number))

    def write(self, batch: dict[type[models.Model], list[Row]]) -> None:
        with transaction.atomic():
            for model, rows in batch.items():
                model._default_manager.bulk_create(
                    [model(**row) for row in rows], batch_size=self.batch_size
                )
            with connection.cursor() as cursor:
                # The app's next number comes after every bench ticket's.
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s",
                    [self.next_number - 1, TicketNumber._meta.db_table],
                )

    def finish(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def abort(self) -> None:
        return None


def make_writer(batch_size: int, tickets: int) -> CopyWriter | BulkWriter:
    """`tickets`: how many will be loaded. On PostgreSQL, indexes are rebuilt when the
    load at least doubles the tickets table (rebuilding a big table for a few rows would
    cost more than it saves)."""
    if connection.vendor == "postgresql":
        return CopyWriter(rebuild=tickets >= Ticket.objects.count())
    if connection.vendor == "sqlite":
        return BulkWriter(batch_size)
    raise NotImplementedError(f"bench data on {connection.vendor} is not supported")
