"""The satisfaction report in the desk: good and bad ratings per agent, team or account for
a range of days, the latest comments, and a CSV download with no cell a spreadsheet would
run. The clock is frozen at Tuesday 24 November 2026, 10:00 in Madrid."""

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from conftest import BUSINESS_HOURS, open_ticket, signed_in
from tique.accounts.models import Team
from tique.satisfaction.choices import RatingChannel
from tique.satisfaction.models import SatisfactionRating
from tique.satisfaction.selectors import Grouping, latest_comments, satisfaction_table
from tique.satisfaction.services import rating_record
from tique.satisfaction.tests.conftest import solve
from tique.tickets import services
from tique.tickets.tests.desk_helpers import make_agent

MADRID = ZoneInfo("Europe/Madrid")
REPORT = reverse("desk:satisfaction-report")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(BUSINESS_HOURS, tick=False):
        yield


def rated(requester, agent, rating, comment="", *, team=None, assignee=True):
    ticket = open_ticket(requester)
    if team is not None:
        services.ticket_set_team(ticket=ticket, actor=agent, team=Team.objects.get(slug=team))
    solve(ticket, agent)
    if not assignee:
        services.ticket_assign(ticket=ticket, actor=agent, assignee=None)
    return rating_record(
        ticket=ticket,
        user=requester,
        rating=rating,
        comment=comment,
        channel=RatingChannel.PANEL,
    )


@pytest.fixture
def billing_agent(db):
    return make_agent("billing@tique.example", "Bea Facturación", team="billing")


@pytest.fixture
def ratings(ana, luis, beta_admin, agent, billing_agent):
    """Four ratings in the default range and one long before it."""
    rated(ana, agent, "good", "Rapidísimos")
    rated(luis, agent, "bad", "Tardasteis dos días")
    rated(beta_admin, billing_agent, "good", team="billing")
    rated(ana, agent, "good", assignee=False)
    old = rated(luis, billing_agent, "bad", "Hace mucho", team="billing")
    SatisfactionRating.objects.filter(pk=old.pk).update(
        created_at=BUSINESS_HOURS - dt.timedelta(days=60)
    )


def table(grouping, start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 24)):
    rows = satisfaction_table(start=start, end=end, tz=MADRID, grouping=grouping)
    return [(row.label, row.code, row.good, row.bad, row.total, row.percent_good) for row in rows]


def test_ratings_per_agent(ratings):
    with translation.override("en"):
        rows = table(Grouping.AGENT)

    assert rows == [
        ("Pablo Técnico", "", 1, 1, 2, 50),
        ("Bea Facturación", "", 1, 0, 1, 100),
        ("No agent", "", 1, 0, 1, 100),
    ]


def test_ratings_per_team(ratings):
    with translation.override("en"):
        rows = table(Grouping.TEAM)

    assert rows == [
        ("Technical support", "", 2, 1, 3, 67),
        ("Billing", "", 1, 0, 1, 100),
    ]


def test_ratings_per_account(ratings):
    assert table(Grouping.ACCOUNT) == [
        ("Acme Telefonía S.L.", "C-10001", 2, 1, 3, 67),
        ("Beta Logística S.A.", "C-10002", 1, 0, 1, 100),
    ]


def test_the_range_is_of_whole_days_in_the_time_zone(ratings):
    assert table(Grouping.ACCOUNT, start=dt.date(2026, 9, 25), end=dt.date(2026, 9, 25)) == [
        ("Acme Telefonía S.L.", "C-10001", 0, 1, 1, 0),
    ]
    assert table(Grouping.ACCOUNT, start=dt.date(2026, 11, 25), end=dt.date(2026, 11, 30)) == []


def test_the_table_is_one_query_whatever_the_number_of_groups(ratings, django_assert_num_queries):
    for grouping in Grouping:
        with django_assert_num_queries(1):
            table(grouping)


def test_the_latest_comments_come_newest_first_with_their_ticket(ratings):
    comments = latest_comments(start=dt.date(2026, 10, 25), end=dt.date(2026, 11, 24), tz=MADRID)

    assert [c.comment for c in comments] == ["Tardasteis dos días", "Rapidísimos"]


