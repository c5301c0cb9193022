"""The help centre as readers see it, at /help/: public articles for anyone (no sign-in),
internal ones and drafts for staff too; search; and "Was this helpful?"."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tique.accounts.models import User
from tique.core.forms import add_service_errors
from tique.core.htmx import is_htmx
from tique.core.i18n import current_language
from tique.core.markdown import render as render_markdown
from tique.help.forms import HelpSearchForm, VoteForm
from tique.kb import permissions, search, selectors, services
from tique.kb.models import Article

BROWSER_COOKIE = "tique_reader"
BROWSER_COOKIE_SALT = "tique.help.reader"
BROWSER_COOKIE_AGE = 365 * 24 * 3600


def _reader(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_authenticated else None


def _browser(request: HttpRequest) -> str:
    value = request.get_signed_cookie(BROWSER_COOKIE, default="", salt=BROWSER_COOKIE_SALT)
    return str(value or "")


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    reader = _reader(request)
    form = HelpSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    context: dict[str, Any] = {"form": form, "q": q}
    if q:
        context["results"] = search.article_search(
            Article.objects.readable_by(reader).filter(status="published"),
            q,
            language=current_language(),
        )
    else:
        context["shelves"] = selectors.help_index(reader)
    return render(request, "help/index.html", context)


@require_GET
def category(request: HttpRequest, slug: str) -> HttpResponse:
    found = selectors.category_get(slug)
    shelves = selectors.help_index(_reader(request), category=found)
    return render(
        request,
        "help/category.html",
        {"category": found, "articles": shelves[0].articles if shelves else []},
    )


def _article_context(
    request: HttpRequest, article: Article, form: VoteForm | None = None
) -> dict[str, Any]:
    reader = _reader(request)
    wanted = request.GET.get("lang") or current_language()
    text = selectors.text_for(article, wanted)
    other = [t for t in article.texts.all() if text is None or t.language != text.language]
    context: dict[str, Any] = {
        "article": article,
        "text": text,
        "html": mark_safe(render_markdown(text.body)) if text else "",  # noqa: S308 (nh3)
        "other_versions": other,
        "vote_form": form or VoteForm(),
        "my_vote": selectors.my_vote(article, reader, _browser(request)),
        "related": [
            (a, t)
            for a in selectors.related_articles(article, reader)
            if (t := selectors.text_for(a))
        ],
    }
    if permissions.can_see_feedback(reader):
        context["feedback"] = selectors.article_feedback(article)
    return context


@require_GET
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    article = selectors.article_get_readable(_reader(request), slug)
    return render(request, "help/article.html", _article_context(request, article))


@require_POST
def article_vote(request: HttpRequest, slug: str) -> HttpResponse:
    reader = _reader(request)
    article = selectors.article_get_readable(reader, slug)
    form = VoteForm(request.POST)
    browser = _browser(request) or secrets.token_urlsafe(24)
    if form.is_valid():
        try:
            services.article_vote(
                article=article,
                user=reader,
                browser=browser,
                helpful=form.cleaned_data["helpful"] == "yes",
                comment=form.cleaned_data["comment"],
                language=current_language(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        except PermissionDenied:  # pragma: no cover (readable_by above)
            form.add_error(None, _("You cannot vote on this article."))
    if form.errors:
        context = _article_context(request, article, form)
        template = "help/_feedback.html" if is_htmx(request) else "help/article.html"
        return render(request, template, context, status=400)
    if is_htmx(request):
        response = render(request, "help/_feedback.html", _article_context(request, article))
    else:
        messages.success(request, _("Thank you for your feedback."))
        url = reverse("help:article", kwargs={"slug": article.slug})
        response = redirect(f"{url}#feedback")
    if reader is None:
        response.set_signed_cookie(
            BROWSER_COOKIE,
            browser,
            salt=BROWSER_COOKIE_SALT,
            max_age=BROWSER_COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    return response
