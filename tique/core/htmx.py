"""The htmx idiom: a fragment for an htmx request, the whole page otherwise."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request that wants a fragment (a boosted link wants the whole page)."""
    return bool(getattr(request, "htmx", False)) and not request.headers.get("HX-Boosted")


def render_page_or_fragment(
    request: HttpRequest, page: str, fragment: str, context: dict[str, Any]
) -> HttpResponse:
    response = render(request, fragment if is_htmx(request) else page, context)
    response.headers["Vary"] = "HX-Request"
    return response
