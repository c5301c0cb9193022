"""The customer panel in a real browser: Debian's Chromium against the live server.

What only a browser shows: the real sign-in form and CSRF, htmx filtering the history
in place, the JavaScript that focuses the error summary, the phone layout, keyboard
focus, and what axe finds in the rendered pages. Every page must also load without a
console error (a Content-Security-Policy violation is one).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from conftest import PASSWORD, open_ticket
from tique.accounts.models import User
from tique.core.testing.browser import assert_no_violations, sign_in_with_a_session
from tique.tickets.models import Message, RequestType, Ticket

pytestmark = [
    pytest.mark.browser,
    # pytest-playwright 0.10's own `base_url` fixture (used when pytest-base-url is absent).
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
    ),
]

TICKET_ROWS = "#results tbody a.ticket-number"


# --- Helpers: what a customer does ---------------------------------------------------


def sign_in_through_the_form(page: Page, url: str, email: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Ticket history")).to_be_visible()


def open_through_the_panel(page: Page, kind_name: str, fields: dict[str, str]) -> int:
    """Open a ticket from the "New ticket" link, fill the form by its labels, send it and
    read the new ticket's number from its page."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="New ticket").click()
    page.get_by_role("link", name=kind_name, exact=True).click()
    expect(page.get_by_role("heading", level=1, name=kind_name)).to_be_visible()
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="Send the ticket").click()
    expect(page.locator(".flash-success")).to_contain_text("created")
    number = int(page.locator("h1 .ticket-number").inner_text().removeprefix("#"))
    expect(page.locator(".flash-success")).to_contain_text(f"#{number}")
    return number


def show_filters(page: Page) -> None:
    filters = page.locator("details.filters")
    if filters.get_attribute("open") is None:
        filters.locator("summary").click()
    expect(page.get_by_label("Ticket ID")).to_be_visible()


def expect_rows(page: Page, numbers: list[int]) -> None:
    """The history shows exactly these tickets, in this order (newest first)."""
    expect(page.locator(TICKET_ROWS)).to_have_text([f"#{n}" for n in numbers])


def _luminance(css_colour: str) -> float:
    """Relative luminance (WCAG) of an `rgb()`/`rgba()` colour laid over a white page."""
    red, green, blue, *alpha = (float(v) for v in re.findall(r"[\d.]+", css_colour))
    opacity = alpha[0] if alpha else 1.0
    channels = []
    for value in (red, green, blue):
        blended = (value * opacity + 255 * (1 - opacity)) / 255
        channels.append(
            blended / 12.92 if blended <= 0.03928 else ((blended + 0.055) / 1.055) ** 2.4
        )
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def assert_visible_focus(page: Page, what: str) -> None:
    """The focused element shows an outline with at least 3:1 contrast against the white
    page (WCAG 2.4.7 and 1.4.11)."""
    style, colour = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineColor]; }"
    )
    assert style != "none", f"{what} shows no focus outline"
    ratio = 1.05 / (_luminance(colour) + 0.05)
    assert ratio >= 3, f"{what}'s focus outline {colour} has contrast {ratio:.2f}:1 on white"


# --- The scenario of the issue -------------------------------------------------------


