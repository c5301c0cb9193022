"""Bulk actions on the rows an agent ticked: assign, status, priority; what was not
changed is said, not hidden."""

from __future__ import annotations

from django.contrib.messages import get_messages
from django.urls import reverse

from conftest import signed_in
from tique.tickets.choices import EventKind, Priority, Status
from tique.tickets.models import Ticket, TicketEvent
from tique.tickets.tests.desk_helpers import closed, make_agent, query, set_state

BULK = reverse("desk:bulk")


def bulk(client, tickets, **action):
    response = client.post(BULK, {"tickets": [t.pk for t in tickets], **action})
    return response, [str(message) for message in get_messages(response.wsgi_request)]


def fresh(tickets):
    return [Ticket.objects.get(pk=ticket.pk) for ticket in tickets]


def test_assign_several_tickets_to_an_agent(acme_admin, beta_admin, agent):
    rosa = make_agent("rosa@tique.example", "Rosa Soporte")
    tickets = [query(acme_admin), query(acme_admin), query(beta_admin)]
    response, messages = bulk(signed_in(agent), tickets, assignee=rosa.pk)
    assert response.status_code == 302 and response["Location"] == reverse("desk:queue")
    assert [t.assignee for t in fresh(tickets)] == [rosa, rosa, rosa]
    assert messages == ["3 tickets updated."]
    events = TicketEvent.objects.filter(kind=EventKind.ASSIGNEE, actor=agent)
    assert sorted(events.values_list("ticket_id", flat=True)) == sorted(t.pk for t in tickets)
    assert set(events.values_list("new_value", flat=True)) == {"Rosa Soporte"}


def test_assign_to_nobody(acme_admin, agent):
    tickets = [set_state(query(acme_admin), assignee=agent) for _ in range(2)]
    _response, messages = bulk(signed_in(agent), tickets, assignee="none")
    assert [t.assignee for t in fresh(tickets)] == [None, None]
    assert messages == ["2 tickets updated."]
    event = tickets[0].events.get(kind=EventKind.ASSIGNEE)
    assert (event.old_value, event.new_value) == (agent.display_name, "")


def test_change_the_status_of_several_tickets(acme_admin, agent):
    tickets = [query(acme_admin), set_state(query(acme_admin), status=Status.OPEN)]
    bulk(signed_in(agent), tickets, status=Status.PENDING)
    assert [t.status for t in fresh(tickets)] == [Status.PENDING, Status.PENDING]
    assert list(
        TicketEvent.objects.filter(kind=EventKind.STATUS)
        .order_by("ticket_id")
        .values_list("old_value", "new_value")
    ) == [(Status.NEW, Status.PENDING), (Status.OPEN, Status.PENDING)]


def test_change_the_priority_of_several_tickets(acme_admin, agent):
    tickets = [query(acme_admin), query(acme_admin), query(acme_admin)]
    _response, messages = bulk(signed_in(agent), tickets[:2], priority=Priority.URGENT)
    assert [t.priority for t in fresh(tickets)] == [
        Priority.URGENT,
        Priority.URGENT,
        Priority.NORMAL,  # not ticked
    ]
    assert messages == ["2 tickets updated."]
    assert TicketEvent.objects.filter(kind=EventKind.PRIORITY).count() == 2


def test_several_changes_at_once(acme_admin, agent):
    tickets = [query(acme_admin), query(acme_admin)]
    bulk(signed_in(agent), tickets, assignee=agent.pk, status=Status.ON_HOLD, priority="high")
    for ticket in fresh(tickets):
        assert (ticket.assignee, ticket.status, ticket.priority) == (
            agent,
            Status.ON_HOLD,
            Priority.HIGH,
        )
        kinds = set(ticket.events.values_list("kind", flat=True))
        assert {EventKind.ASSIGNEE, EventKind.STATUS, EventKind.PRIORITY} <= kinds


def test_nothing_ticked_is_refused(acme_admin, agent):
    ticket = query(acme_admin)
    response, messages = bulk(signed_in(agent), [], priority=Priority.URGENT)
    assert response.status_code == 302
    assert len(messages) == 1 and "required" in messages[0]
    assert fresh([ticket])[0].priority == Priority.NORMAL


def test_no_change_chosen_is_refused(acme_admin, agent):
    ticket = query(acme_admin)
    _response, messages = bulk(signed_in(agent), [ticket])
    assert messages == ["Choose what to change."]
    assert list(ticket.events.values_list("kind", flat=True)) == [EventKind.CREATED]


def test_an_unknown_ticket_or_a_customer_as_assignee_is_refused(acme_admin, agent):
    ticket = query(acme_admin)
    _response, messages = bulk(signed_in(agent), [Ticket(pk=ticket.pk + 1000)], priority="high")
    assert len(messages) == 1 and "valid choice" in messages[0]
    _response, messages = bulk(signed_in(agent), [ticket], assignee=acme_admin.pk)
    assert len(messages) == 1 and "valid choice" in messages[0]
    ticket = fresh([ticket])[0]
    assert (ticket.assignee, ticket.priority) == (None, Priority.NORMAL)


def test_a_closed_ticket_is_reported_as_not_changed(acme_admin, agent):
    open_one, done = query(acme_admin), closed(query(acme_admin))
    _response, messages = bulk(signed_in(agent), [open_one, done], status=Status.SOLVED)
    assert messages == [
        "1 tickets updated.",
        f"Not changed (not allowed from their status): #{done.number}",
    ]
    open_one, done = fresh([open_one, done])
    assert open_one.status == Status.SOLVED
    assert done.status == Status.CLOSED


def test_a_closed_ticket_keeps_its_priority_and_assignee(acme_admin, agent):
    done = closed(query(acme_admin))
    _response, messages = bulk(signed_in(agent), [done], priority="urgent")
    assert messages == [f"Not changed (not allowed from their status): #{done.number}"]
    _response, messages = bulk(signed_in(agent), [done], assignee=agent.pk)
    assert messages == [f"Not changed (not allowed from their status): #{done.number}"]
    done = fresh([done])[0]
    assert (done.assignee, done.priority) == (None, Priority.NORMAL)


def test_a_refused_ticket_keeps_every_other_change_of_the_action_undone(acme_admin, agent):
    done = closed(query(acme_admin))
    _response, messages = bulk(
        signed_in(agent), [done], assignee=agent.pk, priority="urgent", status=Status.OPEN
    )
    assert messages == [f"Not changed (not allowed from their status): #{done.number}"]
    done = fresh([done])[0]
    assert (done.assignee, done.priority, done.status) == (None, Priority.NORMAL, Status.CLOSED)
    assert list(done.events.values_list("kind", flat=True)) == [EventKind.CREATED]


def test_the_agent_goes_back_to_the_filtered_queue(acme_admin, agent):
    ticket = query(acme_admin)
    back = reverse("desk:queue") + "?queue=open&account=Acme"
    response = signed_in(agent).post(
        BULK, {"tickets": [ticket.pk], "priority": "low", "next": back}
    )
    assert response["Location"] == back
    response = signed_in(agent).post(
        BULK, {"tickets": [ticket.pk], "priority": "low", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("desk:queue")


def test_the_queue_page_offers_the_bulk_form_with_a_checkbox_per_row(acme_admin, agent):
    tickets = [query(acme_admin), query(acme_admin)]
    page = signed_in(agent).get(reverse("desk:queue")).content.decode()
    assert f'action="{BULK}"' in page
    for ticket in tickets:
        assert f'name="tickets" value="{ticket.pk}"' in page
