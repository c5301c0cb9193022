"""SLA information through the API: the policies, the business calendar and where one
ticket stands against its targets, on a frozen clock in Europe/Madrid.

The seeded default calendar is open Monday to Thursday 09:00–14:00 and 15:00–18:00 and
Friday 09:00–15:00; the seeded Basic plan answers in 480 business minutes and solves in
2,400, and an urgent incident of it is answered in 60 minutes around the clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import open_ticket
from tique.accounts.groups import SUPERVISORS
from tique.accounts.models import User
from tique.sla.models import BusinessCalendar, ClosingDay, SlaPolicy
from tique.tickets.choices import Status
from tique.tickets.services import message_add, ticket_set_status

# Declared here, not only through the personas, so that tests which ask for a persona by
# name (`request.getfixturevalue`) still run with the plain, migration-seeded database
# before any transactional test flushes it.
pytestmark = pytest.mark.django_db

MADRID = ZoneInfo("Europe/Madrid")
NO_INCOMING = {
    "description": "No entran llamadas",
    "tests_done": "Reiniciamos el router",
    "affected": "912345678",
    "called_number": "912345678",
    "caller_number": "600111222",
    "failed_at": "2026-11-28T22:50",
}


def madrid(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=MADRID)


def instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.fixture
def supervisor(db):
    user = User.objects.create_user(
        email="sup@tique.example", password="x", full_name="Sara Supervisora", is_staff=True
    )
    user.groups.add(Group.objects.get(name=SUPERVISORS))
    return user


@pytest.fixture
def frozen():
    """Tuesday 24 November 2026, 10:00 in Madrid, standing still."""
    with time_machine.travel(madrid(2026, 11, 24, 10, 0), tick=False) as traveller:
        yield traveller


# --- Policies -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["agent", "supervisor"])
def test_staff_read_every_policy(api_for, persona, request):
    client = api_for(request.getfixturevalue(persona))
    SlaPolicy.objects.filter(plan="premium", category="").update(is_active=False)

    response = client.get("/api/v1/sla/policies")

    assert response.status_code == 200
    policies = response.json()
    assert len(policies) == 6
    basic = next(p for p in policies if p["plan"] == "basic" and p["category"] is None)
    assert basic == {
        "id": basic["id"],
        "name": "Plan Básico",
        "plan": "basic",
        "category": None,
        "priority": None,
        "first_response_minutes": 480,
        "next_response_minutes": 480,
        "resolution_minutes": 2400,
        "business_hours": True,
        "calendar": None,
        "is_active": True,
    }
    urgent = next(p for p in policies if p["plan"] == "basic" and p["category"] == "incident")
    assert (urgent["priority"], urgent["business_hours"]) == ("urgent", False)
    premium = next(p for p in policies if p["plan"] == "premium" and p["category"] is None)
    assert premium["is_active"] is False


@pytest.mark.parametrize("persona", ["acme_admin", "ana", "beta_admin"])
def test_customers_may_not_read_the_policies(api_for, persona, request):
    response = api_for(request.getfixturevalue(persona)).get("/api/v1/sla/policies")

    assert response.status_code == 403


def test_the_policy_list_costs_the_same_queries_however_many(api_for, agent):
    client = api_for(agent)
    client.get("/api/v1/sla/policies")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/sla/policies")
    calendar = BusinessCalendar.objects.create(name="Canarias", time_zone="Atlantic/Canary")
    for priority in ("low", "normal", "high"):
        SlaPolicy.objects.create(
            name=f"Empresa {priority}",
            plan="business",
            category="query",
            priority=priority,
            first_response_minutes=60,
            next_response_minutes=60,
            resolution_minutes=600,
            calendar=calendar,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/sla/policies")

    assert len(response.json()) == 9
    assert {p["calendar"] for p in response.json()} == {None, "Canarias"}
    assert len(many) == len(few) <= 3


# --- The calendar -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["acme_admin", "ana", "beta_admin", "agent", "supervisor"])
def test_anyone_reads_the_business_calendar(api_for, persona, request, frozen):
    response = api_for(request.getfixturevalue(persona)).get("/api/v1/sla/calendar")

    assert response.status_code == 200
    body = response.json()
    assert body["time_zone"] == "Europe/Madrid"
    assert body["open_now"] is True
    assert instant(body["next_opening"]) == madrid(2026, 11, 24, 10, 0)
    week = {day["weekday"]: day for day in body["week"]}
    assert week[0]["name"] == "Monday"
    assert week[0]["shifts"] == [
        {"opens": "09:00", "closes": "14:00"},
        {"opens": "15:00", "closes": "18:00"},
    ]
    assert week[4]["shifts"] == [{"opens": "09:00", "closes": "15:00"}]
    assert week[5]["shifts"] == week[6]["shifts"] == []


def test_the_calendar_lists_holidays_and_closing_days_of_the_next_60_days(api_for, ana, frozen):
    calendar = BusinessCalendar.objects.get(is_default=True)
    ClosingDay.objects.create(calendar=calendar, date=dt.date(2026, 12, 24), name="Nochebuena")
    ClosingDay.objects.create(calendar=calendar, date=dt.date(2027, 3, 1), name="Too far")
    ClosingDay.objects.create(calendar=calendar, date=dt.date(2026, 11, 20), name="Past")

    closed = api_for(ana).get("/api/v1/sla/calendar").json()["closed_days"]

    dates = [day["date"] for day in closed]
    assert dates == sorted(dates)
    assert all("2026-11-24" <= day <= "2027-01-23" for day in dates)
    by_date = {day["date"]: day for day in closed}
    assert by_date["2026-12-24"] == {"date": "2026-12-24", "name": "Nochebuena", "kind": "closing"}
    assert by_date["2026-12-25"]["kind"] == "holiday"
    assert by_date["2026-12-25"]["name"]
    assert by_date["2027-01-01"]["kind"] == "holiday"
    assert by_date["2027-01-06"]["kind"] == "holiday"


def test_holiday_names_follow_the_callers_language(api_for, ana, frozen):
    ana.language = "es"
    ana.save(update_fields=["language"])

    body = api_for(ana).get("/api/v1/sla/calendar").json()

    christmas = next(day for day in body["closed_days"] if day["date"] == "2026-12-25")
    assert christmas["name"] == "Natividad del Señor"
    assert body["week"][0]["name"] == "lunes"


def test_on_saturday_the_calendar_is_closed_until_monday_nine(api_for, acme_admin):
    with time_machine.travel(madrid(2026, 11, 28, 23, 0), tick=False):
        body = api_for(acme_admin).get("/api/v1/sla/calendar").json()

    assert body["open_now"] is False
    assert instant(body["next_opening"]) == madrid(2026, 11, 30, 9, 0)


def test_without_a_default_calendar_the_calendar_is_a_404(api_for, ana):
    BusinessCalendar.objects.update(is_default=False)

    assert api_for(ana).get("/api/v1/sla/calendar").status_code == 404


def test_the_calendar_costs_a_constant_number_of_queries(api_for, ana, frozen):
    client = api_for(ana)
    client.get("/api/v1/sla/calendar")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/sla/calendar")
    calendar = BusinessCalendar.objects.get(is_default=True)
    for day in range(1, 20):
        ClosingDay.objects.create(calendar=calendar, date=dt.date(2026, 12, day))
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/sla/calendar")

    assert len(many) == len(few) <= 5


# --- One ticket -------------------------------------------------------------------------


def test_a_new_ticket_shows_its_targets_and_the_business_minutes_left(api_for, acme_admin, frozen):
    ticket = open_ticket(acme_admin)

    response = api_for(acme_admin).get(f"/api/v1/tickets/{ticket.number}/sla")

    assert response.status_code == 200
    body = response.json()
    assert body["number"] == ticket.number
    assert body["policy"] == {
        "name": "Plan Básico",
        "first_response_minutes": 480,
        "next_response_minutes": 480,
        "resolution_minutes": 2400,
        "business_hours": True,
    }
    assert body["clock"] == "business_hours"
    assert body["after_hours"] == ""
    assert body["paused_since"] is None
    first = body["first_response"]
    # 10:00–14:00 and 15:00–18:00 today, then 09:00–10:00 tomorrow.
    assert instant(first["due_at"]) == madrid(2026, 11, 25, 10, 0)
    assert first["running"] is True
    assert first["breached"] is False
    assert first["met_at"] is None
    assert first["minutes_remaining"] == 480
    assert body["resolution"]["minutes_remaining"] == 2400
    assert body["next_response"] == {
        "due_at": None,
        "met_at": None,
        "breached": False,
        "running": False,
        "minutes_remaining": None,
    }
    assert instant(body["next_due_at"]) == madrid(2026, 11, 25, 10, 0)


def test_business_minutes_left_do_not_count_the_night(api_for, acme_admin, frozen):
    ticket = open_ticket(acme_admin)
    frozen.move_to(madrid(2026, 11, 24, 22, 0))  # closed since 18:00: 420 minutes used

    body = api_for(acme_admin).get(f"/api/v1/tickets/{ticket.number}/sla").json()

    assert body["first_response"]["minutes_remaining"] == 60
    assert body["first_response"]["running"] is True


def test_an_overdue_target_has_negative_minutes_left(api_for, agent, acme_admin, frozen):
    ticket = open_ticket(acme_admin)
    frozen.move_to(madrid(2026, 11, 25, 11, 30))

    first = api_for(agent).get(f"/api/v1/tickets/{ticket.number}/sla").json()["first_response"]

    assert first["minutes_remaining"] == -90


def test_an_answered_ticket_has_met_its_first_response(api_for, agent, acme_admin, frozen):
    ticket = open_ticket(acme_admin)
    frozen.move_to(madrid(2026, 11, 24, 11, 0))
    message_add(ticket=ticket, author=agent, membership=None, body="Mirándolo.")
    message_add(
        ticket=ticket,
        author=acme_admin,
        membership=acme_admin.memberships.get(),
        body="Gracias.",
    )

    body = api_for(agent).get(f"/api/v1/tickets/{ticket.number}/sla").json()

    first = body["first_response"]
    assert instant(first["met_at"]) == madrid(2026, 11, 24, 11, 0)
    assert (first["running"], first["minutes_remaining"]) == (False, None)
    following = body["next_response"]
    assert following["running"] is True
    assert following["minutes_remaining"] == 480


def test_waiting_for_the_customer_stops_the_clock(api_for, agent, acme_admin, frozen):
    ticket = open_ticket(acme_admin)
    frozen.move_to(madrid(2026, 11, 24, 11, 0))
    ticket_set_status(ticket=ticket, actor=agent, membership=None, status=Status.PENDING)
    frozen.move_to(madrid(2026, 11, 26, 12, 0))

    body = api_for(acme_admin).get(f"/api/v1/tickets/{ticket.number}/sla").json()

    assert instant(body["paused_since"]) == madrid(2026, 11, 24, 11, 0)
    assert body["next_due_at"] is None
    first = body["first_response"]
    assert first["running"] is False
    assert first["minutes_remaining"] == 420  # what was left when it stopped


def test_a_solved_ticket_has_no_running_target(api_for, agent, acme_admin, frozen):
    ticket = open_ticket(acme_admin)
    ticket_set_status(ticket=ticket, actor=agent, membership=None, status=Status.SOLVED)

    body = api_for(acme_admin).get(f"/api/v1/tickets/{ticket.number}/sla").json()

    assert body["resolution"]["met_at"] is not None
    for target in ("first_response", "next_response", "resolution"):
        assert body[target]["running"] is False
        assert body[target]["minutes_remaining"] is None


def test_an_urgent_incident_at_night_counts_real_minutes(api_for, ana):
    with time_machine.travel(madrid(2026, 11, 28, 23, 0), tick=False) as traveller:
        ticket = open_ticket(ana, "incident", "cannot-receive-calls", NO_INCOMING)
        traveller.move_to(madrid(2026, 11, 28, 23, 20))
        body = api_for(ana).get(f"/api/v1/tickets/{ticket.number}/sla").json()

    assert body["clock"] == "24x7"
    assert body["after_hours"] == "urgent"
    assert body["policy"]["business_hours"] is False
    assert body["first_response"]["minutes_remaining"] == 40


def test_a_ticket_without_a_policy_says_so(api_for, acme_admin, frozen):
    SlaPolicy.objects.all().delete()
    ticket = open_ticket(acme_admin)

    body = api_for(acme_admin).get(f"/api/v1/tickets/{ticket.number}/sla").json()

    assert body["policy"] is None
    assert body["clock"] is None
    assert body["first_response"]["due_at"] is None
    assert body["first_response"]["minutes_remaining"] is None


@pytest.mark.parametrize("persona", ["acme_admin", "agent", "supervisor"])
def test_who_may_see_the_ticket_sees_its_sla(api_for, persona, request, ana, frozen):
    ticket = open_ticket(ana)

    assert (
        api_for(request.getfixturevalue(persona))
        .get(f"/api/v1/tickets/{ticket.number}/sla")
        .status_code
        == 200
    )
    assert api_for(ana).get(f"/api/v1/tickets/{ticket.number}/sla").status_code == 200


@pytest.mark.parametrize("persona", ["luis", "beta_admin"])
def test_another_accounts_or_another_members_ticket_is_a_404(api_for, persona, request, ana):
    ticket = open_ticket(ana)
    client = api_for(request.getfixturevalue(persona))

    hidden = client.get(f"/api/v1/tickets/{ticket.number}/sla")
    missing = client.get("/api/v1/tickets/99999999/sla")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_a_read_only_token_reads_sla_information(api_for, acme_admin, frozen):
    ticket = open_ticket(acme_admin)
    client = api_for(acme_admin, read_only=True)

    assert client.get(f"/api/v1/tickets/{ticket.number}/sla").status_code == 200
    assert client.get("/api/v1/sla/calendar").status_code == 200