def test_admin_opens_a_ticket_of_each_category_finds_each_in_the_history_replies_and_an_outsider_gets_404(  # noqa: E501
    catalogue: None,
    live_server: Any,
    page: Page,
    browser_errors: list[str],
    acme_admin: User,
    ana: User,
    beta_admin: User,
) -> None:
    assert RequestType.objects.count() == 12  # the seeded catalogue survived the flushes
    url = live_server.url
    anas = open_ticket(ana).number  # a technical query of Ana's, older than the rest

    sign_in_through_the_form(page, url, "admin@acme.example")
    expect(page.locator(".account-bar")).to_contain_text("C-10001")

    query = open_through_the_panel(
        page,
        "Technical query",
        {"Subject": "Call forwarding", "Your question": "How do I forward calls to a mobile?"},
    )
    request = open_through_the_panel(
        page,
        "Recover my phone number",
        {"Number to recover": "912 345 678", "Reason": "Cancelled by mistake"},
    )
    expect(page.locator(".ticket-facts")).to_contain_text("+34 912 34 56 78")
    incident = open_through_the_panel(
        page,
        "Cannot receive calls",
        {
            "Describe the fault": "Incoming calls get a busy tone since this morning.",
            "Tests you have already done": "Restarted the router; called from a mobile.",
            "Affected numbers or extensions": "912345678, 101",
            "The number that was called": "912345678",
            "A caller's number": "600111222",
            "Time of a failed call": "2026-11-20T09:30",
        },
    )
    facts = page.locator(".ticket-facts")
    expect(facts).to_contain_text("Restarted the router; called from a mobile.")
    expect(facts).to_contain_text("Affected: attended at any hour")
    expect(page.locator(".thread")).to_contain_text("Incoming calls get a busy tone")
    assert len({anas, query, request, incident}) == 4

    # The history, newest first, filtered in place (htmx) by each filter of the help page.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Tickets").click()
    expect_rows(page, [incident, request, query, anas])
    show_filters(page)
    number_field = page.get_by_label("Ticket ID")
    for number in (query, request, incident, anas):
        number_field.fill(str(number))
        number_field.press("Enter")
        expect(page).to_have_url(re.compile(rf"number={number}\b"))
        expect_rows(page, [number])
    number_field.fill("")

    created_by = page.get_by_label("Created by")
    created_by.select_option(label="Ana Ruiz")
    expect_rows(page, [anas])
    created_by.select_option(label="Marta Ortega")
    expect_rows(page, [incident, request, query])
    created_by.select_option(label="Anyone")
    expect_rows(page, [incident, request, query, anas])

    category = page.get_by_label("Category")
    for label, numbers in (
        ("Query", [query, anas]),
        ("Request", [request]),
        ("Incident", [incident]),
    ):
        category.select_option(label=label)
        expect_rows(page, numbers)

    # The filtered URL is a bookmark: loaded afresh it shows the same, filters open.
    page.reload()
    expect(page.get_by_label("Category")).to_have_value("incident")
    expect_rows(page, [incident])

    # A reply through the reply box lands in the thread.
    page.locator(TICKET_ROWS).first.click()
    expect(page.locator("h1 .ticket-number")).to_have_text(f"#{incident}")
    page.get_by_label("Your reply").fill("It works again after your change, thank you.")
    page.get_by_role("button", name="Send the reply").click()
    expect(page.locator(".flash-success")).to_have_text("Your reply was added.")
    latest = page.locator("article#latest")
    expect(latest).to_contain_text("It works again after your change, thank you.")
    expect(latest).to_contain_text("Marta Ortega")
    assert Message.objects.filter(ticket__number=incident).count() == 2

    # Another account's administrator: every one of those tickets is "not found".
    page.get_by_role("button", name="Sign out").click()
    sign_in_through_the_form(page, url, "admin@beta.example")
    expect(page.locator(".empty")).to_have_text("There are no tickets yet.")
    for number in (query, request, incident, anas):
        response = page.goto(f"{url}/tickets/{number}/")
        assert response is not None
        assert response.status == 404, f"ticket #{number} answered {response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    response = page.goto(f"{url}/tickets/?number={incident}")
    assert response is not None and response.status == 200
    expect(page.locator(TICKET_ROWS)).to_have_count(0)
    assert browser_errors == []


# --- Forms ---------------------------------------------------------------------------


def test_an_incident_without_the_tests_done_comes_back_with_the_description_kept_and_the_error_tied_to_the_field(  # noqa: E501
    catalogue: None,
    live_server: Any,
    context: BrowserContext,
    page: Page,
    browser_errors: list[str],
    acme_admin: User,
) -> None:
    sign_in_with_a_session(context, live_server.url, acme_admin)
    page.goto(f"{live_server.url}/tickets/new/incident/cannot-receive-calls/")
    card = page.locator(".requester-card")
    expect(card).to_contain_text("Acme Telefonía S.L.")
    expect(card).to_contain_text("C-10001")

    description = "Incoming calls get a busy tone since this morning."
    page.get_by_label("Describe the fault").fill(description)
    page.get_by_label("Affected numbers or extensions").fill("912345678")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Send the ticket").click()
    assert answer.value.status == 400

    expect(page.get_by_label("Describe the fault")).to_have_value(description)
    expect(page.get_by_label("Affected numbers or extensions")).to_have_value("912345678")
    tests_done = page.get_by_label("Tests you have already done")
    expect(tests_done).to_have_attribute("aria-invalid", "true")
    described_by = (tests_done.get_attribute("aria-describedby") or "").split()
    assert "id_tests_done_errors" in described_by
    expect(page.locator("#id_tests_done_errors")).to_have_text("This field is required.")
    expect(tests_done).to_have_accessible_description(re.compile("This field is required"))
    expect(page.get_by_label("Describe the fault")).not_to_have_attribute("aria-invalid", "true")

    # The error summary takes the focus and links to the field.
    summary = page.locator("#form-errors")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Tests you have already done").click()
    expect(page).to_have_url(re.compile("#id_tests_done$"))
    assert Ticket.objects.count() == 0
    assert browser_errors == []


# --- Any device ----------------------------------------------------------------------


