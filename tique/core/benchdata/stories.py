"""One bench ticket's life: its typed values, subject, status, thread and audit trail,
told consistently. The customer opens it; agents of the kind's team answer in turns
with the customer (some internal notes between), in the ticket's language; its status
follows its age; the after-hours rule and the SLA targets come from the real business
calendar and policies (`tique.sla.business_time`), and the breach flags from when the
answers came."""

from __future__ import annotations

import bisect
import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

import phonenumbers

from tique.core.benchdata.values import MADRID, ValueContext, typed_values
from tique.core.benchdata.vocabulary import Phrasebook
from tique.sla.models import BusinessCalendar
from tique.tickets.catalogue import FieldSpec
from tique.tickets.choices import AfterHours, Channel, EventKind, Priority, Status

Row = dict[str, Any]
HOUR = 3600.0
DAY = 24 * HOUR
SUBJECT_MAX = 200
YEARS = 3  # how far back bench tickets go

# Final status by the ticket's age in days: (older than, [(status, weight)…]); the first
# row whose age bound the ticket passes applies.
STATUS_BY_AGE: list[tuple[float, list[tuple[str, float]]]] = [
    (
        60,
        [
            (Status.NEW, 0.0005),
            (Status.OPEN, 0.003),
            (Status.PENDING, 0.004),
            (Status.ON_HOLD, 0.0025),
            (Status.SOLVED, 0.01),
            (Status.CLOSED, 0.98),
        ],
    ),
    (
        14,
        [
            (Status.NEW, 0.005),
            (Status.OPEN, 0.03),
            (Status.PENDING, 0.03),
            (Status.ON_HOLD, 0.02),
            (Status.SOLVED, 0.12),
            (Status.CLOSED, 0.795),
        ],
    ),
    (
        2,
        [
            (Status.NEW, 0.03),
            (Status.OPEN, 0.15),
            (Status.PENDING, 0.12),
            (Status.ON_HOLD, 0.05),
            (Status.SOLVED, 0.35),
            (Status.CLOSED, 0.30),
        ],
    ),
    (
        0,
        [
            (Status.NEW, 0.25),
            (Status.OPEN, 0.30),
            (Status.PENDING, 0.15),
            (Status.ON_HOLD, 0.05),
            (Status.SOLVED, 0.20),
            (Status.CLOSED, 0.05),
        ],
    ),
]
# How many messages a thread has (1 to 10), by weight.
MESSAGE_COUNTS = [18, 20, 17, 13, 10, 8, 5, 4, 3, 2]
CHANNELS = [(Channel.WEB, 0.68), (Channel.EMAIL, 0.24), (Channel.API, 0.08)]
PRIORITIES = [
    (Priority.NORMAL, 0.8),
    (Priority.LOW, 0.08),
    (Priority.HIGH, 0.1),
    (Priority.URGENT, 0.02),
]
NOTE_CHANCE = 0.15
MAX_MESSAGES = len(MESSAGE_COUNTS)


class Weighted:
    """A weighted choice by bisection over cumulative weights (fast for many draws)."""

    def __init__(self, items: list[tuple[Any, float]]) -> None:
        self.values = [value for value, _weight in items]
        self.cumulative: list[float] = []
        total = 0.0
        for _value, weight in items:
            total += weight
            self.cumulative.append(total)
        self.total = total

    def pick(self, rng: random.Random) -> Any:
        index = bisect.bisect_right(self.cumulative, rng.random() * self.total)
        return self.values[min(index, len(self.values) - 1)]


@dataclass(frozen=True)
class Kind:
    """A catalogue entry as bench tickets need it."""

    category: str
    slug: str
    pk: int
    fk: str  # the ticket column that points at it: query_kind_id, request_type_id…
    team_id: int | None
    specs: tuple[FieldSpec, ...]
    admin_only: bool
    service_affecting: str  # a ServiceAffecting value; "" for queries and requests
    name_es: str
    name_en: str

    @property
    def subject_spec(self) -> FieldSpec | None:
        return next((spec for spec in self.specs if spec.role == "subject"), None)

    @property
    def body_spec(self) -> FieldSpec | None:
        return next((spec for spec in self.specs if spec.role == "body"), None)


