"""The after-hours rule and the SLA clock, with a frozen clock in Europe/Madrid.

The default calendar (seeded by migration) is Spain / Community of Madrid, open
Monday to Thursday 09:00–14:00 and 15:00–18:00 and Friday 09:00–15:00."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from conftest import open_ticket, pdf, signed_in
from tique.accounts.models import Team
from tique.mail.choices import NotificationKind
from tique.mail.models import OutboundEmail
from tique.sla import breaches
from tique.sla.business_time import add_business_minutes, business_minutes_between
from tique.sla.models import SlaPolicy
from tique.sla.selectors import default_calendar
from tique.tickets.choices import AfterHours, EventKind, Priority, Status
from tique.tickets.services import message_add, ticket_assign, ticket_set_status

MADRID = ZoneInfo("Europe/Madrid")
BANK = {
    "iban": "ES91 2100 0418 4502 0005 1332",
    "holder_name": "Acme Telefonía S.L.",
    "holder_tax_id": "B12345674",
}
NO_INCOMING = {
    "description": "No entran llamadas",
    "tests_done": "Reiniciamos el router",
    "affected": "912345678",
    "called_number": "912345678",
    "caller_number": "600111222",
    "failed_at": "2026-11-28T22:50",
}


def madrid(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=MADRID)


@pytest.fixture(autouse=True)
def policies(db):
    """Basic plan: 4 business hours to answer, 5 business days to solve; an urgent
    incident: 30 minutes and 4 hours, around the clock."""
    SlaPolicy.objects.all().delete()
    SlaPolicy.objects.create(
        name="Basic",
        plan="basic",
        first_response_minutes=240,
        next_response_minutes=240,
        resolution_minutes=2400,
    )
    SlaPolicy.objects.create(
        name="Basic, urgent incidents",
        plan="basic",
        category="incident",
        priority="urgent",
        first_response_minutes=30,
        next_response_minutes=60,
        resolution_minutes=240,
        business_hours=False,
    )


@pytest.fixture
def on_call(agent):
    agent.is_on_call = True
    agent.save()
    return agent


def bank_change(user):
    return open_ticket(
        user, "request", "change-bank-account", BANK, files={"sepa_mandate": pdf("sepa.pdf")}
    )


def test_a_cannot_receive_calls_incident_on_saturday_night_is_urgent_24x7_and_on_call_told(
    ana, on_call
):
    with time_machine.travel(madrid(2026, 11, 28, 23, 0), tick=False):
        ticket = open_ticket(ana, "incident", "cannot-receive-calls", NO_INCOMING)
    assert ticket.after_hours == AfterHours.URGENT
    assert ticket.priority == Priority.URGENT
    assert ticket.sla_24x7
    assert ticket.sla_policy is not None
    assert ticket.sla_policy.name == "Basic, urgent incidents"
    assert ticket.first_response_due_at == madrid(2026, 11, 28, 23, 30)
    assert ticket.resolution_due_at == madrid(2026, 11, 29, 3, 0)
    assert OutboundEmail.objects.filter(
        kind=NotificationKind.URGENT_AFTER_HOURS, to_address=on_call.email, ticket=ticket
    ).exists()
    event = ticket.events.get(kind=EventKind.AFTER_HOURS)
    assert event.new_value == AfterHours.URGENT


def test_a_bank_account_change_on_saturday_night_waits_for_monday_nine(acme_admin, on_call):
    with time_machine.travel(madrid(2026, 11, 28, 23, 0), tick=False):
        ticket = bank_change(acme_admin)
    assert ticket.after_hours == AfterHours.DEFERRED
    assert ticket.priority == Priority.NORMAL
    assert ticket.attend_from == madrid(2026, 11, 30, 9, 0)
    # Four business hours from Monday 09:00.
    assert ticket.first_response_due_at == madrid(2026, 11, 30, 13, 0)
    assert not OutboundEmail.objects.filter(kind=NotificationKind.URGENT_AFTER_HOURS).exists()
    ack = OutboundEmail.objects.get(kind=NotificationKind.TICKET_RECEIVED, ticket=ticket)
    assert "lunes 30 de noviembre a las 09:00" in ack.text_body


def test_when_monday_is_a_holiday_it_waits_for_tuesday(acme_admin):
    # Monday 2 November 2026 is a public holiday in Madrid.
    with time_machine.travel(madrid(2026, 10, 31, 23, 0), tick=False):
        ticket = bank_change(acme_admin)
    assert ticket.attend_from == madrid(2026, 11, 3, 9, 0)
    assert ticket.first_response_due_at == madrid(2026, 11, 3, 13, 0)


def test_the_customer_is_told_the_day_and_hour_on_the_confirmation_page(acme_admin):
    client = signed_in(acme_admin)
    url = reverse(
        "portal:ticket-create", kwargs={"category": "request", "slug": "change-bank-account"}
    )
    with time_machine.travel(madrid(2026, 11, 28, 23, 0), tick=False):
        response = client.post(
            url, {**BANK, "sepa_mandate": pdf("sepa.pdf")}, HTTP_ACCEPT_LANGUAGE="es", follow=True
        )
    assert response.status_code == 200
    assert "lunes 30 de noviembre a las 09:00" in response.content.decode()


def test_in_business_hours_nothing_is_deferred(acme_admin):
    with time_machine.travel(madrid(2026, 11, 24, 10, 0), tick=False):
        ticket = bank_change(acme_admin)
    assert ticket.after_hours == AfterHours.NO
    assert ticket.attend_from == madrid(2026, 11, 24, 10, 0)
    # Four business hours from 10:00 end exactly at the 14:00 closing.
    assert ticket.first_response_due_at == madrid(2026, 11, 24, 14, 0)
    assert not ticket.events.filter(kind=EventKind.AFTER_HOURS).exists()


def test_time_waiting_for_the_customer_is_not_counted(acme_admin, agent):
    with time_machine.travel(madrid(2026, 11, 24, 10, 0), tick=False):
        ticket = bank_change(acme_admin)
    due_before = ticket.resolution_due_at
    with time_machine.travel(madrid(2026, 11, 24, 10, 30), tick=False):
        message_add(ticket=ticket, author=agent, membership=None, body="¿Nos confirmas?")
        ticket_set_status(ticket=ticket, actor=agent, membership=None, status=Status.PENDING)
    ticket.refresh_from_db()
    assert ticket.sla_paused_at == madrid(2026, 11, 24, 10, 30)
    assert ticket.first_responded_at == madrid(2026, 11, 24, 10, 30)
    with time_machine.travel(madrid(2026, 11, 25, 10, 0), tick=False):
        message_add(
            ticket=ticket,
            author=acme_admin,
            membership=acme_admin.memberships.get(),
            body="Confirmado",
        )
    ticket.refresh_from_db()
    calendar = default_calendar()
    assert calendar is not None
    waited = business_minutes_between(
        madrid(2026, 11, 24, 10, 30), madrid(2026, 11, 25, 10, 0), calendar
    )
    assert waited == 210 + 180 + 60
    assert ticket.status == Status.OPEN and ticket.sla_paused_at is None
    assert ticket.resolution_due_at == add_business_minutes(due_before, 450, calendar)
    assert ticket.next_response_due_at == madrid(2026, 11, 25, 14, 0)


def test_a_late_first_response_is_marked_breached(acme_admin, agent):
    with time_machine.travel(madrid(2026, 11, 24, 10, 0), tick=False):
        ticket = bank_change(acme_admin)
    with time_machine.travel(madrid(2026, 11, 24, 16, 0), tick=False):
        message_add(ticket=ticket, author=agent, membership=None, body="Perdón por la espera")
    ticket.refresh_from_db()
    assert ticket.first_response_breached


def _alerts(kind):
    return sorted(OutboundEmail.objects.filter(kind=kind).values_list("to_address", flat=True))


def test_the_breach_sweep_run_twice_notifies_once(acme_admin, agent, django_user_model):
    boss = django_user_model.objects.create_user(
        email="boss@tique.example", password="x" * 12, is_staff=True
    )
    Team.objects.filter(slug="billing").update(supervisor=boss)
    with time_machine.travel(madrid(2026, 11, 24, 10, 0), tick=False):
        ticket = bank_change(acme_admin)
        ticket_assign(ticket=ticket, actor=boss, assignee=agent)
    with time_machine.travel(madrid(2026, 11, 24, 13, 45), tick=False):
        first = breaches.sweep()
        second = breaches.sweep()
    assert (first.warned, second.warned) == (1, 0)
    assert _alerts(NotificationKind.SLA_WARNING) == [agent.email]
    with time_machine.travel(madrid(2026, 11, 24, 14, 1), tick=False):
        first = breaches.sweep()
        second = breaches.sweep()
    assert (first.breached, second.breached) == (1, 0)
    assert _alerts(NotificationKind.SLA_BREACHED) == sorted([agent.email, boss.email])
    ticket.refresh_from_db()
    assert ticket.first_response_breached
    assert ticket.events.filter(kind=EventKind.SLA).count() == 2


def test_a_paused_ticket_is_not_swept(acme_admin, agent):
    with time_machine.travel(madrid(2026, 11, 24, 10, 0), tick=False):
        ticket = bank_change(acme_admin)
        ticket_set_status(ticket=ticket, actor=agent, membership=None, status=Status.PENDING)
    with time_machine.travel(madrid(2026, 11, 30, 10, 0), tick=False):
        result = breaches.sweep()
    assert result.breached == 0


def test_the_panel_names_the_hour_in_madrid_after_reading_the_ticket_back(acme_admin):
    with time_machine.travel(madrid(2026, 11, 28, 23, 0), tick=False):
        ticket = bank_change(acme_admin)
        page = signed_in(acme_admin).get(
            reverse("portal:ticket-detail", kwargs={"number": ticket.number}),
            HTTP_ACCEPT_LANGUAGE="es",
        )
    assert "lunes 30 de noviembre a las 09:00" in page.content.decode()


def test_once_the_opening_has_passed_the_panel_gives_the_answer_time_instead(acme_admin):
    with time_machine.travel(madrid(2026, 11, 28, 23, 0), tick=False):
        ticket = bank_change(acme_admin)
    with time_machine.travel(madrid(2026, 11, 30, 10, 0), tick=False):
        page = signed_in(acme_admin).get(
            reverse("portal:ticket-detail", kwargs={"number": ticket.number}),
            HTTP_ACCEPT_LANGUAGE="en",
        )
    text = page.content.decode()
    assert "We will answer before 30 Nov 2026, 13:00" in text
    assert "Monday 30 November" not in text
