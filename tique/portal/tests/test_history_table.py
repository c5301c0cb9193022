"""The history's rows are written in Python (`history_rows`) for speed: they must be the
markup the template wrote, escaping included, in both languages."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from conftest import open_ticket
from tique.portal.templatetags.history_table import history_rows
from tique.tickets.models import Ticket
from tique.tickets.snapshot import with_kinds_and_teams

# The loop `portal/tickets/_results.html` had before the rows moved to Python.
TEMPLATE_ROWS = Template((Path(__file__).parent / "reference" / "history_rows.html").read_text())


def without_blank_lines(html: str) -> str:
    return re.sub(r"\n\s*\n", "\n", html).strip()


@pytest.mark.parametrize("language", ["es", "en"])
def test_rows_are_the_templates_markup(acme_admin, ana, language):
    open_ticket(acme_admin)
    open_ticket(ana, "incident", "cannot-receive-calls")
    open_ticket(acme_admin, "request", "recover-number")
    Ticket.objects.filter(requester=ana).update(
        subject='<script>alert("x")</script> & "quotes" \'too\'', status="solved"
    )
    ana.full_name = "Ana <b>Ruiz</b> & Co"
    ana.save()
    tickets = list(with_kinds_and_teams(Ticket.objects.select_related("requester")))
    tickets[0].search_snippet = mark_safe("a <mark>match</mark> &amp; more")
    with translation.override(language):
        expected = TEMPLATE_ROWS.render(Context({"tickets": tickets}))
        written = history_rows(tickets)
    assert without_blank_lines(written) == without_blank_lines(expected)
    assert "<script>" not in written and "&lt;script&gt;" in written
    assert "<mark>match</mark>" in written and "Ana &lt;b&gt;Ruiz&lt;/b&gt; &amp; Co" in written
    assert written.count("<tr>") == 3
