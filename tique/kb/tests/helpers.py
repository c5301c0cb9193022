"""Articles for the help centre's tests, written through the real service."""

from __future__ import annotations

from tique.accounts.models import User
from tique.kb.choices import ArticleStatus, Visibility
from tique.kb.models import Article, Category
from tique.kb.services import ArticleDraft, ArticleVersion, article_create


def category() -> Category:
    found, _created = Category.objects.get_or_create(
        slug="calls", defaults={"name_es": "Llamadas", "name_en": "Calls"}
    )
    return found


def write(
    author: User,
    *,
    es: tuple[str, str] | None = None,
    en: tuple[str, str] | None = None,
    status: str = ArticleStatus.PUBLISHED,
    visibility: str = Visibility.PUBLIC,
    slug: str = "",
) -> Article:
    texts = {}
    if es:
        texts["es"] = ArticleVersion(*es)
    if en:
        texts["en"] = ArticleVersion(*en)
    return article_create(
        author=author,
        draft=ArticleDraft(
            category=category(), visibility=visibility, status=status, texts=texts, slug=slug
        ),
    )
