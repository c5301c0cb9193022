"""The desk's side of the help centre: agents list, write, publish and restore articles,
look them up from a ticket's reply box to insert a link, and turn a solved ticket into a
draft article."""

from __future__ import annotations

import difflib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tique.accounts.models import User
from tique.core.forms import add_service_errors
from tique.core.i18n import current_language
from tique.core.pagination import LookaheadPaginator
from tique.desk.context import desk_view
from tique.desk.forms import DeskReplyForm
from tique.desk.kb_forms import ArticleForm
from tique.help.forms import HelpSearchForm
from tique.kb import search, selectors, services
from tique.kb.choices import ArticleStatus
from tique.kb.models import Article, ArticleRevision
from tique.tickets import selectors as ticket_selectors
from tique.tickets.choices import Status

ARTICLES_PER_PAGE = 50
LOOKUP_RESULTS = 8


@desk_view
@require_GET
def article_list(request: HttpRequest, agent: User) -> HttpResponse:
    form = HelpSearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    context: dict[str, Any] = {"form": form, "q": q}
    if q:
        context["results"] = search.article_search(
            Article.objects.all(), q, language=current_language(), limit=ARTICLES_PER_PAGE
        )
    else:
        paginator = LookaheadPaginator(
            selectors.desk_articles(), ARTICLES_PER_PAGE, wanted=request.GET.get("page")
        )
        page = paginator.page_for_request()
        context["page"] = page
        context["rows"] = [(a, selectors.text_for(a)) for a in page.object_list]
    return render(request, "desk/kb/list.html", context)


@desk_view
@require_http_methods(["GET", "POST"])
def article_new(request: HttpRequest, agent: User) -> HttpResponse:
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(author=agent, draft=form.draft())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Article saved."))
            return redirect("desk:kb-edit", article_id=article.pk)
    status = 400 if form.is_bound else 200
    return render(request, "desk/kb/form.html", {"form": form, "article": None}, status=status)


@desk_view
@require_http_methods(["GET", "POST"])
def article_edit(request: HttpRequest, agent: User, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.prefetch_related("texts"), pk=article_id)
    if request.method == "POST":
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                article = services.article_update(article=article, author=agent, draft=form.draft())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Article saved."))
                return redirect("desk:kb-edit", article_id=article.pk)
    else:
        form = ArticleForm.for_article(article)
    context = {
        "form": form,
        "article": article,
        "feedback": selectors.article_feedback(article, comments=10),
    }
    return render(request, "desk/kb/form.html", context, status=400 if form.is_bound else 200)


def _diff(old: str, new: str) -> str:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=1)
    return "\n".join(list(lines)[2:])


@desk_view
@require_GET
def article_history(request: HttpRequest, agent: User, article_id: int) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    revisions = list(article.revisions.select_related("author").order_by("-number")[:100])
    rows = []
    for revision, previous in zip(revisions, [*revisions[1:], None], strict=True):
        changes = []
        for language in ("es", "en"):
            now = revision.content.get("texts", {}).get(language, {})
            before = previous.content.get("texts", {}).get(language, {}) if previous else {}
            old_text = f"{before.get('title', '')}\n\n{before.get('body', '')}".strip()
            new_text = f"{now.get('title', '')}\n\n{now.get('body', '')}".strip()
            if old_text != new_text:
                changes.append((language, _diff(old_text, new_text)))
        rows.append((revision, changes))
    return render(request, "desk/kb/history.html", {"article": article, "rows": rows})


@desk_view
@require_POST
def article_restore(
    request: HttpRequest, agent: User, article_id: int, number: int
) -> HttpResponse:
    article = get_object_or_404(Article, pk=article_id)
    revision = get_object_or_404(ArticleRevision, article=article, number=number)
    services.article_restore(article=article, author=agent, revision=revision)
    messages.success(request, _("Revision %(number)s restored.") % {"number": number})
    return redirect("desk:kb-edit", article_id=article.pk)


@desk_view
@require_GET
def article_lookup(request: HttpRequest, agent: User, number: int) -> HttpResponse:
    """htmx: articles matching what the agent typed, to insert a link into the reply."""
    ticket = ticket_selectors.ticket_get_visible(user=agent, number=number)
    form = HelpSearchForm(request.GET)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    results = (
        search.article_search(
            Article.objects.filter(status=ArticleStatus.PUBLISHED),
            q,
            language=ticket.language or current_language(),
            limit=LOOKUP_RESULTS,
        )
        if q
        else []
    )
    return render(request, "desk/kb/_lookup.html", {"ticket": ticket, "results": results, "q": q})


def article_public_url(article: Article, language: str = "") -> str:
    path_ = reverse("help:article", kwargs={"slug": article.slug})
    suffix = f"?lang={language}" if language else ""
    return f"{settings.TIQUE_SITE_URL}{path_}{suffix}"


@desk_view
@require_GET
def article_insert(request: HttpRequest, agent: User, number: int) -> HttpResponse:
    """htmx: the reply box with a link to the article added to what was typed."""
    ticket = ticket_selectors.ticket_get_visible(user=agent, number=number)
    chosen = request.GET.get("article", "")
    article = get_object_or_404(
        Article, pk=int(chosen) if chosen.isdigit() else 0, status=ArticleStatus.PUBLISHED
    )
    text = selectors.text_for(article, ticket.language)
    language = text.language if text else ""
    title = text.title if text else article.slug
    link = f"{title}: {article_public_url(article, language)}"
    typed = request.GET.get("body", "").rstrip()
    body = f"{typed}\n\n{link}" if typed else link
    form = DeskReplyForm(initial={"body": body})
    return render(request, "desk/tickets/_reply_body.html", {"field": form["body"]})


@desk_view
@require_POST
def ticket_to_article(request: HttpRequest, agent: User, number: int) -> HttpResponse:
    ticket = ticket_selectors.ticket_get_visible(user=agent, number=number)
    if ticket.status not in (Status.SOLVED, Status.CLOSED):
        messages.error(request, _("Only a solved ticket can be turned into an article."))
        return redirect("desk:ticket-detail", number=number)
    article = services.article_from_ticket(ticket=ticket, author=agent)
    messages.success(
        request,
        _("Draft article written from ticket #%(number)s: edit it before publishing.")
        % {"number": ticket.number},
    )
    return redirect("desk:kb-edit", article_id=article.pk)


urlpatterns = [
    path("", article_list, name="kb-list"),
    path("new/", article_new, name="kb-new"),
    path("<int:article_id>/", article_edit, name="kb-edit"),
    path("<int:article_id>/history/", article_history, name="kb-history"),
    path("<int:article_id>/history/<int:number>/restore/", article_restore, name="kb-restore"),
]
ticket_urlpatterns = [
    path("tickets/<int:number>/articles/", article_lookup, name="kb-lookup"),
    path("tickets/<int:number>/articles/insert/", article_insert, name="kb-insert"),
    path("tickets/<int:number>/to-article/", ticket_to_article, name="ticket-to-article"),
]
