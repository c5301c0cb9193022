"""`python manage.py demo`: the documented people, the desk's material (canned replies,
internal notes, a known outage) and idempotency."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from tique.accounts.groups import SUPERVISORS
from tique.accounts.models import Account, Membership, User
from tique.core.management.commands.demo import (
    AFTER_HOURS_SUBJECTS,
    OUTAGE_SUBJECT,
    OUTAGE_UPDATE,
)
from tique.mail.models import OutboundEmail
from tique.tickets.choices import EventKind, Status
from tique.tickets.models import (
    Attachment,
    CannedReply,
    Message,
    Ticket,
    TicketEvent,
    TicketLink,
)
from tique.tickets.selectors import canned_replies_for, render_canned, ticket_thread

CUSTOMER_EMAILS = {
    "admin@acme.example",
    "ana@acme.example",
    "luis@acme.example",
    "admin@beta.example",
}
STAFF_EMAILS = {"agent@tique.example", "sales@tique.example", "super@tique.example"}
# Every table the demo writes to: a second run must not add a row to any of them.
COUNTED = [
    User,
    Account,
    Membership,
    Group,
    CannedReply,
    Ticket,
    Message,
    Attachment,
    TicketEvent,
    TicketLink,
]


def _counts() -> dict[str, int]:
    return {model.__name__: model._default_manager.count() for model in COUNTED}


def _demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(catalogue: None) -> dict[str, int]:
    """The demo loaded twice; the counts after the first run."""
    assert "Demo data loaded" in _demo()
    first = _counts()
    assert "already there" in _demo()
    return first


def test_a_second_run_adds_nothing_and_the_people_are_the_documented_ones(
    demo: dict[str, int],
) -> None:
    assert _counts() == demo
    assert demo["Ticket"] > 40

    assert set(User.objects.values_list("email", flat=True)) == CUSTOMER_EMAILS | STAFF_EMAILS
    staff = User.objects.filter(is_staff=True)
    assert set(staff.values_list("email", flat=True)) == STAFF_EMAILS
    assert set(Account.objects.values_list("customer_code", flat=True)) == {
        "C-10001",
        "C-10002",
    }
    assert not User.objects.filter(is_superuser=True).exists()
    supervisors = User.objects.filter(groups__name=SUPERVISORS)
    assert list(supervisors.values_list("email", flat=True)) == ["super@tique.example"]
    assert User.objects.get(email="super@tique.example").has_perm("accounts.configure")
    assert not User.objects.get(email="agent@tique.example").has_perm("accounts.configure")
    for user in User.objects.all():
        assert user.check_password("tique-demo"), user.email


def test_canned_replies_internal_notes_and_agents_replies(demo: dict[str, int]) -> None:
    agent = User.objects.get(email="agent@tique.example")
    shared = CannedReply.objects.filter(team__isnull=True, owner__isnull=True)
    assert shared.count() == 2
    assert CannedReply.objects.filter(team__slug="technical").count() == 1
    assert CannedReply.objects.filter(team__slug="commercial").count() == 1
    personal = CannedReply.objects.filter(owner__isnull=False)
    assert list(personal.values_list("owner", flat=True)) == [agent.pk]
    assert canned_replies_for(agent).count() == 4  # shared, technical and his own
    sales = User.objects.get(email="sales@tique.example")
    assert canned_replies_for(sales).count() == 3  # shared and commercial

    ticket = Ticket.objects.filter(account__customer_code="C-10001").first()
    assert ticket is not None
    for reply in CannedReply.objects.all():
        assert "{customer_name}" in reply.body and "{ticket_number}" in reply.body
        text = render_canned(reply, ticket)
        assert "{" not in text and str(ticket.number) in text

    # Agents' internal notes and public replies.
    notes = Message.objects.filter(is_internal=True)
    assert notes.values("ticket").distinct().count() >= 5
    assert not notes.filter(author__is_staff=False).exists()
    assert notes.count() == TicketEvent.objects.filter(kind=EventKind.NOTE).count()
    public_by_staff = Message.objects.filter(is_internal=False, author__is_staff=True)
    assert public_by_staff.values("ticket").distinct().count() >= 30
    assert Ticket.objects.filter(assignee__email="agent@tique.example").count() >= 5
    assert Ticket.objects.filter(assignee__email="sales@tique.example").exists()


def test_a_known_outage_with_incidents_of_both_accounts_and_one_new_incident_to_take(
    demo: dict[str, int],
) -> None:
    agent = User.objects.get(email="agent@tique.example")
    outage = Ticket.objects.get(is_outage=True)
    assert outage.subject == OUTAGE_SUBJECT
    assert outage.category == "incident"
    assert not outage.requester.is_staff
    assert TicketEvent.objects.filter(
        ticket=outage, kind=EventKind.OUTAGE, actor=agent, new_value="True"
    ).exists()

    linked = list(outage.outage_incidents.select_related("account"))
    assert len(linked) >= 3
    assert {t.account.customer_code for t in linked} == {"C-10001", "C-10002"}
    assert all(t.category == "incident" for t in linked)
    for ticket in [outage, *linked]:
        update = ticket.messages.get(body=OUTAGE_UPDATE)
        assert update.author == agent and not update.is_internal

    # The outage's internal note is the agents' alone.
    customer_thread = ticket_thread(ticket=outage, include_internal=False)
    assert not any(message.is_internal for message in customer_thread)
    assert outage.messages.filter(is_internal=True).exists()

    # An unassigned new incident from Acme waits in the technical team (to be taken).
    assert Ticket.objects.filter(
        account__customer_code="C-10001",
        category="incident",
        status=Status.NEW,
        assignee__isnull=True,
        team__slug="technical",
    ).exists()


def test_the_demo_writes_no_notification(db):
    call_command("demo", stdout=StringIO())
    assert not OutboundEmail.objects.exists()


def test_the_demo_has_after_hours_tickets_of_both_kinds(db):
    call_command("demo", stdout=StringIO())
    urgent, deferred = (Ticket.objects.get(subject=s) for s in AFTER_HOURS_SUBJECTS)
    assert (urgent.after_hours, urgent.priority, urgent.sla_24x7) == ("urgent", "urgent", True)
    assert deferred.after_hours == "deferred"
    assert deferred.attend_from is not None and deferred.attend_from > deferred.created_at
