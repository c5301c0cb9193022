"""Who is calling: a personal API token (`Authorization: Bearer …`) or the browser's
session (with its CSRF token on writes). Both end in `admit`, which refuses oversized
bodies, writes with a read-only token and callers over their rate limit, before the
operation reads or validates anything of the request."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import HttpBearer, SessionAuth

from tique.accounts.models import ApiToken, User
from tique.accounts.selectors import api_token_for_secret
from tique.accounts.services import api_token_touch
from tique.api.errors import ApiError
from tique.core import ratelimit

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _check_size(request: HttpRequest) -> None:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ApiError(400, "bad_request", _("Content-Length is not a number.")) from None
    multipart = request.content_type == "multipart/form-data"
    limit = (
        settings.TIQUE_ATTACHMENT_MAX_BYTES + 64 * 1024
        if multipart
        else settings.TIQUE_API_MAX_BODY_BYTES
    )
    if length > limit:
        raise ApiError(
            413,
            "too_large",
            _("The request body is too large (at most %(limit)s bytes).") % {"limit": limit},
        )


def admit(request: HttpRequest, user: User, token: ApiToken | None) -> User:
    """The checks every authenticated request passes, in this order."""
    _check_size(request)
    if token is not None and token.read_only and request.method not in SAFE_METHODS:
        raise ApiError(403, "read_only_token", _("This token is read-only."))
    key = f"token:{token.pk}" if token is not None else f"user:{user.pk}"
    limit, window = settings.TIQUE_API_RATE_LIMIT, settings.TIQUE_API_RATE_WINDOW
    if not ratelimit.hit("api", key, limit=limit, window=window):
        raise ApiError(
            429,
            "rate_limited",
            _("Too many requests. Try again in a minute."),
            headers={"Retry-After": str(window)},
        )
    if token is not None:
        api_token_touch(token=token)
        if user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
    request.api_token = token  # type: ignore[attr-defined]
    return user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = api_token_for_secret(token.strip())
        if found is None:
            return None
        return admit(request, found.user, found)


class BrowserSession(SessionAuth):
    """Django's session; ninja checks the CSRF token on writes."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if isinstance(user, User) and user.is_authenticated and user.is_active:
            return admit(request, user, None)
        return None


def caller(request: HttpRequest) -> User:
    """The signed-in user of an authenticated operation."""
    user = request.auth  # type: ignore[attr-defined]
    if not isinstance(user, User):
        raise TypeError("caller() is for operations that require authentication")
    return user


def token_of(request: HttpRequest) -> ApiToken | None:
    return getattr(request, "api_token", None)
