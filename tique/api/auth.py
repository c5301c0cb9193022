"""Who is calling: a personal API token (`Authorization: Bearer …`) or the browser's
session (with its CSRF token on writes). Both end in `admit`, which refuses oversized
bodies, writes with a read-only token, callers over their rate limit and text with NUL
characters, before the operation reads or validates anything of the request."""

from __future__ import annotations

import contextlib
import json
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
FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})


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


def _nul_fields(data: Any) -> list[str]:
    """The dotted names of the strings (or keys) of parsed JSON that hold a NUL."""
    found: list[str] = []
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        name, value = stack.pop()
        if isinstance(value, str):
            if "\x00" in value:
                found.append(name or "body")
        elif isinstance(value, list):
            stack.extend((name, item) for item in value)
        elif isinstance(value, dict):
            for key, item in value.items():
                path = f"{name}.{key}" if name else str(key)
                if "\x00" in str(key):
                    found.append(path)
                else:
                    stack.append((path, item))
    return found


def _check_text(request: HttpRequest) -> None:
    """PostgreSQL cannot store a NUL character in text: refuse one in any path or query
    parameter or JSON field up front, so that every database answers the same 422."""
    match = request.resolver_match
    found = [name for name, value in (match.kwargs if match else {}).items() if "\x00" in value]
    found += [
        name
        for name, values in request.GET.lists()
        if "\x00" in name or any("\x00" in value for value in values)
    ]
    if request.content_type not in FORM_TYPES and request.body:
        # Not JSON: the operation answers 400 (or 422) as it reads the body.
        with contextlib.suppress(ValueError, RecursionError):
            found += _nul_fields(json.loads(request.body))
    if found:
        raise ApiError(
            422,
            "validation_error",
            _("Text may not contain NUL characters."),
            {name: [_("NUL characters are not allowed.")] for name in found},
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
    _check_text(request)
    request.api_token = token  # type: ignore[attr-defined]
    return user


def _session_user(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return isinstance(user, User) and user.is_authenticated and user.is_active


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = api_token_for_secret(token.strip())
        if found is None:
            return None
        return admit(request, found.user, found)


class BrowserSession(SessionAuth):
    """Django's session; ninja checks the CSRF token on writes."""

    def __call__(self, request: HttpRequest) -> Any:
        # Without a signed-in session there is no CSRF token to check: a write with a
        # wrong or revoked bearer token is answered 401, not "CSRF check failed".
        if not _session_user(request):
            return None
        return super().__call__(request)

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