@dataclass(frozen=True)
class Policy:
    pk: int
    plan: str
    category: str
    priority: str
    first: int
    following: int
    resolution: int
    business_hours: bool


@dataclass
class Person:
    pk: int
    name: str
    language: str = ""


@dataclass
class AccountPlan:
    """A bench account: its size and the people who open its tickets."""

    pk: int
    code: str
    name: str
    domain: str
    tax_id: str
    plan: str
    language: str
    size: int
    phone_block: int
    members_open: bool = False
    admins: list[Person] = field(default_factory=list)
    requesters: list[Person] = field(default_factory=list)
    _admin_pick: Weighted | None = None
    _requester_pick: Weighted | None = None

    def requester(self, rng: random.Random, *, admin_only: bool) -> Person:
        """A few people open most of an account's tickets (weights 1/rank)."""
        if admin_only or not self.requesters:
            if self._admin_pick is None:
                self._admin_pick = Weighted([(p, 1 / (i + 1)) for i, p in enumerate(self.admins)])
            return self._admin_pick.pick(rng)  # type: ignore[no-any-return]
        if self._requester_pick is None:
            people = self.requesters
            self._requester_pick = Weighted([(p, 1 / (i + 1)) for i, p in enumerate(people)])
        return self._requester_pick.pick(rng)  # type: ignore[no-any-return]


@dataclass
class Made:
    ticket: Row
    messages: list[Row]
    events: list[Row]


@dataclass
class _Turn:
    role: str  # "C" customer, "A" agent reply, "N" internal note
    at: float = 0.0


class OpenHours:
    """A business calendar's open intervals over the bench period, as epoch seconds,
    computed once from its own `shifts_on(day)` (holidays and closing days included):
    `tique.sla.business_time`'s arithmetic by bisection, fast enough for a million
    tickets. Shifts never cross midnight (a database constraint says so)."""

    def __init__(self, calendar: BusinessCalendar, since: dt.date, until: dt.date) -> None:
        self.starts: list[float] = []
        self.ends: list[float] = []
        zone = calendar.zone
        day = since
        while day <= until:
            for opens, closes in calendar.shifts_on(day):
                self.starts.append(dt.datetime.combine(day, opens, tzinfo=zone).timestamp())
                self.ends.append(dt.datetime.combine(day, closes, tzinfo=zone).timestamp())
            day += dt.timedelta(days=1)

    def _at_or_after(self, moment: float) -> int:
        """The interval that contains `moment`, or the next one."""
        index = bisect.bisect_right(self.starts, moment) - 1
        if index >= 0 and moment < self.ends[index]:
            return index
        return index + 1

    def is_open(self, moment: float) -> bool:
        index = bisect.bisect_right(self.starts, moment) - 1
        return index >= 0 and moment < self.ends[index]

    def next_opening(self, moment: float) -> float:
        return max(moment, self.starts[self._at_or_after(moment)])

    def add(self, moment: float, minutes: float) -> float:
        remaining = minutes * 60
        index = self._at_or_after(moment)
        if not remaining:
            return self.next_opening(moment)
        while True:
            start = max(moment, self.starts[index])
            available = self.ends[index] - start
            if remaining <= available:
                return start + remaining
            remaining -= available
            index += 1


