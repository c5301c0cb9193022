"""The SLA report for staff: met and breached targets and median times per account or per
team for a range of days, as a page with a chart per group or as a CSV download.

The tickets are opened through the real service, then given exact SLA values with an
UPDATE, so the report is tested apart from the clock that fills them in. The clock is
frozen at Wednesday 25 November 2026, 12:00 in Madrid."""

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from conftest import open_ticket, signed_in
from tique.accounts.choices import Plan
from tique.accounts.models import Account, Team
from tique.core.exports import neutralise
from tique.core.testing.browser import assert_no_violations, sign_in_with_a_session
from tique.sla.models import SlaPolicy
from tique.sla.reports import Grouping, sla_report
from tique.tickets.choices import Status
from tique.tickets.models import Ticket
from tique.tickets.tests.desk_helpers import customer

MADRID = ZoneInfo("Europe/Madrid")
REPORT = reverse("desk:sla-report")


def madrid(year, month, day, hour=0, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=MADRID)


NOW = madrid(2026, 11, 25, 12, 0)


@pytest.fixture(autouse=True)
def frozen(request):
    """The clock stands still, except for the browser's live server."""
    if request.node.get_closest_marker("browser"):
        yield
        return
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def policy(db):
    found, _created = SlaPolicy.objects.get_or_create(
        plan=Plan.PREMIUM,
        category="",
        priority="",
        defaults={
            "name": "Premium",
            "first_response_minutes": 60,
            "next_response_minutes": 240,
            "resolution_minutes": 480,
        },
    )
    return found


def team(slug):
    return Team.objects.get(slug=slug)


def sla_ticket(user, policy, created, team_slug="technical", **fields):
    """A ticket of `user`'s account created at `created`, with these SLA values."""
    ticket = open_ticket(user)
    values = {
        "sla_policy": policy,
        "created_at": created,
        "team": team(team_slug) if team_slug else None,
        "attend_from": None,
        "first_response_due_at": created + dt.timedelta(hours=1),
        "first_responded_at": None,
        "first_response_breached": False,
        "resolution_due_at": created + dt.timedelta(days=3),
        "solved_at": None,
        "resolution_breached": False,
        "sla_paused_at": None,
        "closed_at": None,
        "status": Status.OPEN,
        **fields,
    }
    Ticket.objects.filter(pk=ticket.pk).update(**values)
    return ticket


@pytest.fixture
def tickets(acme_admin, beta_admin, policy):
    """Four Acme tickets and two Beta ones in the default range, and three left out."""
    # Acme, technical support: answered in 31 min, solved in 2 h. Met, met.
    sla_ticket(
        acme_admin,
        policy,
        madrid(2026, 11, 20, 10, 0),
        first_responded_at=madrid(2026, 11, 20, 10, 31),
        solved_at=madrid(2026, 11, 20, 12, 0),
        status=Status.SOLVED,
    )
    # Saturday night, attended from Monday 09:00: answered at 10:29 (89 min, late; the
    # sweep flagged it), solved at 13:00 (4 h, late, flagged).
    sla_ticket(
        acme_admin,
        policy,
        madrid(2026, 11, 21, 23, 0),
        attend_from=madrid(2026, 11, 23, 9, 0),
        first_response_due_at=madrid(2026, 11, 23, 10, 0),
        first_responded_at=madrid(2026, 11, 23, 10, 29),
        first_response_breached=True,
        resolution_due_at=madrid(2026, 11, 23, 12, 0),
        solved_at=madrid(2026, 11, 23, 13, 0),
        resolution_breached=True,
        status=Status.SOLVED,
    )
    # Not answered, due yesterday, not flagged yet: breached. Resolution still running.
    sla_ticket(acme_admin, policy, madrid(2026, 11, 24, 10, 0))
    # Opened half an hour ago, no team: both targets still running.
    sla_ticket(acme_admin, policy, madrid(2026, 11, 25, 11, 30), team_slug=None)
    # Beta, billing: answered in 45 min; solved in a day, after its due time (not flagged).
    sla_ticket(
        beta_admin,
        policy,
        madrid(2026, 11, 2, 9, 0),
        team_slug="billing",
        first_responded_at=madrid(2026, 11, 2, 9, 45),
        resolution_due_at=madrid(2026, 11, 2, 17, 0),
        solved_at=madrid(2026, 11, 3, 9, 0),
        status=Status.SOLVED,
    )
    # Answered in 25 min, then waiting for the customer since before its resolution was
    # due: paused, so still open.
    sla_ticket(
        beta_admin,
        policy,
        madrid(2026, 11, 10, 9, 0),
        team_slug="billing",
        first_responded_at=madrid(2026, 11, 10, 9, 25),
        resolution_due_at=madrid(2026, 11, 10, 12, 0),
        sla_paused_at=madrid(2026, 11, 10, 10, 0),
        status=Status.PENDING,
    )
    # Left out: no SLA policy; created the day before the range starts; merged away.
    sla_ticket(acme_admin, None, madrid(2026, 11, 20, 10, 0))
    sla_ticket(acme_admin, policy, madrid(2026, 10, 25, 23, 59))
    survivor = Ticket.objects.filter(account__customer_code="C-10001").first()
    sla_ticket(acme_admin, policy, madrid(2026, 11, 20, 9, 0), merged_into=survivor)


