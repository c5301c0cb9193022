"""SLA information: the policies (staff), the business calendar the clock counts in (when
the provider is open, closed days ahead) and where a ticket stands against its targets."""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from tique.api.auth import caller
from tique.api.errors import ApiError, ErrorOut, not_found
from tique.api.tickets import get_ticket
from tique.sla import business_time
from tique.sla.clock import Clock, clock_for, next_due
from tique.sla.models import BusinessCalendar, SlaPolicy, Weekday
from tique.sla.selectors import closures_between, default_calendar, sla_policies
from tique.tickets.choices import ACTIVE_STATUSES
from tique.tickets.models import Ticket

router = Router(tags=["SLA"])

PlanName = Literal["basic", "business", "premium"]
CategoryName = Literal["query", "request", "incident"]
PriorityName = Literal["low", "normal", "high", "urgent"]
CALENDAR_DAYS_AHEAD = 60


class PolicyOut(Schema):
    id: int
    name: str
    plan: PlanName
    category: CategoryName | None = Field(description="Null: every category.")
    priority: PriorityName | None = Field(description="Null: every priority.")
    first_response_minutes: int
    next_response_minutes: int
    resolution_minutes: int
    business_hours: bool = Field(description="Counted in business hours; false: 24×7.")
    calendar: str | None = Field(description="Its own calendar; null: the default one.")
    is_active: bool


class ShiftOut(Schema):
    opens: str = Field(description="HH:MM, local time.")
    closes: str = Field(description="HH:MM, local time; 00:00 is midnight at the day's end.")


class DayHoursOut(Schema):
    weekday: int = Field(ge=0, le=6, description="0 is Monday.")
    name: str
    shifts: list[ShiftOut]


class ClosedDayOut(Schema):
    date: dt.date
    name: str
    kind: Literal["holiday", "closing"] = Field(
        description="A public holiday, or a day the provider itself closes."
    )


class CalendarOut(Schema):
    name: str
    time_zone: str
    week: list[DayHoursOut]
    closed_days: list[ClosedDayOut] = Field(
        description=f"Holidays and closing days in the next {CALENDAR_DAYS_AHEAD} days."
    )
    after_hours_rule: bool = Field(
        description="While closed, only incidents that stop the telephone service are "
        "attended at once."
    )
    open_now: bool
    next_opening: dt.datetime | None = Field(
        description="Now when open; otherwise when it next opens (null: it never does)."
    )


class PolicyTargetsOut(Schema):
    name: str
    first_response_minutes: int
    next_response_minutes: int
    resolution_minutes: int
    business_hours: bool


class TargetOut(Schema):
    due_at: dt.datetime | None
    met_at: dt.datetime | None = Field(
        description="When it was met (first response given, ticket solved)."
    )
    breached: bool
    running: bool = Field(description="Its clock runs now: not met, not paused, not solved.")
    minutes_remaining: int | None = Field(
        description="Minutes left on the ticket's clock (business minutes unless it counts "
        "24×7), negative when overdue; while paused, what was left when the clock "
        "stopped; null when met or not set."
    )


class TicketSlaOut(Schema):
    number: int
    policy: PolicyTargetsOut | None
    clock: Literal["business_hours", "24x7"] | None = Field(
        description="How the targets are counted; null without a policy."
    )
    after_hours: Literal["", "urgent", "deferred"] = Field(
        description="Received outside business hours: attended at once (urgent) or at "
        "the next opening (deferred); empty when received in business hours."
    )
    attend_from: dt.datetime | None
    paused_since: dt.datetime | None = Field(description="Waiting for the customer since.")
    next_due_at: dt.datetime | None = Field(description="The soonest running target.")
    first_response: TargetOut
    next_response: TargetOut
    resolution: TargetOut


# --- Policies -------------------------------------------------------------------------


def policy_out(policy: SlaPolicy) -> PolicyOut:
    return PolicyOut(
        id=policy.pk,
        name=policy.name,
        plan=policy.plan,  # type: ignore[arg-type]
        category=policy.category or None,  # type: ignore[arg-type]
        priority=policy.priority or None,  # type: ignore[arg-type]
        first_response_minutes=policy.first_response_minutes,
        next_response_minutes=policy.next_response_minutes,
        resolution_minutes=policy.resolution_minutes,
        business_hours=policy.business_hours,
        calendar=policy.calendar.name if policy.calendar else None,
        is_active=policy.is_active,
    )


@router.get("/sla/policies", response={200: list[PolicyOut], 403: ErrorOut})
def policy_list(request: HttpRequest) -> list[PolicyOut]:
    """Every SLA policy, active or not (staff only). The most specific active one for a
    ticket's account plan, category and priority applies."""
    if not caller(request).is_staff:
        raise ApiError(403, "forbidden", _("Only staff may do this."))
    return [policy_out(policy) for policy in sla_policies()]


