"""Rating in a real browser (Debian's Chromium against the live server): one click on the
e-mail's link rates the ticket once the page's script runs, the panel's buttons rate it,
and axe finds nothing on the pages; no console error (a CSP violation is one)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from conftest import open_ticket
from tique.accounts.models import User
from tique.core.testing.browser import assert_no_violations, sign_in_with_a_session
from tique.satisfaction.choices import Rating, RatingChannel
from tique.satisfaction.links import rating_url
from tique.satisfaction.models import SatisfactionRating
from tique.satisfaction.tests.conftest import reopen, site_path, solve

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
    ),
]


def test_one_click_on_the_mails_link_rates_the_ticket_and_the_comment_can_follow(
    catalogue: None,
    live_server: Any,
    page: Page,
    browser_errors: list[str],
    ana: User,
    agent: User,
) -> None:
    ticket = solve(open_ticket(ana), agent)

    page.goto(f"{live_server.url}{site_path(rating_url(ticket, Rating.BAD))}")

    expect(page.get_by_text("You rated this ticket: Bad.")).to_be_visible()
    assert "?r=" not in page.url  # redirected after the post
    recorded = SatisfactionRating.objects.get()
    assert (recorded.rating, recorded.channel) == (Rating.BAD, RatingChannel.EMAIL)
    assert_no_violations(page, "the rating page after rating")

    page.get_by_label("Comment (optional)").fill("The line dropped twice more.")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".rating-comment")).to_contain_text("The line dropped twice more.")
    assert SatisfactionRating.objects.count() == 1
    assert SatisfactionRating.objects.get().comment == "The line dropped twice more."
    assert browser_errors == []


def test_the_panels_buttons_rate_the_ticket(
    catalogue: None,
    live_server: Any,
    context: BrowserContext,
    page: Page,
    browser_errors: list[str],
    ana: User,
    agent: User,
) -> None:
    ticket = solve(open_ticket(ana), agent)
    sign_in_with_a_session(context, live_server.url, ana)
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    expect(page.get_by_role("heading", name="How did we do?")).to_be_visible()
    assert_no_violations(page, "a solved ticket asking for a rating")

    page.get_by_label("Comment (optional)").fill("Quick and clear.")
    page.get_by_role("button", name="Good").click()

    expect(page.locator(".flash-success")).to_contain_text("Thank you for rating this ticket.")
    expect(page.locator("#rating")).to_contain_text("You rated this ticket: Good")
    recorded = SatisfactionRating.objects.get()
    assert (recorded.rating, recorded.comment) == (Rating.GOOD, "Quick and clear.")
    assert_no_violations(page, "a rated ticket")
    assert browser_errors == []


def test_axe_finds_nothing_on_the_report_and_the_link_pages(
    catalogue: None,
    live_server: Any,
    context: BrowserContext,
    page: Page,
    browser_errors: list[str],
    ana: User,
    agent: User,
) -> None:
    url = live_server.url
    ticket = solve(open_ticket(ana), agent)
    with time_machine.travel(timezone.now() - dt.timedelta(days=15)):
        expired = site_path(rating_url(ticket, Rating.GOOD))
    page.goto(f"{url}{expired}")
    expect(page.get_by_role("heading", name="This link has expired")).to_be_visible()
    assert_no_violations(page, "an expired link")

    page.goto(f"{url}{site_path(rating_url(ticket, Rating.GOOD))}")
    expect(page.get_by_text("You rated this ticket: Good.")).to_be_visible()
    reopen(ticket)
    page.goto(f"{url}{site_path(rating_url(ticket, Rating.GOOD))}")
    expect(page.get_by_role("heading", name="This ticket cannot be rated now")).to_be_visible()
    assert_no_violations(page, "a link to a reopened ticket")

    sign_in_with_a_session(context, url, agent)
    page.goto(f"{url}/desk/reports/satisfaction/")
    expect(page.get_by_role("table")).to_contain_text("Pablo Técnico")
    assert_no_violations(page, "the satisfaction report")
    assert browser_errors == []
