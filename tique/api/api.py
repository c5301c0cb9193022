"""The one REST API, version 1, at /api/v1/: its routers, authentication and errors.

Every operation needs a caller: a personal API token (`Authorization: Bearer …`) or
the browser's session (with the CSRF token on writes)."""

from __future__ import annotations

from ninja import NinjaAPI

from tique.api import (
    canned,
    catalogue,
    directory,
    errors,
    messages,
    sla,
    tickets,
    tokens,
    webhooks,
)
from tique.api.auth import BrowserSession, TokenAuth
from tique.api.parser import JsonObjectParser

api = NinjaAPI(
    title="Tique API",
    version="1",
    description=(
        "Everything the customer panel and the agents' desk do, under the same rules. "
        "Authenticate with a personal API token as `Authorization: Bearer <token>`. "
        "Errors share one shape: `{code, message, fields}`."
    ),
    auth=[TokenAuth(), BrowserSession()],
    parser=JsonObjectParser(),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("", tickets.router)
api.add_router("", messages.router)
api.add_router("", catalogue.router)
api.add_router("", directory.router)
api.add_router("", canned.router)
api.add_router("", sla.router)
api.add_router("", tokens.router)
api.add_router("", webhooks.router)
