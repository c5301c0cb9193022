"""The signed links of the solved-ticket e-mail: they name the ticket and its requester,
expire after TIQUE_RATING_LINK_DAYS, and any change to them makes them worthless."""

import datetime as dt
import runpy
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import signing
from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve
from django.utils import timezone

from tique import settings as settings_module
from tique.satisfaction.links import LinkExpired, LinkInvalid, make_token, rating_url, read_token
from tique.satisfaction.tests.conftest import site_path

SETTINGS_FILE = settings_module.__file__


def tampered(token: str, index: int) -> str:
    """The token with one character changed (to another URL-safe one)."""
    replacement = "B" if token[index] == "A" else "A"
    return token[:index] + replacement + token[index + 1 :]


def test_a_token_reads_back_as_its_ticket_and_requester(solved, ana):
    ticket, user = read_token(make_token(solved))

    assert ticket == solved
    assert user == ana


def test_the_rating_url_is_absolute_and_carries_the_choice(solved, settings):
    settings.TIQUE_SITE_URL = "https://help.tique.example"

    url = rating_url(solved, "bad")

    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "https://help.tique.example"
    assert parse_qs(parts.query) == {"r": ["bad"]}
    match = resolve(parts.path)
    assert match.view_name == "satisfaction:rate"
    assert read_token(match.kwargs["token"])[0] == solved


def test_the_token_is_compact(solved):
    # Ids, timestamp and a 43-character signature: short enough for one line of mail
    # whatever the ids' size (PostgreSQL's sequences are not reset between tests).
    assert len(make_token(solved)) < 90


def test_a_token_works_until_the_last_day(solved):
    token = make_token(solved)

    with time_machine.travel(timezone.now() + dt.timedelta(days=13, hours=23)):
        assert read_token(token)[0] == solved


def test_a_token_expires_after_the_configured_days(solved):
    token = make_token(solved)

    with (
        time_machine.travel(timezone.now() + dt.timedelta(days=14, minutes=1)),
        pytest.raises(LinkExpired) as expired,
    ):
        read_token(token)
    assert expired.value.ticket_number == solved.number


def test_the_lifetime_follows_the_setting(solved, settings):
    settings.TIQUE_RATING_LINK_DAYS = 2
    token = make_token(solved)

    with time_machine.travel(timezone.now() + dt.timedelta(days=2, minutes=1)):
        with pytest.raises(LinkExpired):
            read_token(token)
        settings.TIQUE_RATING_LINK_DAYS = 3
        assert read_token(token)[0] == solved


@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_a_token_with_one_character_changed_is_invalid(solved, where):
    token = make_token(solved)
    index = {"start": 0, "middle": len(token) // 2, "end": len(token) - 1}[where]

    with pytest.raises(LinkInvalid):
        read_token(tampered(token, index))


def test_an_expired_token_that_was_tampered_with_is_invalid_not_expired(solved):
    token = tampered(make_token(solved), 3)

    with (
        time_machine.travel(timezone.now() + dt.timedelta(days=30)),
        pytest.raises(LinkInvalid),
    ):
        read_token(token)


@pytest.mark.parametrize("token", ["", "nonsense", "a:b:c", "x" * 300])
def test_garbage_is_invalid(db, token):
    with pytest.raises(LinkInvalid):
        read_token(token)


def test_a_value_signed_for_another_purpose_is_invalid(solved):
    token = signing.TimestampSigner().sign_object([solved.pk, solved.requester_id])

    with pytest.raises(LinkInvalid):
        read_token(token)


def test_a_token_of_a_deleted_ticket_is_invalid(solved):
    token = make_token(solved)
    solved.delete()

    with pytest.raises(LinkInvalid):
        read_token(token)


def test_a_token_of_a_deactivated_requester_is_invalid(solved, ana):
    token = make_token(solved)
    ana.is_active = False
    ana.save(update_fields=["is_active"])

    with pytest.raises(LinkInvalid):
        read_token(token)


def test_the_link_path_is_what_the_client_requests(solved, client):
    response = client.get(site_path(rating_url(solved, "good")))

    assert response.status_code == 200


def test_the_setting_rejects_less_than_a_day(monkeypatch):
    monkeypatch.setenv("TIQUE_RATING_LINK_DAYS", "0")

    with pytest.raises(ImproperlyConfigured, match="TIQUE_RATING_LINK_DAYS"):
        runpy.run_path(SETTINGS_FILE)


def test_the_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("TIQUE_RATING_LINK_DAYS", "30")

    assert runpy.run_path(SETTINGS_FILE)["TIQUE_RATING_LINK_DAYS"] == 30


def test_the_setting_defaults_to_fourteen_days(monkeypatch):
    monkeypatch.delenv("TIQUE_RATING_LINK_DAYS", raising=False)

    assert runpy.run_path(SETTINGS_FILE)["TIQUE_RATING_LINK_DAYS"] == 14
