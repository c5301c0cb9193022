"""Personal API tokens: the caller's own, listed (never their secret), made and revoked.

A token is made only from a signed-in browser session: a token cannot mint tokens, so
a leaked token cannot be turned into one that outlives its revocation."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from pydantic import AwareDatetime

from tique.accounts.models import ApiToken
from tique.accounts.selectors import api_token_for_secret, api_tokens_of
from tique.accounts.services import api_token_create, api_token_revoke
from tique.accounts.token_views import TokenState, token_state
from tique.api.auth import BrowserSession, caller
from tique.api.errors import ApiError, ErrorOut, not_found

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="The secret's first characters, to tell tokens apart.")
    read_only: bool
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    state: TokenState


class TokenCreatedOut(TokenOut):
    secret: str = Field(
        description="Send it as `Authorization: Bearer <secret>`. Shown only in this answer."
    )


class TokenCreateIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    read_only: bool = False
    expires_at: AwareDatetime | None = Field(
        None, description="When it stops working (with its UTC offset); null: never."
    )


def token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.pk,
        name=token.name,
        prefix=token.prefix,
        read_only=token.read_only,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        expires_at=token.expires_at,
        revoked_at=token.revoked_at,
        state=token_state(token),
    )


def refuse_tokens(request: HttpRequest) -> None:
    """An authentication step that answers 403 to a valid bearer token (before the body
    is read); anything else goes on to the session."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    if scheme.lower() == "bearer" and api_token_for_secret(secret.strip()) is not None:
        raise ApiError(403, "forbidden", _("Tokens are made signed in, in the panel or the desk."))
    return None


@router.get("/tokens", response={200: list[TokenOut]})
def token_list(request: HttpRequest) -> list[TokenOut]:
    """The caller's own tokens, newest first, revoked and expired ones included."""
    return [token_out(token) for token in api_tokens_of(caller(request))]


@router.post(
    "/tokens",
    auth=[refuse_tokens, BrowserSession()],
    response={201: TokenCreatedOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
)
def token_create(request: HttpRequest, payload: TokenCreateIn) -> Status[TokenCreatedOut]:
    """A new token for the signed-in user (browser session and CSRF token only: a token
    cannot make tokens). The answer holds its secret, which is never shown again."""
    token, secret = api_token_create(
        user=caller(request),
        name=payload.name,
        read_only=payload.read_only,
        expires_at=payload.expires_at,
    )
    return Status(201, TokenCreatedOut(**token_out(token).dict(), secret=secret))


@router.delete("/tokens/{token_id}", response={204: None, 403: ErrorOut, 404: ErrorOut})
def token_revoke(request: HttpRequest, token_id: int) -> Status[None]:
    """Revoke one of the caller's tokens (at once, for good); revoking twice is harmless."""
    user = caller(request)
    token = api_tokens_of(user).filter(pk=token_id).first()
    if token is None:
        raise not_found()
    api_token_revoke(token=token, actor=user)
    return Status(204, None)
