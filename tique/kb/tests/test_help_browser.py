"""The help centre in a real browser: a customer describing a fault sees the article
that answers it beside the form, opens it, finds it helpful, and staff see the vote."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tique.accounts.models import User
from tique.core.testing.browser import assert_no_violations, sign_in_with_a_session
from tique.kb.models import ArticleVote, SuggestionSession
from tique.kb.tests.helpers import write

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
    ),
]


def test_a_customer_typing_a_fault_sees_the_article_rates_it_and_staff_see_the_vote(
    catalogue: None,
    live_server: Any,
    context: BrowserContext,
    page: Page,
    acme_admin: User,
    agent: User,
) -> None:
    write(
        agent,
        es=(
            "No puedo recibir llamadas",
            "## Comprobaciones\n\n1. Revisa los **desvíos**.\n2. Comprueba que el teléfono"
            " está registrado.",
        ),
        slug="no-puedo-recibir-llamadas",
    )
    write(agent, es=("Cambiar la cuenta bancaria", "Envía el nuevo IBAN."))
    url = live_server.url
    sign_in_with_a_session(context, url, acme_admin)
    page.goto(f"{url}/tickets/new/incident/cannot-receive-calls/")
    page.get_by_label("Describe the fault as clearly as you can").press_sequentially(
        "no puedo recibir llamadas", delay=20
    )
    suggestion = page.locator("#suggestions").get_by_role("link", name="No puedo recibir llamadas")
    expect(suggestion).to_be_visible()
    expect(page.locator("#suggestions")).not_to_contain_text("cuenta bancaria")
    assert_no_violations(page, "the new incident form with suggestions")

    with context.expect_page() as opened:
        suggestion.click()
    article = opened.value
    expect(article.get_by_role("heading", level=1)).to_have_text("No puedo recibir llamadas")
    expect(article.locator(".kb-body ol li").first).to_contain_text("desvíos")
    article.get_by_label("Anything we should add or correct? (optional)").fill("Muy claro")
    article.get_by_role("button", name="Yes").click()
    expect(article.locator("#feedback-box")).to_contain_text("You found this article helpful")
    assert_no_violations(article, "a help article after voting")
    vote = ArticleVote.objects.get()
    assert (vote.user, vote.helpful, vote.comment) == (acme_admin, True, "Muy claro")
    assert SuggestionSession.objects.get().opened_at is not None

    staff = context.browser.new_context() if context.browser else context
    staff_page = staff.new_page()
    sign_in_with_a_session(staff, url, agent)
    staff_page.goto(f"{url}/desk/reports/help/")
    row = staff_page.get_by_role("row", name="No puedo recibir llamadas")
    expect(row).to_contain_text("100 %")
    expect(staff_page.locator("#deflection-heading")).to_be_visible()
    assert_no_violations(staff_page, "the help centre report")
    staff_page.goto(f"{url}/help/no-puedo-recibir-llamadas/")
    expect(staff_page.locator(".staff-feedback")).to_contain_text("1 found it helpful, 0 did not.")
    expect(staff_page.locator(".staff-feedback")).to_contain_text("Muy claro")
