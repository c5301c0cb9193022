"""The solved-ticket e-mail asks how we did, with a good and a bad link that work without
signing in."""

import datetime as dt
import re

import time_machine
from django.utils import timezone

from conftest import open_ticket
from tique.mail import notifications
from tique.mail.choices import NotificationKind
from tique.mail.models import OutboundEmail
from tique.satisfaction.choices import Rating, RatingChannel
from tique.satisfaction.models import SatisfactionRating
from tique.satisfaction.tests.conftest import site_path, solve


def solved_mail(ana):
    return OutboundEmail.objects.get(kind=NotificationKind.TICKET_SOLVED, recipient=ana)


def links_in(text):
    """The rating links of a mail's text, by the choice they carry (whatever the language)."""
    return {choice: url for url, choice in re.findall(r"(\S+/rate/\S+\?r=(good|bad))", text)}


def test_the_solved_mail_carries_both_links_in_both_parts(settings, ana, agent):
    ana.language = "en"
    ana.save(update_fields=["language"])
    solve(open_ticket(ana), agent)
    email = solved_mail(ana)

    links = links_in(email.text_body)
    assert set(links) == {"good", "bad"}
    assert "How did we do?" in email.text_body
    assert f"Good: {links['good']}" in email.text_body
    assert f"Bad: {links['bad']}" in email.text_body
    for choice, url in links.items():
        assert url.startswith(f"{settings.TIQUE_SITE_URL}/rate/")
        assert url.endswith(f"?r={choice}")
        assert f'href="{url}"' in email.html_body
    assert "How did we do?" in email.html_body


def test_the_good_link_of_the_mail_rates_the_ticket_in_two_steps(solved, ana, client):
    url = site_path(links_in(solved_mail(ana).text_body)["good"])

    shown = client.get(url)
    assert shown.status_code == 200
    assert not SatisfactionRating.objects.exists()

    posted = client.post(url, {"rating": "good"})
    assert posted.status_code == 302
    recorded = SatisfactionRating.objects.get()
    assert (recorded.rating, recorded.channel, recorded.rated_by) == (
        Rating.GOOD,
        RatingChannel.EMAIL,
        ana,
    )


def test_the_bad_link_of_the_mail_preselects_bad(solved, ana, client):
    url = site_path(links_in(solved_mail(ana).text_body)["bad"])

    html = client.get(url).content.decode()

    assert re.search(r'value="bad"[^>]*\bchecked\b', html)


def test_the_links_of_the_mail_expire(solved, ana, client):
    url = site_path(links_in(solved_mail(ana).text_body)["good"])

    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        assert client.get(url).status_code == 410
        assert client.post(url, {"rating": "good"}).status_code == 410
    assert not SatisfactionRating.objects.exists()


def test_the_links_are_in_the_mail_in_every_language(solved, ana, agent):
    ana.language = "es"
    ana.save(update_fields=["language"])
    OutboundEmail.objects.all().delete()

    notifications.ticket_solved(solved, agent)

    email = solved_mail(ana)
    assert "/rate/" in email.text_body
    assert '<html lang="es">' in email.html_body