@pytest.mark.browser_context_args(viewport={"width": 375, "height": 740}, is_mobile=True)
def test_on_a_phone_the_history_shows_tickets_as_cards_without_horizontal_scroll(
    catalogue: None,
    live_server: Any,
    context: BrowserContext,
    page: Page,
    browser_errors: list[str],
    acme_admin: User,
    ana: User,
) -> None:
    open_ticket(ana)
    open_ticket(acme_admin, "request", "recover-number")
    incident = open_ticket(acme_admin, "incident", "cannot-receive-calls")
    sign_in_with_a_session(context, live_server.url, acme_admin)

    page.goto(f"{live_server.url}/tickets/")
    expect(page.locator(TICKET_ROWS)).to_have_count(3)
    header = page.locator(".ticket-table thead").bounding_box()
    assert header is not None and header["width"] <= 1 and header["height"] <= 1
    rows = page.locator(".ticket-table tbody tr")
    for index in range(3):
        row = rows.nth(index)
        assert row.evaluate("el => getComputedStyle(el).display") == "block"
        box = row.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375
    first_cell = rows.first.locator("td").first
    assert first_cell.evaluate("el => getComputedStyle(el, '::before').content") != "none"

    pages = {
        "history": "/tickets/",
        "history with filters": "/tickets/?category=incident",
        "new ticket": "/tickets/new/",
        "incident form": "/tickets/new/incident/cannot-receive-calls/",
        "ticket": f"/tickets/{incident.number}/",
    }
    for what, path in pages.items():
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{what} scrolls sideways: {width}px wide"
    assert browser_errors == []


# --- Accessibility -------------------------------------------------------------------


def test_axe_finds_no_violation_on_the_panels_pages(
    catalogue: None,
    live_server: Any,
    context: BrowserContext,
    page: Page,
    browser_errors: list[str],
    acme_admin: User,
) -> None:
    url = live_server.url
    page.goto(f"{url}/accounts/login/")
    assert_no_violations(page, "the sign-in page")

    incident = open_ticket(acme_admin, "incident", "cannot-receive-calls")
    open_ticket(acme_admin, "request", "recover-number")
    Message.objects.create(ticket=incident, author=acme_admin, body="A second message.")
    sign_in_with_a_session(context, url, acme_admin)

    page.goto(f"{url}/tickets/")
    show_filters(page)
    assert_no_violations(page, "the history")

    page.goto(f"{url}/tickets/?number=1")
    expect(page.locator(".empty")).to_be_visible()
    assert_no_violations(page, "the history with no match")

    page.goto(f"{url}/tickets/new/")
    assert_no_violations(page, "the new-ticket chooser")

    page.goto(f"{url}/tickets/new/request/recover-number/")
    page.get_by_label("Number to recover").fill("not a number")
    page.get_by_role("button", name="Send the ticket").click()
    expect(page.locator("#form-errors")).to_be_visible()
    assert_no_violations(page, "a request form with errors")

    page.goto(f"{url}/tickets/{incident.number}/")
    page.get_by_role("button", name="Send the reply").click()
    expect(page.locator("#id_body_errors")).to_be_visible()
    assert_no_violations(page, "a ticket with a reply error")

    page.goto(f"{url}/tickets/{incident.number}/")
    assert_no_violations(page, "a ticket")
    assert browser_errors == []


def test_the_keyboard_alone_reaches_the_filters_and_filters_by_number(
    catalogue: None,
    live_server: Any,
    context: BrowserContext,
    page: Page,
    browser_errors: list[str],
    acme_admin: User,
) -> None:
    first = open_ticket(acme_admin).number
    second = open_ticket(acme_admin, "request", "recover-number").number
    sign_in_with_a_session(context, live_server.url, acme_admin)
    page.goto(f"{live_server.url}/tickets/")
    expect_rows(page, [second, first])

    # The first Tab shows the skip link; Enter on it moves the focus to the content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0, "the focused skip link stays off screen"
    assert_visible_focus(page, "the skip link")
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # Tab on to the filters' disclosure, open it with Enter, Tab into "Ticket ID".
    summary = page.locator("details.filters summary")
    for _ in range(10):
        page.keyboard.press("Tab")
        if summary.evaluate("el => el === document.activeElement"):
            break
    expect(summary).to_be_focused()
    assert_visible_focus(page, "the filters' disclosure")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    number_field = page.get_by_label("Ticket ID")
    expect(number_field).to_be_focused()
    assert_visible_focus(page, "the Ticket ID field")
    page.keyboard.type(str(first))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"number={first}\b"))
    expect_rows(page, [first])

    # On through the other filters to the Filter button, then "Clear filters" shows all.
    page.keyboard.press("Tab")
    expect(page.get_by_label("Created by")).to_be_focused()
    filter_button = page.get_by_role("button", name="Filter")
    for _ in range(20):  # a date input takes one Tab stop per part of the date
        page.keyboard.press("Tab")
        if filter_button.evaluate("el => el === document.activeElement"):
            break
    expect(filter_button).to_be_focused()
    assert_visible_focus(page, "the Filter button")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Clear filters")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/tickets/")
    expect_rows(page, [second, first])
    assert browser_errors == []
