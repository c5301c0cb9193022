"""Who may call the API: a personal token as `Authorization: Bearer …` or the browser's
session with its CSRF token; what a read-only token, the rate limit and the size limit
refuse, always in the one error shape and never with a 500."""

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import open_ticket, signed_in
from tique.accounts.models import ApiToken
from tique.accounts.services import api_token_create, api_token_revoke
from tique.api.tests.conftest import ApiClient

TICKETS = "/api/v1/tickets"


def ticket_url(number: int) -> str:
    return f"{TICKETS}/{number}"


def bearer(secret: str, **extra) -> ApiClient:
    return ApiClient(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en", **extra)


def assert_error(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code
    assert body["message"]
    return body


def assert_unauthenticated(response) -> None:
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


# --- Bearer tokens -------------------------------------------------------------------


def test_a_bearer_token_lists_its_users_tickets(ana, api_for):
    ticket = open_ticket(ana)
    response = api_for(ana).get(TICKETS)
    assert response.status_code == 200
    assert [item["number"] for item in response.json()["items"]] == [ticket.number]


def test_a_bearer_token_writes(ana, api_for):
    ticket = open_ticket(ana)
    response = api_for(ana).post_json(f"{ticket_url(ticket.number)}/messages", {"body": "Hola"})
    assert response.status_code == 201
    assert ticket.messages.filter(body="Hola").exists()


def test_no_credentials_get_401(ana, client):
    assert_unauthenticated(client.get(TICKETS))
    assert_unauthenticated(client.post(TICKETS, {}, content_type="application/json"))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer tique_thisisnotarealtoken",
        "Bearer nonsense",
        "Bearer ",
        "Bearer " + "tique_" + "x" * 200,
        "Token tique_whatever",
        "Basic YW5hOnB3",
    ],
)
def test_a_wrong_token_gets_401(ana, api_for, header):
    api_for(ana)  # a real token exists; the one sent is not it
    assert_unauthenticated(Client(HTTP_AUTHORIZATION=header).get(TICKETS))


def test_a_wrong_token_on_a_write_is_401_not_a_csrf_failure(ana):
    # Real API clients get no CSRF exemption: with no session there is nothing to check.
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION="Bearer tique_wrong")
    assert_unauthenticated(client.post(TICKETS, {}, content_type="application/json"))


def test_a_valid_token_writes_without_a_csrf_token(ana):
    ticket = open_ticket(ana)
    _token, secret = api_token_create(user=ana, name="script")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = client.post(
        f"{ticket_url(ticket.number)}/messages", {"body": "Hola"}, content_type="application/json"
    )
    assert response.status_code == 201


def test_a_revoked_token_gets_401(ana):
    token, secret = api_token_create(user=ana, name="script")
    client = bearer(secret)
    assert client.get(TICKETS).status_code == 200
    api_token_revoke(token=token, actor=ana)
    assert_unauthenticated(client.get(TICKETS))


def test_an_expired_token_gets_401(ana):
    expires_at = timezone.now() + dt.timedelta(hours=1)
    _token, secret = api_token_create(user=ana, name="script", expires_at=expires_at)
    client = bearer(secret)
    assert client.get(TICKETS).status_code == 200
    with time_machine.travel(expires_at + dt.timedelta(seconds=1)):
        assert_unauthenticated(client.get(TICKETS))


def test_the_token_of_an_inactive_user_gets_401(ana):
    _token, secret = api_token_create(user=ana, name="script")
    ana.is_active = False
    ana.save(update_fields=["is_active"])
    assert_unauthenticated(bearer(secret).get(TICKETS))


def test_using_a_token_notes_when_it_was_last_used(ana):
    token, secret = api_token_create(user=ana, name="script")
    assert token.last_used_at is None
    bearer(secret).get(TICKETS)
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert abs(token.last_used_at - timezone.now()) < dt.timedelta(minutes=1)


# --- The browser's session -----------------------------------------------------------


