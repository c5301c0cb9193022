"""`q` on GET /api/v1/tickets: the same search as the panel and the desk, with a
snippet on each item, relevance order (only with q) that pages with cursors, and the
same visibility rules."""

import pytest

from conftest import open_ticket
from tique.tickets import services

URL = "/api/v1/tickets"


def ask(user, subject, question="Una consulta cualquiera"):
    return open_ticket(user, data={"subject": subject, "question": question})


def numbers(response):
    assert response.status_code == 200, response.content
    return [item["number"] for item in response.json()["items"]]


def test_q_finds_tickets_best_first_with_a_snippet(api_for, acme_admin):
    body = ask(acme_admin, "Consulta general", "Las llamadas entrantes se cortan")
    subject = ask(acme_admin, "Llamadas entrantes cortadas")
    ask(acme_admin, "Factura")
    response = api_for(acme_admin).get(URL, {"q": '"llamada entrante"'})
    assert numbers(response) == [subject.number, body.number]
    items = response.json()["items"]
    assert items[0]["snippet"] == "<mark>Llamadas</mark> <mark>entrantes</mark> cortadas"
    assert "<mark>llamadas</mark> <mark>entrantes</mark>" in items[1]["snippet"]


def test_without_q_there_is_no_snippet(api_for, acme_admin):
    ask(acme_admin, "Centralita")
    [item] = api_for(acme_admin).get(URL).json()["items"]
    assert item["snippet"] is None


def test_customers_never_find_internal_notes_nor_other_accounts(
    api_for, acme_admin, beta_admin, agent
):
    acme = ask(acme_admin, "Consulta de Acme")
    ask(beta_admin, "Consulta de Beta", "Presupuesto confidencial")
    services.message_add(
        ticket=acme, author=agent, membership=None, body="Presupuesto interno", internal=True
    )
    assert numbers(api_for(acme_admin).get(URL, {"q": "presupuesto"})) == []
    assert numbers(api_for(beta_admin).get(URL, {"q": "interno"})) == []
    assert len(numbers(api_for(agent).get(URL, {"q": "presupuesto"}))) == 2


def test_a_member_only_finds_their_own_tickets(api_for, ana, luis):
    own = ask(ana, "Router de Ana")
    ask(luis, "Router de Luis")
    assert numbers(api_for(ana).get(URL, {"q": "router"})) == [own.number]


def test_relevance_is_only_a_sort_with_q(api_for, acme_admin):
    response = api_for(acme_admin).get(URL, {"sort": "relevance"})
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"sort"}


@pytest.mark.parametrize("q", ["x" * 201, "fax\x00"])
def test_a_bad_q_is_a_4xx_naming_it(api_for, acme_admin, q):
    response = api_for(acme_admin).get(URL, {"q": q})
    assert response.status_code in {400, 422}
    assert set(response.json()["fields"]) == {"q"}


def test_cursor_pages_walk_the_search_in_relevance_order(api_for, acme_admin, agent):
    made = set()
    for i in range(4):
        made.add(ask(acme_admin, f"Centralita {i}", "Otra consulta").number)
        made.add(ask(acme_admin, f"Consulta {i}", "La centralita falla").number)
    made.add(ask(acme_admin, "Centralita centralita centralita").number)
    ask(acme_admin, "Sin relación")
    client = api_for(agent)
    seen, cursor = [], None
    for _page in range(5):
        params = {"q": "centralita", "limit": 2, **({"cursor": cursor} if cursor else {})}
        response = client.get(URL, params)
        seen += numbers(response)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == numbers(client.get(URL, {"q": "centralita", "limit": 100}))
    assert set(seen) == made and len(seen) == len(made)


def test_a_cursor_is_bound_to_its_search(api_for, acme_admin):
    for i in range(3):
        ask(acme_admin, f"Centralita {i}")
    client = api_for(acme_admin)
    cursor = client.get(URL, {"q": "centralita", "limit": 1}).json()["next_cursor"]
    response = client.get(URL, {"q": "router", "limit": 1, "cursor": cursor})
    assert response.status_code == 400
