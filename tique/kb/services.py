"""The help centre's writers: articles (each save a revision), readers' votes, and the
record of suggestions shown and opened while a customer writes a ticket."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tique.accounts.models import Account, User
from tique.core.markdown import plain_text
from tique.kb import permissions
from tique.kb.choices import ARTICLE_LANGUAGES, ArticleStatus, Visibility
from tique.kb.models import (
    Article,
    ArticleRevision,
    ArticleText,
    ArticleVote,
    Category,
    SuggestionSession,
    SuggestionShown,
)
from tique.tickets.models import Ticket

COMMENT_MAX = 1000
SLUG_MAX = 120


@dataclass(frozen=True)
class ArticleVersion:
    title: str
    body: str


@dataclass(frozen=True)
class ArticleDraft:
    """An article as its editor saves it: settings, and one version per language
    written (at least one)."""

    category: Category
    visibility: str = Visibility.PUBLIC
    status: str = ArticleStatus.DRAFT
    texts: dict[str, ArticleVersion] = field(default_factory=dict)
    slug: str = ""
    note: str = ""


def _check(draft: ArticleDraft) -> dict[str, ArticleVersion]:
    texts = {
        language: ArticleVersion(version.title.strip(), version.body.strip())
        for language, version in draft.texts.items()
        if language in ARTICLE_LANGUAGES and (version.title.strip() or version.body.strip())
    }
    errors: dict[str, list[str]] = {}
    if not texts:
        errors["title_es"] = [_("Write the article in Spanish, in English or in both.")]
    for language, version in texts.items():
        if not version.title:
            errors[f"title_{language}"] = [_("Give this version a title.")]
        if not version.body:
            errors[f"body_{language}"] = [_("Write this version's text.")]
    if draft.visibility not in Visibility.values:
        errors["visibility"] = [_("Choose who can read the article.")]
    if draft.status not in ArticleStatus.values:
        errors["status"] = [_("Choose the article's status.")]
    if errors:
        raise ValidationError(errors)
    return texts


def _unique_slug(wanted: str, *, article: Article | None) -> str:
    base = slugify(wanted)[: SLUG_MAX - 8].strip("-") or "article"
    others = Article.objects.exclude(pk=article.pk) if article is not None else Article.objects
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, counter = base, 2
    while slug in taken:
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def _content(article: Article, texts: dict[str, ArticleVersion]) -> dict[str, Any]:
    return {
        "texts": {lang: {"title": v.title, "body": v.body} for lang, v in texts.items()},
        "status": article.status,
        "visibility": article.visibility,
        "category": article.category_id,
        "slug": article.slug,
    }


def _save(article: Article, author: User, texts: dict[str, ArticleVersion], note: str) -> None:
    for language in ARTICLE_LANGUAGES:
        version = texts.get(language)
        if version is None:
            ArticleText.objects.filter(article=article, language=language).delete()
            continue
        ArticleText.objects.update_or_create(
            article=article,
            language=language,
            defaults={
                "title": version.title[:200],
                "body": version.body,
                "plain": plain_text(version.body),
            },
        )
    last = article.revisions.order_by("-number").values_list("number", flat=True).first() or 0
    ArticleRevision.objects.create(
        article=article,
        number=last + 1,
        author=author,
        content=_content(article, texts),
        note=note[:200],
    )


def article_create(
    *, author: User, draft: ArticleDraft, source_ticket: Ticket | None = None
) -> Article:
    if not permissions.can_edit_articles(author):
        raise PermissionDenied("only staff write articles")
    texts = _check(draft)
    now = timezone.now()
    first_title = next(iter(texts.values())).title
    with transaction.atomic():
        article = Article.objects.create(
            slug=_unique_slug(draft.slug or first_title, article=None),
            category=draft.category,
            visibility=draft.visibility,
            status=draft.status,
            source_ticket=source_ticket,
            created_by=author,
            updated_by=author,
            created_at=now,
            updated_at=now,
            published_at=now if draft.status == ArticleStatus.PUBLISHED else None,
        )
        _save(article, author, texts, draft.note or _("Created"))
    return article


def article_update(*, article: Article, author: User, draft: ArticleDraft) -> Article:
    if not permissions.can_edit_articles(author):
        raise PermissionDenied("only staff write articles")
    texts = _check(draft)
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        if draft.slug and slugify(draft.slug) != locked.slug:
            locked.slug = _unique_slug(draft.slug, article=locked)
        locked.category = draft.category
        locked.visibility = draft.visibility
        if draft.status == ArticleStatus.PUBLISHED and locked.published_at is None:
            locked.published_at = timezone.now()
        locked.status = draft.status
        locked.updated_by = author
        locked.updated_at = timezone.now()
        locked.save()
        _save(locked, author, texts, draft.note)
    return locked


def article_restore(*, article: Article, author: User, revision: ArticleRevision) -> Article:
    """Save an earlier revision's texts and settings again, as a new revision."""
    if revision.article_id != article.pk:
        raise PermissionDenied("a revision of another article")
    content = revision.content
    category = Category.objects.filter(pk=content.get("category")).first() or article.category
    draft = ArticleDraft(
        category=category,
        visibility=content.get("visibility", article.visibility),
        status=content.get("status", article.status),
        texts={
            lang: ArticleVersion(str(v.get("title", "")), str(v.get("body", "")))
            for lang, v in content.get("texts", {}).items()
        },
        note=_("Restored revision %(number)s") % {"number": revision.number},
    )
    return article_update(article=article, author=author, draft=draft)


