"""Full-text search on PostgreSQL: accent-insensitive Spanish and English configurations,
two vectors on each ticket kept by triggers on every write, GIN indexes, and the SQL
the search selector runs.

`search_vector` holds what a customer may search: the subject (weight A), the typed
values (B) and the public messages (D); `notes_vector` the internal notes, for staff.
Messages are folded into their ticket's row rather than indexed one by one, so that
whether a ticket matches is one GIN-indexable test on the ticket itself: with a vector
per message, a common word made PostgreSQL read every matching message of every account
(75,000 rows for "centralita" at 100,000 tickets) before the account's scope could
apply. A new message is appended to its ticket's vector (one UPDATE per statement, so a
COPY of a million messages is one UPDATE per batch); an edited, moved or deleted one
has its tickets' vectors rebuilt.

The vectors are not Django fields (a `GeneratedField` cannot exist on one database
only): migration 0006 adds the columns, triggers and indexes with `install()`, and the
queries reach them through `search.SqlFragment`, which names the columns of the row at
hand with the query's own table alias."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from tique.tickets.search_text import Language, Query

CONFIG: dict[Language, str] = {"es": "es_unaccent", "en": "en_unaccent"}
# A message longer than this is indexed on its beginning, a thread on its first
# THREAD_LIMIT characters, and a ticket's vector stops growing past VECTOR_LIMIT bytes (a
# tsvector holds at most 1 MB).
BODY_LIMIT = 100_000
THREAD_LIMIT = 400_000
VECTOR_LIMIT = 600_000
# ts_headline marks matches with these, then the text is escaped, then they become <mark>
# (private-use characters, removed from the text first).
START, STOP = "\ue000", "\ue001"
HEADLINE_OPTIONS = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=24, MinWords=10, ShortWord=2, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
# A subject is short: shown whole.
SUBJECT_OPTIONS = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"

SCHEMA = r"""
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'es_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION es_unaccent (COPY = spanish);
        ALTER TEXT SEARCH CONFIGURATION es_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, spanish_stem;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'en_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION en_unaccent (COPY = english);
        ALTER TEXT SEARCH CONFIGURATION en_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
    END IF;
END $$;

