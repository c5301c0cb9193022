"""Rating from the customer's ticket page: the requester of a solved ticket sees "How did
we do?", rates with one button and may change it; nobody else can."""

import pytest
from django.urls import reverse

from conftest import open_ticket, signed_in
from tique.satisfaction.choices import Rating, RatingChannel
from tique.satisfaction.models import SatisfactionRating
from tique.satisfaction.tests.conftest import reopen, solve


def detail(ticket):
    return reverse("portal:ticket-detail", kwargs={"number": ticket.number})


def rate_url(ticket):
    return reverse("portal:ticket-rate", kwargs={"number": ticket.number})


def test_the_requester_of_a_solved_ticket_is_asked_how_we_did(solved, ana):
    html = signed_in(ana).get(detail(solved)).content.decode()

    assert "How did we do?" in html
    assert f'action="{rate_url(solved)}"' in html
    assert '<button type="submit" name="rating" value="good">' in html
    assert '<button type="submit" name="rating" value="bad">' in html
    assert "Good</button>" in html
    assert "Bad</button>" in html
    assert "You rated this ticket" not in html


def test_an_open_ticket_asks_nothing(ana):
    html = signed_in(ana).get(detail(open_ticket(ana))).content.decode()

    assert "How did we do?" not in html


def test_the_account_admin_does_not_rate_a_members_ticket(solved, acme_admin):
    client = signed_in(acme_admin)

    assert "How did we do?" not in client.get(detail(solved)).content.decode()
    response = client.post(rate_url(solved), {"rating": "bad"}, follow=True)
    assert "This ticket cannot be rated now." in response.content.decode()
    assert not SatisfactionRating.objects.exists()


def test_rating_records_it_and_says_thank_you(solved, ana):
    client = signed_in(ana)

    response = client.post(rate_url(solved), {"rating": "good", "comment": "Rapidísimos"})

    assert response.status_code == 302
    assert response["Location"] == f"{detail(solved)}#rating"
    recorded = SatisfactionRating.objects.get()
    assert recorded.rating == Rating.GOOD
    assert recorded.comment == "Rapidísimos"
    assert recorded.channel == RatingChannel.PANEL
    html = client.get(response["Location"]).content.decode()
    assert "Thank you for rating this ticket." in html
    assert "You rated this ticket: Good" in html
    assert "Rapidísimos" in html


def test_the_requester_may_change_their_rating(solved, ana):
    client = signed_in(ana)
    client.post(rate_url(solved), {"rating": "good"})

    client.post(rate_url(solved), {"rating": "bad", "comment": "Ha vuelto a fallar"})

    recorded = SatisfactionRating.objects.get()
    assert recorded.rating == Rating.BAD
    assert "You rated this ticket: Bad" in client.get(detail(solved)).content.decode()


def test_the_comment_given_is_kept_in_the_form_to_change_it(solved, ana):
    client = signed_in(ana)
    client.post(rate_url(solved), {"rating": "good", "comment": "Bien & rápido"})

    html = client.get(detail(solved)).content.decode()

    assert "\nBien &amp; rápido</textarea>" in html


def test_a_comment_too_long_is_refused_with_the_field_named_and_kept(solved, ana):
    comment = "Demasiado largo. " * 150  # 2,550 characters

    response = signed_in(ana).post(rate_url(solved), {"rating": "bad", "comment": comment})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_comment_errors"' in html
    assert 'aria-invalid="true"' in html
    assert "at most 2000 characters" in html
    assert comment.strip() in html
    assert not SatisfactionRating.objects.exists()


def test_a_rating_that_is_neither_good_nor_bad_is_refused(solved, ana):
    response = signed_in(ana).post(rate_url(solved), {"rating": "meh", "comment": "¿?"})

    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_rating_errors"' in html
    assert "¿?" in html
    assert not SatisfactionRating.objects.exists()


def test_a_reopened_ticket_is_not_rated(solved, ana):
    reopen(solved)
    client = signed_in(ana)

    assert "How did we do?" not in client.get(detail(solved)).content.decode()
    response = client.post(rate_url(solved), {"rating": "good"})
    assert response.status_code == 302
    assert not SatisfactionRating.objects.exists()


def test_a_member_cannot_rate_the_admins_ticket(acme_admin, ana, agent):
    ticket = solve(open_ticket(acme_admin), agent)

    response = signed_in(ana).post(rate_url(ticket), {"rating": "bad"})

    assert response.status_code == 404
    assert not SatisfactionRating.objects.exists()


def test_another_account_gets_404(solved, beta_admin):
    response = signed_in(beta_admin).post(rate_url(solved), {"rating": "bad"})

    assert response.status_code == 404
    assert not SatisfactionRating.objects.exists()


def test_signed_out_visitors_are_sent_to_sign_in(solved, client):
    response = client.post(rate_url(solved), {"rating": "bad"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not SatisfactionRating.objects.exists()


@pytest.mark.parametrize("method", ["get", "put"])
def test_rating_is_a_post(solved, ana, method):
    response = getattr(signed_in(ana), method)(rate_url(solved))

    assert response.status_code == 405