class TicketMaker:
    def __init__(
        self,
        *,
        rng: random.Random,
        phrases: Phrasebook,
        agents_by_team: dict[int | None, list[Person]],
        policies: list[Policy],
        calendar: BusinessCalendar | None,
        now: dt.datetime,
    ) -> None:
        self.rng = rng
        self.phrases = phrases
        self.agents_by_team = agents_by_team
        self.all_agents = [agent for agents in agents_by_team.values() for agent in agents]
        self.policies = policies
        self.now = now.timestamp()
        self.hours = (
            OpenHours(
                calendar,
                (now - dt.timedelta(days=365 * YEARS + 7)).date(),
                (now + dt.timedelta(days=400)).date(),
            )
            if calendar is not None
            else None
        )
        self.status_by_age = [(days * DAY, Weighted(rows)) for days, rows in STATUS_BY_AGE]
        self.message_counts = Weighted([(n + 1, w) for n, w in enumerate(MESSAGE_COUNTS)])
        self.channels = Weighted(CHANNELS)
        self.priorities = Weighted(PRIORITIES)
        self._formatted: dict[str, str] = {}

    # --- the parts of a ticket ----------------------------------------------------------

    def _subject(self, kind: Kind, values: dict[str, Any], language: str) -> str:
        if kind.subject_spec is not None:
            return self.rng.choice(self.phrases.subjects[language])
        name = kind.name_en if language == "en" else kind.name_es
        affected = values.get("affected") or values.get("numbers") or []
        shown = [self._format_item(str(item)) for item in affected[:3]]
        return (f"{name} — {', '.join(shown)}" if shown else name)[:SUBJECT_MAX]

    def _format_item(self, item: str) -> str:
        """As the app shows a number in a subject (`catalogue.format_list_item`)."""
        if item.startswith("ext:"):
            return f"ext. {item[4:]}"
        if item not in self._formatted:
            parts = [
                phonenumbers.format_number(
                    phonenumbers.parse(part, None), phonenumbers.PhoneNumberFormat.INTERNATIONAL
                )
                for part in item.split("..", 1)
            ]
            self._formatted[item] = " – ".join(parts)
        return self._formatted[item]

    def _policy(self, plan: str, category: str, priority: str) -> Policy | None:
        """The most specific policy, as `tique.sla.clock.policy_for` chooses it."""
        candidates = [
            p
            for p in self.policies
            if p.plan == plan and p.category in ("", category) and p.priority in ("", priority)
        ]
        return max(
            candidates,
            key=lambda p: (
                bool(p.category) and bool(p.priority),
                bool(p.category),
                bool(p.priority),
            ),
            default=None,
        )

    def _add(self, start: float, minutes: int, business: bool) -> float:
        if not business or self.hours is None:
            return start + minutes * 60
        return self.hours.add(start, minutes)

    def _status(self, created: float) -> str:
        age = self.now - created
        for bound, weighted in self.status_by_age:
            if age >= bound:
                return str(weighted.pick(self.rng))
        return Status.NEW

    def _turns(self, status: str, has_body: bool) -> list[_Turn]:
        """Who speaks, in order: the customer's opening (when the form had a body), then
        agent and customer in turns, an internal note after some agent turns; a ticket
        waiting for the customer or solved ends with an agent's reply. 1 to 10 in all."""
        rng = self.rng
        wanted = self.message_counts.pick(rng)
        if status == Status.NEW:
            return [_Turn("C") for _ in range(min(wanted, 2))]
        roles = ["C"] if has_body else []
        while len(roles) < wanted or "A" not in roles:
            roles.append("A" if not roles or roles[-1] == "C" else "C")
        if status in {Status.PENDING, Status.SOLVED, Status.CLOSED} and roles[-1] == "C":
            if len(roles) < MAX_MESSAGES:
                roles.append("A")
            else:
                roles.pop()
        turns: list[_Turn] = []
        for role in roles:
            turns.append(_Turn(role))
            if role == "A" and rng.random() < NOTE_CHANCE:
                turns.append(_Turn("N"))
        while len(turns) > MAX_MESSAGES:
            turns.remove(next(turn for turn in reversed(turns) if turn.role == "N"))
        return turns

    def _timeline(
        self, turns: list[_Turn], created: float, attend_from: float, status: str
    ) -> tuple[float | None, float | None]:
        """Times for the turns; returns (solved_at, closed_at). Squeezed to end before
        now when the story would run past it."""
        rng = self.rng
        moment = created
        for index, turn in enumerate(turns):
            if index == 0 and turn.role == "C":
                turn.at = created
                continue
            if turn.role == "A":
                moment = max(moment, attend_from) + 120 + rng.expovariate(1 / (3 * HOUR))
            elif turn.role == "C":
                moment += 300 + rng.expovariate(1 / (8 * HOUR))
            else:
                moment += rng.uniform(60, 1800)
            turn.at = moment
        solved = closed = None
        if status in {Status.SOLVED, Status.CLOSED}:
            moment += rng.uniform(0, 600)
            solved = moment
            if status == Status.CLOSED:
                moment += rng.uniform(1, 7) * DAY
                closed = moment
        latest = self.now - 60
        if moment > latest:
            span = moment - created
            scale = max(latest - created, 0) / span if span else 0
            for turn in turns:
                turn.at = created + (turn.at - created) * scale
            solved = created + (solved - created) * scale if solved is not None else None
            closed = created + (closed - created) * scale if closed is not None else None
        return solved, closed

    # --- the ticket -------------------------------------------------------------------------

    def make(
        self,
        *,
        ticket_id: int,
        number: int,
        created: float,
        account: AccountPlan,
        kind: Kind,
    ) -> Made:
        rng = self.rng
        requester = account.requester(rng, admin_only=kind.admin_only)
        language = requester.language or account.language
        created_at = dt.datetime.fromtimestamp(created, dt.UTC)
        values = typed_values(
            list(kind.specs),
            ValueContext(
                rng=rng,
                phrases=self.phrases,
                language=language,
                opened=created_at.astimezone(MADRID),
                phone_block=account.phone_block,
                account_name=account.name,
                account_domain=account.domain,
                account_tax_id=account.tax_id,
            ),
        )
        service_affecting = kind.service_affecting == "always" or (
            kind.service_affecting == "when_failing" and bool(values.get("calls_failing_now"))
        )
        body_spec = kind.body_spec
        has_body = body_spec is not None and (body_spec.required or rng.random() < 0.6)
        status = self._status(created)
        if status == Status.NEW and not has_body:
            has_body = body_spec is not None
        channel = str(self.channels.pick(rng))

        # The after-hours rule and the SLA targets, as `tique.sla.clock.start` sets them.
        after_hours, attend_from = AfterHours.NO, created
        if self.hours is not None and not self.hours.is_open(created):
            if service_affecting:
                after_hours = AfterHours.URGENT
            else:
                after_hours = AfterHours.DEFERRED
                attend_from = self.hours.next_opening(created)
        priority: str
        if after_hours == AfterHours.URGENT:
            priority = Priority.URGENT
        elif service_affecting:
            priority = Priority.HIGH if rng.random() < 0.9 else Priority.URGENT
        else:
            priority = str(self.priorities.pick(rng))
        policy = self._policy(account.plan, kind.category, priority)
        sla_24x7 = after_hours == AfterHours.URGENT
        business = policy is not None and policy.business_hours and not sla_24x7

        turns = self._turns(status, has_body)
        solved, closed = self._timeline(turns, created, attend_from, status)
        team_agents = self.agents_by_team.get(kind.team_id) or self.all_agents
        agent = rng.choice(team_agents) if team_agents else None
        assigned = agent is not None and (status != Status.NEW or rng.random() < 0.25)

        messages: list[Row] = []
        events: list[Row] = [
            _event(
                ticket_id,
                requester.pk,
                EventKind.CREATED,
                created,
                new=Status.NEW,
                data={"channel": channel, "kind": kind.slug},
            )
        ]
        if after_hours:
            events.append(
                _event(
                    ticket_id,
                    None,
                    EventKind.AFTER_HOURS,
                    created,
                    new=after_hours,
                    data={"attend_from": _iso(attend_from)},
                )
            )
        first_agent = next((t.at for t in turns if t.role == "A"), None)
        if assigned and agent is not None:
            taken = (first_agent - 60) if first_agent is not None else created + 300
            events.append(
                _event(
                    ticket_id,
                    agent.pk,
                    EventKind.ASSIGNEE,
                    max(created, min(taken, self.now - 60)),
                    new=agent.name,
                    data={"to": agent.pk},
                )
            )
        for index, turn in enumerate(turns):
            author = requester.pk if turn.role == "C" else (agent.pk if agent else None)
            if turn.role == "C":
                pool = self.phrases.opening if index == 0 else self.phrases.customer
            elif turn.role == "A":
                pool = self.phrases.agent
            else:
                pool = self.phrases.notes
            messages.append(
                {
                    "ticket_id": ticket_id,
                    "author_id": author,
                    "body": rng.choice(pool[language]),
                    "is_internal": turn.role == "N",
                    "channel": _message_channel(turn.role, index, channel),
                    "email_message_id": f"<{ticket_id}.{index}@{account.domain}>"
                    if turn.role == "C" and channel == Channel.EMAIL
                    else "",
                    "created_at": dt.datetime.fromtimestamp(turn.at, dt.UTC),
                }
            )
            if index > 0 or turn.role != "C":
                kind_ = EventKind.NOTE if turn.role == "N" else EventKind.REPLY
                events.append(_event(ticket_id, author, kind_, turn.at))
            if turn.role == "A" and turn.at == first_agent:
                events.append(
                    _event(ticket_id, author, EventKind.STATUS, turn.at, Status.NEW, Status.OPEN)
                )
        agent_pk = agent.pk if agent else None
        last_agent = max((t.at for t in turns if t.role == "A"), default=created)
        paused = None
        if status in {Status.PENDING, Status.ON_HOLD}:
            events.append(_event(ticket_id, agent_pk, EventKind.STATUS, last_agent, "open", status))
            paused = last_agent if status == Status.PENDING else None
        if solved is not None:
            events.append(
                _event(ticket_id, agent_pk, EventKind.STATUS, solved, Status.OPEN, Status.SOLVED)
            )
        if closed is not None:
            events.append(
                _event(ticket_id, agent_pk, EventKind.STATUS, closed, Status.SOLVED, Status.CLOSED)
            )

        # SLA outcomes: which targets were met, which are still running.
        sla: Row = {}
        if policy is not None:
            first_due = self._add(attend_from, policy.first, business)
            resolution_due = self._add(attend_from, policy.resolution, business)
            answered = first_agent
            public = [t for t in turns if t.role != "N"]
            waiting_since = public[-1].at if public and public[-1].role == "C" else None
            next_due = None
            if (
                answered is not None
                and waiting_since is not None
                and status in {Status.OPEN, Status.ON_HOLD}
            ):
                next_due = self._add(waiting_since, policy.following, business)
            done = solved if solved is not None else None
            sla = {
                "sla_policy_id": policy.pk,
                "first_response_due_at": _when(first_due),
                "first_responded_at": _when(answered),
                "first_response_breached": (answered or self.now) > first_due,
                "next_response_due_at": _when(next_due),
                "next_response_breached": next_due is not None and self.now > next_due,
                "resolution_due_at": _when(resolution_due),
                "resolution_breached": (done or self.now) > resolution_due and paused is None,
            }
            sla["first_response_warned"] = sla["first_response_breached"]
            sla["next_response_warned"] = sla["next_response_breached"]
            sla["resolution_warned"] = sla["resolution_breached"]

        last_activity = max(event["created_at"] for event in events).timestamp()
        if messages:
            last_activity = max(last_activity, messages[-1]["created_at"].timestamp())
        ticket: Row = {
            "id": ticket_id,
            "number": number,
            "account_id": account.pk,
            "requester_id": requester.pk,
            "created_by_id": requester.pk,
            "category": kind.category,
            kind.fk: kind.pk,
            "subject": self._subject(kind, values, language),
            "fields": values,
            "status": status,
            "priority": priority,
            "channel": channel,
            "team_id": kind.team_id,
            "assignee_id": agent_pk if assigned else None,
            "service_affecting": service_affecting,
            "language": language,
            "created_at": created_at,
            "updated_at": _when(last_activity),
            "last_activity_at": _when(last_activity),
            "solved_at": _when(solved),
            "closed_at": _when(closed),
            "after_hours": after_hours,
            "sla_24x7": sla_24x7,
            "attend_from": _when(attend_from),
            "sla_paused_at": _when(paused),
            **sla,
        }
        return Made(ticket, messages, events)


def _message_channel(role: str, index: int, channel: str) -> str:
    """The opening comes by the ticket's channel; later customer messages by e-mail for
    an e-mailed ticket, else from the web; agents write in the desk."""
    if role == "C" and (index == 0 or channel == Channel.EMAIL):
        return channel
    return Channel.WEB


def _when(moment: float | None) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(moment, dt.UTC) if moment is not None else None


def _iso(moment: float) -> str:
    return dt.datetime.fromtimestamp(moment, dt.UTC).astimezone(MADRID).isoformat()


def _event(
    ticket_id: int,
    actor_id: int | None,
    kind: str,
    at: float,
    old: str = "",
    new: str = "",
    data: dict[str, Any] | None = None,
) -> Row:
    return {
        "ticket_id": ticket_id,
        "actor_id": actor_id,
        "kind": kind,
        "old_value": old,
        "new_value": new[:200],
        "data": data or {},
        "created_at": dt.datetime.fromtimestamp(at, dt.UTC),
    }
