"""The SLA clock of a ticket, moved when something happens to it.

Due times are computed and stored by these functions, which the ticket services call
inside their transaction: on creation (with the after-hours rule), on an agent's
public reply, on a customer's reply and on a status change. Waiting for the customer
pauses the clock; their answer resumes it and pushes the running targets on by the
business time that passed. Nothing here runs periodically: the breach sweep
(`tique.sla.breaches`) only flags targets already past due.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q

from tique.sla import business_time
from tique.sla.models import BusinessCalendar, SlaPolicy
from tique.sla.selectors import default_calendar
from tique.tickets.choices import AfterHours, Priority, Status
from tique.tickets.models import Ticket


def policy_for(ticket: Ticket) -> SlaPolicy | None:
    """The most specific active policy for the ticket's plan, category and priority: one
    naming both wins over one naming either, which wins over the plan's general one."""
    candidates = SlaPolicy.objects.filter(
        Q(category="") | Q(category=ticket.category),
        Q(priority="") | Q(priority=ticket.priority),
        plan=ticket.account.plan,
        is_active=True,
    ).select_related("calendar")
    return max(
        candidates,
        key=lambda p: (bool(p.category) and bool(p.priority), bool(p.category), bool(p.priority)),
        default=None,
    )


def _calendar(
    policy: SlaPolicy | None, default: BusinessCalendar | None = None
) -> BusinessCalendar | None:
    if policy is not None and policy.calendar is not None:
        return policy.calendar
    return default if default is not None else default_calendar()


@dataclass(frozen=True)
class Clock:
    """How a ticket's targets are counted: in a calendar's business time, or 24×7."""

    calendar: BusinessCalendar | None
    always: bool

    def add(self, start: dt.datetime, minutes: float) -> dt.datetime:
        if self.always or self.calendar is None:
            # In UTC: adding to a zoned datetime counts wall-clock time, an hour off
            # across a clock change.
            return start.astimezone(dt.UTC) + dt.timedelta(minutes=minutes)
        return business_time.add_business_minutes(start, minutes, self.calendar)

    def between(self, start: dt.datetime, end: dt.datetime) -> float:
        if self.always or self.calendar is None:
            return (end.astimezone(dt.UTC) - start.astimezone(dt.UTC)).total_seconds() / 60
        return business_time.business_minutes_between(start, end, self.calendar)


def clock_for(ticket: Ticket, default: BusinessCalendar | None = None) -> Clock:
    """`default`: the default calendar when the caller has already read it."""
    policy = ticket.sla_policy
    always = ticket.sla_24x7 or (policy is not None and not policy.business_hours)
    return Clock(calendar=None if always else _calendar(policy, default), always=always)


@dataclass(frozen=True)
class Arrival:
    """How the after-hours rule classified a new ticket."""

    after_hours: AfterHours
    attend_from: dt.datetime
    # The default calendar it was decided with: what the arrival e-mail words it with.
    calendar: BusinessCalendar | None = field(default=None, compare=False)


def classify_arrival(
    ticket: Ticket, now: dt.datetime, calendar: BusinessCalendar | None
) -> Arrival:
    """While the provider is open everything is attended now. While it is closed, a
    ticket that stops the telephone service is attended now too, at urgent priority on
    the 24×7 clock; anything else waits for the next opening."""
    if calendar is None or not calendar.after_hours_rule or business_time.is_open(now, calendar):
        return Arrival(AfterHours.NO, now, calendar)
    if ticket.service_affecting:
        return Arrival(AfterHours.URGENT, now, calendar)
    return Arrival(AfterHours.DEFERRED, business_time.next_opening(now, calendar), calendar)


def start(ticket: Ticket, now: dt.datetime) -> Arrival:
    """On creation: classify, choose the policy and set the first due times (the caller
    saves the ticket)."""
    calendar = default_calendar()
    arrival = classify_arrival(ticket, now, calendar)
    ticket.after_hours = arrival.after_hours
    ticket.attend_from = arrival.attend_from
    if arrival.after_hours == AfterHours.URGENT:
        ticket.priority = Priority.URGENT
        ticket.sla_24x7 = True
    ticket.sla_policy = policy_for(ticket)
    policy = ticket.sla_policy
    if policy is None:
        return arrival
    clock = clock_for(ticket, calendar)
    ticket.first_response_due_at = clock.add(arrival.attend_from, policy.first_response_minutes)
    ticket.resolution_due_at = clock.add(arrival.attend_from, policy.resolution_minutes)
    return arrival


def agent_replied(ticket: Ticket, now: dt.datetime) -> None:
    """A public reply by staff: it is the first response if there was none, and it
    answers whatever the customer last said."""
    if ticket.first_responded_at is None:
        ticket.first_responded_at = now
        if ticket.first_response_due_at is not None and now > ticket.first_response_due_at:
            ticket.first_response_breached = True
    if ticket.next_response_due_at is not None and now > ticket.next_response_due_at:
        ticket.next_response_breached = True
    ticket.next_response_due_at = None
    ticket.next_response_warned = False


def customer_replied(ticket: Ticket, now: dt.datetime) -> None:
    """The customer spoke: once the first response is given, the next one is due."""
    policy = ticket.sla_policy
    if policy is None or ticket.first_responded_at is None:
        return
    if ticket.next_response_due_at is None:
        ticket.next_response_due_at = clock_for(ticket).add(now, policy.next_response_minutes)
        ticket.next_response_breached = False
        ticket.next_response_warned = False


def status_changed(ticket: Ticket, old: str, new: str, now: dt.datetime) -> None:
    """Waiting for the customer pauses the clock; leaving that state resumes it, pushing
    the running targets on by the business time the ticket waited. Solving settles the
    resolution target."""
    if new == Status.PENDING and ticket.sla_paused_at is None:
        ticket.sla_paused_at = now
    elif old == Status.PENDING and ticket.sla_paused_at is not None:
        _resume(ticket, now)
    if new == Status.SOLVED:
        if ticket.resolution_due_at is not None and now > ticket.resolution_due_at:
            ticket.resolution_breached = True
        ticket.next_response_due_at = None


def _resume(ticket: Ticket, now: dt.datetime) -> None:
    paused_at = ticket.sla_paused_at
    if paused_at is None:
        return
    clock = clock_for(ticket)
    waited = max(0.0, clock.between(paused_at, now))
    if waited:
        if ticket.resolution_due_at is not None and not ticket.resolution_breached:
            ticket.resolution_due_at = clock.add(ticket.resolution_due_at, waited)
        if ticket.first_responded_at is None and ticket.first_response_due_at is not None:
            ticket.first_response_due_at = clock.add(ticket.first_response_due_at, waited)
    ticket.sla_paused_at = None


def next_due(ticket: Ticket) -> dt.datetime | None:
    """The soonest target still running (what the desk shows and sorts by)."""
    if ticket.sla_paused_at is not None or ticket.status in {Status.SOLVED, Status.CLOSED}:
        return None
    running = [
        ticket.first_response_due_at if ticket.first_responded_at is None else None,
        ticket.next_response_due_at,
        ticket.resolution_due_at,
    ]
    due = [moment for moment in running if moment is not None]
    return min(due) if due else None
