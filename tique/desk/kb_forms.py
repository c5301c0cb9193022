"""The desk's forms for help-centre articles."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tique.kb.choices import ArticleStatus, Visibility
from tique.kb.models import Article, Category
from tique.kb.services import ArticleDraft, ArticleVersion

_BODY_HELP = _(
    "Markdown: ## headings, **bold**, lists, `code`, tables, [links](https://…), images as "
    "![description](/static/… or https://…). A link to YouTube or Vimeo shows as a video."
)


class ArticleForm(forms.Form):
    title_es = forms.CharField(label=_("Title (Spanish)"), max_length=200, required=False)
    body_es = forms.CharField(
        label=_("Text (Spanish)"),
        required=False,
        help_text=_BODY_HELP,
        widget=forms.Textarea(attrs={"rows": 14}),
    )
    title_en = forms.CharField(label=_("Title (English)"), max_length=200, required=False)
    body_en = forms.CharField(
        label=_("Text (English)"), required=False, widget=forms.Textarea(attrs={"rows": 14})
    )
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.all())
    visibility = forms.ChoiceField(label=_("Who can read it"), choices=Visibility.choices)
    status = forms.ChoiceField(label=_("Status"), choices=ArticleStatus.choices)
    slug = forms.SlugField(
        label=_("Address"),
        required=False,
        max_length=110,
        help_text=_("The end of the article's address; made from the title when empty."),
    )
    note = forms.CharField(label=_("What changed (optional)"), max_length=200, required=False)

    @classmethod
    def for_article(cls, article: Article) -> ArticleForm:
        initial: dict[str, Any] = {
            "category": article.category_id,
            "visibility": article.visibility,
            "status": article.status,
            "slug": article.slug,
        }
        for text in article.texts.all():
            initial[f"title_{text.language}"] = text.title
            initial[f"body_{text.language}"] = text.body
        return cls(initial=initial)

    def draft(self) -> ArticleDraft:
        data = self.cleaned_data
        return ArticleDraft(
            category=data["category"],
            visibility=data["visibility"],
            status=data["status"],
            slug=data.get("slug") or "",
            note=data.get("note") or "",
            texts={
                language: ArticleVersion(data[f"title_{language}"], data[f"body_{language}"])
                for language in ("es", "en")
            },
        )
