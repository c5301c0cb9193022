"""The agent's ticket view: the customer's context, typed fields, the thread with
internal notes, the audit trail, replying, taking, updating, canned replies and who else
is on the ticket."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from conftest import signed_in
from tique.accounts.models import Team
from tique.tickets.choices import EventKind, Priority, Status
from tique.tickets.models import CannedReply, TicketPresence
from tique.tickets.services import message_add, presence_touch
from tique.tickets.tests.catalogue_examples import IBAN_COMPACT, example
from tique.tickets.tests.desk_helpers import (
    IBAN_MASKED,
    IBAN_WHOLE,
    closed,
    make_agent,
    open_example,
    query,
    solved,
)


def url(name, ticket):
    return reverse(f"desk:{name}", kwargs={"number": ticket.number})


def page_of(client, ticket, **params):
    response = client.get(url("ticket-detail", ticket), params)
    assert response.status_code == 200
    return response.content.decode()


def flashed(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- What the page shows ------------------------------------------------------------


def test_the_page_shows_the_customers_context(acme_admin, beta_admin, agent):
    ticket = query(acme_admin, subject="Desvío de llamadas")
    other = query(acme_admin, subject="Otra consulta abierta")
    done = solved(query(acme_admin, subject="Ya resuelta"))
    foreign = query(beta_admin, subject="De otra cuenta")
    page = page_of(signed_in(agent), ticket)
    for text in ("Acme Telefonía S.L.", "C-10001", "B12345674", "admin@acme.example"):
        assert text in page
    assert "Marta Ortega" in page
    assert f"#{other.number}</a> Otra consulta abierta" in page
    assert f"#{done.number}" not in page
    assert f"#{foreign.number}" not in page


def test_the_typed_fields_show_the_iban_masked_to_a_technical_agent(acme_admin, agent):
    ticket = open_example(acme_admin, example("request", "change-bank-account"))
    page = page_of(signed_in(agent), ticket)
    assert IBAN_MASKED in page
    assert IBAN_WHOLE not in page and IBAN_COMPACT not in page
    assert "Acme Telefonía S.L." in page and "mandato-sepa.pdf" in page


def test_the_typed_fields_show_the_iban_whole_to_the_billing_team(acme_admin):
    billing_agent = make_agent("carmen@tique.example", "Carmen Facturas", team="billing")
    ticket = open_example(acme_admin, example("request", "change-bank-account"))
    page = page_of(signed_in(billing_agent), ticket)
    assert IBAN_WHOLE in page
    assert IBAN_MASKED not in page


def test_the_thread_shows_internal_notes_to_agents_and_the_history(acme_admin, agent):
    ticket = query(acme_admin)
    message_add(ticket=ticket, author=agent, membership=None, body="Revisar troncal", internal=True)
    message_add(ticket=ticket, author=agent, membership=None, body="Lo estamos mirando")
    page = page_of(signed_in(agent), ticket)
    assert "Revisar troncal" in page and "Internal note" in page
    assert "Lo estamos mirando" in page and "Public reply" in page
    history = page[page.index("History") :]
    for label in ("Created", "Internal note", "Public reply", "Status changed"):
        assert label in history
    assert "<del>New</del> → <ins>Open</ins>" in history


def test_a_closed_ticket_offers_no_reply_box(acme_admin, agent):
    ticket = closed(query(acme_admin))
    page = page_of(signed_in(agent), ticket)
    assert "This ticket is closed." in page
    assert url("ticket-reply", ticket) not in page


def test_an_unknown_number_is_404(agent):
    assert signed_in(agent).get("/desk/tickets/99999/").status_code == 404


# --- Replies and notes --------------------------------------------------------------


def test_a_public_reply_opens_a_new_ticket(acme_admin, agent):
    ticket = query(acme_admin)
    response = signed_in(agent).post(url("ticket-reply", ticket), {"body": "Buenos días"})
    assert response.status_code == 302
    assert response["Location"] == url("ticket-detail", ticket) + "#latest"
    assert flashed(response) == ["Reply sent."]
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    reply = ticket.messages.get(body="Buenos días")
    assert reply.author == agent and not reply.is_internal


@pytest.mark.parametrize("after", [Status.PENDING, Status.ON_HOLD, Status.SOLVED])
def test_the_status_after_the_reply(acme_admin, agent, after):
    ticket = query(acme_admin)
    signed_in(agent).post(url("ticket-reply", ticket), {"body": "Hecho", "status_after": after})
    ticket.refresh_from_db()
    assert ticket.status == after
    assert list(
        ticket.events.filter(kind=EventKind.STATUS).values_list("old_value", "new_value")
    ) == [(Status.NEW, Status.OPEN), (Status.OPEN, after)]


def test_an_internal_note_leaves_the_status_alone(acme_admin, agent):
    ticket = query(acme_admin)
    response = signed_in(agent).post(
        url("ticket-reply", ticket), {"body": "Solo para el equipo", "internal": "on"}
    )
    assert flashed(response) == ["Internal note added."]
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert ticket.messages.get(body="Solo para el equipo").is_internal
    assert ticket.events.filter(kind=EventKind.NOTE, actor=agent).exists()


def test_an_empty_reply_is_refused_with_the_page(acme_admin, agent):
    ticket = query(acme_admin)
    response = signed_in(agent).post(url("ticket-reply", ticket), {"body": "  "})
    assert response.status_code == 400
    assert "Write a message or attach a file." in response.content.decode()
    assert ticket.messages.count() == 1


def test_a_reply_to_a_closed_ticket_is_refused(acme_admin, agent):
    ticket = closed(query(acme_admin))
    response = signed_in(agent).post(url("ticket-reply", ticket), {"body": "Hola"})
    assert response.status_code == 400
    assert not ticket.messages.filter(body="Hola").exists()


# --- Take it and the update form ------------------------------------------------------


def test_take_it_assigns_the_ticket_to_me(acme_admin, agent):
    ticket = query(acme_admin)
    response = signed_in(agent).post(url("ticket-take", ticket))
    assert response.status_code == 302 and flashed(response) == ["The ticket is yours."]
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    event = ticket.events.get(kind=EventKind.ASSIGNEE)
    assert (event.actor, event.old_value, event.new_value) == (agent, "", agent.display_name)


def test_the_update_form_records_one_event_per_changed_field(acme_admin, agent):
    ticket = query(acme_admin)
    rosa = make_agent("rosa@tique.example", "Rosa Soporte")
    technical, billing = Team.objects.get(slug="technical"), Team.objects.get(slug="billing")
    client = signed_in(agent)
    change = {
        "status": Status.ON_HOLD,
        "priority": Priority.HIGH,
        "team": billing.pk,
        "assignee": rosa.pk,
    }
    response = client.post(url("ticket-update", ticket), change)
    assert flashed(response) == ["Ticket updated."]
    events = list(
        ticket.events.exclude(kind=EventKind.CREATED).values_list(
            "actor", "kind", "old_value", "new_value"
        )
    )
    assert sorted(events) == sorted(
        [
            (agent.pk, EventKind.ASSIGNEE, "", "Rosa Soporte"),
            (agent.pk, EventKind.TEAM, technical.name, billing.name),
            (agent.pk, EventKind.PRIORITY, Priority.NORMAL, Priority.HIGH),
            (agent.pk, EventKind.STATUS, Status.NEW, Status.ON_HOLD),
        ]
    )
    client.post(url("ticket-update", ticket), change)  # the same values: nothing new
    assert ticket.events.count() == 5
    client.post(url("ticket-update", ticket), {**change, "priority": Priority.LOW})
    assert ticket.events.count() == 6
    assert ticket.events.reverse()[0].old_value == Priority.HIGH
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.team, ticket.assignee) == (
        Status.ON_HOLD,
        Priority.LOW,
        billing,
        rosa,
    )
    page = page_of(client, ticket)
    assert "<del>High</del> → <ins>Low</ins>" in page
    assert "<del>New</del> → <ins>On hold</ins>" in page


def test_the_update_form_can_clear_the_team_and_the_assignee(acme_admin, agent):
    ticket = query(acme_admin)
    client = signed_in(agent)
    client.post(url("ticket-take", ticket))
    client.post(url("ticket-update", ticket), {"status": "new", "priority": "normal"})
    ticket.refresh_from_db()
    assert ticket.team is None and ticket.assignee is None


def test_the_update_form_refuses_a_customer_as_assignee(acme_admin, agent):
    ticket = query(acme_admin)
    response = signed_in(agent).post(
        url("ticket-update", ticket),
        {"status": "new", "priority": "normal", "assignee": acme_admin.pk},
    )
    assert flashed(response) == ["Choose a valid status, priority, team and assignee."]
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_a_closed_ticket_cannot_be_reopened_or_changed_from_the_update_form(acme_admin, agent):
    ticket = closed(query(acme_admin))
    response = signed_in(agent).post(
        url("ticket-update", ticket), {"status": "open", "priority": "urgent"}
    )
    assert len(flashed(response)) == 1
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority) == (Status.CLOSED, Priority.NORMAL)


# --- Canned replies -----------------------------------------------------------------


@pytest.fixture
def canned(agent):
    billing_agent = make_agent("carmen@tique.example", "Carmen Facturas", team="billing")
    body = "Hola {customer_name}, sobre el ticket #{ticket_number} ({customer_code})."
    return {
        "global": CannedReply.objects.create(title="Saludo general", body=body),
        "technical": CannedReply.objects.create(
            title="Reinicio del router", body=body, team=Team.objects.get(slug="technical")
        ),
        "billing": CannedReply.objects.create(
            title="Factura rectificativa", body=body, team=Team.objects.get(slug="billing")
        ),
        "mine": CannedReply.objects.create(title="Mi firma", body=body, owner=agent),
        "theirs": CannedReply.objects.create(
            title="Firma de Carmen", body=body, owner=billing_agent
        ),
    }


def test_an_agent_is_offered_global_team_and_own_canned_replies(acme_admin, agent, canned):
    page = page_of(signed_in(agent), query(acme_admin))
    for name in ("global", "technical", "mine"):
        assert f'<option value="{canned[name].pk}">{canned[name].title}</option>' in page
    for name in ("billing", "theirs"):
        assert canned[name].title not in page


def test_inserting_a_canned_reply_fills_its_placeholders(acme_admin, agent, canned):
    ticket = query(acme_admin)
    response = signed_in(agent).get(
        url("canned-insert", ticket), {"canned": canned["technical"].pk, "body": "Buenas. "}
    )
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.startswith('<div id="reply-body">')
    filled = f"Hola Marta Ortega, sobre el ticket #{ticket.number} (C-10001)."
    assert f"Buenas.\n\n{filled}" in fragment
    assert "{customer_name}" not in fragment


def test_another_agents_canned_reply_cannot_be_inserted(acme_admin, agent, canned):
    ticket = query(acme_admin)
    client = signed_in(agent)
    for name in ("theirs", "billing"):
        response = client.get(url("canned-insert", ticket), {"canned": canned[name].pk})
        assert response.status_code == 404
    assert client.get(url("canned-insert", ticket), {"canned": "x"}).status_code == 404


def test_without_javascript_the_canned_reply_prefills_the_reply_box(acme_admin, agent, canned):
    ticket = query(acme_admin)
    client = signed_in(agent)
    page = page_of(client, ticket, canned=canned["mine"].pk)
    assert f"Hola Marta Ortega, sobre el ticket #{ticket.number} (C-10001).</textarea>" in page
    page = page_of(client, ticket, canned=canned["theirs"].pk)
    assert "Hola Marta Ortega" not in page


# --- Presence -----------------------------------------------------------------------


def test_the_page_says_who_else_is_viewing_or_writing(acme_admin, agent):
    ticket = query(acme_admin)
    rosa = make_agent("rosa@tique.example", "Rosa Soporte")
    iker = make_agent("iker@tique.example", "Iker Soporte")
    lola = make_agent("lola@tique.example", "Lola Soporte")
    presence_touch(ticket=ticket, user=rosa, replying=True)
    presence_touch(ticket=ticket, user=iker, replying=False)
    presence_touch(ticket=ticket, user=lola, replying=False)
    TicketPresence.objects.filter(user=lola).update(
        seen_at=timezone.now() - dt.timedelta(minutes=2)
    )
    page = page_of(signed_in(agent), ticket)
    assert "Rosa Soporte is writing a reply" in page
    assert "Iker Soporte is viewing this ticket" in page
    assert "Lola Soporte is" not in page
    assert "Pablo Técnico is" not in page
    assert TicketPresence.objects.filter(ticket=ticket, user=agent).exists()


def test_opening_the_page_shows_me_to_the_others(acme_admin, agent):
    ticket = query(acme_admin)
    rosa = make_agent("rosa@tique.example", "Rosa Soporte")
    page_of(signed_in(agent), ticket)
    assert "Pablo Técnico is viewing this ticket" in page_of(signed_in(rosa), ticket)


def test_the_presence_ping_says_whether_i_am_writing_and_who_else_is_here(acme_admin, agent):
    ticket = query(acme_admin)
    rosa = make_agent("rosa@tique.example", "Rosa Soporte")
    presence_touch(ticket=ticket, user=rosa, replying=False)
    response = signed_in(agent).post(url("presence", ticket), {"body": "Estoy escribi"})
    assert response.status_code == 200
    assert response.content.decode().strip().endswith("Rosa Soporte is viewing this ticket</p>")
    assert TicketPresence.objects.get(ticket=ticket, user=agent).is_replying
    signed_in(agent).post(url("presence", ticket), {"body": ""})
    assert not TicketPresence.objects.get(ticket=ticket, user=agent).is_replying
    fragment = signed_in(rosa).post(url("presence", ticket)).content.decode()
    assert "Pablo Técnico is viewing this ticket" in fragment