# --- The business calendar --------------------------------------------------------------


def _hhmm(moment: dt.time) -> str:
    return moment.strftime("%H:%M")


def _week(calendar: BusinessCalendar) -> list[DayHoursOut]:
    shifts: dict[int, list[ShiftOut]] = {day: [] for day in range(7)}
    for row in sorted(calendar.opening_hours.all(), key=lambda r: (r.weekday, r.opens)):
        shifts[row.weekday].append(ShiftOut(opens=_hhmm(row.opens), closes=_hhmm(row.closes)))
    return [
        DayHoursOut(weekday=day, name=str(Weekday(day).label), shifts=shifts[day])
        for day in range(7)
    ]


def _next_opening(now: dt.datetime, calendar: BusinessCalendar) -> dt.datetime | None:
    try:
        return business_time.next_opening(now, calendar)
    except ValueError:  # no opening hours at all
        return None


@router.get("/sla/calendar", response={200: CalendarOut, 404: ErrorOut})
def calendar_detail(request: HttpRequest) -> CalendarOut:
    """The default business calendar: weekly hours in its time zone, the closed days
    ahead, and whether the provider is open now."""
    caller(request)
    calendar = default_calendar()
    if calendar is None:
        raise not_found()
    now = timezone.now()
    today = now.astimezone(calendar.zone).date()
    closed = closures_between(
        calendar, since=today, until=today + dt.timedelta(days=CALENDAR_DAYS_AHEAD)
    )
    return CalendarOut(
        name=calendar.name,
        time_zone=calendar.time_zone,
        week=_week(calendar),
        closed_days=[ClosedDayOut(date=c.date, name=c.name, kind=c.kind) for c in closed],
        after_hours_rule=calendar.after_hours_rule,
        open_now=business_time.is_open(now, calendar),
        next_opening=_next_opening(now, calendar),
    )


# --- One ticket's clock -----------------------------------------------------------------


def _remaining(
    clock: Clock, ticket: Ticket, due: dt.datetime | None, pending: bool, now: dt.datetime
) -> int | None:
    """Minutes left to a target not yet met, counted from now (or from the pause, which
    stops the clock); floored, so that an overdue target is negative at once."""
    if due is None or not pending:
        return None
    since = ticket.sla_paused_at or now
    return math.floor(clock.between(since, due))


def _target(
    clock: Clock,
    ticket: Ticket,
    due: dt.datetime | None,
    met_at: dt.datetime | None,
    breached: bool,
    now: dt.datetime,
) -> TargetOut:
    active = ticket.status in ACTIVE_STATUSES
    pending = active and met_at is None
    return TargetOut(
        due_at=due,
        met_at=met_at,
        breached=breached,
        running=due is not None and pending and ticket.sla_paused_at is None,
        minutes_remaining=_remaining(clock, ticket, due, pending, now),
    )


def _counts_business(clock: Clock) -> bool:
    return not clock.always and clock.calendar is not None


@router.get("/tickets/{number}/sla", response={200: TicketSlaOut, 404: ErrorOut, 422: ErrorOut})
def ticket_sla(request: HttpRequest, number: int) -> TicketSlaOut:
    """Where the ticket stands against its SLA targets, for anyone who may see it."""
    ticket = get_ticket(caller(request), number)
    policy = ticket.sla_policy
    clock = clock_for(ticket)
    now = timezone.now()
    return TicketSlaOut(
        number=ticket.number,
        policy=PolicyTargetsOut(
            name=policy.name,
            first_response_minutes=policy.first_response_minutes,
            next_response_minutes=policy.next_response_minutes,
            resolution_minutes=policy.resolution_minutes,
            business_hours=policy.business_hours,
        )
        if policy
        else None,
        clock=None if policy is None else ("business_hours" if _counts_business(clock) else "24x7"),
        after_hours=ticket.after_hours,  # type: ignore[arg-type]
        attend_from=ticket.attend_from,
        paused_since=ticket.sla_paused_at,
        next_due_at=next_due(ticket),
        first_response=_target(
            clock,
            ticket,
            ticket.first_response_due_at,
            ticket.first_responded_at,
            ticket.first_response_breached,
            now,
        ),
        next_response=_target(
            clock,
            ticket,
            ticket.next_response_due_at,
            None,
            ticket.next_response_breached,
            now,
        ),
        resolution=_target(
            clock,
            ticket,
            ticket.resolution_due_at,
            ticket.solved_at,
            ticket.resolution_breached,
            now,
        ),
    )
