"""Searching the ticket history: a search box, the best matches first with a snippet
under the subject, and never a ticket or a note the customer may not see."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import open_ticket, signed_in
from tique.tickets import services

HISTORY = reverse("portal:ticket-list")


def ask(user, subject, question="Una consulta cualquiera"):
    return open_ticket(user, data={"subject": subject, "question": question})


def search(client, q, **extra):
    response = client.get(HISTORY, {"q": q, **extra})
    assert response.status_code == 200
    return response


def listed(client, q, **extra):
    return list(search(client, q, **extra).context["page"].object_list)


def test_the_history_has_a_search_box(acme_admin):
    html = signed_in(acme_admin).get(HISTORY).content.decode()
    assert 'type="search" name="q"' in html


def test_search_lists_the_best_matches_first_with_a_snippet(acme_admin):
    body = ask(acme_admin, "Consulta general", "La centralita se reinicia sola")
    subject = ask(acme_admin, "La centralita no arranca")
    ask(acme_admin, "Factura de octubre")
    client = signed_in(acme_admin)
    assert listed(client, "centralitas") == [subject, body]
    html = search(client, "centralitas").content.decode()
    assert '<small class="snippet">La <mark>centralita</mark> no arranca</small>' in html
    assert "<mark>centralita</mark> se reinicia sola" in html


def test_search_combines_with_the_other_filters(acme_admin, ana):
    mine = ask(acme_admin, "Portabilidad de tres números")
    anas = ask(ana, "Portabilidad de un número")
    client = signed_in(acme_admin)
    assert set(listed(client, "portabilidad")) == {mine, anas}
    assert listed(client, "portabilidad", requester=ana.pk) == [anas]


def test_a_member_never_finds_another_members_ticket(ana, luis):
    ask(luis, "Router de Luis averiado")
    response = search(signed_in(ana), "router")
    assert list(response.context["page"].object_list) == []
    assert "No ticket matches these filters." in response.content.decode()


def test_a_customer_never_finds_another_accounts_ticket(acme_admin, beta_admin):
    ask(beta_admin, "Router de Beta averiado")
    assert listed(signed_in(acme_admin), "router") == []


def test_an_internal_notes_words_never_make_a_ticket_show(acme_admin, agent):
    ticket = ask(acme_admin, "Consulta sobre la factura")
    services.message_add(
        ticket=ticket, author=agent, membership=None, body="Moroso reincidente", internal=True
    )
    response = search(signed_in(acme_admin), "moroso")
    assert list(response.context["page"].object_list) == []
    assert response.context["page"].paginator.count == 0
    assert "Moroso" not in response.content.decode()


def test_the_snippet_escapes_what_the_customer_wrote(acme_admin):
    ask(acme_admin, "<img src=x onerror=alert(1)> centralita caída")
    html = search(signed_in(acme_admin), "centralita").content.decode()
    assert "&lt;img src=x onerror=alert(1)&gt; <mark>centralita</mark>" in html
    assert "<img src=x" not in html


def test_a_search_that_is_too_long_is_a_form_error(acme_admin):
    ask(acme_admin, "Centralita")
    response = search(signed_in(acme_admin), "centralita " * 30)
    assert "q" in response.context["form"].errors
    assert 'id="id_q_errors"' in response.content.decode()
    assert len(response.context["page"].object_list) == 1  # the bad filter is left out


def test_a_search_of_only_syntax_or_stop_words_filters_nothing(acme_admin):
    tickets = {ask(acme_admin, "Uno"), ask(acme_admin, "Dos")}
    client = signed_in(acme_admin)
    for q in ['"', "-", "or", "de la", '"-" or -"']:
        assert set(listed(client, q)) == tickets, q


def _queries(client, q) -> int:
    with CaptureQueriesContext(connection) as queries:
        search(client, q)
    return len(queries)


def test_the_search_query_count_does_not_grow_with_the_page(acme_admin, ana, settings):
    settings.TIQUE_TICKETS_PER_PAGE = 50
    client = signed_in(acme_admin)
    ask(acme_admin, "Centralita uno", "La centralita falla")
    _queries(client, "centralita")  # kinds and teams are read once a process, then kept
    few = _queries(client, "centralita")
    for i in range(12):
        ask(ana if i % 2 else acme_admin, f"Centralita {i}", "La centralita falla otra vez")
    many = _queries(client, "centralita")
    assert many == few
