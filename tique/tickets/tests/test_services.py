"""The ticket services: status changes, replies, who may do what, and the audit trail."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from conftest import open_ticket
from tique.accounts.choices import Role
from tique.accounts.models import User
from tique.accounts.services import membership_add
from tique.tickets.choices import EventKind, Status
from tique.tickets.models import TicketEvent
from tique.tickets.services import message_add, ticket_set_status


def membership(user):
    return user.memberships.select_related("account").get()


def test_creation_records_who_when_and_how(acme_admin):
    ticket = open_ticket(acme_admin)
    event = ticket.events.get()
    assert event.kind == EventKind.CREATED
    assert event.actor == acme_admin
    assert event.data == {"channel": "web", "kind": "technical"}
    assert ticket.requester == ticket.created_by == acme_admin
    assert ticket.team is not None and ticket.team.slug == "technical"
    assert ticket.messages.get().body == "¿Cómo lo activo?"


def test_the_requester_marks_a_ticket_solved_and_reopens_it(ana):
    ticket = open_ticket(ana)
    ticket_set_status(ticket=ticket, actor=ana, membership=membership(ana), status=Status.SOLVED)
    assert ticket.status == Status.SOLVED and ticket.solved_at is not None
    ticket_set_status(ticket=ticket, actor=ana, membership=membership(ana), status=Status.OPEN)
    assert ticket.status == Status.OPEN and ticket.solved_at is None
    kinds = list(ticket.events.values_list("kind", "old_value", "new_value"))
    assert kinds[1:] == [
        (EventKind.STATUS, Status.NEW, Status.SOLVED),
        (EventKind.STATUS, Status.SOLVED, Status.OPEN),
    ]


def test_the_account_admin_may_solve_a_members_ticket(acme_admin, ana):
    ticket = open_ticket(ana)
    ticket_set_status(
        ticket=ticket, actor=acme_admin, membership=membership(acme_admin), status=Status.SOLVED
    )
    assert ticket.status == Status.SOLVED


def test_another_member_may_not_touch_the_ticket(ana, luis):
    ticket = open_ticket(ana)
    with pytest.raises(PermissionDenied):
        ticket_set_status(
            ticket=ticket, actor=luis, membership=membership(luis), status=Status.SOLVED
        )
    with pytest.raises(PermissionDenied):
        message_add(ticket=ticket, author=luis, membership=membership(luis), body="hola")


def test_a_customer_cannot_put_a_ticket_on_hold(acme_admin):
    ticket = open_ticket(acme_admin)
    with pytest.raises(PermissionDenied):
        ticket_set_status(
            ticket=ticket,
            actor=acme_admin,
            membership=membership(acme_admin),
            status=Status.ON_HOLD,
        )


def test_customer_reply_reopens_solved_ticket(acme_admin, agent):
    ticket = open_ticket(acme_admin)
    ticket_set_status(ticket=ticket, actor=agent, membership=None, status=Status.SOLVED)
    message_add(ticket=ticket, author=acme_admin, membership=membership(acme_admin), body="Sigue")
    assert ticket.status == Status.OPEN
    assert ticket.events.filter(kind=EventKind.STATUS, new_value=Status.OPEN).exists()


def test_customer_reply_takes_a_pending_ticket_back_to_open(acme_admin, agent):
    ticket = open_ticket(acme_admin)
    ticket_set_status(ticket=ticket, actor=agent, membership=None, status=Status.PENDING)
    message_add(ticket=ticket, author=acme_admin, membership=membership(acme_admin), body="Ya")
    assert ticket.status == Status.OPEN


def test_a_staff_reply_leaves_the_status_alone(acme_admin, agent):
    ticket = open_ticket(acme_admin)
    ticket_set_status(ticket=ticket, actor=agent, membership=None, status=Status.PENDING)
    message_add(ticket=ticket, author=agent, membership=None, body="¿Nos confirmas?")
    assert ticket.status == Status.PENDING


def test_nobody_replies_to_a_closed_ticket(acme_admin, agent):
    ticket = open_ticket(acme_admin)
    ticket_set_status(ticket=ticket, actor=agent, membership=None, status=Status.CLOSED)
    with pytest.raises(PermissionDenied):
        message_add(ticket=ticket, author=acme_admin, membership=membership(acme_admin), body="?")
    with pytest.raises(PermissionDenied):
        ticket_set_status(ticket=ticket, actor=agent, membership=None, status=Status.OPEN)


def test_an_empty_reply_is_refused(acme_admin):
    ticket = open_ticket(acme_admin)
    with pytest.raises(ValidationError):
        message_add(ticket=ticket, author=acme_admin, membership=membership(acme_admin), body="  ")


def test_only_staff_write_internal_notes(acme_admin, agent):
    ticket = open_ticket(acme_admin)
    with pytest.raises(PermissionDenied):
        message_add(
            ticket=ticket,
            author=acme_admin,
            membership=membership(acme_admin),
            body="nota",
            internal=True,
        )
    note = message_add(ticket=ticket, author=agent, membership=None, body="nota", internal=True)
    assert note.is_internal
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.NOTE).count() == 1


def test_a_member_of_an_account_that_forbids_it_cannot_open_tickets(beta, acme_admin):
    clerk = User.objects.create_user(email="clerk@beta.example", password="x" * 12)
    membership_add(account=beta, user=clerk, role=Role.MEMBER)
    assert not beta.members_can_open_tickets
    with pytest.raises(PermissionDenied):
        open_ticket(clerk)


def test_an_incident_subject_names_its_kind_and_the_affected_numbers_readably(acme_admin):
    with translation.override("es"):
        ticket = open_ticket(acme_admin, "incident", "cannot-receive-calls")
    assert ticket.subject.startswith(ticket.kind.name_es)
    assert "+34 912 34 56 78" in ticket.subject