def report(grouping=Grouping.ACCOUNT, start=dt.date(2026, 10, 26), end=dt.date(2026, 11, 25)):
    return sla_report(start=start, end=end, grouping=grouping, tz=MADRID, now=NOW)


def figures(row):
    return (
        row.tickets,
        (row.first_met, row.first_breached, row.first_open),
        (row.resolution_met, row.resolution_breached, row.resolution_open),
        (row.median_first_response, row.median_resolution),
    )


# --- The figures --------------------------------------------------------------------


def test_by_account_it_counts_met_breached_and_open_and_takes_medians(tickets):
    found = report()
    assert [(row.label, row.code) for row in found.rows] == [
        ("Acme Telefonía S.L.", "C-10001"),
        ("Beta Logística S.A.", "C-10002"),
    ]
    acme, beta = found.rows
    assert figures(acme) == (4, (1, 2, 1), (1, 1, 2), (60, 180))
    assert figures(beta) == (2, (2, 0, 0), (0, 1, 1), (35, 1440))


def test_the_total_row_adds_the_counts_and_takes_the_median_of_every_ticket(tickets):
    total = report().total
    assert total.label == "Total"
    # First responses 25, 31, 45, 89 min; resolutions 120, 240, 1440 min.
    assert figures(total) == (6, (3, 2, 1), (1, 2, 3), (38, 240))


def test_by_team_it_groups_by_the_ticket_team_with_no_team_last(tickets):
    with translation.override("en"):
        rows = report(Grouping.TEAM).rows
    assert [(row.label, row.tickets) for row in rows] == [
        ("Billing", 2),
        ("Technical support", 3),
        ("No team", 1),
    ]
    billing, technical, nobody = rows
    assert figures(technical) == (3, (1, 2, 0), (1, 1, 1), (60, 180))
    assert figures(billing) == (2, (2, 0, 0), (0, 1, 1), (35, 1440))
    assert figures(nobody) == (1, (0, 0, 1), (0, 0, 1), (None, None))


def test_the_range_is_whole_days_in_the_time_zone_both_included(acme_admin, policy):
    for created in [
        madrid(2026, 11, 1, 23, 59),  # out: the day before
        madrid(2026, 11, 2, 0, 0),  # in: the first instant (23:00 UTC the day before)
        madrid(2026, 11, 10, 23, 59),  # in: the last day, late at night
        madrid(2026, 11, 11, 0, 0),  # out: the day after
    ]:
        sla_ticket(acme_admin, policy, created)
    found = report(start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 10))
    assert found.total.tickets == 2
    one_day = report(start=dt.date(2026, 11, 10), end=dt.date(2026, 11, 10))
    assert one_day.total.tickets == 1


def test_a_report_with_no_tickets_has_no_rows_and_an_empty_total(db):
    found = report()
    assert found.rows == []
    assert figures(found.total) == (0, (0, 0, 0), (0, 0, 0), (None, None))


def test_the_report_takes_two_queries_however_many_tickets_and_groups(
    acme_admin, beta_admin, policy, django_assert_num_queries
):
    sla_ticket(acme_admin, policy, madrid(2026, 11, 20, 10, 0))
    with django_assert_num_queries(2):
        report(Grouping.ACCOUNT)
    teams = ["billing", "commercial", "numbering", "logistics", None]
    for number, slug in enumerate(teams):
        owner = customer(f"C-2000{number}", f"Cliente {number}", f"c{number}@x.example", "Eva")
        answered = madrid(2026, 11, 20, 10, number)
        created = madrid(2026, 11, 20, 10, 0)
        sla_ticket(owner, policy, created, team_slug=slug, first_responded_at=answered)
        sla_ticket(owner, policy, created, team_slug=slug, solved_at=answered)
        sla_ticket(beta_admin, policy, created, team_slug=slug)
    with django_assert_num_queries(2):
        assert len(report(Grouping.ACCOUNT).rows) == 7
    with django_assert_num_queries(2):
        assert len(report(Grouping.TEAM).rows) == 6


