"""Full-text search on SQLite (the embedded default): two FTS5 tables, kept by triggers,
holding the stems of tickets' subjects and typed values and of messages' bodies.

FTS5's own stemmer (porter) is English only, so the stems come from Python: the
triggers call `tique_search_stem(language, text)` (Snowball's Spanish or English
stemmer, after lower-casing and unaccenting, as PostgreSQL's `es_unaccent` does) and
`tique_search_fields(fields, kind_fields)`, two deterministic functions registered on
every SQLite connection (`register`, connected to `connection_created` by the app). A
connection without them (the sqlite3 shell) cannot write tickets or messages: the
triggers would fail rather than leave the index stale.

Queries are FTS5 MATCH expressions built by `search_text.Query.fts5`, every word
quoted, never the user's text."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from tique.tickets import search_text
from tique.tickets.search_text import Language, Query

TOKENIZE = "unicode61 remove_diacritics 2"
# Column weights of bm25 (subject, typed values) and the weight of a message's rank,
# like PostgreSQL's weights A (1.0), B (0.4) and D (0.1).
SUBJECT_WEIGHT, FIELDS_WEIGHT, MESSAGE_WEIGHT = 1.0, 0.4, 0.1

_KIND_FIELDS = (
    "coalesce((SELECT fields FROM tickets_querykind WHERE id = new.query_kind_id),"
    " (SELECT fields FROM tickets_requesttype WHERE id = new.request_type_id),"
    " (SELECT fields FROM tickets_incidentkind WHERE id = new.incident_kind_id))"
)
_TICKET_ROW = (
    "INSERT INTO tickets_ticket_fts(rowid, subject, fields) VALUES (new.id,"  # noqa: S608
    " tique_search_stem(new.language, new.subject),"
    f" tique_search_stem(new.language, tique_search_fields(new.fields, {_KIND_FIELDS})));"
)
_MESSAGE_ROW = (
    "INSERT INTO tickets_message_fts(rowid, body) VALUES (new.id, tique_search_stem("
    "(SELECT language FROM tickets_ticket WHERE id = new.ticket_id), new.body));"
)
INSTALL = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS tickets_ticket_fts USING fts5("
    f"subject, fields, tokenize = '{TOKENIZE}')",
    f"CREATE VIRTUAL TABLE IF NOT EXISTS tickets_message_fts USING fts5("
    f"body, tokenize = '{TOKENIZE}')",
    f"CREATE TRIGGER IF NOT EXISTS tickets_ticket_fts_insert AFTER INSERT ON tickets_ticket"
    f" BEGIN {_TICKET_ROW} END",
    "CREATE TRIGGER IF NOT EXISTS tickets_ticket_fts_update AFTER UPDATE OF subject, fields,"  # noqa: S608
    " language, query_kind_id, request_type_id, incident_kind_id ON tickets_ticket"
    " WHEN old.subject IS NOT new.subject OR old.fields IS NOT new.fields"
    " OR old.language IS NOT new.language OR old.query_kind_id IS NOT new.query_kind_id"
    " OR old.request_type_id IS NOT new.request_type_id"
    " OR old.incident_kind_id IS NOT new.incident_kind_id"
    f" BEGIN DELETE FROM tickets_ticket_fts WHERE rowid = old.id; {_TICKET_ROW} END",
    # A ticket whose language changes re-indexes its thread in the new language.
    "CREATE TRIGGER IF NOT EXISTS tickets_ticket_fts_language AFTER UPDATE OF language"
    " ON tickets_ticket WHEN old.language IS NOT new.language BEGIN"
    " DELETE FROM tickets_message_fts"
    " WHERE rowid IN (SELECT id FROM tickets_message WHERE ticket_id = new.id);"
    " INSERT INTO tickets_message_fts(rowid, body)"
    " SELECT id, tique_search_stem(new.language, body) FROM tickets_message"
    " WHERE ticket_id = new.id; END",
    "CREATE TRIGGER IF NOT EXISTS tickets_ticket_fts_delete AFTER DELETE ON tickets_ticket"
    " BEGIN DELETE FROM tickets_ticket_fts WHERE rowid = old.id; END",
    f"CREATE TRIGGER IF NOT EXISTS tickets_message_fts_insert AFTER INSERT ON tickets_message"
    f" BEGIN {_MESSAGE_ROW} END",
    "CREATE TRIGGER IF NOT EXISTS tickets_message_fts_update AFTER UPDATE OF body, ticket_id"  # noqa: S608
    " ON tickets_message WHEN old.body IS NOT new.body OR old.ticket_id IS NOT new.ticket_id"
    f" BEGIN DELETE FROM tickets_message_fts WHERE rowid = old.id; {_MESSAGE_ROW} END",
    "CREATE TRIGGER IF NOT EXISTS tickets_message_fts_delete AFTER DELETE ON tickets_message"
    " BEGIN DELETE FROM tickets_message_fts WHERE rowid = old.id; END",
    # Existing rows.
    "DELETE FROM tickets_ticket_fts",
    "INSERT INTO tickets_ticket_fts(rowid, subject, fields) SELECT id,"  # noqa: S608
    " tique_search_stem(language, subject), tique_search_stem(language, tique_search_fields("
    f"fields, {_KIND_FIELDS.replace('new.', 'tickets_ticket.')})) FROM tickets_ticket",
    "DELETE FROM tickets_message_fts",
    "INSERT INTO tickets_message_fts(rowid, body) SELECT m.id, tique_search_stem(t.language,"
    " m.body) FROM tickets_message m JOIN tickets_ticket t ON t.id = m.ticket_id",
]
UNINSTALL = [
    *(
        f"DROP TRIGGER IF EXISTS {name}"
        for name in [
            "tickets_ticket_fts_insert",
            "tickets_ticket_fts_update",
            "tickets_ticket_fts_language",
            "tickets_ticket_fts_delete",
            "tickets_message_fts_insert",
            "tickets_message_fts_update",
            "tickets_message_fts_delete",
        ]
    ),
    "DROP TABLE IF EXISTS tickets_ticket_fts",
    "DROP TABLE IF EXISTS tickets_message_fts",
]


def has_fts5(connection: sqlite3.Connection) -> bool:
    options = {row[0] for row in connection.execute("PRAGMA compile_options")}
    return "ENABLE_FTS5" in options


def register(connection: sqlite3.Connection) -> None:
    """Give a SQLite connection the functions the FTS triggers call."""
    connection.create_function("tique_search_stem", 2, search_text.stem_text, deterministic=True)
    connection.create_function(
        "tique_search_fields", 2, search_text.fields_text, deterministic=True
    )


def on_connection_created(sender: Any, connection: BaseDatabaseWrapper, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        register(connection.connection)


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the FTS tables and triggers (idempotent) and index the existing rows. Run
    it again after anything that rebuilds `tickets_ticket` or `tickets_message` on
    SQLite (Django's schema editor remakes a table for most column changes, which drops
    its triggers)."""
    connection.ensure_connection()
    raw = connection.connection
    if not has_fts5(raw):
        raise RuntimeError("This SQLite library has no FTS5: full-text search needs it.")
    register(raw)
    with connection.cursor() as cursor:
        for statement in INSTALL:
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in UNINSTALL:
            cursor.execute(statement)


