"""The rows of a desk queue, written in Python: as with the customer's history, the
template engine spent more on the rows than on the rest of the page. The markup is the
template's: `tests/test_queue_table.py` holds them equal."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop

from tique.core.tables import e, labels, snippet, url_maker
from tique.core.templatetags.tique import ago, sla_badge, status_badge
from tique.tickets.models import Ticket

register = template.Library()

_LABELS = (
    gettext_noop("Select"),
    gettext_noop("ID"),
    gettext_noop("Subject"),
    gettext_noop("Account"),
    gettext_noop("Status"),
    gettext_noop("Priority"),
    gettext_noop("Team and assignee"),
    gettext_noop("SLA"),
    gettext_noop("Last activity"),
)


@register.simple_tag
def queue_rows(tickets: Iterable[Ticket]) -> SafeString:
    """The <tr> of each ticket of a queue page, with its checkbox for bulk changes."""
    ticket_url = url_maker("desk:ticket-detail", "number")
    select, id_, subject, account, status, priority, team, sla, activity = labels(_LABELS)
    unassigned = e(gettext("Unassigned"))
    outage = f' <span class="badge badge-outage">{e(gettext("Known outage"))}</span>'
    rows = []
    for ticket in tickets:
        url = ticket_url(ticket.number)
        pick = e(gettext("Select ticket #%(number)s") % {"number": ticket.number})
        team_name = e(ticket.team.name) if ticket.team and ticket.team.name else "—"
        assignee = e(ticket.assignee.display_name) if ticket.assignee else unassigned
        rows.append(
            "\n      <tr>\n"
            f'        <td data-label="{select}"><input type="checkbox" name="tickets" '
            f'value="{ticket.pk}" id="pick-{ticket.pk}" aria-label="{pick}"></td>\n'
            f'        <td data-label="{id_}"><a href="{url}" class="ticket-number">'
            f"#{ticket.number}</a></td>\n"
            f'        <td data-label="{subject}"><a href="{url}">{e(ticket.subject)}</a>'
            f"{outage if ticket.is_outage else ''}<br><small>"
            f"{e(ticket.get_category_display())}: {e(ticket.kind.name)}</small>"
            f"{snippet(ticket.search_snippet)}"
            "</td>\n"
            f'        <td data-label="{account}">{e(ticket.account.name)}<br>'
            f'<small class="code">{e(ticket.account.customer_code)}</small></td>\n'
            f'        <td data-label="{status}">{status_badge(ticket)}</td>\n'
            f'        <td data-label="{priority}"><span class="badge priority-'
            f'{e(ticket.priority)}">{e(ticket.get_priority_display())}</span></td>\n'
            f'        <td data-label="{team}">{team_name}<br><small>{assignee}</small></td>\n'
            f'        <td data-label="{sla}">{sla_badge(ticket)}</td>\n'
            f'        <td data-label="{activity}">{ago(ticket.last_activity_at)}</td>\n'
            "      </tr>"
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value is escaped)
