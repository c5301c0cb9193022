"""Input of any shape is a 4xx in the one error shape, never a 500, on every database:
numbers past what the database holds, days past what a datetime holds, NUL characters
(which PostgreSQL cannot store), forged cursors and unreadable bodies. Found by
schemathesis (`make api-check`); each case here is one it found or one of its kind."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import open_ticket
from tique.tickets.models import Message, Ticket

TICKETS = "/api/v1/tickets"
HUGE = "99999999999999999999"  # past a signed 64-bit integer
QUERY: dict[str, Any] = {
    "category": "query",
    "kind": "technical",
    "fields": {"subject": "Desvío de llamadas", "question": "¿Cómo lo activo?"},
}


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    return body


# --- Numbers and days the database cannot hold ----------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", f"{TICKETS}/{HUGE}"),
        ("get", f"{TICKETS}/-{HUGE}"),
        ("get", f"{TICKETS}/{HUGE}/messages"),
        ("get", f"{TICKETS}/{HUGE}/events"),
        ("get", f"{TICKETS}/{{number}}/attachments/{HUGE}"),
        ("delete", f"{TICKETS}/{{number}}/links/{HUGE}"),
    ],
)
def test_a_number_too_large_for_the_database_in_a_path_is_a_404(api_for, agent, ana, method, path):
    ticket = open_ticket(ana)
    response = getattr(api_for(agent), method)(path.format(number=ticket.number))
    assert_error(response, 404, "not_found")


def test_a_ticket_number_too_large_for_the_database_finds_no_ticket(api_for, ana):
    open_ticket(ana)
    response = api_for(ana).get(TICKETS, {"number": HUGE})
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_a_requester_id_too_large_for_the_database_is_a_422_naming_it(api_for, ana):
    response = api_for(ana).get(TICKETS, {"requester": HUGE})
    assert set(assert_error(response, 422, "validation_error")["fields"]) == {"requester"}


@pytest.mark.parametrize("name", ["created_from", "created_to", "updated_from", "updated_to"])
@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_day_a_datetime_cannot_hold_is_a_422_naming_it(api_for, agent, name, day):
    response = api_for(agent).get(TICKETS, {name: day})
    assert set(assert_error(response, 422, "validation_error")["fields"]) == {name}


def test_the_first_and_last_days_that_fit_are_accepted(api_for, agent, ana):
    ticket = open_ticket(ana)
    response = api_for(agent).get(
        TICKETS,
        {
            "created_from": "0001-01-02",
            "created_to": "9999-12-30",
            "updated_from": "0001-01-02",
            "updated_to": "9999-12-30",
        },
    )
    assert response.status_code == 200, response.content
    assert [item["number"] for item in response.json()["items"]] == [ticket.number]


# --- NUL characters --------------------------------------------------------------------


def test_a_nul_character_in_a_subject_is_a_422_naming_the_field(api_for, acme_admin):
    payload = {**QUERY, "fields": {**QUERY["fields"], "subject": "Desvío\x00"}}

    response = api_for(acme_admin).post_json(TICKETS, payload)

    body = assert_error(response, 422, "validation_error")
    assert set(body["fields"]) == {"fields.subject"}
    assert not Ticket.objects.exists()


def test_a_nul_character_in_a_reply_or_its_attachments_is_a_422_and_nothing_is_added(api_for, ana):
    ticket = open_ticket(ana)
    client = api_for(ana)
    url = f"{TICKETS}/{ticket.number}/messages"

    body = assert_error(client.post_json(url, {"body": "Hola\x00"}), 422, "validation_error")
    assert set(body["fields"]) == {"body"}
    response = client.post_json(url, {"body": "Hola", "attachments": ["token\x00"]})
    assert set(assert_error(response, 422, "validation_error")["fields"]) == {"attachments"}
    assert Message.objects.filter(ticket=ticket).count() == 1


def test_a_nul_character_in_a_json_key_is_a_422(api_for, acme_admin):
    payload = {**QUERY, "fields": {**QUERY["fields"], "x\x00": "y"}}
    response = api_for(acme_admin).post_json(TICKETS, payload)
    assert set(assert_error(response, 422, "validation_error")["fields"]) == {"fields.x\x00"}


@pytest.mark.parametrize("name", ["account", "kind", "team", "cursor"])
def test_a_nul_character_in_a_query_parameter_is_a_422_naming_it(api_for, agent, name):
    response = api_for(agent).get(TICKETS, {name: "C-10001\x00"})
    assert set(assert_error(response, 422, "validation_error")["fields"]) == {name}


def test_a_nul_character_in_a_path_parameter_is_a_422_naming_it(api_for, acme_admin):
    response = api_for(acme_admin).get("/api/v1/accounts/C-10001%00")
    assert set(assert_error(response, 422, "validation_error")["fields"]) == {"code"}


def test_a_nul_character_in_a_patched_team_is_a_422(api_for, agent, ana):
    ticket = open_ticket(ana)
    response = api_for(agent).patch_json(f"{TICKETS}/{ticket.number}", {"team": "tech\x00"})
    assert set(assert_error(response, 422, "validation_error")["fields"]) == {"team"}


# --- Cursors -----------------------------------------------------------------------------


@pytest.mark.parametrize("cursor", ["abc", "0" * 2000, "eyJzIjoieCJ9:forged:sig"])
def test_an_invalid_cursor_is_a_400_naming_the_cursor(api_for, ana, cursor):
    ticket = open_ticket(ana)
    client = api_for(ana)
    for path in (TICKETS, f"{TICKETS}/{ticket.number}/messages"):
        body = assert_error(client.get(path, {"cursor": cursor}), 400, "bad_cursor")
        assert set(body["fields"]) == {"cursor"}


def test_a_cursor_of_another_list_is_a_400_naming_the_cursor(api_for, ana):
    ticket = open_ticket(ana)
    open_ticket(ana)
    client = api_for(ana)
    cursor = client.get(TICKETS, {"limit": 1}).json()["next_cursor"]
    assert cursor

    response = client.get(f"{TICKETS}/{ticket.number}/messages", {"cursor": cursor})

    assert set(assert_error(response, 400, "bad_cursor")["fields"]) == {"cursor"}


# --- Unreadable bodies -------------------------------------------------------------------


def test_a_multipart_upload_without_a_boundary_is_a_400_in_the_error_shape(api_for, ana):
    response = api_for(ana).post(
        "/api/v1/uploads", b"not multipart", content_type="multipart/form-data"
    )
    assert_error(response, 400, "bad_request")


# --- What the schema declares --------------------------------------------------------------


def test_every_operation_declares_the_errors_every_request_may_meet(client):
    schema = client.get("/api/v1/openapi.json").json()

    assert "ErrorOut" in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            declared = set(operation["responses"])
            label = f"{method.upper()} {path}"
            assert {"401", "429"} <= declared, label
            if operation.get("parameters") or "requestBody" in operation:
                assert "422" in declared, label
            if "requestBody" in operation:
                assert {"400", "413"} <= declared, label
            if method != "get":
                assert "403" in declared, label
            if "cursor" in {parameter["name"] for parameter in operation.get("parameters", ())}:
                assert "400" in declared, label


def test_the_rate_limit_and_authentication_errors_declare_their_headers(client):
    schema = client.get("/api/v1/openapi.json").json()
    responses = schema["paths"]["/api/v1/tickets/{number}"]["get"]["responses"]
    assert "Retry-After" in responses["429"]["headers"]
    assert "WWW-Authenticate" in responses["401"]["headers"]


def test_an_attachment_is_declared_with_any_content_type(client):
    schema = client.get("/api/v1/openapi.json").json()
    download = schema["paths"]["/api/v1/tickets/{number}/attachments/{attachment_id}"]["get"]
    assert set(download["responses"]["200"]["content"]) == {"*/*"}


def test_a_body_that_is_not_a_json_object_is_refused_not_read_as_empty(api_for, acme_admin):
    ticket = open_ticket(acme_admin)
    client = api_for(acme_admin)

    for body in ("[1, 2]", '"solved"', "null", "3"):
        response = client.patch(
            f"/api/v1/tickets/{ticket.number}", body, content_type="application/json"
        )
        assert response.status_code == 400, body
        assert response.json()["fields"].keys() == {"body"}
