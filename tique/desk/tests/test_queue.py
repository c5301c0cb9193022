"""The desk's queue page: each queue's tickets, filters and sorts as bookmarkable query
parameters, capped counts, an htmx fragment, and a bounded number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in
from tique.accounts.models import Team
from tique.tickets import selectors
from tique.tickets.choices import Priority, Status
from tique.tickets.tests.desk_helpers import (
    closed,
    incident,
    make_agent,
    query,
    set_state,
    solved,
)

QUEUE = reverse("desk:queue")
# Every query the queue page makes, whatever the number of rows (9): the session and the
# user; the agents (one list for both forms' assignee choices); the agent's teams; the
# capped count of the chosen queue; the five queue badges (one query); whether the user
# may configure (the header's link); the teams of the filter form; the page of tickets
# with every row's joins.
QUERY_BOUND = 9


@pytest.fixture
def desk(acme_admin, beta_admin, agent):
    colleague = make_agent("rosa@tique.example", "Rosa Soporte")
    tickets = {
        "unassigned": query(acme_admin, subject="Sin asignar"),
        "beta": query(beta_admin, subject="De Beta"),
        "mine": set_state(query(acme_admin, subject="Mío"), assignee=agent),
        "colleagues": set_state(query(acme_admin, subject="De Rosa"), assignee=colleague),
        "commercial": query(acme_admin, "commercial", subject="Comercial"),
        "commercial_mine": set_state(
            query(acme_admin, "commercial", subject="Comercial mío"), assignee=agent
        ),
        "solved_recently": solved(query(acme_admin, subject="Resuelto ayer"), days_ago=1),
        "solved_long_ago": solved(query(acme_admin, subject="Resuelto antiguo"), days_ago=10),
        "closed": closed(query(acme_admin, subject="Cerrado")),
    }
    return tickets


def listed(client, **params):
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return sorted(ticket.number for ticket in response.context["page"].object_list)


def named(desk, *names):
    return sorted(desk[name].number for name in names)


def test_the_desk_opens_on_unassigned_in_my_teams(desk, agent):
    response = signed_in(agent).get(QUEUE)
    assert response.context["queue"] == selectors.Queue.UNASSIGNED
    assert sorted(t.number for t in response.context["page"].object_list) == named(
        desk, "unassigned", "beta"
    )
    page = response.content.decode()
    assert "Unassigned in my teams" in page
    assert f"#{desk['beta'].number}" in page and "Beta Logística S.A." in page


def test_each_queue_lists_its_tickets(desk, agent):
    client = signed_in(agent)
    assert listed(client, queue="mine") == named(desk, "mine", "commercial_mine")
    assert listed(client, queue="teams") == named(desk, "unassigned", "beta", "mine", "colleagues")
    assert listed(client, queue="open") == named(
        desk, "unassigned", "beta", "mine", "colleagues", "commercial", "commercial_mine"
    )
    assert listed(client, queue="solved") == named(desk, "solved_recently")
    assert listed(client, queue="nonsense") == listed(client, queue="unassigned")


def test_the_queue_badges_count_each_queue(desk, agent):
    counts = signed_in(agent).get(QUEUE).context["counts"]
    assert counts == {"unassigned": 2, "mine": 2, "teams": 4, "open": 6, "solved": 1}


def test_counts_over_the_cap_read_cap_plus(desk, agent, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 3)
    response = signed_in(agent).get(QUEUE, {"queue": "open"})
    assert response.context["counts"] == {
        "unassigned": 2,
        "mine": 2,
        "teams": 4,  # cap + 1: counting stopped there
        "open": 4,
        "solved": 1,
    }
    page = response.content.decode()
    assert page.count(">3+</span>") == 2  # "My teams" and "All open"
    assert ">2</span>" in page


def test_counts_at_the_cap_are_exact(desk, agent, monkeypatch):
    monkeypatch.setattr(selectors, "COUNT_CAP", 6)
    page = signed_in(agent).get(QUEUE, {"queue": "open"}).content.decode()
    assert ">6</span>" in page and "+</span>" not in page
    assert "6 tickets" in page


# --- Filters ------------------------------------------------------------------------


def test_filters_are_query_parameters(desk, agent, beta_admin):
    client = signed_in(agent)
    commercial = Team.objects.get(slug="commercial")
    everything = {"queue": "open"}
    assert listed(client, **everything, number=desk["mine"].number) == named(desk, "mine")
    assert listed(client, **everything, account="C-10002") == named(desk, "beta")
    assert listed(client, **everything, account="c-10002") == named(desk, "beta")
    assert listed(client, **everything, account="beta log") == named(desk, "beta")
    assert listed(client, **everything, account="C-100") == []  # a code matches whole
    assert listed(client, **everything, requester=beta_admin.pk) == named(desk, "beta")
    assert listed(client, **everything, category="query", kind="commercial") == named(
        desk, "commercial", "commercial_mine"
    )
    assert listed(client, **everything, kind="commercial") == named(
        desk, "commercial", "commercial_mine"
    )
    assert listed(client, **everything, category="incident") == []
    assert listed(client, **everything, team=commercial.pk) == named(
        desk, "commercial", "commercial_mine"
    )
    assert listed(client, **everything, assignee=agent.pk) == named(desk, "mine", "commercial_mine")
    assert listed(client, **everything, assignee="none") == named(
        desk, "unassigned", "beta", "commercial"
    )
    assert listed(client, queue="solved", status="solved") == named(desk, "solved_recently")
    assert listed(client, **everything, status="pending") == []


def test_filters_combine_with_the_queue(desk, agent):
    client = signed_in(agent)
    assert listed(client, queue="mine", account="Acme") == named(desk, "mine", "commercial_mine")
    assert listed(client, queue="mine", team=Team.objects.get(slug="technical").pk) == named(
        desk, "mine"
    )


def test_category_kind_priority_and_status_filters(desk, agent, acme_admin):
    client = signed_in(agent)
    outage = incident(acme_admin, "cannot-place-calls")
    pbx = set_state(incident(acme_admin, "pbx"), status=Status.ON_HOLD)
    assert pbx.priority == Priority.NORMAL  # a PBX incident with calls working
    everything = {"queue": "open"}
    assert listed(client, **everything, category="incident") == sorted([outage.number, pbx.number])
    assert listed(client, **everything, category="incident", kind="pbx") == [pbx.number]
    assert listed(client, **everything, priority="high") == [outage.number]
    assert listed(client, **everything, status="on_hold") == [pbx.number]


def test_date_ranges_are_query_parameters(desk, agent):
    client = signed_in(agent)
    long_ago = timezone.now() - dt.timedelta(days=30)
    set_state(desk["beta"], created_at=long_ago, last_activity_at=long_ago)
    day = timezone.localtime(long_ago).date().isoformat()
    today = timezone.localdate().isoformat()
    everything = {"queue": "open"}
    assert listed(client, **everything, created_from=day, created_to=day) == named(desk, "beta")
    assert listed(client, **everything, updated_to=day) == named(desk, "beta")
    assert desk["beta"].number not in listed(client, **everything, created_from=today)
    assert desk["beta"].number not in listed(client, **everything, updated_from=today)
    assert len(listed(client, **everything, created_to=today)) == 6


def test_a_bad_filter_value_is_ignored_not_an_error(desk, agent):
    client = signed_in(agent)
    response = client.get(QUEUE, {"queue": "open", "number": "abc", "created_from": "ayer"})
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == 6


def test_each_sort_is_a_query_parameter(acme_admin, agent):
    now = timezone.now()
    low = set_state(
        query(acme_admin),
        priority=Priority.LOW,
        created_at=now - dt.timedelta(hours=3),
        last_activity_at=now - dt.timedelta(hours=1),
        first_response_due_at=now + dt.timedelta(hours=3),
    )
    urgent = set_state(
        query(acme_admin),
        priority=Priority.URGENT,
        created_at=now - dt.timedelta(hours=2),
        last_activity_at=now - dt.timedelta(hours=3),
        first_response_due_at=now + dt.timedelta(hours=1),
    )
    high = set_state(
        query(acme_admin),
        priority=Priority.HIGH,
        created_at=now - dt.timedelta(hours=1),
        last_activity_at=now - dt.timedelta(hours=2),
        first_response_due_at=now + dt.timedelta(hours=2),
    )
    client = signed_in(agent)

    def order(sort):
        response = client.get(QUEUE, {"queue": "open", "sort": sort})
        return [ticket.pk for ticket in response.context["page"].object_list]

    expected = {
        "-last_activity_at": [low, high, urgent],
        "last_activity_at": [urgent, high, low],
        "-created_at": [high, urgent, low],
        "created_at": [low, urgent, high],
        "priority": [urgent, high, low],
        "number": [low, urgent, high],
        "-number": [high, urgent, low],
        "sla": [urgent, high, low],
        "": [low, high, urgent],
    }
    assert set(expected) - {""} == set(selectors.SORTS)
    for sort, tickets in expected.items():
        assert order(sort) == [ticket.pk for ticket in tickets], sort


def test_an_htmx_request_gets_the_results_fragment_only(desk, agent):
    response = signed_in(agent).get(QUEUE, {"queue": "open"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert "<html" not in page and 'class="ticket-table desk-table"' in page
    assert "HX-Request" in response.headers["Vary"]


def test_an_empty_queue_says_so(agent):
    page = signed_in(agent).get(QUEUE).content.decode()
    assert "Nothing here: this queue is empty." in page
    page = signed_in(agent).get(QUEUE, {"account": "nadie"}).content.decode()
    assert "No ticket matches these filters." in page


# --- Query count --------------------------------------------------------------------


def queries_for(client, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(QUEUE, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [{"queue": "open"}, {"queue": "unassigned"}, {"queue": "open", "account": "Acme"}],
    ids=["all-open", "unassigned", "filtered"],
)
def test_the_queue_page_makes_a_bounded_number_of_queries(acme_admin, agent, params):
    """3 rows and 30 rows (25 on the page) cost the same, and no more than QUERY_BOUND."""
    colleague = make_agent("rosa@tique.example", "Rosa Soporte")
    client = signed_in(agent)
    client.get(QUEUE)  # a first request may warm caches (content types, translations)

    def grow_to(count):
        while len(listed_all()) < count:
            ticket = query(acme_admin)
            if ticket.number % 3 == 0:
                set_state(ticket, assignee=colleague)

    def listed_all():
        return list(selectors.queue_tickets(user=agent, queue=selectors.Queue.OPEN, team_ids=[]))

    grow_to(3)
    few = queries_for(client, params)
    grow_to(30)
    many = queries_for(client, params)
    assert few == many
    assert many <= QUERY_BOUND
