"""Merging a duplicate, linking tickets and working a known outage from the ticket view;
the merged number keeps leading to the survivor in the desk and in the customer panel."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse

from conftest import pdf, signed_in
from tique.tickets.choices import EventKind, Status
from tique.tickets.services import message_add
from tique.tickets.tests.desk_helpers import closed, customer, incident, query


def desk(name, ticket):
    return reverse(f"desk:{name}", kwargs={"number": ticket.number})


def portal(ticket):
    return reverse("portal:ticket-detail", kwargs={"number": ticket.number})


def flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Merge --------------------------------------------------------------------------


def test_merging_from_the_desk_moves_the_thread_and_leads_to_the_survivor(acme_admin, agent):
    duplicate = query(acme_admin, subject="Duplicado")
    survivor = query(acme_admin, subject="Original")
    message_add(
        ticket=duplicate,
        author=acme_admin,
        membership=acme_admin.memberships.get(),
        body="Os mando la captura",
        uploads=[pdf("captura.pdf")],
    )
    client = signed_in(agent)
    response = client.post(desk("ticket-merge", duplicate), {"number": survivor.number})
    assert response.status_code == 302 and response["Location"] == desk("ticket-detail", survivor)
    assert flashed(response) == [f"Ticket #{duplicate.number} was merged into this one."]
    page = client.get(response["Location"]).content.decode()
    assert "Os mando la captura" in page and "captura.pdf" in page
    assert f"Ticket #{duplicate.number} (Duplicado) was merged into this ticket." in page
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED and duplicate.merged_into == survivor
    assert duplicate.events.filter(kind=EventKind.MERGED).exists()
    assert survivor.events.filter(kind=EventKind.MERGED).exists()


def test_the_merged_number_redirects_to_the_survivor_in_the_desk(acme_admin, agent):
    duplicate, survivor = query(acme_admin), query(acme_admin)
    signed_in(agent).post(desk("ticket-merge", duplicate), {"number": survivor.number})
    response = signed_in(agent).get(desk("ticket-detail", duplicate))
    assert response.status_code == 302
    assert response["Location"] == desk("ticket-detail", survivor)
    assert flashed(response) == [f"Ticket #{duplicate.number} was merged into #{survivor.number}."]


def test_the_merged_number_redirects_to_the_survivor_in_the_customer_panel(acme_admin, agent):
    duplicate, survivor = query(acme_admin), query(acme_admin)
    signed_in(agent).post(desk("ticket-merge", duplicate), {"number": survivor.number})
    client = signed_in(acme_admin)
    response = client.get(portal(duplicate))
    assert response.status_code == 302
    assert response["Location"] == portal(survivor)
    page = client.get(response["Location"]).content.decode()
    assert f"Ticket #{duplicate.number}" in page and "merged into this ticket" in page


def test_the_members_merged_ticket_leads_to_the_survivor_in_the_panel(ana, acme_admin, agent):
    duplicate, survivor = query(ana), query(acme_admin)
    signed_in(agent).post(desk("ticket-merge", duplicate), {"number": survivor.number})
    response = signed_in(ana).get(portal(duplicate))
    assert response.status_code == 302 and response["Location"] == portal(survivor)


def test_merging_into_another_accounts_ticket_is_refused(acme_admin, beta_admin, agent):
    ours, theirs = query(acme_admin), query(beta_admin)
    response = signed_in(agent).post(desk("ticket-merge", ours), {"number": theirs.number})
    assert response["Location"] == desk("ticket-detail", ours)
    assert flashed(response) == ["Only tickets of the same account can be merged."]
    ours.refresh_from_db()
    assert ours.merged_into is None


def test_merging_into_itself_a_closed_or_a_merged_ticket_is_refused(acme_admin, agent):
    ticket, done = query(acme_admin), closed(query(acme_admin))
    duplicate, survivor = query(acme_admin), query(acme_admin)
    signed_in(agent).post(desk("ticket-merge", duplicate), {"number": survivor.number})
    cases = [
        (ticket, ticket, "A ticket cannot be merged into itself."),
        (ticket, done, "Tickets cannot be merged into a closed ticket."),
        (ticket, duplicate, "A merged ticket cannot be merged again."),
        (duplicate, ticket, "A merged ticket cannot be merged again."),
    ]
    for source, target, error in cases:
        response = signed_in(agent).post(desk("ticket-merge", source), {"number": target.number})
        assert flashed(response) == [error]
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW and ticket.merged_into is None


def test_merging_into_an_unknown_number_is_refused(acme_admin, agent):
    ticket = query(acme_admin)
    response = signed_in(agent).post(desk("ticket-merge", ticket), {"number": 99999})
    assert flashed(response) == ["There is no ticket with that ID."]
    response = signed_in(agent).post(desk("ticket-merge", ticket), {"number": "abc"})
    assert flashed(response) == ["Enter a ticket ID."]


# --- Links --------------------------------------------------------------------------


def test_linking_shows_the_link_on_both_tickets_and_unlinking_removes_it(
    acme_admin, beta_admin, agent
):
    ours, theirs = query(acme_admin, subject="Nuestro"), query(beta_admin, subject="Suyo")
    client = signed_in(agent)
    response = client.post(desk("ticket-link", ours), {"number": theirs.number})
    assert response["Location"] == desk("ticket-detail", ours) + "#links"
    assert f'href="{desk("ticket-detail", theirs)}">#{theirs.number}</a> Suyo' in (
        client.get(desk("ticket-detail", ours)).content.decode()
    )
    assert f'href="{desk("ticket-detail", ours)}">#{ours.number}</a> Nuestro' in (
        client.get(desk("ticket-detail", theirs)).content.decode()
    )
    client.post(desk("ticket-link", theirs), {"number": ours.number, "unlink": "1"})
    page = client.get(desk("ticket-detail", ours)).content.decode()
    assert f"#{theirs.number}</a> Suyo" not in page
    for ticket, other in ((ours, theirs), (theirs, ours)):
        assert list(
            ticket.events.filter(kind=EventKind.LINKED).values_list("old_value", "new_value")
        ) == [("", f"#{other.number}"), (f"#{other.number}", "")]


def test_a_ticket_cannot_be_linked_to_itself_from_the_desk(acme_admin, agent):
    ticket = query(acme_admin)
    response = signed_in(agent).post(desk("ticket-link", ticket), {"number": ticket.number})
    assert flashed(response) == ["A ticket cannot be linked to itself."]


# --- Known outage -------------------------------------------------------------------


def test_an_agent_declares_an_outage_links_incidents_and_posts_one_update(
    acme_admin, ana, beta_admin, agent
):
    gamma_admin = customer("C-10003", "Gamma Voz S.L.", "admin@gamma.example", "Gloria Gil")
    parent = incident(acme_admin)
    linked = [incident(user) for user in (ana, beta_admin, gamma_admin)]
    client = signed_in(agent)
    response = client.post(desk("ticket-outage", parent), {"action": "mark"})
    assert response["Location"] == desk("ticket-detail", parent) + "#outage"
    for ticket in linked:
        page = client.get(desk("ticket-detail", ticket)).content.decode()
        assert f'<option value="{parent.number}">' in page  # offered as the outage to join
        client.post(desk("ticket-outage", ticket), {"action": "attach", "number": parent.number})
    page = client.get(desk("ticket-detail", parent)).content.decode()
    assert "3 incidents linked." in page
    for name in ("Acme Telefonía S.L.", "Beta Logística S.A.", "Gamma Voz S.L."):
        assert name in page
    text = "El operador ha restablecido el troncal."
    response = client.post(desk("outage-broadcast", parent), {"body": text, "solve": "on"})
    assert flashed(response) == ["Update posted to 3 linked tickets."]
    for ticket in [parent, *linked]:
        ticket.refresh_from_db()
        assert ticket.status == Status.SOLVED
        assert ticket.messages.get(body=text).is_internal is False
    page = signed_in(gamma_admin).get(portal(linked[2])).content.decode()
    assert text in page


def test_a_query_cannot_be_declared_an_outage_from_the_desk(acme_admin, agent):
    ticket = query(acme_admin)
    response = signed_in(agent).post(desk("ticket-outage", ticket), {"action": "mark"})
    assert flashed(response) == ["Only an incident can be a known outage."]
    ticket.refresh_from_db()
    assert not ticket.is_outage


def test_an_outage_cannot_be_attached_to_another_from_the_desk(acme_admin, agent):
    first, second = incident(acme_admin), incident(acme_admin)
    client = signed_in(agent)
    client.post(desk("ticket-outage", first), {"action": "mark"})
    client.post(desk("ticket-outage", second), {"action": "mark"})
    response = client.post(
        desk("ticket-outage", second), {"action": "attach", "number": first.number}
    )
    assert flashed(response) == ["A known outage cannot be linked to another."]
    second.refresh_from_db()
    assert second.outage is None


def test_a_detached_incident_gets_no_more_updates(acme_admin, beta_admin, agent):
    parent, linked = incident(acme_admin), incident(beta_admin)
    client = signed_in(agent)
    client.post(desk("ticket-outage", parent), {"action": "mark"})
    client.post(desk("ticket-outage", linked), {"action": "attach", "number": parent.number})
    client.post(desk("ticket-outage", linked), {"action": "detach"})
    response = client.post(desk("outage-broadcast", parent), {"body": "Seguimos"})
    assert flashed(response) == ["Update posted to 0 linked tickets."]
    assert not linked.messages.filter(body="Seguimos").exists()
    assert list(
        linked.events.filter(kind=EventKind.OUTAGE).values_list("old_value", "new_value")
    ) == [("", f"#{parent.number}"), (f"#{parent.number}", "")]


def test_an_empty_update_is_refused(acme_admin, agent):
    parent = incident(acme_admin)
    client = signed_in(agent)
    client.post(desk("ticket-outage", parent), {"action": "mark"})
    response = client.post(desk("outage-broadcast", parent), {"body": ""})
    assert flashed(response) == ["Write the update to post."]
