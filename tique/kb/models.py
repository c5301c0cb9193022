"""The help centre: articles in categories, each in Spanish and English versions, with
their revision history, readers' votes and the suggestions shown while a customer writes
a ticket (to count the tickets they made unnecessary)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tique.accounts.models import Account, User
from tique.core.i18n import pick
from tique.kb.choices import ArticleStatus, Visibility
from tique.tickets.models import Ticket

LANGUAGE_CHOICES = [("es", _("Spanish")), ("en", _("English"))]


class Category(models.Model):
    slug = models.SlugField(_("code"), max_length=60, unique=True)
    name_es = models.CharField(_("name (Spanish)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("article category")
        verbose_name_plural = _("article categories")
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return pick(es=self.name_es, en=self.name_en)


class ArticleQuerySet(models.QuerySet["Article"]):
    def readable_by(self, user: User | None) -> ArticleQuerySet:
        """What a reader may open: staff everything (drafts and internal articles too),
        anyone else the published public articles."""
        if user is not None and user.is_authenticated and user.is_staff and user.is_active:
            return self
        return self.filter(status=ArticleStatus.PUBLISHED, visibility=Visibility.PUBLIC)


class Article(models.Model):
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="articles", verbose_name=_("category")
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    source_ticket = models.ForeignKey(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written from ticket"),
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["slug"]
        indexes = [
            models.Index(
                fields=["category", "slug"],
                name="kb_article_public",
                condition=Q(status="published", visibility="public"),
            ),
            models.Index(fields=["-updated_at"], name="kb_article_updated"),
        ]

    def __str__(self) -> str:
        return self.slug

    @property
    def is_public(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED and self.visibility == Visibility.PUBLIC


class ArticleText(models.Model):
    """One language's version of an article: its title and Markdown body, and the body
    as plain text (what search indexes and snippets quote)."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="texts", verbose_name=_("article")
    )
    language = models.CharField(_("language"), max_length=8, choices=LANGUAGE_CHOICES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"))
    plain = models.TextField(_("plain text"), editable=False, default="")

    class Meta:
        verbose_name = _("article text")
        verbose_name_plural = _("article texts")
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="kb_text_one_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} {self.language}: {self.title}"


class ArticleRevision(models.Model):
    """What an article was after each save: both languages' texts and its settings."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("article")
    )
    number = models.PositiveIntegerField(_("revision"))
    author = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("saved"), default=timezone.now)
    # {"es": {"title": …, "body": …}, "en": {…}, "status": …, "visibility": …, "category": id}
    content = models.JSONField(_("content"))
    note = models.CharField(_("what changed"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("article revision")
        verbose_name_plural = _("article revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="kb_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


class ArticleVote(models.Model):
    """ "Was this helpful?": one vote per signed-in user, or per browser for anonymous
    readers (a random id in a signed cookie); voting again changes the vote."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="votes", verbose_name=_("article")
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    browser = models.CharField(_("browser"), max_length=64, blank=True)
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True)
    language = models.CharField(_("language"), max_length=8, blank=True)
    created_at = models.DateTimeField(_("voted"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("article vote")
        verbose_name_plural = _("article votes")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"],
                name="kb_vote_one_per_user",
                condition=Q(user__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["article", "browser"],
                name="kb_vote_one_per_browser",
                condition=Q(user__isnull=True),
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False) | ~Q(browser=""), name="kb_vote_has_voter"
            ),
        ]
        indexes = [models.Index(fields=["article", "-updated_at"], name="kb_vote_article")]

    def __str__(self) -> str:
        return f"{self.article_id} {'+' if self.helpful else '-'}"


class SuggestionSession(models.Model):
    """One new-ticket form as a customer fills it in: which articles it suggested and
    opened, and whether the ticket was sent in the end."""

    key = models.UUIDField(_("key"), unique=True, default=uuid.uuid4)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("ticket kind"), max_length=80, blank=True)
    created_at = models.DateTimeField(_("started"), default=timezone.now)
    opened_at = models.DateTimeField(_("first suggestion opened"), null=True, blank=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("ticket sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("suggestion session")
        verbose_name_plural = _("suggestion sessions")
        indexes = [
            models.Index(
                fields=["opened_at"], name="kb_session_opened", condition=Q(opened_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return str(self.key)


class SuggestionShown(models.Model):
    session = models.ForeignKey(SuggestionSession, on_delete=models.CASCADE, related_name="shown")
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    shown_at = models.DateTimeField(_("shown"), default=timezone.now)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)

    class Meta:
        verbose_name = _("suggestion shown")
        verbose_name_plural = _("suggestions shown")
        constraints = [models.UniqueConstraint(fields=["session", "article"], name="kb_shown_once")]
        indexes = [models.Index(fields=["shown_at"], name="kb_shown_at")]

    def __str__(self) -> str:
        return f"{self.session_id} {self.article_id}"
