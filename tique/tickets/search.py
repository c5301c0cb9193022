"""Full-text search over tickets: the `q` of the customer history, the desk and the API.

`ticket_search` narrows a queryset that is already scoped to what the reader may see
(`Ticket.objects.visible_to`), so a search can never show, nor count, another account's
ticket. A ticket matches by its subject, its typed values or a message of its thread;
customers' searches only look at public messages (an internal note's words never make a
ticket match for them), staff's look at internal notes too.

PostgreSQL (`search_postgres`) and SQLite (`search_sqlite`) each keep an index current
with triggers and answer the same query syntax (`search_text.parse`) the same way:
accent-insensitive, stemmed in the ticket's language (Spanish or English), ranked, with
a highlighted snippet for each ticket of the page shown."""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from django.db import connections
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    QuerySet,
    TextField,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.query import ModelIterable
from django.db.models.sql.compiler import SQLCompiler
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tique.tickets import search_postgres, search_sqlite
from tique.tickets.models import Ticket
from tique.tickets.search_text import LANGUAGES, MAX_QUERY_LENGTH, Language, Query, parse

__all__ = ["MAX_QUERY_LENGTH", "is_search", "ticket_search"]


def language_queries(q: str | None) -> dict[Language, Query] | None:
    """The query in each language, or None when it searches nothing in either (empty,
    only stop words, only exclusions, only punctuation): then there is no filter."""
    query = parse(q or "")
    queries = {language: query.for_language(language) for language in LANGUAGES}
    return queries if any(queries.values()) else None


def is_search(q: str | None) -> bool:
    return language_queries(q) is not None


class _OwnColumn(Expression):
    """A column of the table being queried that the model does not declare (the search
    vectors), named with the query's alias for that table, as a model field would be."""

    def __init__(self, column: str) -> None:
        super().__init__(output_field=TextField())
        self.column = column
        self.alias: str | None = None

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> _OwnColumn:
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map: Mapping[str, str]) -> _OwnColumn:
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias) if self.alias else None
        return clone

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, list[Any]]:
        alias = compiler.quote_name_unless_alias(self.alias or "")
        return f"{alias}.{connection.ops.quote_name(self.column)}", []


class _AmongIds(Expression):
    """`pk = ANY(ARRAY(SELECT unnest(ids)))`: the ids given as one array, read through a
    subquery so that PostgreSQL expects a few rows and joins each row's people by their
    primary key. (With `pk IN (500 literals)` it expects them all, and hashed the whole
    user table to join 500 rows: 25 ms instead of 2.)"""

    output_field = BooleanField()

    def __init__(self, ids: list[int]) -> None:
        super().__init__()
        self.ids = ids
        # As PostgreSQL's own array text: psycopg adapting a list of 500 ints, item by
        # item, on each of the page's queries cost more than the queries' SQL.
        self.literal = "{" + ",".join(str(int(pk)) for pk in ids) + "}"
        self.sources: list[Any] = [F("pk")]

    def get_source_expressions(self) -> list[Any]:
        return self.sources

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.sources = list(exprs)

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, list[Any]]:
        pk, pk_params = compiler.compile(self.sources[0])
        return f"{pk} = ANY(ARRAY(SELECT unnest(%s::bigint[])))", [*pk_params, self.literal]


class SqlFragment(Expression):
    """SQL about the ticket row at hand: `{id}`, `{language}`, `{vector}` and `{notes}`
    stand for its columns, with the query's alias, so the fragment survives being used
    inside another query; `%s` for `params`."""

    names = ("id", "language", "vector", "notes")

    def __init__(self, template: str, params: list[Any], output_field: Any) -> None:
        super().__init__(output_field=output_field)
        self.template, self.params = template, params
        self.columns: list[Any] = [
            F("pk"),
            F("language"),
            _OwnColumn("search_vector"),
            _OwnColumn("notes_vector"),
        ]

    def get_source_expressions(self) -> list[Any]:
        return self.columns

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.columns = list(exprs)

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, list[Any]]:
        names = {}
        for name, column in zip(self.names, self.columns, strict=True):
            sql, params = compiler.compile(column)
            if params:
                raise ValueError("a column with parameters")
            names[name] = sql
        return self.template.format(**names), list(self.params)


