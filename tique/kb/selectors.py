"""The help centre's reads: the index, one article with its text in the reader's
language, staff's view of votes, the suggestions for a ticket being written, and the
reports (least helpful articles, suggestions and deflections per week)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.utils import timezone

from tique.accounts.models import User
from tique.core.i18n import current_language
from tique.kb import search
from tique.kb.models import (
    Article,
    ArticleText,
    ArticleVote,
    Category,
    SuggestionSession,
    SuggestionShown,
)
from tique.kb.services import DEFLECTION_AFTER
from tique.tickets.choices import ACTIVE_STATUSES
from tique.tickets.choices import Category as TicketCategory
from tique.tickets.models import Ticket


def text_for(article: Article, language: str | None = None) -> ArticleText | None:
    """The article's version in `language` (the active one by default), else the other
    (from `texts` prefetched, or one query)."""
    wanted = (language or current_language())[:2]
    texts = list(article.texts.all())
    for text in texts:
        if text.language == wanted:
            return text
    return texts[0] if texts else None


def _with_texts(articles: QuerySet[Article]) -> QuerySet[Article]:
    return articles.prefetch_related(
        Prefetch("texts", queryset=ArticleText.objects.order_by("language"))
    )


@dataclass(frozen=True)
class Shelf:
    category: Category
    articles: list[tuple[Article, ArticleText]]


def help_index(user: User | None, category: Category | None = None) -> list[Shelf]:
    """Every category (or just `category`) with the articles the reader may open
    (published ones only, even for staff: drafts are listed in the desk)."""
    readable = Article.objects.readable_by(user).filter(status="published")
    if category is not None:
        readable = readable.filter(category=category)
    articles = _with_texts(readable.select_related("category").order_by("category", "slug"))
    shelves: dict[int, Shelf] = {}
    for article in articles:
        text = text_for(article)
        if text is None:
            continue
        shelf = shelves.setdefault(article.category_id, Shelf(article.category, []))
        shelf.articles.append((article, text))
    ordered = sorted(shelves.values(), key=lambda s: (s.category.position, s.category.slug))
    for shelf in ordered:
        shelf.articles.sort(key=lambda pair: pair[1].title.lower())
    return ordered


def category_get(slug: str) -> Category:
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        raise Http404("No such category")
    return category


def article_get_readable(user: User | None, slug: str) -> Article:
    """The article, if the reader may open it; 404 otherwise (a draft or an internal
    article is not known to exist for anyone but staff)."""
    found = (
        _with_texts(Article.objects.readable_by(user).select_related("category"))
        .filter(slug=slug)
        .first()
    )
    if found is None:
        raise Http404("No such article")
    return found


def related_articles(article: Article, user: User | None, limit: int = 5) -> list[Article]:
    return list(
        _with_texts(
            Article.objects.readable_by(user)
            .filter(category_id=article.category_id, status="published")
            .exclude(pk=article.pk)
            .order_by("-updated_at")
        )[:limit]
    )


@dataclass(frozen=True)
class Feedback:
    helpful: int
    unhelpful: int
    comments: list[ArticleVote]

    @property
    def total(self) -> int:
        return self.helpful + self.unhelpful


def article_feedback(article: Article, *, comments: int = 20) -> Feedback:
    counts = ArticleVote.objects.filter(article=article).aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    latest = list(
        ArticleVote.objects.filter(article=article)
        .exclude(comment="")
        .select_related("user")
        .order_by("-updated_at")[:comments]
    )
    return Feedback(counts["yes"], counts["no"], latest)


def my_vote(article: Article, user: User | None, browser: str) -> ArticleVote | None:
    if user is not None and user.is_authenticated:
        return ArticleVote.objects.filter(article=article, user=user).first()
    if browser:
        return ArticleVote.objects.filter(article=article, user=None, browser=browser).first()
    return None


def desk_articles() -> QuerySet[Article]:
    """Every article for the desk's list, newest change first, with its vote counts."""
    articles = Article.objects.select_related("category", "updated_by").annotate(
        helpful=Count("votes", filter=Q(votes__helpful=True)),
        unhelpful=Count("votes", filter=Q(votes__helpful=False)),
    )
    return _with_texts(articles).order_by("-updated_at", "-pk")


# --- Suggestions while a customer writes a ticket ---------------------------------------


SUGGESTIONS = 5
# A suggestion ranks at least this share of the best one's rank: one shared common word
# ("llamadas") does not make an article relevant.
RELEVANT_SHARE = 0.3


@dataclass(frozen=True)
class Suggestions:
    found: list[search.Found]
    outages: list[Ticket]