-- A ticket's (and its messages') configuration: English for 'en…', Spanish otherwise.
CREATE OR REPLACE FUNCTION tique_search_config(language text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN substr(language, 1, 2) = 'en'
        THEN 'en_unaccent'::regconfig ELSE 'es_unaccent'::regconfig END
$$;

-- One stored value as searchable text (search_text._field_piece does the same).
CREATE OR REPLACE FUNCTION tique_search_field_piece(value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN value LIKE 'ext:%' THEN substr(value, 5)
        WHEN value ~ '^\+34[0-9]{9}$' THEN value || ' ' || substr(value, 4)
        WHEN value ~ '^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$'
            THEN value || ' ' || replace(value, ':', '')
        ELSE value
    END
$$;

-- The searchable text of typed values, sensitive fields left out (search_text.fields_text).
CREATE OR REPLACE FUNCTION tique_search_fields(fields jsonb, hidden text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT coalesce(
        string_agg(tique_search_field_piece(p.piece), ' ' ORDER BY f.key, item.ord, p.ord), '')
    FROM jsonb_each(CASE WHEN jsonb_typeof(fields) = 'object' THEN fields ELSE '{}' END)
        AS f(key, value)
    CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN jsonb_typeof(f.value) = 'array' THEN f.value ELSE jsonb_build_array(f.value) END
    ) WITH ORDINALITY AS item(value, ord)
    CROSS JOIN LATERAL regexp_split_to_table(item.value #>> '{}', '\.\.') WITH ORDINALITY
        AS p(piece, ord)
    WHERE jsonb_typeof(item.value) IN ('string', 'number') AND NOT (f.key = ANY (hidden))
$$;

-- The sensitive fields of a ticket's kind (search_text.hidden_fields).
CREATE OR REPLACE FUNCTION tique_search_hidden(
    query_kind bigint, request_type bigint, incident_kind bigint
) RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(spec->>'name'), '{}')
    FROM (
        SELECT fields FROM tickets_querykind WHERE id = query_kind
        UNION ALL SELECT fields FROM tickets_requesttype WHERE id = request_type
        UNION ALL SELECT fields FROM tickets_incidentkind WHERE id = incident_kind
    ) AS kind
    CROSS JOIN LATERAL jsonb_array_elements(
        CASE WHEN jsonb_typeof(kind.fields) = 'array' THEN kind.fields ELSE '[]' END
    ) AS spec
    WHERE jsonb_typeof(spec) = 'object' AND CASE
        WHEN spec ? 'sensitive' THEN spec->'sensitive' NOT IN
            ('false'::jsonb, 'null'::jsonb, '0'::jsonb, '""'::jsonb, '[]'::jsonb, '{}'::jsonb)
        ELSE spec->>'type' = 'iban'
    END
$$;

-- The words of a ticket's public replies (internal = false) or of its internal notes,
-- weight D, at most BODY_LIMIT characters of each message and THREAD_LIMIT in all.
CREATE OR REPLACE FUNCTION tique_thread_vector(ticket bigint, language text, internal boolean)
RETURNS tsvector
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector(tique_search_config(language), left(coalesce(
        string_agg(left(body, %(body)s), E'\n' ORDER BY created_at, id), ''), %(thread)s)), 'D')
    FROM tickets_message WHERE ticket_id = ticket AND is_internal = internal
$$;

-- A ticket's own words: subject (A) and typed values (B), and its account as a lexeme
-- no text can produce ('A' and the id: text lexemes are lower case), which lets a search
-- within an account intersect the two in the GIN index itself (`search.account_lexeme`).
CREATE OR REPLACE FUNCTION tique_own_vector(
    account bigint, language text, subject text, fields jsonb,
    query_kind bigint, request_type bigint, incident_kind bigint
) RETURNS tsvector
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT setweight(to_tsvector(tique_search_config(language), coalesce(subject, '')), 'A')
        || setweight(to_tsvector(tique_search_config(language), tique_search_fields(
            fields, tique_search_hidden(query_kind, request_type, incident_kind))), 'B')
        || array_to_tsvector(ARRAY['A' || account])
$$;

-- All a customer may search of a ticket: its own words and its public messages.
CREATE OR REPLACE FUNCTION tique_ticket_vector(
    ticket bigint, account bigint, language text, subject text, fields jsonb,
    query_kind bigint, request_type bigint, incident_kind bigint
) RETURNS tsvector
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT tique_own_vector(
            account, language, subject, fields, query_kind, request_type, incident_kind)
        || tique_thread_vector(ticket, language, false)
$$;

ALTER TABLE tickets_ticket ADD COLUMN IF NOT EXISTS search_vector tsvector;
ALTER TABLE tickets_ticket ADD COLUMN IF NOT EXISTS notes_vector tsvector;

-- A new ticket has no messages yet (they are appended as they come): its own words.
CREATE OR REPLACE FUNCTION tique_ticket_inserted_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := tique_own_vector(NEW.account_id, NEW.language, NEW.subject, NEW.fields,
        NEW.query_kind_id, NEW.request_type_id, NEW.incident_kind_id);
    NEW.notes_vector := NULL;
    RETURN NEW;
END
$$;

-- A ticket's own words changed (or its language): both vectors anew.
CREATE OR REPLACE FUNCTION tique_ticket_search_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_vector := tique_ticket_vector(
        NEW.id, NEW.account_id, NEW.language, NEW.subject, NEW.fields,
        NEW.query_kind_id, NEW.request_type_id, NEW.incident_kind_id);
    NEW.notes_vector := tique_thread_vector(NEW.id, NEW.language, true);
    RETURN NEW;
END
$$;

-- New messages (one reply, or a whole COPY batch): their words are appended to their
-- tickets' vectors, public ones to search_vector, internal ones to notes_vector.
CREATE OR REPLACE FUNCTION tique_messages_added_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tickets_ticket AS t SET
        search_vector = CASE WHEN added.public IS NULL
            OR pg_column_size(t.search_vector) > %(vector)s THEN t.search_vector
            ELSE coalesce(t.search_vector, '') || setweight(to_tsvector(
                tique_search_config(t.language), left(added.public, %(thread)s)), 'D') END,
        notes_vector = CASE WHEN added.internal IS NULL
            OR pg_column_size(t.notes_vector) > %(vector)s THEN t.notes_vector
            ELSE coalesce(t.notes_vector, '') || setweight(to_tsvector(
                tique_search_config(t.language), left(added.internal, %(thread)s)), 'D') END
    FROM (
        SELECT ticket_id,
            string_agg(left(body, %(body)s), E'\n' ORDER BY created_at, id)
                FILTER (WHERE NOT is_internal) AS public,
            string_agg(left(body, %(body)s), E'\n' ORDER BY created_at, id)
                FILTER (WHERE is_internal) AS internal
        FROM new_messages GROUP BY ticket_id
    ) AS added
    WHERE t.id = added.ticket_id;
    RETURN NULL;
END
$$;

-- Messages edited, moved to another ticket (a merge) or deleted: the tickets they were
-- and are on get their threads' vectors anew. (A trigger with transition tables cannot
-- name columns: the rows whose words did not change are skipped here.)
CREATE OR REPLACE FUNCTION tique_messages_updated_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tickets_ticket AS t SET
        search_vector = tique_ticket_vector(t.id, t.account_id, t.language, t.subject, t.fields,
            t.query_kind_id, t.request_type_id, t.incident_kind_id),
        notes_vector = tique_thread_vector(t.id, t.language, true)
    WHERE t.id IN (
        SELECT unnest(ARRAY[o.ticket_id, n.ticket_id])
        FROM old_messages AS o JOIN new_messages AS n ON n.id = o.id
        WHERE o.body IS DISTINCT FROM n.body OR o.ticket_id <> n.ticket_id
            OR o.is_internal <> n.is_internal
    );
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION tique_messages_deleted_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE tickets_ticket AS t SET
        search_vector = tique_ticket_vector(t.id, t.account_id, t.language, t.subject, t.fields,
            t.query_kind_id, t.request_type_id, t.incident_kind_id),
        notes_vector = tique_thread_vector(t.id, t.language, true)
    WHERE t.id IN (SELECT ticket_id FROM old_messages);
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS tickets_ticket_search_insert ON tickets_ticket;
CREATE TRIGGER tickets_ticket_search_insert BEFORE INSERT ON tickets_ticket
    FOR EACH ROW EXECUTE FUNCTION tique_ticket_inserted_trigger();