def ticket_search(
    tickets: QuerySet[Ticket],
    q: str,
    *,
    include_internal: bool,
    accounts: Sequence[int] | None = None,
    newest_first: Sequence[str] = ("-pk",),
) -> QuerySet[Ticket]:
    """The tickets of `tickets` that match `q` (at most the newest `CANDIDATES`),
    annotated with `search_rank` (higher is better; order by it yourself) and, once
    fetched, `search_snippet` (safe HTML, the matches in <mark>; computed for the
    fetched rows only, in one more query). `tickets`' filters apply; add joins
    (`select_related`) to the result. A query that searches nothing leaves `tickets` as
    they are, with a rank of 0.

    `include_internal` lets internal notes match: staff only. `accounts`, when every
    ticket of `tickets` belongs to one of them, lets PostgreSQL find an account's
    matches in the index alone (it never widens the scope); `newest_first` is what
    "newest" means for the candidates on PostgreSQL: an order that the scope's indexes
    give (`-created_at, -id` in an account, `-last_activity_at, -id` in a desk queue),
    so that its first WINDOW tickets are read without sorting the scope.

    The candidates (and, on SQLite, their ranks) are read when this is called (one
    query), so call it when the result is to be fetched."""
    queries = language_queries(q)
    if queries is None:
        return tickets.annotate(search_rank=Value(0.0, output_field=FloatField()))
    postgres = connections[tickets.db].vendor == "postgresql"
    if postgres:
        match, match_params = search_postgres.match_sql(
            queries, include_internal=include_internal, accounts=accounts
        )
    else:
        match, match_params = search_sqlite.match_sql(queries, include_internal=include_internal)
    condition = SqlFragment(match, match_params, BooleanField())
    # The scope is inside the candidates: the outer query only fetches and ranks them.
    manager = tickets.model._default_manager.using(tickets.db)
    if postgres:
        # The candidates are found once, here: a page's count and its rows then read at
        # most CANDIDATES tickets by primary key instead of each searching again.
        sql, params = _postgres_candidates(tickets.order_by(), condition, newest_first)
        with connections[tickets.db].cursor() as cursor:
            cursor.execute(sql, params)
            found = manager.filter(_AmongIds([pk for (pk,) in cursor.fetchall()]))
        rank, rank_params = search_postgres.rank_sql(queries, include_internal=include_internal)
    else:
        # The candidates and their ranks, found once, here (see `candidate_ranks`).
        newest = tickets.filter(condition).order_by("-pk").values("pk", "language")
        ranks = search_sqlite.candidate_ranks(
            connections[tickets.db],
            _compiled(newest[:CANDIDATES]),
            queries,
            include_internal=include_internal,
        )
        found = manager.filter(pk__in=list(ranks))
        rank, rank_params = search_sqlite.rank_by_id(ranks), []
    found = found.annotate(search_rank=SqlFragment(rank, rank_params, FloatField()))
    found._iterable_class = type(
        "SearchIterable",
        (_SnippetIterable,),
        {"queries": queries, "include_internal": include_internal},
    )
    return found


# The columns a search's snippets read from each fetched row (on SQLite; PostgreSQL
# reads them itself): a caller that narrows a result's columns with `.only()` keeps these.
SNIPPET_FIELDS = ("subject", "language")

# How many matches are ranked: the newest this many (in `newest_first`'s order on
# PostgreSQL, by id on SQLite and when a rare word is looked for in the whole scope).
CANDIDATES = 500
# On PostgreSQL, a search first looks at the newest WINDOW tickets of the scope; when
# ENOUGH of them match (a common word), the candidates are those, else (a rarer word)
# the newest matches of the whole scope, found through the GIN index. A common word
# thus ranks recent tickets only, and a search costs about the same in an account of a
# thousand tickets and in one of a hundred thousand, whichever words it has.
WINDOW = 2000
ENOUGH = 50


def _compiled(tickets: QuerySet[Any]) -> tuple[str, tuple[Any, ...]]:
    sql, params = tickets.query.get_compiler(using=tickets.db).as_sql()
    return sql, tuple(params)


