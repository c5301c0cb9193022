"""A desk queue's rows are written in Python (`queue_rows`) for speed: they must be the
markup the template wrote, escaping included, in both languages."""

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from conftest import open_ticket
from tique.desk.templatetags.queue_table import queue_rows
from tique.tickets.models import Ticket
from tique.tickets.snapshot import with_kinds_and_teams

# The loop `desk/_queue_results.html` had before the rows moved to Python.
TEMPLATE_ROWS = Template((Path(__file__).parent / "reference" / "queue_rows.html").read_text())


def without_blank_lines(html: str) -> str:
    return re.sub(r"\n\s*\n", "\n", html).strip()


@pytest.mark.parametrize("language", ["es", "en"])
def test_rows_are_the_templates_markup(acme_admin, ana, agent, language):
    open_ticket(acme_admin)
    open_ticket(ana, "incident", "cannot-receive-calls")
    solved = open_ticket(acme_admin, "request", "recover-number")
    Ticket.objects.filter(pk=solved.pk).update(status="solved", is_outage=True)
    Ticket.objects.filter(requester=ana).update(
        subject="<i>x</i> & \"quotes\" 'too'", assignee=agent, team=None
    )
    agent.full_name = "Agent <Smith> & Co"
    agent.save()
    acme_admin.memberships.first().account.__class__.objects.update(name="Acme & <Sons>")
    tickets = list(
        with_kinds_and_teams(Ticket.objects.select_related("account", "assignee").order_by("pk"))
    )
    tickets[1].search_snippet = mark_safe("a <mark>match</mark> &amp; more")
    with translation.override(language):
        expected = TEMPLATE_ROWS.render(Context({"tickets": tickets}))
        written = queue_rows(tickets)
    assert without_blank_lines(written) == without_blank_lines(expected)
    assert written.count("<tr>") == 3
    assert "badge-outage" in written and "sla-running" in written and "—" in written
    assert "Acme &amp; &lt;Sons&gt;" in written and "Agent &lt;Smith&gt; &amp; Co" in written
    assert "<mark>match</mark>" in written and "<i>x</i>" not in written
