"""Operators see every token in the administration and revoke them; they do not make
them there, and the digest is never shown."""

from django.test import Client
from django.urls import reverse

from conftest import signed_in
from tique.accounts.models import ApiToken, User
from tique.accounts.services import api_token_create

CHANGELIST = reverse("admin:accounts_apitoken_changelist")


def operator() -> User:
    return User.objects.create_superuser(email="root@tique.example", password="x")


def test_the_list_shows_tokens_without_their_digest_and_offers_no_add(ana):
    token, secret = api_token_create(user=ana, name="Billing script", read_only=True)
    client = signed_in(operator())
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Billing script" in page and token.prefix in page and "Ana Ruiz" in page
    assert token.digest not in page and secret not in page
    assert reverse("admin:accounts_apitoken_add") not in page
    detail = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    assert detail.status_code == 200
    assert token.digest not in detail.content.decode()


def test_there_is_no_add_form(ana):
    response = signed_in(operator()).get(reverse("admin:accounts_apitoken_add"))
    assert response.status_code == 403


def test_the_action_revokes_the_selected_tokens_and_they_stop_working(ana, luis):
    first, first_secret = api_token_create(user=ana, name="One")
    second, _s = api_token_create(user=luis, name="Two")
    kept, _k = api_token_create(user=ana, name="Kept")
    response = signed_in(operator()).post(
        CHANGELIST,
        {"action": "revoke", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "2 tokens revoked." in response.content.decode()
    revoked = set(ApiToken.objects.filter(revoked_at__isnull=False).values_list("name", flat=True))
    assert revoked == {"One", "Two"}
    assert (
        Client(HTTP_AUTHORIZATION=f"Bearer {first_secret}").get("/api/v1/tickets").status_code
        == 401
    )
    kept.refresh_from_db()
    assert kept.revoked_at is None
