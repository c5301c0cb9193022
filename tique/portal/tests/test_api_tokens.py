"""A customer makes, sees and revokes personal API tokens in the panel; the secret is
shown once, in the answer to the form."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in
from tique.accounts.models import ApiToken
from tique.accounts.services import api_token_create, api_token_digest, api_token_revoke

TOKENS = reverse("portal:api-tokens")
TICKETS_API = "/api/v1/tickets"
SECRET = re.compile(r'<code id="new-token-secret"[^>]*>([^<]+)</code>')


def revoke_url(token: ApiToken) -> str:
    return reverse("portal:api-token-revoke", kwargs={"token_id": token.pk})


def shown_secret(response) -> str:
    found = SECRET.search(response.content.decode())
    assert found, "no secret on the page"
    return found.group(1)


def test_the_profile_links_to_the_tokens_page(ana):
    assert TOKENS in signed_in(ana).get(reverse("portal:profile")).content.decode()


def test_a_customer_makes_a_token_and_sees_its_secret_only_once(ana):
    client = signed_in(ana)
    assert client.get(TOKENS).status_code == 200
    response = client.post(TOKENS, {"name": "Billing script", "expires_on": ""})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = shown_secret(response)
    assert "will not be shown again" in response.content.decode()
    token = ApiToken.objects.get(user=ana)
    assert token.digest == api_token_digest(secret)
    assert (token.name, token.read_only, token.expires_at) == ("Billing script", False, None)
    # Neither the list afterwards nor the session keep it.
    later = client.get(TOKENS).content.decode()
    assert secret not in later
    assert token.prefix in later
    assert "Billing script" in later
    assert secret not in str(dict(client.session.items()))
    # It works against the API.
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(TICKETS_API).status_code == 200


def test_a_read_only_token_with_an_expiry(ana):
    client = signed_in(ana)
    day = timezone.localdate() + dt.timedelta(days=10)
    response = client.post(
        TOKENS, {"name": "Reports", "read_only": "on", "expires_on": day.isoformat()}
    )
    secret = shown_secret(response)
    token = ApiToken.objects.get(user=ana)
    assert token.read_only is True
    # It stops working at 00:00 on that day, in the account's time zone (Madrid).
    assert token.expires_at is not None
    local = timezone.localtime(
        token.expires_at, timezone=ZoneInfo(ana.memberships.get().account.time_zone)
    )
    assert (local.date(), local.time()) == (day, dt.time(0, 0))
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(TICKETS_API).status_code == 200
    refused = api.post(TICKETS_API, {}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "read_only_token"


def test_form_errors_keep_the_values(ana):
    client = signed_in(ana)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        TOKENS, {"name": "Kept name", "read_only": "on", "expires_on": yesterday.isoformat()}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "expires_on" in form.errors
    page = response.content.decode()
    assert 'value="Kept name"' in page
    assert f'value="{yesterday.isoformat()}"' in page
    assert re.search(r'<input type="checkbox" name="read_only"[^>]*checked', page)
    assert 'aria-invalid="true"' in page
    assert "new-token-secret" not in page
    assert not ApiToken.objects.exists()


def test_a_missing_name_and_a_bad_date_are_reported(ana):
    response = signed_in(ana).post(TOKENS, {"name": "  ", "expires_on": "not a date"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "expires_on"}
    assert not ApiToken.objects.exists()


def test_the_list_shows_each_tokens_state(ana):
    active, _a = api_token_create(user=ana, name="Active one")
    revoked, _r = api_token_create(user=ana, name="Revoked one")
    api_token_revoke(token=revoked, actor=ana)
    expiring, _e = api_token_create(
        user=ana, name="Expired one", expires_at=timezone.now() + dt.timedelta(seconds=1)
    )
    ApiToken.objects.filter(pk=expiring.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    response = signed_in(ana).get(TOKENS)
    states = {row.token.name: row.state for row in response.context["rows"]}
    assert states == {"Active one": "active", "Revoked one": "revoked", "Expired one": "expired"}
    page = response.content.decode()
    for label in ("Active", "Revoked", "Expired"):
        assert f">{label}</span>" in page
    # Only tokens not yet revoked offer "Revoke".
    assert revoke_url(active) in page and revoke_url(expiring) in page
    assert revoke_url(revoked) not in page


def test_a_customer_revokes_a_token_after_confirming_and_it_stops_working(ana):
    token, secret = api_token_create(user=ana, name="Script")
    client = signed_in(ana)
    confirm = client.get(revoke_url(token))
    assert confirm.status_code == 200
    assert "Revoke the token “Script”?" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None  # asking is not revoking
    response = client.post(revoke_url(token))
    assert response.status_code == 302
    assert response["Location"] == TOKENS
    token.refresh_from_db()
    assert token.revoked_at is not None
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get(TICKETS_API).status_code == 401
    # Again: already revoked, nothing changes.
    again = client.post(revoke_url(token))
    assert again.status_code == 302


def test_another_users_token_cannot_be_revoked(ana, luis):
    theirs, _secret = api_token_create(user=luis, name="Luis token")
    client = signed_in(ana)
    assert client.get(revoke_url(theirs)).status_code == 404
    assert client.post(revoke_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert "Luis token" not in client.get(TOKENS).content.decode()


def test_staff_have_no_customer_tokens_page(agent):
    assert signed_in(agent).get(TOKENS).status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(TOKENS)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
