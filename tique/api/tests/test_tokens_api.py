"""The caller's own tokens through the API: listed without their secret, made only from a
signed-in browser (a token cannot mint tokens), revoked by their owner only."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in
from tique.accounts.models import ApiToken
from tique.accounts.services import api_token_create, api_token_digest, api_token_revoke

TOKENS = "/api/v1/tokens"
TICKETS = "/api/v1/tickets"


def post_json(client: Client, path: str, data: object, **extra: Any) -> Any:
    return client.post(path, data, content_type="application/json", **extra)


def test_the_list_holds_the_callers_tokens_and_never_a_secret(ana, luis, api_for):
    mine, secret = api_token_create(user=ana, name="Reports", read_only=True)
    revoked, _other = api_token_create(user=ana, name="Old")
    api_token_revoke(token=revoked, actor=ana)
    api_token_create(user=luis, name="Luis's")
    response = api_for(ana).get(TOKENS)
    assert response.status_code == 200
    body = response.json()
    by_name = {item["name"]: item for item in body}
    assert set(by_name) == {"tests", "Reports", "Old"}  # `tests`: the client's own token
    assert by_name["Reports"]["prefix"] == mine.prefix
    assert by_name["Reports"]["read_only"] is True
    assert by_name["Reports"]["state"] == "active"
    assert by_name["Old"]["state"] == "revoked"
    assert by_name["Old"]["revoked_at"] is not None
    text = response.content.decode()
    assert secret not in text and mine.digest not in text
    assert "digest" not in text and "secret" not in text


def test_a_signed_in_browser_makes_a_token_and_sees_its_secret_once(ana):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(ana)
    client.get(reverse("portal:profile"))
    csrf = client.cookies["csrftoken"].value
    expires = (timezone.now() + dt.timedelta(days=30)).isoformat()
    response = post_json(
        client,
        TOKENS,
        {"name": "Nightly export", "read_only": True, "expires_at": expires},
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    token = ApiToken.objects.get(pk=body["id"])
    assert token.user == ana
    assert token.digest == api_token_digest(body["secret"])
    assert (body["name"], body["read_only"], body["state"]) == ("Nightly export", True, "active")
    assert token.expires_at is not None
    # It works, read-only, at once; the list never shows the secret again.
    with_token = Client(HTTP_AUTHORIZATION=f"Bearer {body['secret']}")
    assert with_token.get(TICKETS).status_code == 200
    assert post_json(with_token, TICKETS, {}).status_code == 403
    assert body["secret"] not in client.get(TOKENS).content.decode()


def test_a_browser_without_the_csrf_token_makes_no_token(ana):
    client = Client(enforce_csrf_checks=True)
    client.force_login(ana)
    response = post_json(client, TOKENS, {"name": "x"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("read_only", [False, True])
def test_a_token_cannot_mint_tokens(ana, api_for, read_only):
    client = api_for(ana, read_only=read_only)
    for body in ({"name": "another"}, {"name": ""}, "{not json"):
        response = post_json(client, TOKENS, body)
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    assert list(ApiToken.objects.values_list("name", flat=True)) == ["tests"]


def test_a_wrong_token_making_a_token_gets_401(ana):
    client = Client(HTTP_AUTHORIZATION="Bearer tique_nope")
    response = post_json(client, TOKENS, {"name": "x"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({}, "name"),
        ({"name": "ok", "expires_at": "2026-12-01T10:00:00"}, "expires_at"),
        ({"name": "ok", "expires_at": "2020-01-01T10:00:00+00:00"}, "expires_at"),
        ({"name": "ok", "read_only": "perhaps"}, "read_only"),
    ],
    ids=["blank", "too-long", "missing", "naive-expiry", "past-expiry", "bad-flag"],
)
def test_a_bad_token_request_gets_422_naming_the_field(ana, payload, field):
    response = post_json(signed_in(ana), TOKENS, payload)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["code"] == "validation_error"
    assert field in body["fields"]
    assert not ApiToken.objects.exists()


def test_a_blank_looking_name_is_refused_by_the_service(ana):
    response = post_json(signed_in(ana), TOKENS, {"name": "   "})
    assert response.status_code == 422
    assert "name" in response.json()["fields"]


def test_the_owner_revokes_a_token_and_it_stops_working(ana, api_for):
    token, secret = api_token_create(user=ana, name="script")
    response = api_for(ana).delete(f"{TOKENS}/{token.pk}")
    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(TICKETS).status_code == 401
    # Twice is harmless.
    assert api_for(ana).delete(f"{TOKENS}/{token.pk}").status_code == 204


def test_a_token_revokes_itself(ana):
    token, secret = api_token_create(user=ana, name="script")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.delete(f"{TOKENS}/{token.pk}").status_code == 204
    assert client.get(TICKETS).status_code == 401


def test_another_users_token_is_not_found(ana, luis, api_for):
    theirs, _secret = api_token_create(user=luis, name="Luis's")
    response = api_for(ana).delete(f"{TOKENS}/{theirs.pk}")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert api_for(ana).delete(f"{TOKENS}/999999").status_code == 404


def test_a_read_only_token_cannot_revoke(ana, api_for):
    token, _secret = api_token_create(user=ana, name="script")
    response = api_for(ana, read_only=True).delete(f"{TOKENS}/{token.pk}")
    assert response.status_code == 403
    assert response.json()["code"] == "read_only_token"
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_openapi_document_tags_the_token_operations(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = schema["paths"]["/api/v1/tokens"]
    assert operations["get"]["tags"] == ["tokens"]
    assert operations["post"]["tags"] == ["tokens"]
    assert "secret" in schema["components"]["schemas"]["TokenCreatedOut"]["properties"]
    assert "secret" not in schema["components"]["schemas"]["TokenOut"]["properties"]
