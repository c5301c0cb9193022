"""Loads the help centre's demo articles (`demo_articles`) for `manage.py demo`:
idempotent, an article already there (by its address) is left as it is."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from tique.accounts.models import User
from tique.kb.choices import ArticleStatus, Visibility
from tique.kb.demo_articles import ARTICLES, CATEGORIES
from tique.kb.models import Article, Category
from tique.kb.services import ArticleDraft, ArticleVersion, article_create


def load(*, author: User) -> int:
    """Create the demo categories and the articles missing; returns how many."""
    created = 0
    with transaction.atomic():
        categories = {}
        for position, spec in enumerate(CATEGORIES):
            categories[spec["slug"]], _created = Category.objects.update_or_create(
                slug=spec["slug"],
                defaults={"name_es": spec["es"], "name_en": spec["en"], "position": position},
            )
        existing = set(Article.objects.values_list("slug", flat=True))
        for spec in ARTICLES:
            if spec["slug"] in existing:
                continue
            article_create(author=author, draft=_draft(spec, categories))
            created += 1
    return created


def _draft(spec: dict[str, Any], categories: dict[str, Category]) -> ArticleDraft:
    return ArticleDraft(
        category=categories[spec["category"]],
        visibility=Visibility.INTERNAL if spec.get("internal") else Visibility.PUBLIC,
        status=ArticleStatus.PUBLISHED,
        slug=spec["slug"],
        texts={
            language: ArticleVersion(spec[language]["title"], spec[language]["body"])
            for language in ("es", "en")
            if language in spec
        },
    )
