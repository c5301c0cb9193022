"""Canned replies through the API: staff only, personal ones of their own to add and
delete, and any reply they may use filled in for a ticket."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import open_ticket
from tique.accounts.groups import SUPERVISORS
from tique.accounts.models import Team, User
from tique.tickets.models import CannedReply

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


@pytest.fixture
def replies(agent, supervisor):
    technical = Team.objects.get(slug="technical")
    billing = Team.objects.get(slug="billing")
    return {
        "shared": CannedReply.objects.create(title="Hola", body="Hola {customer_name},"),
        "technical": CannedReply.objects.create(
            title="Reinicio", body="Reinicie el router del ticket {ticket_number}.", team=technical
        ),
        "billing": CannedReply.objects.create(title="Factura", body="Adjunta.", team=billing),
        "mine": CannedReply.objects.create(
            title="Firma", body="Un saludo, {account_name} ({customer_code})", owner=agent
        ),
        "theirs": CannedReply.objects.create(title="Mía", body="De Sara.", owner=supervisor),
        "retired": CannedReply.objects.create(title="Vieja", body="No.", is_active=False),
    }


def titles(response) -> list[str]:
    return [reply["title"] for reply in response.json()]


# --- List -------------------------------------------------------------------------------


def test_an_agent_lists_shared_team_and_own_replies(api_for, agent, replies):
    response = api_for(agent).get("/api/v1/canned-replies")

    assert response.status_code == 200
    assert titles(response) == ["Firma", "Hola", "Reinicio"]
    by_title = {reply["title"]: reply for reply in response.json()}
    assert by_title["Hola"]["scope"] == "shared"
    assert by_title["Hola"]["team"] is None
    assert by_title["Reinicio"]["scope"] == "team"
    assert by_title["Reinicio"]["team"]["slug"] == "technical"
    assert by_title["Firma"] == {
        "id": replies["mine"].pk,
        "title": "Firma",
        "body": "Un saludo, {account_name} ({customer_code})",
        "scope": "personal",
        "team": None,
        "created_at": by_title["Firma"]["created_at"],
    }


def test_a_supervisor_sees_their_own_teams_and_replies(api_for, supervisor, replies):
    assert titles(api_for(supervisor).get("/api/v1/canned-replies")) == ["Factura", "Hola", "Mía"]


@pytest.mark.parametrize("persona", ["acme_admin", "ana", "beta_admin"])
def test_customers_may_not_touch_canned_replies(api_for, persona, request, replies):
    client = api_for(request.getfixturevalue(persona))
    shared = replies["shared"].pk

    answers = [
        client.get("/api/v1/canned-replies"),
        client.post_json("/api/v1/canned-replies", {"title": "x", "body": "y"}),
        client.delete(f"/api/v1/canned-replies/{shared}"),
        client.get(f"/api/v1/canned-replies/{shared}/render?ticket=1"),
    ]

    assert [answer.status_code for answer in answers] == [403, 403, 403, 403]
    assert CannedReply.objects.count() == 6


def test_the_list_costs_the_same_queries_for_3_or_30_replies(api_for, agent, replies):
    client = api_for(agent)
    client.get("/api/v1/canned-replies")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/canned-replies")
    technical = Team.objects.get(slug="technical")
    for i in range(27):
        CannedReply.objects.create(title=f"T{i}", body="x", team=technical if i % 2 else None)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/canned-replies")

    assert len(response.json()) == 30
    assert len(many) == len(few) <= 3


# --- Create -----------------------------------------------------------------------------


def test_an_agent_adds_a_personal_reply(api_for, agent):
    response = api_for(agent).post_json(
        "/api/v1/canned-replies", {"title": "  Cierre ", "body": "Lo cerramos, {customer_name}."}
    )

    assert response.status_code == 201
    reply = CannedReply.objects.get()
    assert (reply.owner, reply.team, reply.title) == (agent, None, "Cierre")
    assert response.json()["id"] == reply.pk
    assert response.json()["scope"] == "personal"


def test_a_blank_or_missing_title_is_a_422_naming_it(api_for, agent):
    client = api_for(agent)

    blank = client.post_json("/api/v1/canned-replies", {"title": "   ", "body": "Texto"})
    missing = client.post_json("/api/v1/canned-replies", {"body": "Texto"})
    too_long = client.post_json("/api/v1/canned-replies", {"title": "x" * 121, "body": "Texto"})

    for response in (blank, missing, too_long):
        assert response.status_code == 422
        assert response.json()["fields"].keys() == {"title"}
    assert not CannedReply.objects.exists()


def test_a_blank_body_is_a_422_naming_it(api_for, supervisor):
    response = api_for(supervisor).post_json("/api/v1/canned-replies", {"title": "T", "body": ""})

    assert response.status_code == 422
    assert response.json()["fields"].keys() == {"body"}


# --- Delete -----------------------------------------------------------------------------


def test_an_agent_deletes_a_personal_reply_of_their_own(api_for, agent, replies):
    response = api_for(agent).delete(f"/api/v1/canned-replies/{replies['mine'].pk}")

    assert response.status_code == 204
    assert not CannedReply.objects.filter(pk=replies["mine"].pk).exists()


@pytest.mark.parametrize("name", ["shared", "technical"])
def test_shared_and_team_replies_are_not_deleted_through_the_api(api_for, agent, replies, name):
    response = api_for(agent).delete(f"/api/v1/canned-replies/{replies[name].pk}")

    assert response.status_code == 403
    assert CannedReply.objects.filter(pk=replies[name].pk).exists()


def test_a_supervisor_cannot_delete_a_shared_reply_either(api_for, supervisor, replies):
    response = api_for(supervisor).delete(f"/api/v1/canned-replies/{replies['shared'].pk}")

    assert response.status_code == 403


@pytest.mark.parametrize("name", ["theirs", "billing", "retired"])
def test_another_agents_or_teams_reply_is_a_404(api_for, agent, replies, name):
    response = api_for(agent).delete(f"/api/v1/canned-replies/{replies[name].pk}")

    assert response.status_code == 404
    assert api_for(agent).delete("/api/v1/canned-replies/999999").status_code == 404
    assert CannedReply.objects.filter(pk=replies[name].pk).exists()


def test_read_only_tokens_neither_add_nor_delete(api_for, agent, replies):
    client = api_for(agent, read_only=True)

    added = client.post_json("/api/v1/canned-replies", {"title": "T", "body": "B"})
    deleted = client.delete(f"/api/v1/canned-replies/{replies['mine'].pk}")

    assert added.status_code == deleted.status_code == 403
    assert added.json()["code"] == deleted.json()["code"] == "read_only_token"
    assert CannedReply.objects.count() == 6
    assert client.get("/api/v1/canned-replies").status_code == 200


# --- Render -----------------------------------------------------------------------------


def test_a_reply_is_filled_in_for_a_ticket(api_for, agent, acme_admin, replies):
    ticket = open_ticket(acme_admin)
    client = api_for(agent)

    mine = client.get(f"/api/v1/canned-replies/{replies['mine'].pk}/render?ticket={ticket.number}")
    team = client.get(
        f"/api/v1/canned-replies/{replies['technical'].pk}/render?ticket={ticket.number}"
    )
    shared = client.get(
        f"/api/v1/canned-replies/{replies['shared'].pk}/render?ticket={ticket.number}"
    )

    assert mine.status_code == 200
    assert mine.json() == {"body": "Un saludo, Acme Telefonía S.L. (C-10001)"}
    assert team.json() == {"body": f"Reinicie el router del ticket {ticket.number}."}
    assert shared.json() == {"body": "Hola Marta Ortega,"}


def test_rendering_for_a_missing_ticket_is_a_422_naming_it(api_for, agent, replies):
    client = api_for(agent)
    path = f"/api/v1/canned-replies/{replies['shared'].pk}/render"

    unknown = client.get(f"{path}?ticket=99999999")
    missing = client.get(path)
    not_a_number = client.get(f"{path}?ticket=abc")

    for response in (unknown, missing, not_a_number):
        assert response.status_code == 422
        assert response.json()["fields"].keys() == {"ticket"}


def test_rendering_someone_elses_reply_is_a_404(api_for, agent, acme_admin, replies):
    ticket = open_ticket(acme_admin)

    response = api_for(agent).get(
        f"/api/v1/canned-replies/{replies['theirs'].pk}/render?ticket={ticket.number}"
    )

    assert response.status_code == 404
