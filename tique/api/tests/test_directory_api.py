"""Accounts and users through the API: who sees which account, its users, teams, agents."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tique.accounts.choices import Role
from tique.accounts.groups import SUPERVISORS
from tique.accounts.models import Account, Team, User
from tique.accounts.services import membership_add

# Declared here, not only through the personas, so that tests which ask for a persona by
# name (`request.getfixturevalue`) still run with the plain, migration-seeded database
# before any transactional test flushes it.
pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisor(db):
    user = User.objects.create_user(
        email="sup@tique.example", password="x", full_name="Sara Supervisora", is_staff=True
    )
    user.groups.add(Group.objects.get(name=SUPERVISORS))
    Team.objects.get(slug="billing").members.add(user)
    return user


def codes(response) -> list[str]:
    return [item["code"] for item in response.json()["items"]]


def make_accounts(count: int, prefix: str = "Zeta") -> None:
    Account.objects.bulk_create(
        Account(name=f"{prefix} {i:02d}", customer_code=f"C-2{i:04d}", tax_id="B12345674")
        for i in range(count)
    )


# --- Me -------------------------------------------------------------------------------


def test_a_customer_sees_their_accounts_and_roles(api_for, ana, beta):
    membership_add(account=beta, user=ana, role=Role.ADMIN)

    response = api_for(ana).get("/api/v1/users/me")

    assert response.status_code == 200
    assert response.json() == {
        "id": ana.pk,
        "name": "Ana Ruiz",
        "email": "ana@acme.example",
        "language": None,
        "is_staff": False,
        "teams": [],
        "memberships": [
            {"account": {"code": "C-10001", "name": "Acme Telefonía S.L."}, "role": "member"},
            {"account": {"code": "C-10002", "name": "Beta Logística S.A."}, "role": "admin"},
        ],
    }


@pytest.mark.parametrize("persona", ["acme_admin", "beta_admin"])
def test_an_account_administrator_sees_their_role(api_for, persona, request):
    user = request.getfixturevalue(persona)

    body = api_for(user).get("/api/v1/users/me").json()

    assert body["id"] == user.pk
    assert [m["role"] for m in body["memberships"]] == ["admin"]


def test_staff_see_their_teams(api_for, agent, supervisor):
    agent.language = "en"
    agent.save(update_fields=["language"])

    mine = api_for(agent).get("/api/v1/users/me").json()
    theirs = api_for(supervisor).get("/api/v1/users/me").json()

    assert mine["is_staff"] is True
    assert mine["language"] == "en"
    assert [team["slug"] for team in mine["teams"]] == ["technical"]
    assert mine["memberships"] == []
    assert [team["slug"] for team in theirs["teams"]] == ["billing"]


def test_an_inactive_account_is_left_out_of_me(api_for, ana, acme):
    Account.objects.filter(pk=acme.pk).update(is_active=False)

    assert api_for(ana).get("/api/v1/users/me").json()["memberships"] == []


# --- Accounts -----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["agent", "supervisor"])
def test_staff_list_every_account_by_name(api_for, persona, request, acme, beta):
    Account.objects.create(
        name="Closed Co", customer_code="C-10003", tax_id="B12345674", is_active=False
    )

    response = api_for(request.getfixturevalue(persona)).get("/api/v1/accounts")

    assert response.status_code == 200
    assert codes(response) == ["C-10001", "C-10002", "C-10003"]
    assert response.json()["items"][2]["is_active"] is False
    assert response.json()["next_cursor"] is None


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("acme_admin", ["C-10001"]), ("ana", ["C-10001"]), ("beta_admin", ["C-10002"])],
)
def test_a_customer_lists_only_their_own_accounts(api_for, persona, expected, request, acme, beta):
    response = api_for(request.getfixturevalue(persona)).get("/api/v1/accounts")

    assert codes(response) == expected


def test_staff_filter_accounts_by_the_start_of_code_or_name(api_for, agent, acme, beta):
    client = api_for(agent)

    assert codes(client.get("/api/v1/accounts?q=beta")) == ["C-10002"]
    assert codes(client.get("/api/v1/accounts?q=c-10001")) == ["C-10001"]
    assert codes(client.get("/api/v1/accounts?q=C-1000")) == ["C-10001", "C-10002"]
    assert codes(client.get("/api/v1/accounts?q=Logística")) == []  # a prefix, not a substring


def test_the_account_list_comes_in_cursor_pages(api_for, agent):
    make_accounts(5)
    client = api_for(agent)

    first = client.get("/api/v1/accounts?limit=2").json()
    second = client.get(f"/api/v1/accounts?limit=2&cursor={first['next_cursor']}").json()
    third = client.get(f"/api/v1/accounts?limit=2&cursor={second['next_cursor']}").json()

    seen = [item["name"] for page in (first, second, third) for item in page["items"]]
    assert seen == [f"Zeta {i:02d}" for i in range(5)]
    assert third["next_cursor"] is None


def test_a_cursor_is_refused_with_other_filters_or_another_caller(api_for, agent, supervisor):
    make_accounts(3)
    cursor = api_for(agent).get("/api/v1/accounts?limit=1").json()["next_cursor"]

    other_filter = api_for(agent).get(f"/api/v1/accounts?limit=1&q=Zeta&cursor={cursor}")
    other_caller = api_for(supervisor).get(f"/api/v1/accounts?limit=1&cursor={cursor}")

    for response in (other_filter, other_caller):
        assert response.status_code == 400
        assert response.json()["fields"].keys() == {"cursor"}


def test_a_bad_limit_is_a_422_naming_it(api_for, agent):
    response = api_for(agent).get("/api/v1/accounts?limit=0")

    assert response.status_code == 422
    assert response.json()["fields"].keys() == {"limit"}


def test_the_account_list_costs_the_same_queries_for_2_or_40_accounts(api_for, agent, acme, beta):
    client = api_for(agent)
    client.get("/api/v1/accounts")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/accounts?limit=100")
    make_accounts(38)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/accounts?limit=100")

    assert len(response.json()["items"]) == 40
    assert len(many) == len(few) <= 3


@pytest.mark.parametrize("persona", ["acme_admin", "ana", "agent", "supervisor"])
def test_one_account_with_its_details(api_for, persona, request, acme):
    response = api_for(request.getfixturevalue(persona)).get("/api/v1/accounts/C-10001")

    assert response.status_code == 200
    assert response.json() == {
        "code": "C-10001",
        "name": "Acme Telefonía S.L.",
        "plan": "basic",
        "tax_id": "B12345674",
        "contact_email": "",
        "contact_phone": "",
        "members_can_open_tickets": True,
        "language": "es",
        "time_zone": "Europe/Madrid",
        "is_active": True,
    }


def test_another_accounts_details_are_the_same_404_as_a_missing_one(api_for, beta_admin, acme):
    client = api_for(beta_admin)

    hidden = client.get("/api/v1/accounts/C-10001")
    missing = client.get("/api/v1/accounts/C-99999")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_an_inactive_account_is_gone_for_its_customers_but_not_for_staff(
    api_for, acme_admin, agent, acme
):
    Account.objects.filter(pk=acme.pk).update(is_active=False)

    assert api_for(acme_admin).get("/api/v1/accounts/C-10001").status_code == 404
    assert api_for(acme_admin).get("/api/v1/accounts").json()["items"] == []
    assert api_for(agent).get("/api/v1/accounts/C-10001").json()["is_active"] is False


# --- An account's users ---------------------------------------------------------------------


def test_an_account_administrator_lists_the_accounts_users(api_for, acme_admin, ana, luis):
    ana.phone = "+34600111222"
    ana.save(update_fields=["phone"])

    response = api_for(acme_admin).get("/api/v1/accounts/C-10001/users")

    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["name"] for item in items] == ["Ana Ruiz", "Luis Gómez", "Marta Ortega"]
    assert items[0] == {
        "id": ana.pk,
        "name": "Ana Ruiz",
        "email": "ana@acme.example",
        "phone": "+34600111222",
        "role": "member",
        "is_active": True,
    }
    assert items[2]["role"] == "admin"


@pytest.mark.parametrize("persona", ["agent", "supervisor"])
def test_staff_list_any_accounts_users(api_for, persona, request, acme_admin, beta_admin):
    client = api_for(request.getfixturevalue(persona))

    acme_users = client.get("/api/v1/accounts/C-10001/users").json()["items"]
    beta_users = client.get("/api/v1/accounts/C-10002/users").json()["items"]

    assert [u["email"] for u in acme_users] == ["admin@acme.example"]
    assert [u["email"] for u in beta_users] == ["admin@beta.example"]


def test_a_member_may_not_list_their_accounts_users(api_for, ana):
    response = api_for(ana).get("/api/v1/accounts/C-10001/users")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_another_accounts_users_are_a_404(api_for, beta_admin, acme_admin):
    client = api_for(beta_admin)

    assert client.get("/api/v1/accounts/C-10001/users").status_code == 404
    assert client.get("/api/v1/accounts/C-99999/users").status_code == 404


def test_account_users_come_in_pages_at_a_constant_cost(api_for, acme_admin, acme):
    client = api_for(acme_admin)
    client.get("/api/v1/accounts/C-10001/users")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/accounts/C-10001/users")
    for i in range(24):
        user = User.objects.create_user(email=f"u{i:02d}@acme.example", full_name=f"User {i:02d}")
        membership_add(account=acme, user=user, role=Role.MEMBER)
    with CaptureQueriesContext(connection) as many:
        first = client.get("/api/v1/accounts/C-10001/users?limit=20").json()
    second = client.get(f"/api/v1/accounts/C-10001/users?limit=20&cursor={first['next_cursor']}")

    assert len(many) == len(few)
    names = [item["name"] for item in first["items"] + second.json()["items"]]
    assert len(names) == len(set(names)) == 25
    assert second.json()["next_cursor"] is None


# --- Teams and agents ---------------------------------------------------------------------


def test_staff_list_the_active_teams_with_their_members(api_for, agent, supervisor):
    Team.objects.filter(slug="technical").update(supervisor=supervisor)
    Team.objects.filter(slug="logistics").update(is_active=False)

    response = api_for(agent).get("/api/v1/teams")

    assert response.status_code == 200
    teams = {team["slug"]: team for team in response.json()}
    assert "logistics" not in teams
    technical = teams["technical"]
    assert technical["supervisor"] == {
        "id": supervisor.pk,
        "name": "Sara Supervisora",
        "email": "sup@tique.example",
    }
    assert [member["id"] for member in technical["members"]] == [agent.pk]
    assert [member["id"] for member in teams["billing"]["members"]] == [supervisor.pk]


def test_the_team_list_costs_the_same_queries_however_many_members(api_for, agent):
    client = api_for(agent)
    client.get("/api/v1/teams")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/teams")
    for team in Team.objects.all():
        for i in range(3):
            team.members.add(
                User.objects.create_user(email=f"{team.slug}{i}@tique.example", is_staff=True)
            )
    with CaptureQueriesContext(connection) as many:
        client.get("/api/v1/teams")

    assert len(many) == len(few) <= 3


def test_staff_list_the_agents_with_teams_and_availability(api_for, agent, supervisor):
    User.objects.filter(pk=agent.pk).update(is_on_call=True)
    User.objects.create_user(email="gone@tique.example", is_staff=True, is_active=False)

    response = api_for(supervisor).get("/api/v1/agents")

    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["id"] for item in items] == [agent.pk, supervisor.pk]  # by name
    assert items[0] == {
        "id": agent.pk,
        "name": "Pablo Técnico",
        "email": "agent@tique.example",
        "teams": [{"slug": "technical", "name": Team.objects.get(slug="technical").name}],
        "is_away": False,
        "is_on_call": True,
        "is_supervisor": False,
    }
    assert items[1]["is_supervisor"] is True


def test_agents_of_one_team(api_for, agent, supervisor):
    client = api_for(agent)

    billing = client.get("/api/v1/agents?team=billing").json()["items"]
    unknown = client.get("/api/v1/agents?team=nope")

    assert [item["id"] for item in billing] == [supervisor.pk]
    assert unknown.status_code == 422
    assert unknown.json()["fields"].keys() == {"team"}


def test_the_agent_list_costs_the_same_queries_for_2_or_20_agents(api_for, agent, supervisor):
    client = api_for(agent)
    client.get("/api/v1/agents")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/agents")
    teams = list(Team.objects.all())
    for i in range(18):
        user = User.objects.create_user(email=f"a{i}@tique.example", is_staff=True)
        user.teams.set(teams[: i % 3 + 1])
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/agents?limit=100")

    assert len(response.json()["items"]) == 20
    assert len(many) == len(few) <= 3


@pytest.mark.parametrize("path", ["/api/v1/teams", "/api/v1/agents"])
@pytest.mark.parametrize("persona", ["acme_admin", "ana", "beta_admin"])
def test_customers_may_not_list_teams_or_agents(api_for, persona, path, request):
    response = api_for(request.getfixturevalue(persona)).get(path)

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_read_only_token_reads_the_directory(api_for, acme_admin):
    client = api_for(acme_admin, read_only=True)

    for path in ("/api/v1/users/me", "/api/v1/accounts", "/api/v1/accounts/C-10001/users"):
        assert client.get(path).status_code == 200, path
