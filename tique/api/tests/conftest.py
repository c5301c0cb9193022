"""Clients that call the API as a persona, with a real token made by the real service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from tique.accounts.models import User
from tique.accounts.services import api_token_create


class ApiClient(Client):
    """A test client that sends JSON bodies by default."""

    def post_json(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self.post(path, data or {}, content_type="application/json", **extra)

    def patch_json(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self.patch(path, data or {}, content_type="application/json", **extra)


def api_client(
    user: User, *, read_only: bool = False, expires_at: dt.datetime | None = None
) -> ApiClient:
    _token, secret = api_token_create(
        user=user, name="tests", read_only=read_only, expires_at=expires_at
    )
    return ApiClient(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def api_for() -> Callable[..., ApiClient]:
    return api_client
