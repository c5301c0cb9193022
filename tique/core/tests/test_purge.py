"""Deleting rows with their dependants, set-based: what depends on them goes, what
points in from outside the set stops it, and nothing is then deleted."""

from __future__ import annotations

import pytest
from django.core.management.base import CommandError

from conftest import open_ticket
from tique.core.benchdata.purge import purge
from tique.tickets import services
from tique.tickets.models import Message, Ticket


def test_tickets_go_with_their_messages_and_merges_within_the_set(acme_admin, ana, agent):
    kept = open_ticket(ana)
    first, second = open_ticket(acme_admin), open_ticket(acme_admin)
    services.ticket_merge(source=first, target=second, actor=agent)
    deleted = purge(Ticket.objects.filter(pk__in=[first.pk, second.pk]))
    assert deleted == 2
    assert list(Ticket.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not Message.objects.exclude(ticket=kept).exists()


def test_a_merge_from_outside_the_set_stops_it(acme_admin, ana, agent):
    inside, outside = open_ticket(acme_admin), open_ticket(ana)
    services.ticket_merge(source=outside, target=inside, actor=agent)
    with pytest.raises(CommandError, match="outside the deleted set"):
        purge(Ticket.objects.filter(pk=inside.pk))
    assert Ticket.objects.count() == 2
