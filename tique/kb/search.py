"""Full-text search over help-centre articles, in the ticket search's language: the same
query syntax (`search_text.parse`), the same accent-insensitive Spanish and English
configurations on PostgreSQL, the same Snowball stems in an FTS5 table on SQLite.

PostgreSQL keeps each article text's vector in a generated column (title A, plain body
B) with a GIN index; SQLite keeps an FTS5 table current with triggers that call the
stemming function the tickets app registers on every connection. A text is searched in
its own language. `article_search` ranks texts, keeps one per article (the reader's
language when both match) and highlights the matching words in Python, on the few rows
shown."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tique.kb.models import Article, ArticleText
from tique.tickets import search_postgres
from tique.tickets.search import language_queries
from tique.tickets.search_text import Language, Query, highlight, is_stopword, language_of

# How many texts are ranked before one per article is kept.
RANKED = 200

# Angle brackets become spaces: PostgreSQL's parser reads `<script>` in a text about
# markup as a tag and skips what follows it.
_PG_VECTOR = """
    CASE WHEN substr(language, 1, 2) = 'en' THEN
        setweight(to_tsvector('en_unaccent'::regconfig, {title}), 'A')
        || setweight(to_tsvector('en_unaccent'::regconfig, {plain}), 'B')
    ELSE
        setweight(to_tsvector('es_unaccent'::regconfig, {title}), 'A')
        || setweight(to_tsvector('es_unaccent'::regconfig, {plain}), 'B')
    END
