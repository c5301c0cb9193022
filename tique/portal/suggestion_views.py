"""Suggestions while a customer writes a ticket: as the subject and description are
typed (htmx, debounced), the help-centre articles that best match and any known outage
of the same kind of fault are shown beside the form. Which were shown and opened is
recorded against the form (a key the form page makes up), so that a form whose customer
opened an article and never sent the ticket counts as a deflection."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from tique.kb import selectors as kb_selectors
from tique.kb import services as kb_services
from tique.kb.models import Article
from tique.portal.context import Customer, customer_view
from tique.portal.views import _kind_or_404, suggestion_sources
from tique.tickets.search_text import MAX_QUERY_LENGTH


@require_GET
@customer_view
def suggestions(request: HttpRequest, customer: Customer, category: str, slug: str) -> HttpResponse:
    kind = _kind_or_404(customer, category, slug)
    typed = " ".join(request.GET.get(name, "") for name in suggestion_sources(kind))
    found = kb_selectors.suggestions_for(
        kind_category=category,
        kind_id=kind.pk,
        kind_name=kind.name,
        text=typed[: MAX_QUERY_LENGTH * 5],
    )
    key = request.GET.get("suggest_key", "")
    if found.found:
        kb_services.suggestions_shown(
            key=key,
            user=customer.user,
            account=customer.account,
            kind=f"{category}/{slug}",
            articles=[item.article for item in found.found],
        )
    context = {"suggestions": found, "key": key, "typed": typed.strip()}
    return render(request, "portal/tickets/_suggestions.html", context)


@require_GET
@customer_view
def suggestion_open(
    request: HttpRequest, customer: Customer, key: str, article_id: int
) -> HttpResponse:
    """A suggested article, opened from the form: counted, then shown."""
    article = get_object_or_404(Article.objects.readable_by(None), pk=article_id)
    kb_services.suggestion_opened(key=key, user=customer.user, article=article)
    return HttpResponseRedirect(reverse("help:article", kwargs={"slug": article.slug}))
