"""The breach sweep: flags SLA targets about to be missed and missed, and tells people.

It only reads due times that the clock stored when things happened; it recomputes
nothing. Each flag is set with a conditional UPDATE (`… WHERE <flag> IS FALSE`), so two
sweeps running at once, or one run twice, notify once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tique.accounts.models import User
from tique.mail import notifications
from tique.tickets.choices import ACTIVE_STATUSES, EventKind
from tique.tickets.models import Ticket, TicketEvent

BATCH = 500


@dataclass(frozen=True)
class Target:
    name: str
    label: Promise
    running: Q

    @property
    def due_field(self) -> str:
        return f"{self.name}_due_at"


TARGETS = (
    Target("first_response", _("first response"), Q(first_responded_at__isnull=True)),
    Target("next_response", _("next response"), Q(next_response_due_at__isnull=False)),
    Target("resolution", _("resolution"), Q(resolution_due_at__isnull=False)),
)


@dataclass(frozen=True)
class SweepResult:
    warned: int
    breached: int


def sweep(now: dt.datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    warn_until = now + dt.timedelta(minutes=settings.TIQUE_SLA_WARN_MINUTES)
    warned = breached = 0
    for target in TARGETS:
        running = Ticket.objects.filter(
            target.running, status__in=list(ACTIVE_STATUSES), sla_paused_at__isnull=True
        )
        late = running.filter(**{f"{target.due_field}__lte": now, f"{target.name}_breached": False})
        for pk in late.values_list("pk", flat=True)[:BATCH]:
            breached += _flag(pk, target, breached=True)
        soon = running.filter(
            **{
                f"{target.due_field}__gt": now,
                f"{target.due_field}__lte": warn_until,
                f"{target.name}_warned": False,
            }
        )
        for pk in soon.values_list("pk", flat=True)[:BATCH]:
            warned += _flag(pk, target, breached=False)
    return SweepResult(warned=warned, breached=breached)


def _flag(pk: int, target: Target, *, breached: bool) -> int:
    flag = f"{target.name}_breached" if breached else f"{target.name}_warned"
    with transaction.atomic():
        claimed = Ticket.objects.filter(pk=pk, **{flag: False}).update(**{flag: True})
        if not claimed:
            return 0
        ticket = Ticket.objects.select_related("account", "team", "assignee", "requester").get(
            pk=pk
        )
        TicketEvent.objects.create(
            ticket=ticket,
            kind=EventKind.SLA,
            new_value=f"{target.name}:{'breached' if breached else 'warning'}",
        )
        for recipient in _recipients(ticket, breached=breached):
            notifications.sla_alert(ticket, recipient, target=str(target.label), breached=breached)
    return 1


def _recipients(ticket: Ticket, *, breached: bool) -> list[User]:
    """The assignee is warned; a breach reaches the team's supervisor too (and a warning
    does when nobody is assigned)."""
    people: list[User] = []
    if ticket.assignee is not None and ticket.assignee.is_active:
        people.append(ticket.assignee)
    supervisor = ticket.team.supervisor if ticket.team else None
    wanted = breached or not people
    if supervisor is not None and supervisor.is_active and wanted and supervisor not in people:
        people.append(supervisor)
    return people
