"""`python manage.py bench_data`: the benchmark's data set is valid data, and loading
or deleting it never touches anything else. (On PostgreSQL the load runs COPY on a
second connection, so these tests commit: `transactional_db` and the re-seeded
`catalogue`.)"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from conftest import open_ticket, pdf
from tique.accounts.choices import Role
from tique.accounts.models import Account, Membership, Team, User
from tique.core import benchdata
from tique.sla import business_time
from tique.sla.selectors import default_calendar
from tique.tickets.catalogue import FieldSpec, build_form_class
from tique.tickets.choices import AfterHours, EventKind
from tique.tickets.models import IncidentKind, Message, QueryKind, RequestType, Ticket
from tique.tickets.numbering import next_ticket_number

TICKETS = 300
ENGLISH_WORDS = {"the", "we", "you", "your", "it", "is", "thanks", "thank", "and", "to", "calls"}
SPANISH_WORDS = {
    "el",
    "la",
    "los",
    "las",
    "de",
    "del",
    "con",
    "que",
    "y",
    "en",
    "gracias",
    "por",
    "se",
}

pytestmark = pytest.mark.usefixtures("catalogue")


def _load(tickets: int = TICKETS, *options: str) -> str:
    out = StringIO()
    call_command("bench_data", "--tickets", str(tickets), *options, stdout=out)
    return out.getvalue()


def _raw(spec: FieldSpec, value: Any) -> str:
    """A stored value as a customer would type it into the form."""
    match spec.type:
        case "phones":
            return "\n".join(value)
        case "numbers_or_extensions":
            return ", ".join(item.removeprefix("ext:") for item in value)
        case "datetime":
            moment = timezone.localtime(dt.datetime.fromisoformat(value))
            return moment.strftime("%Y-%m-%dT%H:%M")
        case "boolean":
            return "on" if value else ""
    return str(value)


def _form_input(ticket: Ticket) -> tuple[dict[str, str], MultiValueDict[str, Any]]:
    data: dict[str, str] = {}
    files: MultiValueDict[str, Any] = MultiValueDict()
    first = ticket.messages.order_by("created_at", "id").first()
    for spec in ticket.kind.field_specs():
        if spec.role == "subject":
            data[spec.name] = ticket.subject
        elif spec.role == "body":
            if first is not None and first.author_id == ticket.requester_id:
                data[spec.name] = first.body
        elif spec.is_file:
            if spec.required:
                files.setlist(spec.name, [pdf()])
        elif spec.name in ticket.fields:
            data[spec.name] = _raw(spec, ticket.fields[spec.name])
    return data, files


def test_it_makes_unequal_accounts_with_their_people_and_agents_in_every_team():
    output = _load()

    assert Ticket.objects.count() == TICKETS
    sizes = list(
        Account.objects.annotate(n=Count("tickets")).order_by("-n").values_list("n", flat=True)
    )
    assert sizes[0] == TICKETS // 10  # the big account: a tenth (100,000 of a million)
    assert sizes[1:6] == [TICKETS // 100] * 5
    assert all(size <= TICKETS // 100 for size in sizes[6:])
    assert Account.objects.exclude(customer_code__startswith="B-").count() == 0
    big = Account.objects.get(customer_code="B-00001")
    assert big.memberships.filter(role=Role.ADMIN).count() >= 1
    assert Membership.objects.filter(account=big).count() > 10
    assert Account.objects.filter(memberships__isnull=True).count() == 0
    for team in Team.objects.filter(is_active=True):
        assert team.members.filter(is_staff=True).count() >= 2, team.slug
    assert "admin1@b-00001.bench.tique.example" in output
    assert User.objects.get(email="admin1@b-00001.bench.tique.example").check_password(
        benchdata.PASSWORD
    )


def test_every_category_and_every_kind_of_the_catalogue_is_there():
    _load()

    assert set(Ticket.objects.values_list("category", flat=True)) == {
        "query",
        "request",
        "incident",
    }
    used = Ticket.objects.values_list("query_kind", "request_type", "incident_kind")
    kinds = {pk for row in used for pk in row if pk is not None}
    catalogue = [
        *QueryKind.objects.filter(is_active=True),
        *RequestType.objects.filter(is_active=True),
        *IncidentKind.objects.filter(is_active=True),
    ]
    assert {kind.pk for kind in catalogue} <= kinds
    # Admin-only requests are opened by the account's administrators only.
    admin_only = Ticket.objects.filter(request_type__admin_only=True)
    assert admin_only.exists()
    for ticket in admin_only:
        assert Membership.objects.get(account=ticket.account, user=ticket.requester).is_admin


def test_typed_values_pass_their_kinds_form_validation():
    _load()
    one_per_kind = {(t.category, t.kind.pk): t for t in Ticket.objects.all()}
    sample = [*one_per_kind.values(), *Ticket.objects.order_by("?")[:40]]

    for ticket in sample:
        data, files = _form_input(ticket)
        # Validated on the day it was opened ("a future date" was future then).
        with time_machine.travel(ticket.created_at, tick=False):
            form = build_form_class(ticket.kind.field_specs())(data, files)
            assert form.is_valid(), (ticket.kind.slug, form.errors.as_json())
            assert form.typed_values() == ticket.fields, ticket.kind.slug


def test_numbers_are_unique_and_the_apps_next_ticket_gets_a_higher_one(acme_admin):
    mine = open_ticket(acme_admin)
    _load()

    numbers = list(Ticket.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == TICKETS + 1
    highest = max(numbers)
    assert next_ticket_number() > highest
    assert open_ticket(acme_admin).number > highest
    # Numbers follow the order tickets were opened in, as the app's do.
    bench = list(
        Ticket.objects.exclude(pk=mine.pk)
        .order_by("created_at", "id")
        .values_list("number", flat=True)
    )
    assert bench == sorted(bench)


def test_threads_have_one_to_ten_messages_in_spanish_and_english_from_both_sides():
    _load()

    counts = Ticket.objects.annotate(n=Count("messages")).values_list("n", flat=True)
    assert min(counts) >= 1
    assert max(counts) <= 10
    assert set(Ticket.objects.values_list("language", flat=True)) == {"es", "en"}
    for message in Message.objects.select_related("ticket")[:400]:
        words = set(re.findall(r"\w+", message.body.lower()))
        english, spanish = words & ENGLISH_WORDS, words & SPANISH_WORDS
        assert (english and not spanish) if message.ticket.language == "en" else spanish
    for word in ("llamadas entrantes", "centralita", "fax", "audio"):
        assert Message.objects.filter(body__contains=word).exists(), word
    assert Message.objects.filter(is_internal=True, author__is_staff=True).exists()
    staff_replies = Message.objects.filter(author__is_staff=True, is_internal=False)
    assert staff_replies.exists()
    customer = Message.objects.filter(author__is_staff=False)
    assert customer.exists()
    assert not Message.objects.filter(author__is_staff=False, is_internal=True).exists()


def test_dates_activity_and_statuses_tell_one_consistent_story():
    _load()

    now = timezone.now()
    oldest = Ticket.objects.order_by("created_at").first()
    assert oldest is not None
    assert oldest.created_at > now - dt.timedelta(days=3 * 366)
    tickets = Ticket.objects.annotate(last_message=Max("messages__created_at"))
    for ticket in tickets[:200]:
        assert ticket.created_at <= ticket.last_activity_at <= now
        assert ticket.last_message <= ticket.last_activity_at  # type: ignore[attr-defined]
        if ticket.status in {"solved", "closed"}:
            assert ticket.solved_at is not None
            assert ticket.solved_at <= ticket.last_activity_at
        if ticket.status == "new":
            assert not ticket.messages.filter(author__is_staff=True).exists()
    statuses = Counter(Ticket.objects.values_list("status", flat=True))
    assert statuses["closed"] > TICKETS // 2  # most of three years' tickets are closed
    assert Ticket.objects.filter(events__kind=EventKind.CREATED).distinct().count() == TICKETS


def test_after_hours_and_sla_targets_follow_the_business_calendar():
    _load()
    calendar = default_calendar()
    assert calendar is not None

    for ticket in Ticket.objects.select_related("sla_policy").order_by("?")[:80]:
        is_open = business_time.is_open(ticket.created_at, calendar)
        assert (ticket.after_hours == AfterHours.NO) == is_open
        policy = ticket.sla_policy
        assert policy is not None
        assert ticket.attend_from is not None
        minutes = policy.first_response_minutes
        if ticket.sla_24x7 or not policy.business_hours:
            expected = ticket.attend_from + dt.timedelta(minutes=minutes)
        else:
            expected = business_time.add_business_minutes(ticket.attend_from, minutes, calendar)
        assert ticket.first_response_due_at is not None
        assert abs(ticket.first_response_due_at - expected) < dt.timedelta(seconds=1)
        if ticket.first_responded_at is not None:
            late = ticket.first_responded_at > ticket.first_response_due_at
            assert ticket.first_response_breached == late


def test_it_refuses_to_load_over_bench_data_unless_reset_or_reused():
    _load(50)

    with pytest.raises(CommandError, match="--reset"):
        _load(50)
    assert "reused" in _load(50, "--reuse")
    assert Ticket.objects.count() == 50
    _load(60, "--reuse")
    assert Ticket.objects.count() == 60


def test_reset_deletes_bench_data_and_leaves_everything_else_alone(acme_admin, ana, agent):
    before = open_ticket(acme_admin)
    _load()
    # A bench agent worked on a real ticket: the ticket stays, unassigned.
    bench_agent = User.objects.get(email="technical1@bench.tique.example")
    Ticket.objects.filter(pk=before.pk).update(assignee=bench_agent)

    _load(0, "--reset")

    assert list(Ticket.objects.all()) == [before]
    assert Ticket.objects.get(pk=before.pk).assignee is None
    assert set(User.objects.values_list("email", flat=True)) == {
        acme_admin.email,
        ana.email,
        agent.email,
    }
    assert list(Account.objects.values_list("customer_code", flat=True)) == ["C-10001"]
    assert before.messages.count() == 1
    assert Team.objects.get(slug="technical").members.get() == agent
