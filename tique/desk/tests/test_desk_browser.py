"""The agents' desk in a real browser: Debian's Chromium against the live server.

The scenario of the issue, end to end through the real forms: an agent signs in, takes
an unassigned incident, writes an internal note, answers with a canned reply inserted
by htmx and solves the ticket; the customer then sees the answer and never the note.
Every page must load without a console error (a Content-Security-Policy violation is
one), and axe finds nothing on the queue and the ticket page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from conftest import PASSWORD, open_ticket
from tique.accounts.models import Team, User
from tique.core.testing.browser import assert_no_violations, sign_in_with_a_session
from tique.tickets import services
from tique.tickets.choices import Status
from tique.tickets.models import CannedReply, Message

pytestmark = [
    pytest.mark.browser,
    # pytest-playwright 0.10's own `base_url` fixture (used when pytest-base-url is absent).
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
    ),
]

QUEUE_ROWS = "#results tbody tr"
NOTE = "Checked the SIP registrations: the trunk answers 503 since 9:10. Escalate if again."


def sign_in_through_the_form(page: Page, url: str, email: str, landing: str) -> None:
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name=landing)).to_be_visible()


def technical_reply() -> CannedReply:
    return CannedReply.objects.create(
        title="We checked your ticket",
        body="Hola {customer_name}, hemos revisado el ticket {ticket_number} de la cuenta "
        "{customer_code}: ya entran las llamadas.",
        team=Team.objects.get(slug="technical"),
    )


# --- The scenario of the issue -------------------------------------------------------


def test_an_agent_takes_an_incident_notes_answers_with_a_canned_reply_and_solves_it_and_the_customer_sees_the_answer_but_not_the_note(  # noqa: E501
    catalogue: None,
    live_server: Any,
    page: Page,
    browser_errors: list[str],
    acme_admin: User,
    beta_admin: User,
    agent: User,
) -> None:
    url = live_server.url
    incident = open_ticket(acme_admin, "incident", "cannot-receive-calls")
    others = open_ticket(beta_admin, "incident", "cannot-receive-calls")
    commercial = open_ticket(
        acme_admin,
        "query",
        "commercial",
        {"subject": "Tarifas", "question": "¿Precio a Portugal?", "service": "Trunk SIP"},
    )
    assert commercial.team is not None and commercial.team.slug == "commercial"
    technical_reply()
    answer = (
        f"Hola Marta Ortega, hemos revisado el ticket {incident.number} de la cuenta "
        "C-10001: ya entran las llamadas."
    )

    # The agent lands on the desk's first queue: his teams' unassigned tickets.
    sign_in_through_the_form(page, url, "agent@tique.example", "Unassigned in my teams")
    rows = page.locator(QUEUE_ROWS)
    expect(rows.locator("a.ticket-number")).to_have_text(
        [f"#{others.number}", f"#{incident.number}"]
    )
    acme_row = rows.filter(has_text="Acme Telefonía S.L.")
    expect(acme_row).to_contain_text("Cannot receive calls")
    expect(acme_row).to_contain_text("New")
    acme_row.get_by_role("link", name=f"#{incident.number}").click()
    expect(page.locator("h1 .ticket-number")).to_have_text(f"#{incident.number}")
    expect(page.locator(".ticket-facts")).to_contain_text("C-10001")

    # Take it.
    page.get_by_role("button", name="Take it").click()
    expect(page.locator(".flash-success")).to_have_text("The ticket is yours.")
    expect(page.get_by_role("button", name="Take it")).to_have_count(0)
    expect(page.get_by_label("Assignee")).to_have_value(str(agent.pk))

    # An internal note.
    page.get_by_label("Message").fill(NOTE)
    page.get_by_label("Internal note (never shown to the customer)").check()
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text("Internal note added.")
    latest = page.locator("article#latest")
    expect(latest).to_contain_text(NOTE)
    expect(latest.locator(".badge-note")).to_have_text("Internal note")

    # A canned reply, inserted into the reply box in place (htmx), sent publicly, solving.
    page.get_by_label("Canned reply").select_option(label="We checked your ticket")
    with page.expect_response(re.compile(r"/canned/\?")) as inserted:
        page.get_by_role("button", name="Insert").click()
    assert inserted.value.status == 200
    assert inserted.value.request.headers.get("hx-request") == "true"
    body = page.get_by_label("Message")
    expect(body).to_have_value(answer)
    expect(page.get_by_label("Internal note (never shown to the customer)")).not_to_be_checked()
    page.get_by_label("Then").select_option(label="Solve")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator(".flash-success")).to_have_text("Reply sent.")
    expect(page.locator(".page-head .badge.status-solved")).to_have_text("Solved")
    latest = page.locator("article#latest")
    expect(latest).to_contain_text(answer)
    expect(latest.locator(".badge-staff")).to_have_text("Public reply")

    incident.refresh_from_db()
    assert incident.status == Status.SOLVED
    assert incident.assignee == agent
    thread = list(Message.objects.filter(ticket=incident).values_list("body", "is_internal"))
    assert (NOTE, True) in thread
    assert (answer, False) in thread

    # The customer's administrator: the answer, the solved status, and never the note.
    page.get_by_role("button", name="Sign out").click()
    sign_in_through_the_form(page, url, "admin@acme.example", "Ticket history")
    page.locator("#results tbody a.ticket-number", has_text=f"#{incident.number}").click()
    expect(page.locator("h1 .ticket-number")).to_have_text(f"#{incident.number}")
    expect(page.locator(".page-head .badge.status-solved")).to_have_text("Solved")
    thread_box = page.locator(".thread")
    expect(thread_box).to_contain_text(answer)
    expect(thread_box).to_contain_text("Pablo Técnico")
    expect(page.locator("body")).not_to_contain_text("Checked the SIP registrations")
    assert NOTE not in page.content()
    assert "Internal note" not in page.content()
    assert browser_errors == []


# --- Accessibility -------------------------------------------------------------------


def assert_unique_ids(page: Page, what: str) -> None:
    """No id twice on a page (a label, htmx's hx-include and the tests all find a field
    by its id); axe only lists duplicates as "needs review"."""
    duplicates = page.evaluate(
        "() => { const seen = new Set(), twice = new Set();"
        " for (const el of document.querySelectorAll('[id]')) {"
        " (seen.has(el.id) ? twice : seen).add(el.id); } return [...twice]; }"
    )
    assert duplicates == [], f"{what} repeats the ids {duplicates}"


def test_axe_finds_no_violation_on_the_desk_queue_and_ticket_page(
    catalogue: None,
    live_server: Any,
    context: BrowserContext,
    page: Page,
    browser_errors: list[str],
    acme_admin: User,
    beta_admin: User,
    agent: User,
) -> None:
    url = live_server.url
    incident = open_ticket(acme_admin, "incident", "cannot-receive-calls")
    open_ticket(acme_admin, "request", "recover-number")  # the numbering team's
    services.message_add(ticket=incident, author=agent, membership=None, body="On it.")
    services.message_add(ticket=incident, author=agent, membership=None, body=NOTE, internal=True)
    outage = open_ticket(beta_admin, "incident", "cannot-receive-calls")
    services.ticket_set_outage(ticket=outage, actor=agent, is_outage=True)
    services.ticket_attach_to_outage(ticket=incident, actor=agent, outage=outage)
    technical_reply()
    sign_in_with_a_session(context, url, agent)

    pages = {
        "the unassigned queue": ("/desk/", 2),
        "the open queue, filtered": ("/desk/?queue=open&category=incident", 2),
        "an empty queue": ("/desk/?queue=mine", 0),
    }
    for what, (path, rows) in pages.items():
        page.goto(f"{url}{path}")
        expect(page.locator(QUEUE_ROWS)).to_have_count(rows)
        if not rows:
            expect(page.locator(".empty")).to_be_visible()
        assert_no_violations(page, what)
        assert_unique_ids(page, what)

    page.goto(f"{url}/desk/tickets/{incident.number}/")
    expect(page.locator("article.internal-note")).to_contain_text(NOTE)
    expect(page.locator(".ticket-actions")).to_contain_text(f"#{outage.number}")
    assert_no_violations(page, "a ticket")
    assert_unique_ids(page, "a ticket")

    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#id_body_errors")).to_be_visible()
    assert_no_violations(page, "a ticket with a reply error")

    page.goto(f"{url}/desk/tickets/{outage.number}/")
    expect(page.get_by_label("Update for every linked customer")).to_be_visible()
    assert_no_violations(page, "a known outage")
    assert_unique_ids(page, "a known outage")
    assert browser_errors == []
