"""Searching the desk's queues: internal notes count for agents, the best matches come
first unless another sort is asked for, snippets under the subject, and a query count
that does not grow with the page."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import open_ticket, signed_in
from tique.tickets import services

QUEUE = reverse("desk:queue")


def ask(user, subject, question="Una consulta cualquiera"):
    return open_ticket(user, data={"subject": subject, "question": question})


def search(client, q, **extra):
    response = client.get(QUEUE, {"queue": "open", "q": q, **extra})
    assert response.status_code == 200
    return response


def listed(client, q, **extra):
    return list(search(client, q, **extra).context["page"].object_list)


def test_the_desk_has_a_search_box(agent):
    html = signed_in(agent).get(QUEUE).content.decode()
    assert 'type="search" name="q"' in html


def test_agents_find_tickets_of_every_account_by_their_internal_notes(
    acme_admin, beta_admin, agent
):
    acme = ask(acme_admin, "Consulta de Acme")
    beta = ask(beta_admin, "Consulta de Beta")
    for ticket in (acme, beta):
        services.message_add(
            ticket=ticket,
            author=agent,
            membership=None,
            body="Escalado al proveedor mayorista",
            internal=True,
        )
    client = signed_in(agent)
    assert set(listed(client, "mayorista")) == {acme, beta}
    assert "<mark>mayorista</mark>" in search(client, "mayorista").content.decode()


def test_a_search_is_sorted_by_relevance_unless_another_sort_is_asked(acme_admin, agent):
    body = ask(acme_admin, "Consulta general", "El fax virtual no recibe")
    subject = ask(acme_admin, "Fax virtual sin recibir")
    client = signed_in(agent)
    assert listed(client, "fax") == [subject, body]
    assert listed(client, "fax", sort="") == [subject, body]
    assert listed(client, "fax", sort="relevance") == [subject, body]
    assert listed(client, "fax", sort="created_at") == [body, subject]


def test_sorting_by_relevance_without_a_search_is_newest_first(acme_admin, agent):
    first, second = ask(acme_admin, "Uno"), ask(acme_admin, "Dos")
    assert list(
        signed_in(agent).get(QUEUE, {"queue": "open", "sort": "relevance"}).context["page"]
    ) == [second, first]


def test_a_search_that_is_too_long_is_a_form_error(agent):
    response = search(signed_in(agent), "x" * 201)
    assert "q" in response.context["form"].errors


def _queries(client, q) -> int:
    with CaptureQueriesContext(connection) as queries:
        search(client, q)
    return len(queries)


def test_the_search_query_count_does_not_grow_with_the_page(acme_admin, agent, settings):
    settings.TIQUE_TICKETS_PER_PAGE = 50
    client = signed_in(agent)
    ask(acme_admin, "Centralita uno", "La centralita falla")
    search(client, "centralita")  # kinds and teams are read once a process, then kept
    few = _queries(client, "centralita")
    for i in range(12):
        ask(acme_admin, f"Centralita {i}", "La centralita falla otra vez")
    assert _queries(client, "centralita") == few
