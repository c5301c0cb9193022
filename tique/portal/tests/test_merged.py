"""A merged ticket's number keeps working for its customer: it leads to the survivor,
which the requester of the merged ticket may follow and answer."""

from django.urls import reverse

from conftest import open_ticket, signed_in
from tique.tickets.services import ticket_merge


def detail(number):
    return reverse("portal:ticket-detail", kwargs={"number": number})


def test_the_merged_number_leads_the_member_to_the_survivor_they_may_answer(ana, acme_admin, agent):
    duplicate = open_ticket(ana)
    survivor = open_ticket(acme_admin)
    ticket_merge(source=duplicate, target=survivor, actor=agent)
    client = signed_in(ana)
    response = client.get(detail(duplicate.number))
    assert response.status_code == 302
    assert response["Location"] == detail(survivor.number)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert f"#{duplicate.number}" in page.content.decode()
    reply = client.post(
        reverse("portal:ticket-reply", kwargs={"number": survivor.number}), {"body": "Gracias"}
    )
    assert reply.status_code == 302
    assert survivor.messages.filter(body="Gracias", author=ana).exists()


def test_another_member_still_cannot_see_the_survivor(ana, luis, acme_admin, agent):
    duplicate = open_ticket(ana)
    survivor = open_ticket(acme_admin)
    ticket_merge(source=duplicate, target=survivor, actor=agent)
    client = signed_in(luis)
    assert client.get(detail(duplicate.number)).status_code == 404
    assert client.get(detail(survivor.number)).status_code == 404


def test_another_account_gets_404_for_both_numbers(ana, acme_admin, agent, beta_admin):
    duplicate = open_ticket(ana)
    survivor = open_ticket(acme_admin)
    ticket_merge(source=duplicate, target=survivor, actor=agent)
    client = signed_in(beta_admin)
    assert client.get(detail(duplicate.number)).status_code == 404
    assert client.get(detail(survivor.number)).status_code == 404