def csrf_client(user) -> tuple[Client, str]:
    """A signed-in browser that enforces CSRF, with the token a page gave it."""
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    assert client.get(reverse("portal:profile")).status_code == 200
    return client, client.cookies["csrftoken"].value


def test_a_signed_in_session_reads(ana):
    ticket = open_ticket(ana)
    response = signed_in(ana).get(TICKETS)
    assert response.status_code == 200
    assert [item["number"] for item in response.json()["items"]] == [ticket.number]


def test_a_session_write_without_the_csrf_token_is_refused(ana):
    ticket = open_ticket(ana)
    client, _csrf = csrf_client(ana)
    response = client.post(
        f"{ticket_url(ticket.number)}/messages", {"body": "Hola"}, content_type="application/json"
    )
    assert_error(response, 403, "forbidden")
    assert not ticket.messages.filter(body="Hola").exists()


def test_a_session_write_with_the_csrf_token_passes(ana):
    ticket = open_ticket(ana)
    client, csrf = csrf_client(ana)
    response = client.post(
        f"{ticket_url(ticket.number)}/messages",
        {"body": "Hola"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 201
    assert ticket.messages.filter(body="Hola").exists()


def test_an_inactive_users_session_gets_401(ana):
    client = signed_in(ana)
    ana.is_active = False
    ana.save(update_fields=["is_active"])
    assert_unauthenticated(client.get(TICKETS))


# --- Read-only tokens ----------------------------------------------------------------


def test_a_read_only_token_reads(ana, api_for):
    ticket = open_ticket(ana)
    client = api_for(ana, read_only=True)
    assert client.get(TICKETS).status_code == 200
    assert client.get(ticket_url(ticket.number)).status_code == 200
    assert client.get(f"{ticket_url(ticket.number)}/messages").status_code == 200


def _writes(number: int) -> list[tuple[str, str]]:
    return [
        ("post", TICKETS),
        ("patch", ticket_url(number)),
        ("post", f"{ticket_url(number)}/messages"),
        ("delete", f"{ticket_url(number)}/links/{number + 1}"),
    ]


@pytest.mark.parametrize(
    "body",
    [
        '{"category": "query", "kind": "technical", "fields": {}}',
        "{not json",
        '{"nope": 1, "status": "exploded", "priority": [1], "body": 5}',
        "[1, 2, 3]",
        "",
    ],
    ids=["plausible", "invalid-json", "wrong-fields", "not-an-object", "empty"],
)
def test_a_read_only_token_gets_403_on_every_write_whatever_the_body(ana, api_for, body):
    ticket = open_ticket(ana)
    client = api_for(ana, read_only=True)
    for method, path in _writes(ticket.number):
        response = getattr(client, method)(path, body, content_type="application/json")
        assert_error(response, 403, "read_only_token")
    ticket.refresh_from_db()
    assert ticket.messages.count() == 1
    assert ticket.status == "new"


def test_a_read_only_token_gets_403_on_a_write_to_a_ticket_it_cannot_see(ana, beta_admin, api_for):
    # Refused before anything is looked up: not even a 404 tells it the number exists.
    theirs = open_ticket(beta_admin)
    response = api_for(ana, read_only=True).patch_json(ticket_url(theirs.number), {})
    assert_error(response, 403, "read_only_token")


def test_a_read_only_token_gets_403_on_an_upload(ana, api_for):
    response = api_for(ana, read_only=True).post("/api/v1/uploads", {})
    assert_error(response, 403, "read_only_token")


# --- Rate limits ---------------------------------------------------------------------


def test_a_token_over_its_rate_limit_gets_429_with_retry_after(ana, settings):
    settings.TIQUE_API_RATE_LIMIT = 3
    settings.TIQUE_API_RATE_WINDOW = 60
    _first, secret = api_token_create(user=ana, name="busy")
    _second, other = api_token_create(user=ana, name="quiet")
    busy = bearer(secret)
    for _ in range(3):
        assert busy.get(TICKETS).status_code == 200
    response = busy.get(TICKETS)
    assert_error(response, 429, "rate_limited")
    assert response["Retry-After"] == "60"
    # Writes count against the same budget.
    assert_error(busy.post_json(TICKETS, {}), 429, "rate_limited")
    # Each token has its own budget, and so has the browser session.
    quiet = bearer(other)
    for _ in range(3):
        assert quiet.get(TICKETS).status_code == 200
    assert_error(quiet.get(TICKETS), 429, "rate_limited")
    assert signed_in(ana).get(TICKETS).status_code == 200


def test_the_rate_limit_window_passes(ana, settings):
    settings.TIQUE_API_RATE_LIMIT = 1
    settings.TIQUE_API_RATE_WINDOW = 60
    _token, secret = api_token_create(user=ana, name="busy")
    client = bearer(secret)
    assert client.get(TICKETS).status_code == 200
    assert client.get(TICKETS).status_code == 429


# --- Bodies --------------------------------------------------------------------------


def test_a_body_over_the_limit_gets_413(ana, api_for, settings):
    settings.TIQUE_API_MAX_BODY_BYTES = 1024
    ticket = open_ticket(ana)
    client = api_for(ana)
    response = client.post_json(f"{ticket_url(ticket.number)}/messages", {"body": "x" * 2000})
    assert_error(response, 413, "too_large")
    assert ticket.messages.count() == 1
    # Just under the limit is fine.
    fine = client.post_json(f"{ticket_url(ticket.number)}/messages", {"body": "x" * 900})
    assert fine.status_code == 201


def test_the_size_limit_is_checked_first_even_for_a_read_only_token(ana, api_for, settings):
    settings.TIQUE_API_MAX_BODY_BYTES = 1024
    response = api_for(ana, read_only=True).post_json(TICKETS, {"fields": {"x": "y" * 2000}})
    assert_error(response, 413, "too_large")


def test_malformed_json_gets_400_in_the_error_shape(ana, api_for):
    ticket = open_ticket(ana)
    client = api_for(ana)
    for body in ["{not json", '{"body": "unterminated', "\x00{"]:
        assert_error(
            client.post(TICKETS, body, content_type="application/json"), 400, "bad_request"
        )
        response = client.patch(ticket_url(ticket.number), body, content_type="application/json")
        assert_error(response, 400, "bad_request")
    invalid_utf8 = b'{"body": "\xff\xfe"}'
    response = client.post(
        f"{ticket_url(ticket.number)}/messages", invalid_utf8, content_type="application/json"
    )
    assert_error(response, 400, "bad_request")


@pytest.mark.parametrize("body", ["[1, 2]", '"text"', "42", "null", "true"])
def test_a_json_body_that_is_not_an_object_gets_a_4xx_error_never_a_500(ana, api_for, body):
    ticket = open_ticket(ana)
    client = api_for(ana)
    for path in (TICKETS, f"{ticket_url(ticket.number)}/messages"):
        response = client.post(path, body, content_type="application/json")
        assert 400 <= response.status_code < 500, (path, response.status_code)
        assert set(response.json()) == {"code", "message", "fields"}
    assert ticket.messages.count() == 1


def test_a_form_encoded_body_gets_a_4xx_json_error(ana, api_for):
    response = api_for(ana).post(TICKETS, {"category": "query"})
    assert 400 <= response.status_code < 500
    assert set(response.json()) == {"code", "message", "fields"}


def test_a_non_numeric_content_length_is_a_400(ana, api_for):
    response = api_for(ana).post(
        TICKETS, "{}", content_type="application/json", CONTENT_LENGTH="lots"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


def test_tokens_are_stored_only_as_a_digest(ana):
    token, secret = api_token_create(user=ana, name="script")
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in {str(value) for value in stored.values()}
    assert secret.startswith(stored["prefix"])