# --- The page -----------------------------------------------------------------------


def test_the_page_shows_the_default_last_30_days_by_account(tickets, agent):
    response = signed_in(agent).get(REPORT)
    assert response.status_code == 200
    form = response.context["form"]
    assert form["created_from"].value() == "2026-10-26"
    assert form["created_to"].value() == "2026-11-25"
    page = response.content.decode()
    assert "Acme Telefonía S.L." in page and "C-10001" in page
    assert "1 h 0 min" in page  # Acme's median first response
    assert "35 min" in page and "1 d 0 h" in page  # Beta's medians
    assert "4 h 0 min" in page  # the total median resolution
    assert 'aria-current="page">Reports</a>' in page


def test_each_group_has_an_accessible_svg_chart_with_its_numbers(tickets, agent):
    page = signed_in(agent).get(REPORT).content.decode()
    charts = re.findall(r"<svg .*?</svg>", page, flags=re.DOTALL)
    assert len(charts) == 3  # two accounts and the total
    acme = charts[0]
    assert 'role="img"' in acme and 'aria-labelledby="chart-1"' in acme
    assert (
        '<title id="chart-1">First responses: 1 met, 2 breached, 1 open, of 4 tickets</title>'
        in acme
    )
    # The numbers are written beside the bars: colour is not the only signal.
    assert ">1 met</text>" in acme and ">2 breached</text>" in acme
    # Met is one ticket of four: a quarter of the scale (100).
    assert re.search(r'<rect x="0" y="1" width="25.0" ', acme)
    assert "style=" not in page  # the CSP forbids inline styles


def test_chart_lengths_are_not_localised_in_spanish(tickets, agent):
    agent.language = "es"
    agent.save()
    page = signed_in(agent).get(REPORT).content.decode()
    widths = re.findall(r'<rect x="0" y="\d+" width="([^"]+)"', page)
    assert widths and all(re.fullmatch(r"\d+(\.\d+)?", width) for width in widths)


def test_grouping_by_team_is_chosen_in_the_query_string(tickets, agent):
    response = signed_in(agent).get(REPORT, {"group": "team"})
    page = response.content.decode()
    assert response.context["report"].grouping is Grouping.TEAM
    assert "Technical support" in page and "No team" in page
    assert "C-10001" not in page


def test_bad_dates_come_back_with_the_error_at_the_field(agent):
    response = signed_in(agent).get(REPORT, {"created_from": "2026-13-45"})
    assert response.status_code == 400
    assert "created_from" in response.context["form"].errors
    page = response.content.decode()
    assert 'id="id_created_from_errors"' in page
    assert 'aria-describedby="id_created_from_errors"' in page
    assert 'value="2026-13-45"' in page


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"created_to": "0001-01-02"}, "created_to"),
        ({"created_to": "9999-12-31"}, "created_to"),
        ({"created_from": "0001-01-01", "created_to": "2026-11-25"}, "created_from"),
        ({"created_to": "yesterday"}, "created_to"),
    ],
)
def test_dates_off_the_calendar_are_errors_not_crashes(agent, params, field):
    response = signed_in(agent).get(REPORT, params)
    assert response.status_code == 400
    assert field in response.context["form"].errors