DROP TRIGGER IF EXISTS tickets_ticket_search_update ON tickets_ticket;
CREATE TRIGGER tickets_ticket_search_update
    BEFORE UPDATE OF account_id, subject, fields, language,
        query_kind_id, request_type_id, incident_kind_id
    ON tickets_ticket FOR EACH ROW
    WHEN (OLD.account_id IS DISTINCT FROM NEW.account_id
        OR OLD.subject IS DISTINCT FROM NEW.subject
        OR OLD.fields IS DISTINCT FROM NEW.fields
        OR OLD.language IS DISTINCT FROM NEW.language
        OR OLD.query_kind_id IS DISTINCT FROM NEW.query_kind_id
        OR OLD.request_type_id IS DISTINCT FROM NEW.request_type_id
        OR OLD.incident_kind_id IS DISTINCT FROM NEW.incident_kind_id)
    EXECUTE FUNCTION tique_ticket_search_trigger();
DROP TRIGGER IF EXISTS tickets_message_search_insert ON tickets_message;
CREATE TRIGGER tickets_message_search_insert AFTER INSERT ON tickets_message
    REFERENCING NEW TABLE AS new_messages
    FOR EACH STATEMENT EXECUTE FUNCTION tique_messages_added_trigger();
DROP TRIGGER IF EXISTS tickets_message_search_update ON tickets_message;
CREATE TRIGGER tickets_message_search_update AFTER UPDATE ON tickets_message
    REFERENCING OLD TABLE AS old_messages NEW TABLE AS new_messages
    FOR EACH STATEMENT EXECUTE FUNCTION tique_messages_updated_trigger();
DROP TRIGGER IF EXISTS tickets_message_search_delete ON tickets_message;
CREATE TRIGGER tickets_message_search_delete AFTER DELETE ON tickets_message
    REFERENCING OLD TABLE AS old_messages
    FOR EACH STATEMENT EXECUTE FUNCTION tique_messages_deleted_trigger();

