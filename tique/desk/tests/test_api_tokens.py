"""An agent makes, sees and revokes personal API tokens from the desk's preferences; the
secret is shown once, in the answer to the form."""

import datetime as dt
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import open_ticket, signed_in
from tique.accounts.models import ApiToken, User
from tique.accounts.services import API_TOKEN_LIMIT, api_token_create, api_token_digest

TOKENS = reverse("desk:api-tokens")
SECRET = re.compile(r'<code id="new-token-secret"[^>]*>([^<]+)</code>')


def revoke_url(token: ApiToken) -> str:
    return reverse("desk:api-token-revoke", kwargs={"token_id": token.pk})


def shown_secret(response) -> str:
    found = SECRET.search(response.content.decode())
    assert found, "no secret on the page"
    return found.group(1)


def test_the_preferences_link_to_the_tokens_page(agent):
    assert TOKENS in signed_in(agent).get(reverse("desk:preferences")).content.decode()


def test_an_agent_makes_a_token_sees_it_once_and_works_the_queue_with_it(agent, ana):
    ticket = open_ticket(ana)
    client = signed_in(agent)
    response = client.post(TOKENS, {"name": "Desk bot"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = shown_secret(response)
    token = ApiToken.objects.get(user=agent)
    assert token.digest == api_token_digest(secret)
    later = client.get(TOKENS).content.decode()
    assert secret not in later and token.prefix in later
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    listed = api.get("/api/v1/tickets")
    assert listed.status_code == 200
    assert ticket.number in [item["number"] for item in listed.json()["items"]]
    reply = api.post(
        f"/api/v1/tickets/{ticket.number}/messages",
        {"body": "Looking into it."},
        content_type="application/json",
    )
    assert reply.status_code == 201


def test_form_errors_keep_the_values(agent):
    today = timezone.localdate()
    response = signed_in(agent).post(
        TOKENS, {"name": "x" * 101, "read_only": "on", "expires_on": today.isoformat()}
    )
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "expires_on"}
    page = response.content.decode()
    assert f'value="{"x" * 101}"' in page
    assert f'value="{today.isoformat()}"' in page
    assert re.search(r'<input type="checkbox" name="read_only"[^>]*checked', page)
    assert not ApiToken.objects.exists()


def test_the_services_limit_shows_as_a_form_error(agent):
    for n in range(API_TOKEN_LIMIT):
        api_token_create(user=agent, name=f"Token {n}")
    response = signed_in(agent).post(TOKENS, {"name": "One too many"})
    assert response.status_code == 400
    assert "Revoke one first" in response.content.decode()
    assert 'value="One too many"' in response.content.decode()
    assert ApiToken.objects.filter(user=agent).count() == API_TOKEN_LIMIT


def test_an_agent_revokes_a_token_and_it_stops_working(agent):
    token, secret = api_token_create(user=agent, name="Desk bot")
    client = signed_in(agent)
    assert "Revoke the token “Desk bot”?" in client.get(revoke_url(token)).content.decode()
    response = client.post(revoke_url(token))
    assert response.status_code == 302 and response["Location"] == TOKENS
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/tickets").status_code == 401
    assert "was revoked" in client.get(TOKENS).content.decode()


def test_another_agents_token_cannot_be_revoked(agent):
    other = User.objects.create_user(email="other@tique.example", is_staff=True)
    theirs, _secret = api_token_create(user=other, name="Theirs")
    client = signed_in(agent)
    assert client.get(revoke_url(theirs)).status_code == 404
    assert client.post(revoke_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_superuser_cannot_revoke_someone_elses_token_from_the_desk_either(agent, ana):
    agent.is_superuser = True
    agent.save(update_fields=["is_superuser"])
    theirs, _secret = api_token_create(user=ana, name="Ana's")
    assert signed_in(agent).post(revoke_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_customers_are_not_told_the_desk_tokens_page_exists(ana):
    assert signed_in(ana).get(TOKENS).status_code == 404


def test_another_http_method_is_refused(agent):
    assert signed_in(agent).put(TOKENS).status_code == 405


def test_an_expiry_date_is_the_start_of_that_day(agent):
    day = timezone.localdate() + dt.timedelta(days=3)
    signed_in(agent).post(TOKENS, {"name": "Temp", "expires_on": day.isoformat()})
    token = ApiToken.objects.get(user=agent)
    assert token.expires_at is not None
    local = timezone.localtime(token.expires_at)
    assert (local.date(), local.time()) == (day, dt.time(0, 0))
