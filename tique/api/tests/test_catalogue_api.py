"""The catalogue API: what each persona may open tickets of, and what each field wants."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tique.accounts.choices import Role
from tique.accounts.groups import SUPERVISORS
from tique.accounts.models import Account, Team, User
from tique.accounts.services import membership_add
from tique.tickets.models import IncidentKind, QueryKind, RequestType

# Declared here, not only through the personas, so that tests which ask for a persona by
# name (`request.getfixturevalue`) still run with the plain, migration-seeded database
# before any transactional test flushes it.
pytestmark = pytest.mark.django_db

ADMIN_ONLY = {
    "raise-deposit",
    "remove-vat",
    "update-paypal",
    "change-bank-account",
    "change-holder",
    "cancel-direct-debit",
    "refund",
}
FOR_EVERY_MEMBER = {"recover-number", "more-channels", "port-numbers", "rma", "other"}


@pytest.fixture
def supervisor(db):
    user = User.objects.create_user(
        email="sup@tique.example", password="x", full_name="Sara Supervisora", is_staff=True
    )
    user.groups.add(Group.objects.get(name=SUPERVISORS))
    return user


def slugs(entries) -> set[str]:
    return {entry["slug"] for entry in entries}


def by_category(response) -> dict[str, set[str]]:
    return {category["slug"]: slugs(category["entries"]) for category in response.json()}


def field(entry, name):
    return next(spec for spec in entry["fields"] if spec["name"] == name)


# --- Who sees what --------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["agent", "supervisor"])
def test_staff_see_every_active_entry_of_the_three_categories(api_for, persona, request):
    response = api_for(request.getfixturevalue(persona)).get("/api/v1/catalogue")

    assert response.status_code == 200
    seen = by_category(response)
    assert list(seen) == ["query", "request", "incident"]
    assert seen["query"] == {"technical", "commercial"}
    assert seen["request"] == ADMIN_ONLY | FOR_EVERY_MEMBER
    assert len(seen["incident"]) == 8


@pytest.mark.parametrize("persona", ["acme_admin", "beta_admin"])
def test_account_administrators_see_the_admin_only_request_types(api_for, persona, request):
    response = api_for(request.getfixturevalue(persona)).get("/api/v1/catalogue/request")

    assert response.status_code == 200
    assert slugs(response.json()) == ADMIN_ONLY | FOR_EVERY_MEMBER


def test_a_member_never_sees_an_admin_only_request_type(api_for, ana):
    response = api_for(ana).get("/api/v1/catalogue")

    seen = by_category(response)
    assert seen["request"] == FOR_EVERY_MEMBER
    assert seen["query"] == {"technical", "commercial"}
    assert len(seen["incident"]) == 8
    entries = [e for category in response.json() for e in category["entries"]]
    assert not any(entry["admin_only"] for entry in entries)


def test_a_member_of_an_account_where_only_admins_open_tickets_sees_nothing(api_for, beta: Account):
    member = User.objects.create_user(email="member@beta.example", password="x")
    membership_add(account=beta, user=member, role=Role.MEMBER)

    response = api_for(member).get("/api/v1/catalogue")

    assert response.status_code == 200
    assert all(not category["entries"] for category in response.json())
    assert api_for(member).get("/api/v1/catalogue/query/technical").status_code == 404


def test_an_admin_only_entry_asked_for_by_a_member_is_a_404(api_for, ana, acme_admin):
    path = "/api/v1/catalogue/request/change-bank-account"

    hidden = api_for(ana).get(path)
    shown = api_for(acme_admin).get(path)

    assert hidden.status_code == 404
    assert hidden.json()["code"] == "not_found"
    assert shown.status_code == 200
    assert shown.json()["admin_only"] is True


@pytest.mark.parametrize("persona", ["acme_admin", "ana", "beta_admin", "agent"])
def test_an_inactive_entry_is_gone_for_everyone(api_for, persona, request):
    client = api_for(request.getfixturevalue(persona))
    QueryKind.objects.filter(slug="commercial").update(is_active=False)

    assert client.get("/api/v1/catalogue/query/commercial").status_code == 404
    assert slugs(client.get("/api/v1/catalogue/query").json()) == {"technical"}


def test_an_unknown_entry_is_a_404_and_an_unknown_category_a_422_naming_it(api_for, ana):
    client = api_for(ana)

    missing = client.get("/api/v1/catalogue/incident/no-such-thing")
    bad_category = client.get("/api/v1/catalogue/complaint")

    assert missing.status_code == 404
    assert bad_category.status_code == 422
    assert bad_category.json()["fields"].keys() == {"category"}


def test_a_customer_of_several_accounts_chooses_one_by_its_code(api_for, ana, beta):
    membership_add(account=beta, user=ana, role=Role.ADMIN)  # member of Acme, admin of Beta
    client = api_for(ana)

    first = client.get("/api/v1/catalogue/request")  # Acme: first by name
    beta_side = client.get("/api/v1/catalogue/request?account=C-10002")
    entry = client.get("/api/v1/catalogue/request/refund?account=c-10002")

    assert slugs(first.json()) == FOR_EVERY_MEMBER
    assert slugs(beta_side.json()) == ADMIN_ONLY | FOR_EVERY_MEMBER
    assert entry.status_code == 200
    assert client.get("/api/v1/catalogue/request/refund").status_code == 404


def test_an_account_the_customer_is_not_in_is_a_422_naming_account(api_for, beta_admin):
    for path in (
        "/api/v1/catalogue?account=C-10001",
        "/api/v1/catalogue/query?account=C-10001",
        "/api/v1/catalogue/query/technical?account=C-99999",
    ):
        response = api_for(beta_admin).get(path)

        assert response.status_code == 422, path
        assert response.json()["fields"].keys() == {"account"}


def test_staff_ignore_the_account_parameter(api_for, agent):
    response = api_for(agent).get("/api/v1/catalogue/request?account=C-99999")

    assert response.status_code == 200
    assert slugs(response.json()) == ADMIN_ONLY | FOR_EVERY_MEMBER


# --- What an entry says -----------------------------------------------------------------


def test_an_entry_says_its_team_and_its_typed_fields(api_for, acme_admin):
    entry = api_for(acme_admin).get("/api/v1/catalogue/request/remove-vat").json()

    assert entry["category"] == "request"
    assert entry["name"] == "Remove VAT from my invoices"
    assert entry["team"] == {"slug": "billing", "name": Team.objects.get(slug="billing").name}
    assert entry["service_affecting"] is None
    reason = field(entry, "reason")
    assert reason["type"] == "choice"
    assert reason["required"] is True
    assert {"value": "ceuta", "label": "Ceuta"} in reason["options"]
    vat = field(entry, "eu_vat_number")
    assert vat["required"] is False
    assert vat["required_if"] == {"field": "reason", "value": "eu_intra_community"}
    assert vat["max_length"] == 20
    document = field(entry, "supporting_document")
    assert document["format"] == "list of upload tokens from POST /uploads"
    comments = field(entry, "comments")  # every request without a body field gets one
    assert comments["role"] == "body"
    assert comments["max_length"] == 20_000


def test_incidents_carry_the_common_fields_and_whether_they_affect_the_service(api_for, ana):
    entry = api_for(ana).get("/api/v1/catalogue/incident/pbx").json()

    assert entry["service_affecting"] == "when_failing"
    assert entry["admin_only"] is None
    names = [spec["name"] for spec in entry["fields"]]
    assert names[:5] == ["description", "tests_done", "started_at", "affected", "calls_failing_now"]
    assert names[-1] == "attachments"
    assert field(entry, "description")["role"] == "body"
    assert field(entry, "started_at")["format"] == "YYYY-MM-DDTHH:MM"
    assert field(entry, "affected")["type"] == "numbers_or_extensions"
    failing = field(entry, "calls_failing_now")
    assert failing["format"] == "true/false"
    assert failing["required"] is False  # false is an answer


def test_format_hints_tell_an_integrator_what_to_send(api_for, acme_admin):
    client = api_for(acme_admin)
    deposit = client.get("/api/v1/catalogue/request/raise-deposit").json()
    channels = client.get("/api/v1/catalogue/request/more-channels").json()
    bank = client.get("/api/v1/catalogue/request/change-bank-account").json()
    recover = client.get("/api/v1/catalogue/request/recover-number").json()
    rma = client.get("/api/v1/catalogue/request/rma").json()

    assert field(deposit, "amount")["format"] == "decimal, e.g. 1234.56"
    assert field(recover, "lost_on")["format"] == "YYYY-MM-DD"
    wanted = field(channels, "channels_wanted")
    assert wanted["greater_than"] == "current_channels"
    assert wanted["format"] == "whole number, at least 1"
    iban = field(bank, "iban")
    assert iban["sensitive"] is True
    assert iban["max_length"] == 42
    assert field(rma, "serial_number")["max_length"] == 64
    assert field(rma, "mac_address")["format"] == "MAC address, 12 hexadecimal digits"
    everything = [
        spec for entry in (deposit, channels, bank, recover, rma) for spec in entry["fields"]
    ]
    assert all(spec["format"] for spec in everything)


def test_phone_lists_are_described_as_lists(api_for, acme_admin):
    entry = api_for(acme_admin).get("/api/v1/catalogue/request/port-numbers").json()

    phones = [spec for spec in entry["fields"] if spec["type"] == "phones"]
    assert phones
    assert phones[0]["format"] == "list of phone numbers or ranges (first-last)"


def test_labels_come_in_the_callers_language(api_for, ana):
    ana.language = "es"
    ana.save(update_fields=["language"])

    entry = api_for(ana).get("/api/v1/catalogue/request/recover-number").json()
    categories = api_for(ana).get("/api/v1/catalogue").json()

    assert entry["name"] == "Quiero recuperar mi número de teléfono"
    assert field(entry, "number")["label"] == "Número a recuperar"
    assert field(entry, "comments")["label"] == "Comentarios"
    assert categories[0]["slug"] == "query"


def test_a_read_only_token_reads_the_catalogue(api_for, ana):
    assert api_for(ana, read_only=True).get("/api/v1/catalogue").status_code == 200


def test_the_catalogue_needs_a_caller(client):
    assert client.get("/api/v1/catalogue").status_code == 401


# --- Cost ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["ana", "agent"])
def test_the_catalogue_costs_one_query_per_category_however_many_entries(api_for, persona, request):
    client = api_for(request.getfixturevalue(persona))
    client.get("/api/v1/catalogue")  # the token's first use records it
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/catalogue")
    team = Team.objects.get(slug="technical")
    for i in range(5):
        RequestType.objects.create(slug=f"extra-{i}", name_es="x", name_en="x", team=team)
        IncidentKind.objects.create(slug=f"extra-incident-{i}", name_es="x", name_en="x", team=team)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/catalogue")

    assert len(by_category(response)["request"]) >= 10
    assert len(many) == len(few)
    catalogue_queries = [
        q for q in many.captured_queries if "tickets_" in q["sql"] and "FROM" in q["sql"]
    ]
    assert len(catalogue_queries) == 3
    assert len(many) <= 6
