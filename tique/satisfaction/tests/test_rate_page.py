"""The page the e-mail's links open, with no sign-in: following a link records nothing
(mail scanners fetch links), the form it shows records the rating, and a link that is
expired, altered or for a ticket no longer solved says so."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import english_client
from tique.satisfaction.choices import Rating, RatingChannel
from tique.satisfaction.links import make_token, rating_url
from tique.satisfaction.models import SatisfactionRating
from tique.satisfaction.tests.conftest import reopen, site_path
from tique.satisfaction.tests.test_links import tampered


def page(ticket):
    return reverse("satisfaction:rate", kwargs={"token": make_token(ticket)})


def checked(html):
    """The value of the checked radio button of the rating, if any."""
    found = re.findall(r'<input type="radio" name="rating" value="(\w+)"[^>]*\bchecked\b', html)
    return found[0] if found else None


def test_following_the_good_link_records_nothing_and_preselects_good(solved, client):
    response = client.get(site_path(rating_url(solved, "good")))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"#{solved.number}" in html
    assert solved.subject in html
    assert checked(html) == "good"
    assert "data-autosubmit" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert not SatisfactionRating.objects.exists()


def test_following_the_bad_link_preselects_bad(solved, client):
    response = client.get(site_path(rating_url(solved, "bad")))

    assert checked(response.content.decode()) == "bad"
    assert not SatisfactionRating.objects.exists()


def test_without_a_choice_nothing_is_preselected_nor_sent_by_itself(solved, client):
    response = client.get(page(solved))

    html = response.content.decode()
    assert checked(html) is None
    assert "data-autosubmit" not in html


def test_an_unknown_choice_is_ignored(solved, client):
    response = client.get(page(solved) + "?r=excellent")

    assert response.status_code == 200
    assert checked(response.content.decode()) is None
    assert "data-autosubmit" not in response.content.decode()


def test_the_page_is_not_cached_nor_indexed(solved, client):
    response = client.get(page(solved))

    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_posting_records_the_rating_once_and_redirects_to_the_page(solved, ana, client):
    url = site_path(rating_url(solved, "good"))

    response = client.post(url, {"rating": "good", "comment": ""})

    assert response.status_code == 302
    assert response["Location"] == page(solved)
    recorded = SatisfactionRating.objects.get()
    assert recorded.rating == Rating.GOOD
    assert recorded.rated_by == ana
    assert recorded.channel == RatingChannel.EMAIL

    thanks = client.get(response["Location"])
    html = thanks.content.decode()
    assert "Thank you!" in html
    assert "You rated this ticket: Good." in html
    assert checked(html) == "good"
    assert 'name="comment"' in html
    assert "data-autosubmit" not in html


def test_a_second_post_updates_the_same_rating(solved, client):
    url = page(solved)
    client.post(url, {"rating": "good"})

    response = client.post(url, {"rating": "bad", "comment": "Tardasteis dos días"})

    assert response.status_code == 302
    recorded = SatisfactionRating.objects.get()
    assert recorded.rating == Rating.BAD
    assert recorded.comment == "Tardasteis dos días"
    html = client.get(url).content.decode()
    assert "You rated this ticket: Bad." in html
    assert "Tardasteis dos días" in html


def test_once_rated_a_link_no_longer_sends_itself(solved, client):
    client.post(page(solved), {"rating": "good"})

    response = client.get(site_path(rating_url(solved, "bad")))

    html = response.content.decode()
    assert "data-autosubmit" not in html
    assert checked(html) == "bad"  # what the person clicked, for them to confirm
    assert SatisfactionRating.objects.get().rating == Rating.GOOD


def test_the_post_needs_the_csrf_token(solved):
    strict = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")

    response = strict.post(page(solved), {"rating": "good"})

    assert response.status_code == 403
    assert not SatisfactionRating.objects.exists()


def test_the_form_of_the_page_carries_a_working_csrf_token(solved):
    strict = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    html = strict.get(site_path(rating_url(solved, "good"))).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert csrf is not None

    response = strict.post(page(solved), {"rating": "good", "csrfmiddlewaretoken": csrf.group(1)})

    assert response.status_code == 302
    assert SatisfactionRating.objects.get().rating == Rating.GOOD


def test_a_comment_too_long_is_refused_with_the_field_named_and_kept(solved, client):
    comment = "Muy mal. " * 250  # 2,250 characters

    response = client.post(page(solved), {"rating": "bad", "comment": comment})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_comment_errors"' in html
    assert "at most 2000 characters" in html
    assert comment.strip() in html
    assert checked(html) == "bad"
    assert not SatisfactionRating.objects.exists()


def test_a_post_without_a_choice_is_refused(solved, client):
    response = client.post(page(solved), {"comment": "Sin más"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose good or bad." in html
    assert "Sin más" in html
    assert not SatisfactionRating.objects.exists()


def test_an_expired_link_answers_410_and_records_nothing(solved, client):
    url = site_path(rating_url(solved, "good"))

    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        shown = client.get(url)
        posted = client.post(url, {"rating": "good"})

    for response in (shown, posted):
        assert response.status_code == 410
        html = response.content.decode()
        assert "This link has expired" in html
        assert "Sign in to rate it" in html
        assert f"/accounts/login/?next=%2Ftickets%2F{solved.number}%2F" in html
    assert not SatisfactionRating.objects.exists()


def test_an_expired_link_takes_a_signed_in_requester_straight_to_the_ticket(solved, ana, settings):
    settings.TIQUE_RATING_LINK_DAYS = 2  # shorter than the session's life
    client = english_client()
    client.force_login(ana)
    url = page(solved)

    with time_machine.travel(timezone.now() + dt.timedelta(days=3)):
        response = client.get(url)

    assert response.status_code == 410
    assert f'href="/tickets/{solved.number}/"' in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_link_with_one_character_changed_answers_404(solved, client, method):
    token = make_token(solved)
    url = reverse("satisfaction:rate", kwargs={"token": tampered(token, len(token) // 2)})

    response = getattr(client, method)(url, {"rating": "good"})

    assert response.status_code == 404
    assert not SatisfactionRating.objects.exists()


def test_a_link_to_a_reopened_ticket_answers_409(solved, client):
    url = site_path(rating_url(solved, "good"))
    reopen(solved)

    shown = client.get(url)
    posted = client.post(url, {"rating": "good"})

    for response in (shown, posted):
        assert response.status_code == 409
        assert "This ticket cannot be rated now" in response.content.decode()
    assert not SatisfactionRating.objects.exists()


def test_other_methods_are_refused(solved, client):
    assert client.put(page(solved)).status_code == 405