CREATE INDEX IF NOT EXISTS tkt_search ON tickets_ticket USING gin (search_vector);
CREATE INDEX IF NOT EXISTS tkt_search_notes ON tickets_ticket USING gin (notes_vector);
"""
# Every existing row's vectors (the triggers keep those of rows written from now on).
BACKFILL = """
UPDATE tickets_ticket SET
    search_vector = tique_ticket_vector(id, account_id, language, subject, fields,
        query_kind_id, request_type_id, incident_kind_id),
    notes_vector = tique_thread_vector(id, language, true);
"""
for _name, _value in {"body": BODY_LIMIT, "thread": THREAD_LIMIT, "vector": VECTOR_LIMIT}.items():
    SCHEMA = SCHEMA.replace(f"%({_name})s", str(_value))

UNINSTALL = """
DROP TRIGGER IF EXISTS tickets_ticket_search_insert ON tickets_ticket;
DROP TRIGGER IF EXISTS tickets_ticket_search_update ON tickets_ticket;
DROP TRIGGER IF EXISTS tickets_message_search_insert ON tickets_message;
DROP TRIGGER IF EXISTS tickets_message_search_update ON tickets_message;
DROP TRIGGER IF EXISTS tickets_message_search_delete ON tickets_message;
ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS search_vector;
ALTER TABLE tickets_ticket DROP COLUMN IF EXISTS notes_vector;
DROP FUNCTION IF EXISTS tique_ticket_search_trigger();
DROP FUNCTION IF EXISTS tique_ticket_inserted_trigger();
DROP FUNCTION IF EXISTS tique_own_vector(bigint, text, text, jsonb, bigint, bigint, bigint);
DROP FUNCTION IF EXISTS tique_messages_added_trigger();
DROP FUNCTION IF EXISTS tique_messages_updated_trigger();
DROP FUNCTION IF EXISTS tique_messages_deleted_trigger();
DROP FUNCTION IF EXISTS tique_ticket_vector(
    bigint, bigint, text, text, jsonb, bigint, bigint, bigint);
