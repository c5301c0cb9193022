"""The tickets API: the panel's and the desk's rules, through /api/v1/tickets."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import open_ticket
from tique.accounts.choices import Role
from tique.accounts.models import Team, User
from tique.accounts.services import membership_add
from tique.tickets.choices import Channel, Status
from tique.tickets.models import Ticket

INCIDENT: dict[str, Any] = {
    "category": "incident",
    "kind": "cannot-receive-calls",
    "fields": {
        "description": "No entran llamadas desde las 9",
        "tests_done": "Reiniciamos el router",
        "affected": ["912345678"],
        "calls_failing_now": False,
        "called_number": "912345678",
        "caller_number": "600111222",
        "failed_at": "2026-11-24T09:30",
    },
}
QUERY = {
    "category": "query",
    "kind": "technical",
    "fields": {"subject": "Desvío de llamadas", "question": "¿Cómo lo activo?"},
}
REQUEST = {
    "category": "request",
    "kind": "recover-number",
    "fields": {"number": "912 345 678", "reason": "Baja por error"},
}


def numbers(response) -> list[int]:
    return [item["number"] for item in response.json()["items"]]


# --- Create ---------------------------------------------------------------------------


@pytest.mark.parametrize("payload", [QUERY, REQUEST, INCIDENT], ids=lambda p: p["category"])
def test_customer_opens_a_ticket_of_each_category(api_for, acme_admin, payload):
    response = api_for(acme_admin).post_json("/api/v1/tickets", payload)

    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get(number=body["number"])
    assert ticket.category == payload["category"]
    assert ticket.kind.slug == payload["kind"]
    assert ticket.channel == Channel.API
    assert ticket.requester == acme_admin
    assert body["account"] == {"code": "C-10001", "name": "Acme Telefonía S.L."}
    assert response["Location"] == f"/api/v1/tickets/{ticket.number}"


def test_typed_values_are_validated_and_normalised_like_the_panel(api_for, acme_admin):
    response = api_for(acme_admin).post_json("/api/v1/tickets", REQUEST)

    assert response.json()["fields"]["number"] == "+34912345678"


def test_invalid_typed_fields_are_named_in_the_error(api_for, acme_admin):
    payload = {**INCIDENT, "fields": {**INCIDENT["fields"], "called_number": "12", "bogus": 1}}
    del payload["fields"]["tests_done"]

    response = api_for(acme_admin).post_json("/api/v1/tickets", payload)

    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"fields.bogus"}
    payload["fields"].pop("bogus")
    error = api_for(acme_admin).post_json("/api/v1/tickets", payload).json()
    assert set(error["fields"]) == {"fields.called_number", "fields.tests_done"}
    assert not Ticket.objects.exists()


def test_a_missing_category_is_a_422_naming_it(api_for, acme_admin):
    response = api_for(acme_admin).post_json("/api/v1/tickets", {"kind": "technical"})

    assert response.status_code == 422
    assert "category" in response.json()["fields"]


def test_member_cannot_use_an_admin_only_request_type(api_for, ana):
    payload = {"category": "request", "kind": "update-paypal", "fields": {}}

    response = api_for(ana).post_json("/api/v1/tickets", payload)

    assert response.status_code == 422
    assert response.json()["fields"] == {"kind": ["Unknown kind."]}


def test_customer_cannot_open_a_ticket_for_another_account(api_for, beta_admin):
    response = api_for(beta_admin).post_json("/api/v1/tickets", {**QUERY, "account": "C-10001"})

    assert response.status_code == 422
    assert "account" in response.json()["fields"]
    assert not Ticket.objects.exists()


def test_staff_do_not_open_tickets_as_customers(api_for, agent):
    response = api_for(agent).post_json("/api/v1/tickets", QUERY)

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_files_are_uploaded_first_and_given_by_token(api_for, acme_admin, agent):
    client = api_for(acme_admin)
    upload = client.post(
        "/api/v1/uploads",
        {"file": SimpleUploadedFile("mandato.pdf", b"%PDF-1.4\n% sepa\n", "application/pdf")},
    )
    assert upload.status_code == 201, upload.content
    token = upload.json()["token"]
    payload = {
        "category": "request",
        "kind": "change-bank-account",
        "fields": {
            "iban": "ES91 2100 0418 4502 0005 1332",
            "holder_name": "Acme Telefonía S.L.",
            "holder_tax_id": "B12345674",
            "sepa_mandate": [token],
        },
    }

    created = client.post_json("/api/v1/tickets", payload)

    assert created.status_code == 201, created.content
    number = created.json()["number"]
    assert "1332" in created.json()["fields"]["iban"]
    assert "2100" not in created.json()["fields"]["iban"]  # masked for the customer too
    files = client.get(f"/api/v1/tickets/{number}/attachments").json()
    assert [(f["name"], f["field"]) for f in files] == [("mandato.pdf", "sepa_mandate")]
    download = client.get(files[0]["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4\n% sepa\n"
    assert download["Content-Disposition"].startswith("attachment")
    # The token was used up: the same file cannot be given twice.
    again = client.post_json("/api/v1/tickets", payload)
    assert again.status_code == 422
    assert "fields.sepa_mandate" in again.json()["fields"]


def test_an_upload_token_is_its_uploaders_only(api_for, acme_admin, luis):
    upload = api_for(acme_admin).post(
        "/api/v1/uploads", {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n", "application/pdf")}
    )
    ticket = open_ticket(luis)

    response = api_for(luis).post_json(
        f"/api/v1/tickets/{ticket.number}/messages",
        {"body": "Adjunto", "attachments": [upload.json()["token"]]},
    )

    assert response.status_code == 422
    assert "attachments" in response.json()["fields"]


def test_an_upload_of_a_refused_type_names_the_file_field(api_for, acme_admin):
    response = api_for(acme_admin).post(
        "/api/v1/uploads", {"file": SimpleUploadedFile("virus.exe", b"MZ", "application/x-exe")}
    )

    assert response.status_code == 422
    assert "file" in response.json()["fields"]


def test_bank_data_is_shown_whole_to_the_billing_team_only(api_for, acme_admin, agent):
    client = api_for(acme_admin)
    token = client.post(
        "/api/v1/uploads", {"file": SimpleUploadedFile("m.pdf", b"%PDF-1.4\n", "application/pdf")}
    ).json()["token"]
    number = client.post_json(
        "/api/v1/tickets",
        {
            "category": "request",
            "kind": "change-bank-account",
            "fields": {
                "iban": "ES9121000418450200051332",
                "holder_name": "Acme",
                "holder_tax_id": "B12345674",
                "sepa_mandate": token,
            },
        },
    ).json()["number"]
    billing = User.objects.create_user(email="billing@tique.example", is_staff=True)
    Team.objects.get(slug="billing").members.add(billing)

    assert "2100" not in api_for(agent).get(f"/api/v1/tickets/{number}").json()["fields"]["iban"]
    shown = api_for(billing).get(f"/api/v1/tickets/{number}").json()["fields"]["iban"]
    assert shown == "ES9121000418450200051332"


# --- Idempotency ---------------------------------------------------------------------


def test_a_retried_create_with_the_same_key_returns_the_first_ticket(api_for, acme_admin):
    client = api_for(acme_admin)

    first = client.post_json("/api/v1/tickets", QUERY, HTTP_IDEMPOTENCY_KEY="abc-1")
    again = client.post_json("/api/v1/tickets", QUERY, HTTP_IDEMPOTENCY_KEY="abc-1")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["number"] == first.json()["number"]
    assert Ticket.objects.count() == 1


def test_a_key_reused_for_another_request_is_a_conflict(api_for, acme_admin):
    client = api_for(acme_admin)
    client.post_json("/api/v1/tickets", QUERY, HTTP_IDEMPOTENCY_KEY="abc-2")

    response = client.post_json("/api/v1/tickets", REQUEST, HTTP_IDEMPOTENCY_KEY="abc-2")

    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_conflict"
    assert Ticket.objects.count() == 1


def test_keys_belong_to_their_user(api_for, acme_admin, ana):
    api_for(acme_admin).post_json("/api/v1/tickets", QUERY, HTTP_IDEMPOTENCY_KEY="same")

    response = api_for(ana).post_json("/api/v1/tickets", QUERY, HTTP_IDEMPOTENCY_KEY="same")

    assert response.status_code == 201
    assert Ticket.objects.count() == 2


def test_a_create_without_a_key_makes_a_new_ticket_each_time(api_for, acme_admin):
    client = api_for(acme_admin)
    client.post_json("/api/v1/tickets", QUERY)
    client.post_json("/api/v1/tickets", QUERY)

    assert Ticket.objects.count() == 2


# --- List ---------------------------------------------------------------------------


def test_each_persona_lists_what_the_panel_or_desk_shows_them(
    api_for, acme_admin, ana, luis, beta_admin, agent
):
    mine = open_ticket(ana)
    theirs = open_ticket(luis)
    beta = open_ticket(beta_admin)

    assert set(numbers(api_for(acme_admin).get("/api/v1/tickets"))) == {
        mine.number,
        theirs.number,
    }
    assert numbers(api_for(ana).get("/api/v1/tickets")) == [mine.number]
    assert numbers(api_for(beta_admin).get("/api/v1/tickets")) == [beta.number]
    assert set(numbers(api_for(agent).get("/api/v1/tickets"))) == {
        mine.number,
        theirs.number,
        beta.number,
    }


def test_filters_narrow_the_list(api_for, acme_admin, agent):
    query = open_ticket(acme_admin)
    request = open_ticket(acme_admin, "request", "recover-number")
    client = api_for(agent)

    assert numbers(client.get("/api/v1/tickets?category=request")) == [request.number]
    assert numbers(client.get("/api/v1/tickets?kind=technical")) == [query.number]
    assert numbers(client.get("/api/v1/tickets?account=C-10001&sort=number")) == [
        query.number,
        request.number,
    ]
    assert numbers(client.get("/api/v1/tickets?status=solved")) == []
    assert numbers(client.get("/api/v1/tickets?team=no-such-team")) == []


def test_queues_are_for_staff(api_for, acme_admin, agent):
    ticket = open_ticket(acme_admin)

    assert api_for(acme_admin).get("/api/v1/tickets?queue=mine").status_code == 403
    assert numbers(api_for(agent).get("/api/v1/tickets?queue=unassigned")) == [ticket.number]
    assert numbers(api_for(agent).get("/api/v1/tickets?queue=mine")) == []


def test_bad_filters_are_named(api_for, agent):
    response = api_for(agent).get("/api/v1/tickets?status=lost&limit=1000&assignee=x")

    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"status", "limit", "assignee"}


@pytest.mark.parametrize("sort", ["-last_activity_at", "created_at", "priority", "sla", "-number"])
def test_cursor_pages_walk_every_ticket_once_in_order(api_for, acme_admin, agent, sort):
    made = {open_ticket(acme_admin).number for _ in range(7)}
    client = api_for(agent)
    seen: list[int] = []
    url = f"/api/v1/tickets?limit=3&sort={sort}"
    cursor = None
    for _page in range(5):
        response = client.get(url + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200
        seen += numbers(response)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    whole = numbers(client.get(f"/api/v1/tickets?limit=100&sort={sort}"))
    assert seen == whole
    assert set(seen) == made


def test_a_forged_or_foreign_cursor_is_refused(api_for, acme_admin, agent):
    for _ in range(3):
        open_ticket(acme_admin)
    client = api_for(agent)
    cursor = client.get("/api/v1/tickets?limit=1").json()["next_cursor"]

    forged = client.get("/api/v1/tickets?limit=1&cursor=" + cursor[:-3] + "abc")
    other_filters = client.get(f"/api/v1/tickets?limit=1&sort=number&cursor={cursor}")
    other_user = api_for(acme_admin).get(f"/api/v1/tickets?limit=1&cursor={cursor}")

    for response in (forged, other_filters, other_user):
        assert response.status_code == 400
        assert response.json()["fields"].keys() == {"cursor"}


def test_the_list_costs_the_same_queries_for_2_or_20_tickets(api_for, acme_admin, agent):
    client = api_for(agent)
    client.get("/api/v1/tickets")  # the token's first use records it
    for _ in range(2):
        open_ticket(acme_admin)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/tickets?limit=100")
    for _ in range(18):
        open_ticket(acme_admin, "request", "recover-number")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/api/v1/tickets?limit=100")

    assert len(response.json()["items"]) == 20
    assert len(many) == len(few)
    assert len(many) <= 6


# --- One ticket -----------------------------------------------------------------------


def test_another_accounts_ticket_is_the_same_404_as_a_missing_one(api_for, acme_admin, beta_admin):
    ticket = open_ticket(acme_admin)
    client = api_for(beta_admin)

    hidden = client.get(f"/api/v1/tickets/{ticket.number}")
    missing = client.get("/api/v1/tickets/99999999")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content
    for path in ("messages", "attachments", "links", "events"):
        assert client.get(f"/api/v1/tickets/{ticket.number}/{path}").status_code == 404
    assert (
        client.patch_json(f"/api/v1/tickets/{ticket.number}", {"status": "solved"}).status_code
        == 404
    )


def test_a_customer_of_two_accounts_lists_each_as_their_role_there(
    api_for, ana, luis, beta, beta_admin
):
    # Ana is a member of ACME (her own tickets only) and an administrator of Beta (all).
    membership_add(account=beta, user=ana, role=Role.ADMIN)
    mine = open_ticket(ana)
    colleagues = open_ticket(luis)
    beta_ticket = open_ticket(beta_admin)

    listed = numbers(api_for(ana).get("/api/v1/tickets"))

    assert sorted(listed) == sorted([mine.number, beta_ticket.number])
    assert colleagues.number not in listed


def test_a_customer_whose_account_was_closed_lists_nothing(api_for, acme_admin):
    open_ticket(acme_admin)
    account = acme_admin.memberships.get().account
    account.is_active = False
    account.save(update_fields=["is_active"])

    assert numbers(api_for(acme_admin).get("/api/v1/tickets")) == []


def test_a_member_sees_only_their_own_tickets(api_for, ana, luis):
    ticket = open_ticket(luis)

    assert api_for(ana).get(f"/api/v1/tickets/{ticket.number}").status_code == 404
    assert api_for(luis).get(f"/api/v1/tickets/{ticket.number}").status_code == 200


def test_the_detail_has_sla_targets_and_the_web_link(api_for, acme_admin, agent):
    ticket = open_ticket(acme_admin, "incident", "cannot-receive-calls")

    customer = api_for(acme_admin).get(f"/api/v1/tickets/{ticket.number}").json()
    staff = api_for(agent).get(f"/api/v1/tickets/{ticket.number}").json()

    assert customer["sla"]["first_response_due_at"] is not None
    assert customer["url"].endswith(f"/tickets/{ticket.number}/")
    assert staff["url"].endswith(f"/desk/tickets/{ticket.number}/")


# --- Changes ---------------------------------------------------------------------------


def test_customer_solves_and_reopens_but_sets_nothing_else(api_for, acme_admin):
    ticket = open_ticket(acme_admin)
    client = api_for(acme_admin)
    url = f"/api/v1/tickets/{ticket.number}"

    assert client.patch_json(url, {"status": "solved"}).json()["status"] == "solved"
    assert client.patch_json(url, {"status": "open"}).json()["status"] == "open"
    assert client.patch_json(url, {"status": "on_hold"}).status_code == 403
    assert client.patch_json(url, {"priority": "urgent"}).status_code == 403
    ticket.refresh_from_db()
    assert ticket.priority == "normal"


def test_agent_assigns_prioritises_and_moves_a_ticket(api_for, acme_admin, agent):
    ticket = open_ticket(acme_admin)
    client = api_for(agent)

    response = client.patch_json(
        f"/api/v1/tickets/{ticket.number}",
        {"assignee": agent.pk, "priority": "high", "team": "billing", "status": "pending"},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["assignee"]["id"] == agent.pk
    assert (body["priority"], body["team"]["slug"], body["status"]) == (
        "high",
        "billing",
        "pending",
    )
    unassigned = client.patch_json(f"/api/v1/tickets/{ticket.number}", {"assignee": None})
    assert unassigned.json()["assignee"] is None


def test_a_failed_change_changes_nothing(api_for, acme_admin, agent):
    ticket = open_ticket(acme_admin)

    response = api_for(agent).patch_json(
        f"/api/v1/tickets/{ticket.number}", {"priority": "high", "assignee": acme_admin.pk}
    )

    assert response.status_code == 422
    assert "assignee" in response.json()["fields"]
    ticket.refresh_from_db()
    assert ticket.priority == "normal"


def test_agent_merges_a_duplicate_into_another_ticket(api_for, acme_admin, beta_admin, agent):
    original = open_ticket(acme_admin)
    duplicate = open_ticket(acme_admin)
    foreign = open_ticket(beta_admin)
    client = api_for(agent)

    assert (
        api_for(acme_admin)
        .post_json(f"/api/v1/tickets/{duplicate.number}/merge", {"into": original.number})
        .status_code
        == 403
    )
    across = client.post_json(f"/api/v1/tickets/{foreign.number}/merge", {"into": original.number})
    assert across.status_code == 422
    merged = client.post_json(
        f"/api/v1/tickets/{duplicate.number}/merge", {"into": original.number}
    )

    assert merged.status_code == 200
    assert merged.json()["number"] == original.number
    old = client.get(f"/api/v1/tickets/{duplicate.number}").json()
    assert (old["status"], old["merged_into"]) == ("closed", original.number)


def test_agent_links_and_unlinks_tickets(api_for, acme_admin, beta_admin, agent):
    one, two = open_ticket(acme_admin), open_ticket(beta_admin)
    client = api_for(agent)

    linked = client.post_json(f"/api/v1/tickets/{one.number}/links", {"number": two.number})
    assert linked.status_code == 201
    assert [t["number"] for t in linked.json()] == [two.number]
    # The customer sees only the links to tickets they may see.
    assert api_for(acme_admin).get(f"/api/v1/tickets/{one.number}/links").json() == []
    assert client.delete(f"/api/v1/tickets/{one.number}/links/{two.number}").status_code == 204
    assert client.get(f"/api/v1/tickets/{one.number}/links").json() == []


def test_the_audit_trail_is_for_staff(api_for, acme_admin, agent):
    ticket = open_ticket(acme_admin)
    api_for(agent).patch_json(f"/api/v1/tickets/{ticket.number}", {"priority": "high"})

    assert api_for(acme_admin).get(f"/api/v1/tickets/{ticket.number}/events").status_code == 403
    events = api_for(agent).get(f"/api/v1/tickets/{ticket.number}/events").json()
    assert [e["kind"] for e in events][-1] == "priority"
    assert events[-1]["old_value"] == "normal" and events[-1]["new_value"] == "high"


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_key_make_one_ticket(catalogue, acme_admin):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    from concurrent.futures import ThreadPoolExecutor

    from tique.api.tests.conftest import api_client

    client = api_client(acme_admin)

    def create(_i: int) -> int:
        try:
            response = client.post_json("/api/v1/tickets", QUERY, HTTP_IDEMPOTENCY_KEY="race")
            return int(response.status_code)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        codes = list(pool.map(create, range(6)))

    assert sorted(codes) == [200] * 5 + [201]
    assert Ticket.objects.count() == 1
    assert Ticket.objects.get().status == Status.NEW