def article_from_ticket(*, ticket: Ticket, author: User) -> Article:
    """A draft article from a solved ticket: its subject as the title, the customer's
    description and the staff's public replies as the text (never internal notes nor
    typed field values), in the ticket's language, to be edited before publishing."""
    category = Category.objects.order_by("position", "pk").first()
    if category is None:
        category = Category.objects.create(slug="general", name_es="General", name_en="General")
    language = "en" if ticket.language.startswith("en") else "es"
    public = ticket.messages.filter(is_internal=False).select_related("author")
    question = [m.body for m in public if m.author is None or not m.author.is_staff][:1]
    answers = [m.body for m in public if m.author is not None and m.author.is_staff]
    with_headings = {
        "es": ("## El problema", "## La solución"),
        "en": ("## The problem", "## The solution"),
    }[language]
    parts = [with_headings[0], *question, with_headings[1], *answers]
    body = "\n\n".join(part.strip() for part in parts if part.strip())
    return article_create(
        author=author,
        draft=ArticleDraft(
            category=category,
            visibility=Visibility.INTERNAL,
            status=ArticleStatus.DRAFT,
            texts={language: ArticleVersion(ticket.subject, body)},
            note=_("Written from ticket #%(number)s") % {"number": ticket.number},
        ),
        source_ticket=ticket,
    )


# --- Votes ------------------------------------------------------------------------------


def article_vote(
    *,
    article: Article,
    user: User | None,
    browser: str,
    helpful: bool,
    comment: str = "",
    language: str = "",
) -> ArticleVote:
    """One vote per signed-in user, or per browser for anonymous readers: voting again
    changes the vote (and the comment, when one is given)."""
    if not permissions.can_read(user, article):
        raise PermissionDenied("not readable")
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationError(
            {"comment": _("Keep the comment under %(max)d characters.") % {"max": COMMENT_MAX}}
        )
    signed_in = user is not None and user.is_authenticated
    if not signed_in and not browser:
        raise ValidationError({"helpful": _("Your browser must accept cookies to vote.")})
    voter: dict[str, Any] = {"user": user} if signed_in else {"user": None, "browser": browser[:64]}
    values: dict[str, Any] = {"helpful": helpful, "language": language[:8]}
    values["updated_at"] = timezone.now()
    if comment:
        values["comment"] = comment
    for _attempt in range(2):
        try:
            with transaction.atomic():
                vote, _created = ArticleVote.objects.update_or_create(
                    article=article, **voter, defaults=values
                )
                return vote
        except IntegrityError:  # two first votes at once: the second updates the first
            continue
    raise ValidationError({"helpful": _("Your vote could not be saved. Try again.")})


# --- Suggestions while writing a ticket ---------------------------------------------------


def _session_key(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def suggestions_shown(
    *, key: str, user: User, account: Account, kind: str, articles: list[Article]
) -> SuggestionSession | None:
    """Record that these articles were suggested to the form `key` (made up by the form
    page): the session is the user's own; another user's key records nothing."""
    session_key = _session_key(key)
    if session_key is None:
        return None
    with transaction.atomic():
        session, _created = SuggestionSession.objects.get_or_create(
            key=session_key, defaults={"user": user, "account": account, "kind": kind[:80]}
        )
        if session.user_id != user.pk:
            return None
        SuggestionShown.objects.bulk_create(
            [SuggestionShown(session=session, article=article) for article in articles],
            ignore_conflicts=True,
        )
    return session


def suggestion_opened(*, key: str, user: User, article: Article) -> bool:
    """The customer opened a suggested article from their form."""
    session_key = _session_key(key)
    if session_key is None:
        return False
    now = timezone.now()
    with transaction.atomic():
        session = (
            SuggestionSession.objects.select_for_update().filter(key=session_key, user=user).first()
        )
        if session is None:
            return False
        touched = SuggestionShown.objects.filter(
            session=session, article=article, opened_at__isnull=True
        ).update(opened_at=now)
        # An article opened once before already set the session's time.
        if touched and session.opened_at is None:
            session.opened_at = now
            session.save(update_fields=["opened_at"])
    return True


def suggestion_session_submitted(*, key: str, user: User, ticket: Ticket) -> None:
    """The form's ticket was sent after all: not a deflection."""
    session_key = _session_key(key)
    if session_key is None:
        return
    SuggestionSession.objects.filter(key=session_key, user=user, ticket__isnull=True).update(
        ticket=ticket, submitted_at=timezone.now()
    )


# A form whose customer opened a suggestion and then sent no ticket within this time
# counts as a deflection (a ticket made unnecessary).
DEFLECTION_AFTER = dt.timedelta(hours=1)