# --- Queries ---------------------------------------------------------------------------------


def match_sql(queries: dict[Language, Query], *, include_internal: bool) -> tuple[str, list[Any]]:
    """Whether the ticket {id} matches, by its own row or by a message of its thread
    (public ones only unless `include_internal`), in its own language. The subqueries
    are not correlated: SQLite runs each MATCH once."""
    public = "" if include_internal else " AND NOT m.is_internal"
    branches, params = [], []
    for language, query in queries.items():
        if not query:
            continue
        is_english = "=" if language == "en" else "<>"
        branches.append(
            f"(substr({{language}}, 1, 2) {is_english} 'en' AND ({{id}} IN"  # noqa: S608
            " (SELECT rowid FROM tickets_ticket_fts WHERE tickets_ticket_fts MATCH %s)"
            f" OR {{id}} IN (SELECT m.ticket_id FROM tickets_message_fts"
            " JOIN tickets_message m ON m.id = tickets_message_fts.rowid"
            f" WHERE tickets_message_fts MATCH %s{public})))"
        )
        expression = query.fts5(language)
        params += [expression, expression]
    return "(" + " OR ".join(branches) + ")", params


def candidate_ranks(
    connection: BaseDatabaseWrapper,
    candidates: tuple[str, Sequence[Any]],
    queries: dict[Language, Query],
    *,
    include_internal: bool,
) -> dict[int, float]:
    """The candidates (`candidates`: SQL giving each one's id and language) with their
    rank: the best of the ticket's own bm25 (subject, typed values) and its best
    message's (public ones only unless `include_internal`), in the ticket's language,
    weighted as on PostgreSQL; higher is better. One statement.

    bm25() reads how many rows hold each phrase when its cursor starts: a subquery per
    candidate, as this was first written, started one cursor per candidate and read a
    common word's whole list a thousand times (0.9 s at 20,000 tickets). Here each
    table is read once, from the oldest candidate's row on (rows are numbered in time
    order), joined to the candidates of its language, and Python keeps each one's best
    (20 ms)."""
    public = "" if include_internal else " AND NOT m.is_internal"
    members = ["SELECT id, 0.0 FROM candidates"]
    params: list[Any] = [*candidates[1]]
    for language, query in queries.items():
        if not query:
            continue
        # The ticket's language picks the branch, as in `match_sql`.
        in_language = f"substr(c.language, 1, 2) {'=' if language == 'en' else '<>'} 'en'"
        expression = query.fts5(language)
        members.append(
            "SELECT c.id,"  # noqa: S608 (our constants; the query is a parameter)
            f" -bm25(tickets_ticket_fts, {SUBJECT_WEIGHT}, {FIELDS_WEIGHT})"
            " FROM tickets_ticket_fts CROSS JOIN candidates c ON c.id = tickets_ticket_fts.rowid"
            f" WHERE tickets_ticket_fts MATCH %s AND {in_language}"
            " AND tickets_ticket_fts.rowid >= (SELECT min(id) FROM candidates)"
        )
        members.append(
            "SELECT c.id,"  # noqa: S608 (our constants; as above)
            f" -bm25(tickets_message_fts) * {MESSAGE_WEIGHT}"
            " FROM tickets_message_fts CROSS JOIN tickets_message m"
            " ON m.id = tickets_message_fts.rowid CROSS JOIN candidates c ON c.id = m.ticket_id"
            f" WHERE tickets_message_fts MATCH %s AND {in_language}"
            " AND tickets_message_fts.rowid >= (SELECT min(id) FROM tickets_message"
            f" WHERE ticket_id IN (SELECT id FROM candidates)){public}"
        )
        params += [expression, expression]
    sql = f"WITH candidates(id, language) AS ({candidates[0]}) " + " UNION ALL ".join(members)
    ranks: dict[int, float] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for pk, rank in cursor.fetchall():
            ranks[pk] = max(ranks.get(pk, 0.0), rank)
    return ranks