def _postgres_candidates(
    tickets: QuerySet[Ticket], condition: SqlFragment, newest_first: Sequence[str]
) -> tuple[str, list[Any]]:
    """The candidates' ids as one statement that decides as it runs: PostgreSQL's plan
    cannot, as its statistics are global (a word common across all tickets can be absent
    from an account in another language, or the other way round), and walking a scope
    for a word it lacks, or fetching every match of a word it is full of, both cost
    seconds at a million tickets."""
    window_sql, window_params = _compiled(tickets.order_by(*newest_first).values("pk")[:WINDOW])
    # Whether one ticket of the window matches, asked of each in the window's order, so
    # that a common word is decided by the first few hundred tickets, not all WINDOW.
    # (The window itself is ids only: an index gives them without reading the rows.)
    hit = (
        tickets.model._default_manager.using(tickets.db)
        .filter(pk=RawSQL("scope_window.pk", ()))
        .filter(condition)
        .values("pk")
    )
    hit_sql, hit_params = _compiled(hit)
    # An order no index gives: PostgreSQL finds every match through the GIN index and
    # the scope's own (BitmapAnd) rather than walking the scope in date order.
    unindexed = ExpressionWrapper(F("pk") + Value(0), output_field=BigIntegerField())
    older = tickets.filter(condition).order_by(unindexed.desc()).values("pk")[:CANDIDATES]
    older_sql, older_params = _compiled(older)
    # The whole scope is searched only when the window held few matches and was full (a
    # scope of fewer tickets is all in it); PostgreSQL counts the window only then. The
    # window is a subquery, not a CTE, read in its own order (PostgreSQL keeps the order
    # of a subquery the outer query only filters and limits).
    sql = (
        "WITH recent AS MATERIALIZED ("  # noqa: S608
        f"SELECT scope_window.pk FROM ({window_sql}) AS scope_window"
        f" WHERE EXISTS ({hit_sql}) LIMIT %s)"
        " SELECT recent.pk FROM recent"
        f" UNION SELECT older.pk FROM ({older_sql}) AS older"
        " WHERE (SELECT count(*) FROM recent) < %s"
        f" AND (SELECT count(*) FROM ({window_sql}) AS window_size) >= %s"
    )
    return sql, [
        *window_params,
        *hit_params,
        CANDIDATES,
        *older_params,
        ENOUGH,
        *window_params,
        WINDOW,
    ]


class _SnippetIterable(ModelIterable):  # type: ignore[type-arg]
    """Fetches the rows, then their snippets in one query, so that a page's snippets
    cost the same whatever its size (and ts_headline never runs on rows not shown)."""

    queries: dict[Language, Query]
    include_internal: bool

    def __iter__(self) -> Iterator[Any]:
        rows = list(super().__iter__())
        if rows:
            found = snippets(
                self.queryset.db, rows, self.queries, include_internal=self.include_internal
            )
            for ticket in rows:
                ticket.search_snippet = found.get(ticket.pk)
        yield from rows


def snippets(
    using: str, tickets: list[Ticket], queries: dict[Language, Query], *, include_internal: bool
) -> dict[int, SafeString]:
    connection = connections[using]
    if connection.vendor == "postgresql":
        raw = search_postgres.snippets(
            connection, [t.pk for t in tickets], queries, include_internal=include_internal
        )
        return {pk: mark(text) for pk, text in raw.items()}
    rows = [(t.pk, t.language, t.subject) for t in tickets]
    found = search_sqlite.snippets(connection, rows, queries, include_internal=include_internal)
    return {pk: mark_safe(text) for pk, text in found.items()}  # noqa: S308 (escaped)


def mark(headline: str) -> SafeString:
    """ts_headline's output (escaped text with sentinels around the matches) as safe
    HTML: unescaped and escaped again (so whatever ts_headline cut is escaped whole),
    then the sentinels become <mark>."""
    text = str(escape(html.unescape(headline)))
    text = text.replace(search_postgres.START, "<mark>").replace(search_postgres.STOP, "</mark>")
    return mark_safe(text)  # noqa: S308 (escaped above; only <mark> added)
