"""An operator makes a token with `manage.py createtoken`: only the secret is printed, and
it works against the API at once."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from tique.accounts.models import ApiToken
from tique.accounts.services import api_token_digest

TICKETS = "/api/v1/tickets"


def createtoken(*args: str) -> str:
    out = StringIO()
    call_command("createtoken", *args, stdout=out)
    return out.getvalue()


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")


def test_it_prints_only_the_secret_and_the_secret_works_against_the_api(ana):
    output = createtoken("ana@acme.example")
    secret = output.strip()
    assert output == f"{secret}\n"
    assert secret.startswith("tique_") and " " not in secret
    token = ApiToken.objects.get(user=ana)
    assert token.digest == api_token_digest(secret)
    assert secret not in (token.prefix, token.digest, token.name)
    assert (token.name, token.read_only, token.expires_at) == ("Command line", False, None)

    response = bearer(secret).get(TICKETS)
    assert response.status_code == 200
    assert "items" in response.json()


def test_the_email_is_found_in_any_case(ana):
    createtoken("ANA@Acme.Example")
    assert ApiToken.objects.filter(user=ana).count() == 1


def test_a_read_only_token_reads_and_is_refused_a_change(ana):
    secret = createtoken("ana@acme.example", "--read-only", "--name", "Reports").strip()
    token = ApiToken.objects.get(user=ana)
    assert (token.name, token.read_only) == ("Reports", True)
    client = bearer(secret)
    assert client.get(TICKETS).status_code == 200
    refused = client.post(TICKETS, {}, content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "read_only_token"


def test_expires_in_days_sets_the_expiry(ana):
    createtoken("ana@acme.example", "--expires-in-days", "30")
    token = ApiToken.objects.get(user=ana)
    assert token.expires_at is not None
    expected = timezone.now() + dt.timedelta(days=30)
    assert abs(token.expires_at - expected) < dt.timedelta(minutes=1)


@pytest.mark.parametrize("days", ["0", "-3", "soon"])
def test_a_bad_number_of_days_is_refused(ana, days):
    with pytest.raises(CommandError, match="argument --expires-in-days"):
        createtoken("ana@acme.example", "--expires-in-days", days)
    assert not ApiToken.objects.exists()


def test_an_unknown_email_is_a_clear_error(ana):
    message = "no user has the e-mail address 'nobody@acme.example'"
    with pytest.raises(CommandError, match=re.escape(message)):
        createtoken("nobody@acme.example")
    assert not ApiToken.objects.exists()


def test_an_inactive_user_gets_no_token(ana):
    ana.is_active = False
    ana.save(update_fields=["is_active"])
    with pytest.raises(CommandError, match="inactive"):
        createtoken("ana@acme.example")
    assert not ApiToken.objects.exists()


def test_a_blank_name_is_refused_with_the_services_message(ana):
    with pytest.raises(CommandError, match="Give the token a name"):
        createtoken("ana@acme.example", "--name", "   ")