def test_an_end_before_the_start_is_an_error_at_the_end(agent):
    response = signed_in(agent).get(
        REPORT, {"created_from": "2026-11-10", "created_to": "2026-11-01"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["created_to"] == [
        "The end of the range is before its start."
    ]


def test_an_unknown_grouping_is_an_error_at_the_field(agent):
    response = signed_in(agent).get(REPORT, {"group": "planet"})
    assert response.status_code == 400
    assert "group" in response.context["form"].errors


def test_customers_are_not_told_the_report_exists(acme_admin):
    assert signed_in(acme_admin).get(REPORT).status_code == 404
    assert signed_in(acme_admin).get(REPORT, {"format": "csv"}).status_code == 404


def test_signed_out_visitors_go_to_sign_in(client):
    response = client.get(REPORT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_report_is_read_only(agent):
    assert signed_in(agent).post(REPORT).status_code == 405


def test_the_page_makes_as_many_queries_with_more_tickets_and_groups(
    acme_admin, beta_admin, policy, agent
):
    client = signed_in(agent)
    sla_ticket(acme_admin, policy, madrid(2026, 11, 20, 10, 0))
    client.get(REPORT)  # a first request may warm caches

    def queries(params):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(REPORT, params).status_code == 200
        return len(captured)

    shapes = [{"group": "account"}, {"group": "team"}, {"format": "csv", "group": "team"}]
    before = [queries(params) for params in shapes]
    for number in range(5):
        owner = customer(f"C-3000{number}", f"Cliente {number}", f"d{number}@x.example", "Eva")
        sla_ticket(owner, policy, madrid(2026, 11, 20, 10, 0), team_slug="billing")
        sla_ticket(beta_admin, policy, madrid(2026, 11, 21, 10, 0), team_slug="commercial")
    assert [queries(params) for params in shapes] == before


@pytest.mark.browser
@pytest.mark.filterwarnings(
    "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
)
def test_in_a_browser_the_report_breaks_no_rule_and_axe_finds_nothing(
    catalogue, tickets, agent, live_server, context, page, browser_errors
):
    sign_in_with_a_session(context, live_server.url, agent)
    range_ = "created_from=2026-10-26&created_to=2026-11-25"
    for what, query in {
        "the report by account": range_,
        "the report by team": f"{range_}&group=team",
        "the report with a bad date": "created_from=2026-11-31",
    }.items():
        page.goto(f"{live_server.url}{REPORT}?{query}")
        expect(page.get_by_role("heading", level=1, name="SLA report")).to_be_visible()
        assert_no_violations(page, what)
    expect(page.locator("#id_created_from_errors")).to_be_visible()
    page.goto(f"{live_server.url}{REPORT}?{range_}")
    expect(page.get_by_role("img", name=re.compile("^First responses: 1 met"))).to_be_visible()
    assert browser_errors == []


# --- The CSV ------------------------------------------------------------------------


def read_csv(response):
    assert response.content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_csv_has_a_header_the_rows_and_the_total(tickets, agent):
    response = signed_in(agent).get(REPORT, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="sla-by-account-2026-10-26-2026-11-25.csv"'
    )
    assert read_csv(response) == [
        [
            "Account",
            "Customer code",
            "Tickets",
            "First response met",
            "First response breached",
            "First response open",
            "Resolution met",
            "Resolution breached",
            "Resolution open",
            "Median first response (minutes)",
            "Median resolution (minutes)",
        ],
        ["Acme Telefonía S.L.", "C-10001", "4", "1", "2", "1", "1", "1", "2", "60", "180"],
        ["Beta Logística S.A.", "C-10002", "2", "2", "0", "0", "0", "1", "1", "35", "1440"],
        ["Total", "", "6", "3", "2", "1", "1", "2", "3", "38", "240"],
    ]


def test_the_csv_by_team_names_its_range_and_grouping(tickets, agent):
    response = signed_in(agent).get(
        REPORT,
        {
            "format": "csv",
            "group": "team",
            "created_from": "2026-11-20",
            "created_to": "2026-11-25",
        },
    )
    assert response["Content-Disposition"] == (
        'attachment; filename="sla-by-team-2026-11-20-2026-11-25.csv"'
    )
    rows = read_csv(response)
    assert rows[0][:2] == ["Team", "Tickets"]
    assert [row[0] for row in rows[1:]] == ["Technical support", "No team", "Total"]
    assert rows[-1][1] == "4"  # Beta's tickets are before the 20th
    assert rows[2][-2:] == ["", ""]  # no median without an answer


def test_the_csv_neutralises_cells_a_spreadsheet_would_run(agent, policy):
    evil = customer("C-40001", '=HYPERLINK("http://evil.example","Click")', "e@x.example", "Eve")
    Account.objects.filter(pk=evil.memberships.get().account_id).update(customer_code="-2+3")
    sla_ticket(evil, policy, madrid(2026, 11, 20, 10, 0), team_slug="billing")
    Team.objects.filter(slug="billing").update(name_en="@SUM(A1)", name_es="@SUM(A1)")
    by_account = read_csv(signed_in(agent).get(REPORT, {"format": "csv"}))
    assert by_account[1][:2] == ['\'=HYPERLINK("http://evil.example","Click")', "'-2+3"]
    by_team = read_csv(signed_in(agent).get(REPORT, {"format": "csv", "group": "team"}))
    assert by_team[1][0] == "'@SUM(A1)"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+34 600", "'+34 600"),
        ("-5", "'-5"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Acme = good", "Acme = good"),
        (42, "42"),
        (None, ""),
    ],
)
def test_a_cell_is_neutralised_only_when_it_starts_like_a_formula(value, cell):
    assert neutralise(value) == cell
