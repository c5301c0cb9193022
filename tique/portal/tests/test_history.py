"""The ticket history: newest first, filters that can be bookmarked and survive
pagination, and a query count that does not grow with the page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import open_ticket, signed_in
from tique.accounts.choices import Role
from tique.accounts.models import Membership, User
from tique.accounts.services import membership_add
from tique.tickets.models import Ticket

HISTORY = reverse("portal:ticket-list")


def listed(client, query=""):
    response = client.get(f"{HISTORY}{query}")
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def backdate(ticket: Ticket, days: int) -> Ticket:
    Ticket.objects.filter(pk=ticket.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
    ticket.refresh_from_db()
    return ticket


@pytest.fixture
def mixed(acme_admin, ana):
    """Five Acme tickets of every category, by two people, of different ages."""
    return {
        "old_query": backdate(open_ticket(acme_admin), 40),
        "request": backdate(open_ticket(acme_admin, "request", "recover-number"), 20),
        "incident": backdate(open_ticket(ana, "incident", "cannot-receive-calls"), 10),
        "ana_query": backdate(open_ticket(ana), 5),
        "new_query": open_ticket(acme_admin),
    }


def test_the_history_is_newest_first(acme_admin, mixed):
    tickets = listed(signed_in(acme_admin))
    assert tickets == sorted(tickets, key=lambda t: t.created_at, reverse=True)
    assert tickets[0] == mixed["new_query"] and tickets[-1] == mixed["old_query"]


def test_filter_by_ticket_number_finds_exactly_that_ticket(acme_admin, mixed):
    wanted = mixed["incident"]
    assert listed(signed_in(acme_admin), f"?number={wanted.number}") == [wanted]


def test_filter_by_requester_lists_what_that_user_opened(acme_admin, ana, mixed):
    tickets = listed(signed_in(acme_admin), f"?requester={ana.pk}")
    assert tickets == [mixed["ana_query"], mixed["incident"]]


def test_filter_by_category(acme_admin, mixed):
    client = signed_in(acme_admin)
    assert listed(client, "?category=incident") == [mixed["incident"]]
    assert listed(client, "?category=request") == [mixed["request"]]
    assert len(listed(client, "?category=query")) == 3


def test_filter_by_status(acme_admin, mixed):
    Ticket.objects.filter(pk=mixed["request"].pk).update(status="solved")
    assert listed(signed_in(acme_admin), "?status=solved") == [mixed["request"]]


def test_filter_by_created_date_range_counts_whole_days(acme_admin, mixed):
    today = timezone.localdate()
    start = (today - dt.timedelta(days=25)).isoformat()
    end = (today - dt.timedelta(days=8)).isoformat()
    tickets = listed(signed_in(acme_admin), f"?created_from={start}&created_to={end}")
    assert tickets == [mixed["incident"], mixed["request"]]


def test_filters_combine(acme_admin, ana, mixed):
    tickets = listed(signed_in(acme_admin), f"?requester={ana.pk}&category=query")
    assert tickets == [mixed["ana_query"]]


def test_a_member_cannot_filter_by_another_requester(ana, acme_admin, mixed):
    client = signed_in(ana)
    response = client.get(f"{HISTORY}?requester={acme_admin.pk}")
    assert "requester" not in response.context["form"].fields
    assert set(response.context["page"].object_list) == {mixed["ana_query"], mixed["incident"]}


def test_requester_choices_are_the_account_users_only(acme_admin, ana, beta_admin):
    response = signed_in(acme_admin).get(HISTORY)
    choices = {pk for pk, _name in response.context["form"].fields["requester"].choices if pk}
    assert choices == {acme_admin.pk, ana.pk}
    response = signed_in(acme_admin).get(f"{HISTORY}?requester={beta_admin.pk}")
    assert "requester" in response.context["form"].errors


def test_bad_filter_values_are_reported_and_kept(acme_admin, mixed):
    response = signed_in(acme_admin).get(f"{HISTORY}?number=abc&created_from=2026-13-40")
    assert response.status_code == 200
    form = response.context["form"]
    assert "number" in form.errors and "created_from" in form.errors
    assert b'value="abc"' in response.content
    assert len(response.context["page"].object_list) == 5


def test_an_end_date_before_the_start_is_an_error(acme_admin, mixed):
    response = signed_in(acme_admin).get(f"{HISTORY}?created_from=2026-11-10&created_to=2026-11-01")
    assert "created_to" in response.context["form"].errors


def test_filters_survive_pagination(acme_admin, settings, mixed):
    settings.TIQUE_TICKETS_PER_PAGE = 2
    client = signed_in(acme_admin)
    response = client.get(f"{HISTORY}?category=query")
    assert b"category=query&amp;page=2" in response.content
    second = client.get(f"{HISTORY}?category=query&page=2")
    assert [t.category for t in second.context["page"].object_list] == ["query"]
    assert second.context["page"].number == 2


def test_an_htmx_request_gets_only_the_results_fragment(acme_admin, mixed):
    response = signed_in(acme_admin).get(f"{HISTORY}?category=incident", HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert str(mixed["incident"].number).encode() in response.content
    assert response.headers["Vary"].count("HX-Request") == 1


def _queries_for_history(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HISTORY)
    assert response.status_code == 200
    return len(queries)


def test_the_history_query_count_does_not_grow_with_the_tickets_on_the_page(
    acme_admin, ana, settings
):
    settings.TIQUE_TICKETS_PER_PAGE = 50
    client = signed_in(acme_admin)
    open_ticket(acme_admin)
    open_ticket(ana, "incident", "cannot-receive-calls")
    _queries_for_history(client)  # kinds and teams are read once a process, then kept
    few = _queries_for_history(client)
    for _ in range(8):
        open_ticket(acme_admin, "request", "recover-number")
        open_ticket(ana, "incident", "cannot-receive-calls")
        open_ticket(ana)
    many = _queries_for_history(client)
    assert many == few
    assert many <= 6


def test_a_long_history_counts_only_a_few_pages_ahead(acme_admin, settings):
    settings.TIQUE_TICKETS_PER_PAGE = 1
    for _ in range(13):
        open_ticket(acme_admin)
    client = signed_in(acme_admin)

    first = client.get(HISTORY).content.decode()
    near_the_end = client.get(HISTORY, {"page": 12}).content.decode()

    assert "Page 1 of 12 or more" in first
    assert "More than 11 tickets" in first
    assert "Page 12 of 13<" in near_the_end
    assert "13 tickets" in near_the_end


def test_the_requester_list_follows_people_joining_and_renamed(acme, acme_admin, ana):
    client = signed_in(acme_admin)

    def names() -> set[str]:
        field = client.get(HISTORY).context["form"].fields["requester"]
        return {name for pk, name in field.choices if pk}

    assert names() == {"Marta Ortega", "Ana Ruiz"}
    newcomer = User.objects.create_user(email="eva@acme.example", full_name="Eva Sanz")
    membership_add(account=acme, user=newcomer, role=Role.MEMBER)
    assert names() == {"Marta Ortega", "Ana Ruiz", "Eva Sanz"}
    ana.full_name = "Ana Ruiz Gil"
    ana.save()
    assert names() == {"Marta Ortega", "Ana Ruiz Gil", "Eva Sanz"}
    Membership.objects.filter(user=newcomer).delete()
    assert names() == {"Marta Ortega", "Ana Ruiz Gil"}


def _reads_people(queries) -> bool:
    return any("accounts_membership" in q["sql"] and "full_name" in q["sql"] for q in queries)


def test_the_requester_list_is_read_once_then_cached(acme_admin, ana):
    client = signed_in(acme_admin)
    with CaptureQueriesContext(connection) as first:
        client.get(HISTORY)
    with CaptureQueriesContext(connection) as second:
        client.get(HISTORY)
    assert _reads_people(first)
    assert not _reads_people(second)
