"""An account administrator adds a webhook in a real browser: the form refuses an address
inside a private network and keeps what was typed, the new webhook's secret is shown,
its page shows the secret again on request, and a test ping shows in its log; axe finds
nothing on either page."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tique.accounts.models import User
from tique.core.testing.browser import assert_no_violations, sign_in_with_a_session
from tique.webhooks.models import WebhookSubscription

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
    ),
]

# A receiver in "the provider's own network": private addresses are allowed once the
# guard has been seen at work, so that the test ping never leaves this machine (nothing
# listens on the discard port: the delivery fails and waits for its next try).
RECEIVER = "http://127.0.0.1:9/hooks/tique"


def test_an_admin_adds_a_webhook_sees_its_secret_and_opens_its_page(
    catalogue: None,
    live_server: Any,
    settings: Any,
    context: BrowserContext,
    page: Page,
    browser_errors: list[str],
    acme_admin: User,
) -> None:
    settings.TIQUE_WEBHOOKS_ALLOW_PRIVATE = False
    url = live_server.url
    sign_in_with_a_session(context, url, acme_admin)

    page.goto(f"{url}/tickets/profile/")
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1, name="Webhooks")).to_be_visible()
    expect(page.locator(".empty")).to_have_text("This account has no webhooks yet.")

    # The cloud's metadata address is refused; what was typed and ticked is kept.
    page.get_by_label("Address (URL)").fill("http://169.254.169.254/latest/meta-data/")
    page.get_by_label("Ticket created").check()
    page.get_by_label("Description").fill("CRM")
    page.get_by_role("button", name="Add the webhook").click()
    expect(page.locator("#id_url_errors")).to_contain_text("private network")
    expect(page.get_by_label("Ticket created")).to_be_checked()
    expect(page.get_by_label("Description")).to_have_value("CRM")
    assert not WebhookSubscription.objects.exists()
    assert_no_violations(page, "the webhooks form with an error")

    settings.TIQUE_WEBHOOKS_ALLOW_PRIVATE = True
    page.get_by_label("Address (URL)").fill(RECEIVER)
    page.get_by_label("Ticket solved").check()
    page.get_by_role("button", name="Add the webhook").click()
    expect(page.get_by_role("heading", name="Your new webhook")).to_be_visible()
    secret = page.locator("#new-webhook-secret").inner_text().strip()
    subscription = WebhookSubscription.objects.get()
    assert secret == subscription.secret
    assert subscription.events == ["ticket.created", "ticket.solved"]
    expect(page.locator(".webhook-table tbody tr")).to_have_count(1)
    expect(page.locator(".webhook-table")).to_contain_text("Active")
    expect(page.locator(".webhook-table")).to_contain_text("None yet")
    assert_no_violations(page, "the webhooks page showing a new secret")

    # Its page: the secret is there behind "Show the secret".
    page.get_by_role("link", name="Open the new webhook's page").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(RECEIVER)
    expect(page.locator("#webhook-secret")).to_be_hidden()
    expect(page.locator(".empty")).to_have_text("Nothing has been sent to this webhook yet.")
    assert_no_violations(page, "the webhook's page")
    page.locator("summary", has_text="Show the secret").click()
    expect(page.locator("#webhook-secret")).to_have_text(secret)
    assert_no_violations(page, "the webhook's page with its secret shown")

    # A test ping shows in the log.
    page.get_by_role("button", name="Send a test ping").click()
    expect(page.locator(".flash-success")).to_contain_text("A test ping is on its way")
    expect(page.locator(".delivery-table tbody tr")).to_have_count(1)
    expect(page.locator(".delivery-table")).to_contain_text("ping")
    expect(page.locator(".delivery-table .badge")).to_have_text("Pending")
    assert subscription.deliveries.get().attempts == 1
    assert_no_violations(page, "the webhook's page with a delivery")

    # A new secret, after confirming.
    page.get_by_role("link", name="Replace the secret").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Replace the webhook's secret?")
    assert_no_violations(page, "the confirmation to replace the secret")
    page.get_by_role("button", name="Replace the secret").click()
    expect(page.locator(".flash-success")).to_contain_text("The secret was replaced")
    subscription.refresh_from_db()
    assert subscription.secret != secret
    page.locator("summary", has_text="Show the secret").click()
    expect(page.locator("#webhook-secret")).to_have_text(subscription.secret)

    # Disabled, it says why and offers to enable it again.
    page.get_by_role("button", name="Disable").click()
    expect(page.locator(".page-head .badge")).to_have_text("Disabled")
    expect(page.locator(".page-head")).to_contain_text("Disabled by hand")
    assert_no_violations(page, "a disabled webhook's page")
    page.get_by_role("button", name="Enable again").click()
    expect(page.locator(".page-head .badge")).to_have_text("Active")

    # Deleted, after confirming.
    page.get_by_role("link", name="Delete this webhook").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete this webhook?")
    assert_no_violations(page, "the confirmation to delete")
    page.get_by_role("button", name="Delete the webhook").click()
    expect(page.locator(".flash-success")).to_contain_text("was deleted")
    expect(page.locator(".empty")).to_have_text("This account has no webhooks yet.")
    assert not WebhookSubscription.objects.exists()
    assert browser_errors == []