def test_the_page_shows_the_table_the_bars_and_the_comments(ratings, agent):
    response = signed_in(agent).get(REPORT)

    assert response.status_code == 200
    html = response.content.decode()
    assert "by agent" in html
    assert "Pablo Técnico" in html
    assert html.count('<svg class="bar-chart"') == 4  # three agents and the total
    assert "1 good and 1 bad of 2 ratings" in html
    assert ">50%<" in html
    comment = SatisfactionRating.objects.get(comment="Rapidísimos")
    assert f'href="/desk/tickets/{comment.ticket.number}/"' in html
    assert "Rapidísimos" in html
    assert "Hace mucho" not in html


def test_the_page_groups_by_team_or_account_when_asked(ratings, agent):
    client = signed_in(agent)

    by_team = client.get(REPORT, {"group": "team"}).content.decode()
    by_account = client.get(REPORT, {"group": "account"}).content.decode()

    assert "Technical support" in by_team
    assert "by team" in by_team
    assert "C-10001" in by_account
    assert "by account" in by_account


def test_the_page_query_count_does_not_grow_with_the_groups(ratings, agent, ana, luis):
    client = signed_in(agent)
    client.get(REPORT)  # the session and anything cached on first use

    with CaptureQueriesContext(connection) as before:
        client.get(REPORT)
    for number in range(5):
        extra = make_agent(f"extra{number}@tique.example", f"Extra {number}")
        rated(ana, extra, "bad", f"Comentario {number}")
    with CaptureQueriesContext(connection) as after:
        client.get(REPORT)

    assert len(after) == len(before)
    assert len(after) <= 6


def test_the_page_runs_a_bounded_number_of_queries(ratings, agent, django_assert_max_num_queries):
    client = signed_in(agent)

    with django_assert_max_num_queries(6):
        client.get(REPORT, {"group": "team"})


def test_a_bad_range_is_refused_with_the_field_named(agent):
    response = signed_in(agent).get(
        REPORT, {"created_from": "2026-11-20", "created_to": "2026-11-01"}
    )

    assert response.status_code == 400
    assert "The end of the range is before its start." in response.content.decode()


def test_an_unknown_grouping_is_refused(agent):
    response = signed_in(agent).get(REPORT, {"group": "planet"})

    assert response.status_code == 400


def test_no_ratings_says_so(agent):
    html = signed_in(agent).get(REPORT).content.decode()

    assert "No ratings were given in these days." in html


def read_csv(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_has_the_table_and_the_total(ratings, agent):
    response = signed_in(agent).get(REPORT, {"group": "account", "format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="satisfaction-by-account-2026-10-25-2026-11-24.csv"'
        in (response["Content-Disposition"])
    )
    assert read_csv(response) == [
        ["Account", "Customer code", "Good", "Bad", "Total", "% good"],
        ["Acme Telefonía S.L.", "C-10001", "2", "1", "3", "67"],
        ["Beta Logística S.A.", "C-10002", "1", "0", "1", "100"],
        ["Total", "", "3", "1", "4", "75"],
    ]


def test_the_csv_neutralises_formulas(ratings, agent, beta, billing_agent):
    beta.name = '=HYPERLINK("http://evil.example","Beta")'
    beta.save(update_fields=["name"])
    billing_agent.full_name = "@SUM(1+1)"
    billing_agent.save(update_fields=["full_name"])
    client = signed_in(agent)

    by_account = read_csv(client.get(REPORT, {"group": "account", "format": "csv"}))
    by_agent = read_csv(client.get(REPORT, {"format": "csv"}))

    assert ['\'=HYPERLINK("http://evil.example","Beta")', "C-10002", "1", "0", "1", "100"] in (
        by_account
    )
    assert ["'@SUM(1+1)", "1", "0", "1", "100"] in by_agent


def test_customers_are_not_told_the_report_exists(acme_admin):
    assert signed_in(acme_admin).get(REPORT).status_code == 404


def test_the_sla_report_links_to_it(agent):
    html = signed_in(agent).get(reverse("desk:sla-report")).content.decode()

    assert f'href="{REPORT}"' in html