DROP FUNCTION IF EXISTS tique_thread_vector(bigint, text, boolean);
DROP FUNCTION IF EXISTS tique_search_hidden(bigint, bigint, bigint);
DROP FUNCTION IF EXISTS tique_search_fields(jsonb, text[]);
DROP FUNCTION IF EXISTS tique_search_field_piece(text);
DROP FUNCTION IF EXISTS tique_search_config(text);
DROP TEXT SEARCH CONFIGURATION IF EXISTS es_unaccent;
DROP TEXT SEARCH CONFIGURATION IF EXISTS en_unaccent;
"""


def install(connection: BaseDatabaseWrapper) -> None:
    """Create (or bring up to date) the configurations, columns, functions, triggers
    and indexes, then index the rows already there. Idempotent."""
    with connection.cursor() as cursor:
        cursor.execute(SCHEMA)
        cursor.execute(BACKFILL)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        cursor.execute(UNINSTALL)


# --- Queries ---------------------------------------------------------------------------------


def tsquery_sql(language: Language) -> str:
    return f"websearch_to_tsquery('{CONFIG[language]}'::regconfig, %s)"


def language_sql(language: Language) -> str:
    """Whether the ticket {language} is searched in `language`."""
    return f"substr({{language}}, 1, 2) {'=' if language == 'en' else '<>'} 'en'"


def account_lexeme(account_id: int) -> str:
    return f"A{int(account_id)}"


def match_sql(
    queries: dict[Language, Query],
    *,
    include_internal: bool,
    accounts: Sequence[int] | None = None,
) -> tuple[str, list[Any]]:
    """Whether the ticket ({vector}, {notes}) matches: by its subject, typed values or
    public messages, or (`include_internal`, staff) by an internal note.

    One test against one constant tsquery, so that one GIN index scan answers it: the
    Spanish and the English readings of the query joined by `||` (a ticket's vector is
    in its own language, and the other reading's stems almost never occur in it), and,
    when the scope lies in known `accounts`, their lexemes (`tique_own_vector`), so that
    the index intersects query and account itself. Splitting by language, or leaving
    the account to its B-tree index, made PostgreSQL AND bitmaps of a third of the
    table, which went lossy and rechecked hundreds of thousands of rows."""
    readings = [
        (tsquery_sql(language), query.websearch()) for language, query in queries.items() if query
    ]
    tsquery = "(" + " || ".join(sql for sql, _param in readings) + ")"
    params = [param for _sql, param in readings]
    if accounts:
        within = " | ".join(f"'{account_lexeme(pk)}'" for pk in sorted(set(accounts)))
        tsquery = f"({tsquery} && %s::tsquery)"
        params.append(within)
    if include_internal:
        notes = tsquery.replace(" && %s::tsquery", "") if accounts else tsquery
        notes_params = params[:-1] if accounts else params
        return f"({{vector}} @@ {tsquery} OR {{notes}} @@ {notes})", params + notes_params
    return f"{{vector}} @@ {tsquery}", params


def _query_for_row(queries: dict[Language, Query]) -> tuple[str, list[Any]]:
    """The tsquery for the row's language (NULL when the query is empty in it)."""
    parts = {
        language: (tsquery_sql(language), [query.websearch()]) if query else ("NULL::tsquery", [])
        for language, query in queries.items()
    }
    sql = (
        f"(CASE WHEN substr({{language}}, 1, 2) = 'en' THEN {parts['en'][0]}"
        f" ELSE {parts['es'][0]} END)"
    )
    return sql, parts["en"][1] + parts["es"][1]


def rank_sql(queries: dict[Language, Query], *, include_internal: bool) -> tuple[str, list[Any]]:
    """Cover density rank of the ticket's words (subject A, typed values B, public
    messages D), or of its internal notes (D) if better and allowed. As a double: a real
    would come back to Python rounded, and a cursor holding it would miss its row."""
    query, params = _query_for_row(queries)
    rank = f"coalesce(ts_rank_cd({{vector}}, {query}), 0)"
    if not include_internal:
        return f"{rank}::double precision", params
    notes = f"coalesce(ts_rank_cd({{notes}}, {query}), 0)"
    return f"GREATEST({rank}, {notes})::double precision", params * 2


def snippets(
    connection: BaseDatabaseWrapper,
    ids: Sequence[int],
    queries: dict[Language, Query],
    *,
    include_internal: bool,
) -> dict[int, str]:
    """Highlighted extracts for a page of tickets: the subject when it matches, else the
    best matching message the reader may see, else the typed values. ts_headline (and
    the messages' vectors) are computed for these few rows only. Returned escaped, with
    the sentinels still in (see `search.mark`)."""
    public = "" if include_internal else " AND NOT m.is_internal"
    query, query_params = _query_for_row(queries)
    query = query.replace("{language}", "t.language")
    config = "tique_search_config(t.language)"

    def clean(text: str) -> str:
        # Escaped before ts_headline, which would otherwise drop anything shaped like
        # a tag (a subject "<script>" must show, escaped); `search.mark` escapes again.
        text = f"translate({text}, '{START}{STOP}', '')"
        for char, entity in [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;")]:
            text = f"replace({text}, '{char}', '{entity}')"
        return text

    def headline(text: str) -> str:
        return f"ts_headline({config}, {clean(text)}, {query}, %s)"

    body = f"left(m.body, {BODY_LIMIT})"
    fields = (
        "tique_search_fields(t.fields,"
        " tique_search_hidden(t.query_kind_id, t.request_type_id, t.incident_kind_id))"
    )
    sql = (
        f"SELECT t.id, CASE"  # noqa: S608
        f" WHEN to_tsvector({config}, t.subject) @@ {query} THEN {headline('t.subject')}"
        f" ELSE coalesce((SELECT {headline(body)} FROM tickets_message m"
        f" WHERE m.ticket_id = t.id{public} AND to_tsvector({config}, {body}) @@ {query}"
        f" ORDER BY ts_rank_cd(to_tsvector({config}, {body}), {query}) DESC, m.id LIMIT 1),"
        f" {headline(fields)})"
        f" END FROM tickets_ticket t WHERE t.id = ANY(%s)"
    )
    headline_params = [*query_params, HEADLINE_OPTIONS]
    params = [
        *query_params,  # WHEN … @@
        *query_params,  # subject headline
        SUBJECT_OPTIONS,
        *headline_params,  # message headline
        *query_params,  # message @@
        *query_params,  # ORDER BY rank
        *headline_params,  # fields headline
        list(ids),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk: text for pk, text in cursor.fetchall() if text}
