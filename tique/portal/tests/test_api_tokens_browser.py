"""A customer makes a read-only API token in a real browser, copies its secret from the
page, and a script uses it against the live server: it reads, and it may not write."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from conftest import open_ticket
from tique.accounts.models import ApiToken, User
from tique.accounts.services import api_token_digest
from tique.core.testing.browser import assert_no_violations, sign_in_with_a_session

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
    ),
]


def call(url: str, secret: str, method: str = "GET", body: Any = None) -> tuple[int, Any]:
    """What a script does with the token: plain HTTP with `Authorization: Bearer`."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(  # noqa: S310 (the live server's http:// URL)
        url,
        data=data,
        method=method,
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_customer_makes_a_read_only_token_copies_it_and_a_script_reads_but_cannot_write(
    catalogue: None,
    live_server: Any,
    context: BrowserContext,
    page: Page,
    browser_errors: list[str],
    ana: User,
) -> None:
    url = live_server.url
    ticket = open_ticket(ana)
    sign_in_with_a_session(context, url, ana)

    page.goto(f"{url}/tickets/profile/")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", level=1, name="API tokens")).to_be_visible()
    expect(page.locator(".empty")).to_have_text("You have no API tokens yet.")
    assert_no_violations(page, "the empty tokens page")

    # A name is required: the form says so and keeps the ticked box.
    page.get_by_label("Read only").check()
    page.get_by_role("button", name="Create the token").click()
    expect(page.locator("#id_name_errors")).to_be_visible()
    expect(page.get_by_label("Read only")).to_be_checked()
    assert_no_violations(page, "the tokens form with an error")

    page.get_by_label("Name").fill("Weekly report")
    page.get_by_role("button", name="Create the token").click()
    expect(page.get_by_role("heading", name="Your new token “Weekly report”")).to_be_visible()
    expect(page.get_by_text("it will not be shown again")).to_be_visible()
    secret = page.locator("#new-token-secret").inner_text().strip()
    assert secret.startswith("tique_")
    token = ApiToken.objects.get(user=ana)
    assert token.read_only and token.digest == api_token_digest(secret)
    expect(page.locator(".token-table tbody tr")).to_have_count(1)
    expect(page.locator(".token-table")).to_contain_text("Read only")
    assert_no_violations(page, "the tokens page showing a new secret")

    # The script: it reads the customer's tickets, and every write is refused.
    status, body = call(f"{url}/api/v1/tickets", secret)
    assert status == 200
    assert [item["number"] for item in body["items"]] == [ticket.number]
    status, body = call(
        f"{url}/api/v1/tickets",
        secret,
        "POST",
        {"category": "query", "kind": "technical", "fields": {"subject": "x"}},
    )
    assert (status, body["code"]) == (403, "read_only_token")
    status, body = call(
        f"{url}/api/v1/tickets/{ticket.number}/messages", secret, "POST", {"body": "Hi"}
    )
    assert (status, body["code"]) == (403, "read_only_token")

    # Reloaded, the page no longer shows the secret; the token has been used.
    page.goto(f"{url}/tickets/profile/tokens/")
    expect(page.locator("#new-token-secret")).to_have_count(0)
    assert secret not in page.content()
    expect(page.locator('.token-table td[data-label="Last used"]')).not_to_have_text("Never")

    # Revoked after confirming, it stops working.
    page.get_by_role("link", name="Revoke “Weekly report”").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Revoke the token “Weekly report”?")
    assert_no_violations(page, "the revoke confirmation")
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.locator(".flash-success")).to_contain_text("was revoked")
    expect(page.locator(".token-table .badge")).to_have_text("Revoked")
    status, body = call(f"{url}/api/v1/tickets", secret)
    assert (status, body["code"]) == (401, "not_authenticated")
    assert browser_errors == []
