"""What the customer is told about when their ticket will be attended."""

from __future__ import annotations

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from tique.sla.formatting import format_attend_at
from tique.sla.models import BusinessCalendar
from tique.sla.selectors import default_calendar
from tique.tickets.choices import AfterHours
from tique.tickets.models import Ticket


def arrival_message(
    ticket: Ticket, language: str, *, calendar: BusinessCalendar | None = None
) -> str:
    """Outside business hours, the calendar's configured wording (with the exact day and
    hour for a ticket that waits); in business hours, when the first answer is due.
    `calendar`: the default calendar when the caller just read it (else it is read)."""
    # Only the after-hours wordings come from the calendar.
    outside_hours = ticket.after_hours in (AfterHours.DEFERRED, AfterHours.URGENT)
    if outside_hours and calendar is None:
        calendar = default_calendar()
    attend_from = ticket.attend_from
    with translation.override(language):
        waiting = attend_from is not None and attend_from > timezone.now()
        if ticket.after_hours == AfterHours.DEFERRED and calendar and attend_from and waiting:
            template = (
                calendar.deferred_message_en if language == "en" else calendar.deferred_message_es
            )
            # In the calendar's zone: a value read back from the database is in UTC.
            when = format_attend_at(attend_from.astimezone(calendar.zone), language)
            return template.replace("{when}", when)
        if (
            ticket.after_hours == AfterHours.URGENT
            and calendar
            and ticket.first_responded_at is None
        ):
            return calendar.urgent_message_en if language == "en" else calendar.urgent_message_es
        if ticket.first_response_due_at is not None:
            due = timezone.localtime(ticket.first_response_due_at)
            return _("We will answer before %(when)s.") % {
                "when": formats.date_format(due, "DATETIME_FORMAT")
            }
    return ""