def rank_by_id(ranks: dict[int, float]) -> str:
    """SQL giving a ticket {id} its rank from `candidate_ranks` (0.0 for any other). The
    numbers are our own, written as literals: no parameter limit to mind."""
    if not ranks:
        return "0.0"
    cases = " ".join(f"WHEN {int(pk)} THEN {float(rank)!r}" for pk, rank in ranks.items())
    return f"(CASE {{id}} {cases} ELSE 0.0 END)"


def snippets(
    connection: BaseDatabaseWrapper,
    tickets: Sequence[tuple[int, str, str]],
    queries: dict[Language, Query],
    *,
    include_internal: bool,
) -> dict[int, str]:
    """Highlighted extracts for a page of tickets (id, language, subject): the subject
    when it matches, else the best matching message the reader may see, else the typed
    values; one query fetches the candidate texts, Python highlights them."""
    public = "" if include_internal else " AND NOT m.is_internal"
    by_language: dict[Language, list[int]] = {"es": [], "en": []}
    for pk, language, _subject in tickets:
        by_language[search_text.language_of(language)].append(pk)
    parts: list[str] = []
    params: list[Any] = []
    ids = [pk for pk, _language, _subject in tickets]
    marks = ", ".join(["%s"] * len(ids))
    parts.append(
        f"SELECT t.id, NULL, tique_search_fields(t.fields, {_KIND_FIELDS.replace('new.', 't.')})"  # noqa: S608
        f" FROM tickets_ticket t WHERE t.id IN ({marks})"
    )
    params += ids
    for language, pks in by_language.items():
        if not pks or not queries[language]:
            continue
        marks = ", ".join(["%s"] * len(pks))
        parts.append(
            "SELECT * FROM (SELECT m.ticket_id, bm25(tickets_message_fts), m.body"  # noqa: S608
            " FROM tickets_message_fts JOIN tickets_message m ON m.id = tickets_message_fts.rowid"
            f" WHERE tickets_message_fts MATCH %s AND m.ticket_id IN ({marks}){public})"
        )
        params += [queries[language].fts5(language), *pks]
    best: dict[int, tuple[float, str]] = {}
    fields: dict[int, str] = {}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for pk, score, text in cursor.fetchall():
            if score is None:
                fields[pk] = text or ""
            elif pk not in best or score < best[pk][0]:
                best[pk] = (score, text)
    found = {}
    for pk, language_code, subject in tickets:
        language = search_text.language_of(language_code)
        stems = queries[language].highlight_stems(language)
        for text in (subject, best.get(pk, (0, ""))[1], fields.get(pk, "")):
            snippet = search_text.highlight(language, text, stems)
            if snippet:
                found[pk] = snippet
                break
    return found
