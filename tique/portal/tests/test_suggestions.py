"""Suggestions while a customer writes a ticket: the matching articles (and any known
outage of the same kind of fault) appear beside the form; opening one and sending no
ticket counts as a deflection."""

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils import timezone

from conftest import VALID_INPUT, open_ticket, signed_in
from tique.kb.models import SuggestionSession, SuggestionShown
from tique.kb.selectors import suggestion_weeks
from tique.kb.tests.helpers import write
from tique.tickets import services

KIND = ("incident", "cannot-receive-calls")
FORM = reverse("portal:ticket-create", kwargs={"category": KIND[0], "slug": KIND[1]})
SUGGEST = reverse("portal:ticket-suggestions", kwargs={"category": KIND[0], "slug": KIND[1]})
KEY = "0f0e0d0c0b0a09080706050403020100"


def suggest(client, text, key=KEY):
    response = client.get(SUGGEST, {"description": text, "suggest_key": key})
    assert response.status_code == 200
    return response.content.decode()


def test_the_form_asks_for_suggestions_as_the_description_is_typed(acme_admin):
    html = signed_in(acme_admin).get(FORM).content.decode()
    assert f'hx-get="{SUGGEST}"' in html
    assert 'data-suggest="true"' in html  # on the description
    assert 'name="suggest_key"' in html


def test_the_matching_article_is_suggested(acme_admin, agent):
    article = write(
        agent,
        es=("No puedo recibir llamadas", "Comprueba los desvíos y el registro del teléfono."),
    )
    write(agent, es=("Cambiar la cuenta bancaria", "Envía el nuevo IBAN."))
    html = suggest(signed_in(acme_admin), "no puedo recibir llamadas")
    assert "<mark>recibir</mark> <mark>llamadas</mark>" in html
    assert "cuenta bancaria" not in html
    [shown] = SuggestionShown.objects.all()
    assert shown.article == article and shown.session.user == acme_admin


def test_drafts_and_internal_articles_are_never_suggested(acme_admin, agent):
    write(agent, es=("Llamadas entrantes (interno)", "Texto"), visibility="internal")
    write(agent, es=("Llamadas entrantes (borrador)", "Texto"), status="draft")
    assert "Llamadas entrantes" not in suggest(signed_in(acme_admin), "llamadas entrantes")


def test_a_known_outage_of_the_same_kind_is_announced_without_its_details(
    acme_admin, beta_admin, agent
):
    outage = open_ticket(beta_admin, *KIND, data=VALID_INPUT[KIND])
    services.ticket_set_outage(ticket=outage, actor=agent, is_outage=True)
    html = suggest(signed_in(acme_admin), "no entran llamadas")
    assert "Known outage" in html
    assert outage.account.name not in html and str(outage.number) not in html


def test_opening_a_suggestion_and_sending_nothing_is_a_deflection(acme_admin, agent):
    article = write(agent, es=("No puedo recibir llamadas", "Comprueba los desvíos."))
    client = signed_in(acme_admin)
    suggest(client, "no puedo recibir llamadas")
    opened = client.get(reverse("portal:suggestion-open", args=[KEY, article.pk]))
    assert opened.status_code == 302
    assert opened["Location"] == reverse("help:article", kwargs={"slug": article.slug})
    assert SuggestionSession.objects.get().opened_at is not None
    assert sum(w.deflections for w in suggestion_weeks()) == 0  # not yet an hour
    later = timezone.now() + dt.timedelta(hours=2)
    with time_machine.travel(later, tick=False):
        weeks = suggestion_weeks()
    assert (sum(w.shown for w in weeks), sum(w.opened for w in weeks)) == (1, 1)
    assert sum(w.deflections for w in weeks) == 1


def test_sending_the_ticket_after_opening_a_suggestion_is_no_deflection(acme_admin, agent):
    article = write(agent, es=("No puedo recibir llamadas", "Comprueba los desvíos."))
    client = signed_in(acme_admin)
    suggest(client, "no puedo recibir llamadas")
    client.get(reverse("portal:suggestion-open", args=[KEY, article.pk]))
    sent = client.post(FORM, {**VALID_INPUT[KIND], "suggest_key": KEY})
    assert sent.status_code == 302
    assert SuggestionSession.objects.get().ticket is not None
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=False):
        assert sum(w.deflections for w in suggestion_weeks()) == 0


def test_a_ticket_sent_from_a_new_form_within_the_hour_is_no_deflection(acme_admin, agent):
    article = write(agent, es=("No puedo recibir llamadas", "Comprueba los desvíos."))
    client = signed_in(acme_admin)
    suggest(client, "no puedo recibir llamadas")
    client.get(reverse("portal:suggestion-open", args=[KEY, article.pk]))
    open_ticket(acme_admin, *KIND, data=VALID_INPUT[KIND])
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2), tick=False):
        assert sum(w.deflections for w in suggestion_weeks()) == 0


def test_another_users_form_key_records_nothing(acme_admin, ana, agent):
    article = write(agent, es=("No puedo recibir llamadas", "Comprueba los desvíos."))
    suggest(signed_in(acme_admin), "no puedo recibir llamadas")
    signed_in(ana).get(reverse("portal:suggestion-open", args=[KEY, article.pk]))
    assert SuggestionSession.objects.get().opened_at is None
