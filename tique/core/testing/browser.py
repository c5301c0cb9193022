"""The real-browser tests' plumbing: Debian's Chromium driven by pytest-playwright against
pytest-django's live server. The root conftest registers this module as a plugin, so the
fixtures and the skip rule serve every app's tests marked `browser`.

Playwright's sync API runs an event loop in the test's thread, so Django's guard against
ORM calls from async code must be lifted for the test code that prepares data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, Response

from tique.accounts.models import User

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Playwright's own wait limit (ms): a page of this app answers in well under a second.
TIMEOUT_MS = 10_000


def _browser_required() -> bool:
    return os.environ.get("TIQUE_REQUIRE_BROWSER") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Without Chromium the browser tests are skipped with the reason, unless CI asks for
    them (TIQUE_REQUIRE_BROWSER=1): then they fail in `browser_type_launch_args`."""
    if CHROMIUM.exists() or _browser_required():
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing (apt-get install -y chromium); "
        "set TIQUE_REQUIRE_BROWSER=1 to make this an error"
    )
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        if _browser_required():
            pytest.fail(
                f"TIQUE_REQUIRE_BROWSER=1 but {CHROMIUM} is missing: install Debian's chromium",
                pytrace=False,
            )
        pytest.skip(f"{CHROMIUM} is missing")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # English interface (the users' language is empty: they follow the browser).
    return {**browser_context_args, "locale": "en-US", "timezone_id": "Europe/Madrid"}


@pytest.fixture
def browser_errors(context: BrowserContext) -> Iterator[list[str]]:
    """Every console error, uncaught exception and failed asset (a script, a style sheet,
    an htmx fragment) of the test's pages: a Content-Security-Policy violation shows as
    a console error. The test asserts the list is empty when it is done.

    A page that answers 4xx is the test's own business (it checks the status), and
    Chromium asks for /favicon.ico on its own: neither is collected."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(f"console: {message.text} ({message.location.get('url', '')})")

    def on_response(response: Response) -> None:
        request = response.request
        if (
            response.status >= 400
            and request.resource_type != "document"
            and not response.url.endswith("/favicon.ico")
        ):
            errors.append(f"{request.resource_type} {response.url}: {response.status}")

    def on_page(page: Page) -> None:
        page.on("console", on_console)
        page.on("pageerror", lambda error: errors.append(f"page error: {error}"))

    context.on("page", on_page)
    context.on("response", on_response)
    yield errors


@pytest.fixture
def page(context: BrowserContext, browser_errors: list[str]) -> Page:
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    return context.new_page()


# --- Helpers -------------------------------------------------------------------------


def sign_in_with_a_session(context: BrowserContext, url: str, user: User) -> None:
    """A faster sign-in for tests about something else: a session cookie for `user`."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": url}])


def assert_no_violations(page: Page, what: str) -> None:
    """axe finds nothing to report on the page as it is now."""
    results = Axe().run(page)
    if results.violations_count:
        pytest.fail(f"axe on {what}:\n{results.generate_report()}", pytrace=False)