""".format(
    title="translate(coalesce(title, ''), '<>', '  ')",
    plain="translate(coalesce(plain, ''), '<>', '  ')",
)
PG_INSTALL = [
    "ALTER TABLE kb_articletext ADD COLUMN IF NOT EXISTS search_vector tsvector"
    f" GENERATED ALWAYS AS ({_PG_VECTOR}) STORED",
    "CREATE INDEX IF NOT EXISTS kb_text_search ON kb_articletext USING gin (search_vector)",
]
PG_UNINSTALL = [
    "DROP INDEX IF EXISTS kb_text_search",
    "ALTER TABLE kb_articletext DROP COLUMN IF EXISTS search_vector",
]
_SQLITE_ROW = (
    "INSERT INTO kb_articletext_fts(rowid, title, body) VALUES (new.id,"
    " tique_search_stem(new.language, new.title), tique_search_stem(new.language, new.plain));"
)
SQLITE_INSTALL = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS kb_articletext_fts USING fts5("
    "title, body, tokenize = 'unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS kb_articletext_fts_insert AFTER INSERT ON kb_articletext"
    f" BEGIN {_SQLITE_ROW} END",
    "CREATE TRIGGER IF NOT EXISTS kb_articletext_fts_update AFTER UPDATE ON kb_articletext"  # noqa: S608 (constants)
    f" BEGIN DELETE FROM kb_articletext_fts WHERE rowid = old.id; {_SQLITE_ROW} END",
    "CREATE TRIGGER IF NOT EXISTS kb_articletext_fts_delete AFTER DELETE ON kb_articletext"
    " BEGIN DELETE FROM kb_articletext_fts WHERE rowid = old.id; END",
    "DELETE FROM kb_articletext_fts",
    "INSERT INTO kb_articletext_fts(rowid, title, body) SELECT id,"
    " tique_search_stem(language, title), tique_search_stem(language, plain) FROM kb_articletext",
]
SQLITE_UNINSTALL = [
    "DROP TRIGGER IF EXISTS kb_articletext_fts_insert",
    "DROP TRIGGER IF EXISTS kb_articletext_fts_update",
    "DROP TRIGGER IF EXISTS kb_articletext_fts_delete",
    "DROP TABLE IF EXISTS kb_articletext_fts",
]
# Title and body weights of SQLite's bm25, like PostgreSQL's A (1.0) and B (0.4).
_BM25 = "bm25(kb_articletext_fts, 1.0, 0.4)"


def install(connection: BaseDatabaseWrapper) -> None:
    """The index and what keeps it current (idempotent); indexes existing rows."""
    if connection.vendor == "sqlite":
        from tique.tickets import search_sqlite

        connection.ensure_connection()
        search_sqlite.register(connection.connection)
    statements = {"postgresql": PG_INSTALL, "sqlite": SQLITE_INSTALL}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def uninstall(connection: BaseDatabaseWrapper) -> None:
    statements = {"postgresql": PG_UNINSTALL, "sqlite": SQLITE_UNINSTALL}.get(connection.vendor)
    with connection.cursor() as cursor:
        for statement in statements or []:
            cursor.execute(statement)


@dataclass(frozen=True)
class Found:
    article: Article
    text: ArticleText
    rank: float
    title: SafeString  # escaped, matches in <mark>
    snippet: SafeString  # escaped, matches in <mark>; empty when only the title matched


def article_search(
    articles: QuerySet[Article], q: str, *, language: str, limit: int = 20
) -> list[Found]:
    """The articles of `articles` (already scoped to what the reader may open) whose
    title or text match `q`, best first, at most `limit`, each once: in `language` when
    that version matches, else in the other."""
    queries = language_queries(q)
    if queries is None:
        return []
    db = articles.db
    vendor = connections[db].vendor
    match, match_params = _match_sql(vendor, queries)
    rank, rank_params = _rank_sql(vendor, queries)
    texts = (
        ArticleText.objects.using(db)
        .filter(article__in=articles.values("pk"))
        .filter(RawSQL(match, match_params, output_field=BooleanField()))  # noqa: S611
        .annotate(search_rank=RawSQL(rank, rank_params, output_field=FloatField()))  # noqa: S611
        .select_related("article__category")
        .order_by("-search_rank", "pk")[:RANKED]
    )
    wanted = language_of(language)
    best: dict[int, tuple[ArticleText, float]] = {}
    for text in texts:
        rank_value = float(text.search_rank)
        current = best.get(text.article_id)
        if current is None or (text.language == wanted and current[0].language != wanted):
            best[text.article_id] = (text, max(rank_value, current[1] if current else 0.0))
    ordered = sorted(best.values(), key=lambda pair: (-pair[1], pair[0].article_id))[:limit]
    return [_found(text, rank_value, queries) for text, rank_value in ordered]


def _found(text: ArticleText, rank: float, queries: dict[Language, Query]) -> Found:
    language = language_of(text.language)
    stems = queries[language].highlight_stems(language)
    title = _highlight_all(language, text.title, stems)
    snippet = highlight(language, text.plain, stems) or ""
    return Found(
        article=text.article,
        text=text,
        rank=rank,
        title=title,
        snippet=mark_safe(snippet),  # noqa: S308 (highlight escapes)
    )


def _highlight_all(language: Language, text: str, stems: set[str]) -> SafeString:
    marked = highlight(language, text, stems)
    if marked is None or marked.startswith("… ") or marked.endswith(" …"):
        return escape(text)
    return mark_safe(marked)  # noqa: S308 (highlight escapes)


def _match_sql(vendor: str, queries: dict[Language, Query]) -> tuple[str, list[Any]]:
    if vendor == "postgresql":
        readings = [
            (search_postgres.tsquery_sql(lang), query.websearch())
            for lang, query in queries.items()
            if query
        ]
        tsquery = " || ".join(sql for sql, _param in readings)
        return f'"kb_articletext"."search_vector" @@ ({tsquery})', [p for _s, p in readings]
    branches, params = [], []
    for lang, query in queries.items():
        expression = query.fts5(lang) if query else ""
        if not expression:
            continue
        same = "=" if lang == "en" else "<>"
        branches.append(
            f'(substr("kb_articletext"."language", 1, 2) {same} \'en\' AND'  # noqa: S608
            ' "kb_articletext"."id" IN (SELECT rowid FROM kb_articletext_fts'
            " WHERE kb_articletext_fts MATCH %s))"
        )
        params.append(expression)
    return "(" + (" OR ".join(branches) or "0") + ")", params


def _rank_sql(vendor: str, queries: dict[Language, Query]) -> tuple[str, list[Any]]:
    """Higher is better, in the text's own language."""
    parts: dict[str, tuple[str, list[Any]]] = {}
    for lang, query in queries.items():
        if vendor == "postgresql":
            if query:
                sql = (
                    'ts_rank_cd("kb_articletext"."search_vector",'
                    f" {search_postgres.tsquery_sql(lang)})"
                )
                parts[lang] = (sql, [query.websearch()])
            else:
                parts[lang] = ("0", [])
        else:
            expression = query.fts5(lang) if query else ""
            if expression:
                sql = (
                    f"coalesce((SELECT -{_BM25} FROM kb_articletext_fts WHERE"  # noqa: S608
                    ' kb_articletext_fts MATCH %s AND rowid = "kb_articletext"."id"), 0)'
                )
                parts[lang] = (sql, [expression])
            else:
                parts[lang] = ("0", [])
    sql = (
        '(CASE WHEN substr("kb_articletext"."language", 1, 2) = \'en\''
        f" THEN {parts['en'][0]} ELSE {parts['es'][0]} END)"
    )
    cast = "::double precision" if vendor == "postgresql" else ""
    return sql + cast, parts["en"][1] + parts["es"][1]


_WORDS = re.compile(r"[^\W_]{3,}")
SUGGESTION_WORDS = 12


def any_word_query(*texts: str) -> str:
    """What a customer is typing, as a search for any of its words (a description is a
    sentence, not a list of required words): its first content words, joined by `or`."""
    words: list[str] = []
    seen: set[str] = set()
    for text in texts:
        for word in _WORDS.findall(text or ""):
            key = word.lower()
            if key in seen or is_stopword("es", key) or is_stopword("en", key):
                continue
            seen.add(key)
            words.append(word)
            if len(words) >= SUGGESTION_WORDS:
                return " or ".join(words)
    return " or ".join(words)
