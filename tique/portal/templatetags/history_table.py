"""The rows of the customer's ticket history, written in Python: the template engine
spent more on 25 rows (about 30 variables, filters and a URL each) than on the rest of
the page. The markup is the template's: `tests/test_history_table.py` holds them equal."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_noop

from tique.core.tables import e, labels, snippet, url_maker
from tique.core.templatetags.tique import ago, status_badge, when
from tique.tickets.models import Ticket

register = template.Library()

_LABELS = (
    gettext_noop("ID"),
    gettext_noop("Subject"),
    gettext_noop("Category"),
    gettext_noop("Status"),
    gettext_noop("Created by"),
    gettext_noop("Created"),
    gettext_noop("Last activity"),
)


@register.simple_tag
def history_rows(tickets: Iterable[Ticket]) -> SafeString:
    """The <tr> of each ticket of a history page."""
    ticket_url = url_maker("portal:ticket-detail", "number")
    (
        label_id,
        label_subject,
        label_category,
        label_status,
        label_by,
        label_created,
        label_activity,
    ) = labels(_LABELS)
    rows = []
    for ticket in tickets:
        url = ticket_url(ticket.number)
        rows.append(
            "\n    <tr>\n"
            f'      <td data-label="{label_id}"><a href="{url}" class="ticket-number">'
            f"#{ticket.number}</a></td>\n"
            f'      <td data-label="{label_subject}"><a href="{url}">{e(ticket.subject)}</a>'
            f"{snippet(ticket.search_snippet)}</td>\n"
            f'      <td data-label="{label_category}"><span class="cell-stack">'
            f"{e(ticket.get_category_display())} <small>{e(ticket.kind.name)}</small></span>"
            "</td>\n"
            f'      <td data-label="{label_status}">{status_badge(ticket)}</td>\n'
            f'      <td data-label="{label_by}">{e(ticket.requester.display_name)}</td>\n'
            f'      <td data-label="{label_created}">{when(ticket.created_at)}</td>\n'
            f'      <td data-label="{label_activity}">{ago(ticket.last_activity_at)}</td>\n'
            "    </tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value is escaped)