def suggestions_for(*, kind_category: str, kind_id: int, kind_name: str, text: str) -> Suggestions:
    """The public articles that best match what the customer typed (any of its words,
    with the kind's name), and, for an incident, the known outages open now for that
    kind of fault (shown by kind and time only: an outage is another account's ticket)."""
    query = search.any_word_query(text, kind_name)
    found = (
        search.article_search(
            Article.objects.readable_by(None), query, language=current_language(), limit=SUGGESTIONS
        )
        if query
        else []
    )
    if found:  # only the articles about as relevant as the best one
        found = [item for item in found if item.rank >= found[0].rank * RELEVANT_SHARE]
    outages: list[Ticket] = []
    if kind_category == TicketCategory.INCIDENT:
        outages = list(
            Ticket.objects.filter(
                is_outage=True, status__in=list(ACTIVE_STATUSES), incident_kind_id=kind_id
            )
            .select_related("incident_kind")
            .order_by("-created_at")[:3]
        )
    return Suggestions(found, outages)


# --- Reports ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleScore:
    article: Article
    title: str
    helpful: int
    unhelpful: int

    @property
    def total(self) -> int:
        return self.helpful + self.unhelpful

    @property
    def helpful_share(self) -> int:
        """Percentage of helpful votes, rounded."""
        return round(100 * self.helpful / self.total) if self.total else 0


def least_helpful(*, minimum_votes: int = 1, limit: int = 20) -> list[ArticleScore]:
    """Articles by their share of "not helpful" votes, worst first (ties: more votes
    first), among those with at least `minimum_votes`; one query plus their texts."""
    articles = (
        Article.objects.annotate(
            helpful=Count("votes", filter=Q(votes__helpful=True)),
            unhelpful=Count("votes", filter=Q(votes__helpful=False)),
            total=Count("votes"),
        )
        .filter(total__gte=max(minimum_votes, 1))
        .select_related("category")
    )
    scores = []
    for article in _with_texts(articles):
        text = text_for(article)
        counts: dict[str, int] = {"helpful": article.helpful, "unhelpful": article.unhelpful}  # type: ignore[attr-defined]
        title = text.title if text else article.slug
        scores.append(ArticleScore(article, title, counts["helpful"], counts["unhelpful"]))
    scores.sort(key=lambda s: (-(s.unhelpful / s.total), -s.total, s.title))
    return scores[:limit]


@dataclass(frozen=True)
class SuggestionWeek:
    week: dt.date
    shown: int
    opened: int
    deflections: int


def suggestion_weeks(*, weeks: int = 12, now: dt.datetime | None = None) -> list[SuggestionWeek]:
    """Per week (Monday), the last `weeks` of them: suggestions shown, suggestions
    opened, and deflections (forms whose customer opened a suggestion and sent no ticket
    within `DEFLECTION_AFTER`; counted once that time has passed). Three queries."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    first = today - dt.timedelta(days=today.weekday() + 7 * (weeks - 1))
    start = timezone.make_aware(dt.datetime.combine(first, dt.time.min))
    shown = _per_week(SuggestionShown.objects.filter(shown_at__gte=start), "shown_at")
    opened = _per_week(SuggestionShown.objects.filter(opened_at__gte=start), "opened_at")
    later_ticket = Ticket.objects.filter(
        created_by=OuterRef("user"),
        account=OuterRef("account"),
        created_at__gte=OuterRef("opened_at"),
    )
    deflected = (
        SuggestionSession.objects.filter(
            opened_at__gte=start, opened_at__lte=now - DEFLECTION_AFTER, ticket__isnull=True
        )
        .annotate(sent_later=Exists(later_ticket))
        .filter(sent_later=False)
    )
    deflections = _per_week(deflected, "opened_at")
    return [
        SuggestionWeek(
            week=first + dt.timedelta(weeks=i),
            shown=shown.get(first + dt.timedelta(weeks=i), 0),
            opened=opened.get(first + dt.timedelta(weeks=i), 0),
            deflections=deflections.get(first + dt.timedelta(weeks=i), 0),
        )
        for i in range(weeks)
    ]


def _per_week(
    rows: QuerySet[SuggestionShown] | QuerySet[SuggestionSession], column: str
) -> dict[dt.date, int]:
    counted = (
        rows.annotate(week=TruncWeek(column, tzinfo=timezone.get_current_timezone()))
        .values("week")
        .annotate(n=Count("pk"))
        .order_by()
    )
    result: dict[dt.date, int] = {}
    for row in counted:
        week = row["week"]
        day = week.date() if isinstance(week, dt.datetime) else week
        result[day] = result.get(day, 0) + row["n"]
    return result
