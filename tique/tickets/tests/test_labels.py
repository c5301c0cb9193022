"""A ticket's status, priority and category read as their choice labels, translated."""

from __future__ import annotations

from django.utils import translation

from tique.tickets.choices import Category, Priority, Status
from tique.tickets.models import Ticket


def test_labels_follow_the_active_language():
    ticket = Ticket(status=Status.PENDING, priority=Priority.URGENT, category=Category.INCIDENT)
    with translation.override("en"):
        english = (
            ticket.get_status_display(),
            ticket.get_priority_display(),
            ticket.get_category_display(),
        )
        labels = (Status.PENDING.label, Priority.URGENT.label, Category.INCIDENT.label)
        assert english == tuple(str(label) for label in labels)
    with translation.override("es"):
        spanish = ticket.get_status_display()
        assert spanish == str(Status.PENDING.label)
    assert spanish != english[0]


def test_an_unknown_value_reads_as_itself():
    assert Ticket(status="archived").get_status_display() == "archived"
