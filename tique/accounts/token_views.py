"""The personal API token pages, shared by the customers' panel and the agents' desk:
the list with the form for a new token, and the confirmation to revoke one.

The secret of a new token is rendered once, straight into the answer to the form's
POST (never in a URL, the session or a flash message), with caching forbidden; a later
visit to the list shows its prefix only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tique.accounts.forms import ApiTokenForm
from tique.accounts.models import ApiToken, User
from tique.accounts.selectors import api_tokens_of
from tique.accounts.services import api_token_create, api_token_revoke

TokenState = Literal["active", "expired", "revoked"]
STATE_LABELS: dict[TokenState, Promise] = {
    "active": gettext_lazy("Active"),
    "expired": gettext_lazy("Expired"),
    "revoked": gettext_lazy("Revoked"),
}
# The service's names for the form's fields.
_FORM_FIELDS = {"name": "name", "expires_at": "expires_on"}


@dataclass(frozen=True)
class TokenPages:
    """Where a surface keeps its token pages (URL names) and the page that links them."""

    list_url: str
    revoke_url: str
    back_url: str
    back_label: Promise


def token_state(token: ApiToken) -> TokenState:
    """ "revoked", "expired" or "active"."""
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return "expired"
    return "active"


@dataclass(frozen=True)
class TokenRow:
    token: ApiToken
    state: TokenState

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def _add_service_errors(form: ApiTokenForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(_FORM_FIELDS.get(name), errors)
    else:
        form.add_error(None, error)


def _create(request: HttpRequest, user: User) -> tuple[ApiTokenForm, ApiToken | None, str]:
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return form, None, ""
    try:
        token, secret = api_token_create(
            user=user,
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
            expires_at=form.expires_at(),
        )
    except ValidationError as error:
        _add_service_errors(form, error)
        return form, None, ""
    return ApiTokenForm(), token, secret


def tokens_page(request: HttpRequest, *, user: User, pages: TokenPages) -> HttpResponse:
    """The user's tokens and the form for a new one; after a new one, its secret, once."""
    created: ApiToken | None = None
    secret = ""
    if request.method == "POST":
        form, created, secret = _create(request, user)
    else:
        form = ApiTokenForm()
    rows = [TokenRow(token, token_state(token)) for token in api_tokens_of(user)]
    context = {"form": form, "rows": rows, "created": created, "secret": secret, "pages": pages}
    status = 400 if form.is_bound and form.errors else 200
    response = render(request, "accounts/api_tokens.html", context, status=status)
    add_never_cache_headers(response)
    return response


def revoke_page(
    request: HttpRequest, *, user: User, token_id: int, pages: TokenPages
) -> HttpResponse:
    """Asks before revoking (GET), revokes (POST). Another user's token is not found."""
    token = get_object_or_404(api_tokens_of(user), pk=token_id)
    if token.revoked_at is not None:
        messages.info(
            request, _("The token “%(name)s” was already revoked.") % {"name": token.name}
        )
        return redirect(pages.list_url)
    if request.method == "POST":
        api_token_revoke(token=token, actor=user)
        messages.success(
            request,
            _("The token “%(name)s” was revoked: it no longer works.") % {"name": token.name},
        )
        return redirect(pages.list_url)
    context = {"token": token, "state": TokenRow(token, token_state(token)), "pages": pages}
    return render(request, "accounts/api_token_revoke.html", context)
