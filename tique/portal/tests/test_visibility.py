"""Who sees what on every URL of the customer panel.

An account administrator sees every ticket of the account; a member sees the tickets
they opened; anyone else gets 404 (never 403: no existence leak); provider staff are
told the panel is for customers, the same whatever the URL names."""

import re

import pytest
from django.urls import reverse

from conftest import open_ticket, pdf, signed_in
from tique.tickets.models import Message, Ticket
from tique.tickets.services import message_add


def ticket_urls(ticket: Ticket, attachment_id: int) -> list[tuple[str, str]]:
    number = ticket.number
    return [
        ("get", reverse("portal:ticket-detail", kwargs={"number": number})),
        ("post", reverse("portal:ticket-reply", kwargs={"number": number})),
        ("post", reverse("portal:ticket-status", kwargs={"number": number})),
        (
            "get",
            reverse(
                "portal:attachment-download",
                kwargs={"number": number, "attachment_id": attachment_id},
            ),
        ),
    ]


@pytest.fixture
def lucky_ticket(luis):
    """A ticket of Acme opened by the member Luis, with an attachment."""
    ticket = open_ticket(luis)
    message_add(
        ticket=ticket,
        author=luis,
        membership=luis.memberships.get(),
        body="Más datos",
        uploads=[pdf("traza.pdf")],
    )
    return ticket


def _request(client, method, url):
    if method == "post":
        return client.post(url, {"body": "hola", "status": "solved"})
    return client.get(url)


def test_the_account_admin_reaches_a_members_ticket_on_every_url(acme_admin, lucky_ticket):
    attachment = lucky_ticket.attachments.get()
    client = signed_in(acme_admin)
    for method, url in ticket_urls(lucky_ticket, attachment.pk):
        response = _request(client, method, url)
        assert response.status_code in (200, 302), (method, url, response.status_code)


def test_the_member_who_opened_it_reaches_it_on_every_url(luis, lucky_ticket):
    attachment = lucky_ticket.attachments.get()
    client = signed_in(luis)
    for method, url in ticket_urls(lucky_ticket, attachment.pk):
        response = _request(client, method, url)
        assert response.status_code in (200, 302), (method, url, response.status_code)


@pytest.mark.parametrize("persona", ["ana", "beta_admin"])
def test_another_member_and_another_account_get_404_on_every_url(request, persona, lucky_ticket):
    outsider = request.getfixturevalue(persona)
    attachment = lucky_ticket.attachments.get()
    client = signed_in(outsider)
    for method, url in ticket_urls(lucky_ticket, attachment.pk):
        assert _request(client, method, url).status_code == 404, (persona, method, url)
    lucky_ticket.refresh_from_db()
    assert lucky_ticket.status != "solved"
    assert not Message.objects.filter(ticket=lucky_ticket, body="hola").exists()


def test_a_missing_ticket_answers_exactly_like_a_hidden_one(beta_admin, lucky_ticket):
    client = signed_in(beta_admin)
    hidden = client.get(reverse("portal:ticket-detail", kwargs={"number": lucky_ticket.number}))
    missing = client.get(reverse("portal:ticket-detail", kwargs={"number": 99999999}))
    assert hidden.status_code == missing.status_code == 404

    # The pages differ only in the number the visitor typed (echoed in the page's links)
    # and in the per-response masking of the CSRF token.
    def normalised(content: bytes) -> bytes:
        content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)
        return re.sub(rb'"X-CSRFToken": "[^"]+"', b"", content)

    typed = str(lucky_ticket.number).encode()
    assert normalised(hidden.content) == normalised(missing.content.replace(b"99999999", typed))


def test_staff_are_told_the_panel_is_for_customers_on_every_url(agent, lucky_ticket):
    attachment = lucky_ticket.attachments.get()
    client = signed_in(agent)
    urls = [
        ("get", reverse("portal:ticket-list")),
        ("get", reverse("portal:ticket-new")),
        *ticket_urls(lucky_ticket, attachment.pk),
    ]
    for method, url in urls:
        response = _request(client, method, url)
        assert response.status_code == 403, (method, url)
        assert b"not linked to an active customer account" in response.content


def test_signed_out_visitors_are_sent_to_sign_in(lucky_ticket, client):
    for url in [
        reverse("portal:ticket-list"),
        reverse("portal:ticket-new"),
        reverse("portal:ticket-detail", kwargs={"number": lucky_ticket.number}),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_the_history_of_a_member_lists_only_their_own_tickets(ana, luis, acme_admin):
    mine = open_ticket(ana)
    theirs = open_ticket(luis)
    admins = open_ticket(acme_admin)
    response = signed_in(ana).get(reverse("portal:ticket-list"))
    listed = list(response.context["page"].object_list)
    assert listed == [mine]
    assert theirs not in listed and admins not in listed


def test_the_history_of_an_admin_lists_the_whole_account_and_nothing_else(
    acme_admin, ana, beta_admin
):
    ours = [open_ticket(ana), open_ticket(acme_admin)]
    open_ticket(beta_admin)
    response = signed_in(acme_admin).get(reverse("portal:ticket-list"))
    assert set(response.context["page"].object_list) == set(ours)


def test_internal_notes_never_reach_the_customer(acme_admin, agent):
    ticket = open_ticket(acme_admin)
    message_add(
        ticket=ticket,
        author=agent,
        membership=None,
        body="Cliente moroso",
        internal=True,
        uploads=[pdf("interno.pdf")],
    )
    note_attachment = ticket.attachments.get()
    client = signed_in(acme_admin)
    page = client.get(reverse("portal:ticket-detail", kwargs={"number": ticket.number}))
    assert b"Cliente moroso" not in page.content
    assert b"interno.pdf" not in page.content
    download = client.get(
        reverse(
            "portal:attachment-download",
            kwargs={"number": ticket.number, "attachment_id": note_attachment.pk},
        )
    )
    assert download.status_code == 404


def test_a_deactivated_account_hides_its_tickets(acme, acme_admin):
    ticket = open_ticket(acme_admin)
    acme.is_active = False
    acme.save()
    response = signed_in(acme_admin).get(
        reverse("portal:ticket-detail", kwargs={"number": ticket.number})
    )
    assert response.status_code == 403
