"""Recording a rating: only the requester of a solved (or closed) ticket, one rating per
ticket, with the agent, team and account it had when it was rated."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import open_ticket
from tique.accounts.models import Team
from tique.satisfaction.choices import Rating, RatingChannel
from tique.satisfaction.models import SatisfactionRating
from tique.satisfaction.permissions import can_rate
from tique.satisfaction.services import rating_record
from tique.satisfaction.tests.conftest import reopen
from tique.tickets import services
from tique.tickets.choices import Status
from tique.tickets.tests.desk_helpers import make_agent


def rate(ticket, user, rating="good", comment="", channel=RatingChannel.PANEL):
    return rating_record(ticket=ticket, user=user, rating=rating, comment=comment, channel=channel)


def test_the_requester_rates_their_solved_ticket(solved, ana, agent):
    recorded = rate(solved, ana, "good", "  Muy rápido  ", RatingChannel.EMAIL)

    assert recorded.ticket == solved
    assert recorded.rating == Rating.GOOD
    assert recorded.comment == "Muy rápido"
    assert recorded.rated_by == ana
    assert recorded.channel == RatingChannel.EMAIL
    assert recorded.agent == agent
    assert recorded.team == Team.objects.get(slug="technical")
    assert recorded.account == solved.account


def test_a_second_vote_changes_the_rating_and_keeps_when_it_was_first_given(solved, ana):
    first = rate(solved, ana, "good")

    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        second = rate(solved, ana, "bad", "Pensándolo mejor, no")

    assert SatisfactionRating.objects.count() == 1
    assert second.pk == first.pk
    assert second.rating == Rating.BAD
    assert second.comment == "Pensándolo mejor, no"
    assert second.created_at == first.created_at
    assert second.updated_at > first.updated_at


def test_the_rating_credits_whoever_had_the_ticket_when_it_was_rated(solved, ana, agent):
    rate(solved, ana, "good")
    billing = make_agent("billing@tique.example", "Facturación", team="billing")
    services.ticket_assign(ticket=solved, actor=agent, assignee=billing)

    recorded = SatisfactionRating.objects.get()
    assert recorded.agent == agent

    changed = rate(solved, ana, "bad")
    assert changed.agent == billing


def test_a_closed_ticket_can_still_be_rated(solved, ana, agent):
    services.ticket_set_status(ticket=solved, actor=agent, membership=None, status=Status.CLOSED)

    assert rate(solved, ana).rating == Rating.GOOD


@pytest.mark.parametrize("status", [Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD])
def test_a_ticket_that_is_not_solved_cannot_be_rated(ana, status):
    ticket = open_ticket(ana)
    ticket.status = status

    assert not can_rate(ana, ticket)


def test_a_reopened_ticket_cannot_be_rated(solved, ana):
    reopen(solved)

    with pytest.raises(PermissionDenied):
        rate(solved, ana)
    assert not SatisfactionRating.objects.exists()


def test_the_service_reads_the_ticket_afresh(solved, ana):
    """A stale copy that still says solved does not let a rating through."""
    stale = solved.__class__.objects.get(pk=solved.pk)
    reopen(solved)

    with pytest.raises(PermissionDenied):
        rate(stale, ana)


@pytest.mark.parametrize("who", ["acme_admin", "luis", "beta_admin", "agent"])
def test_only_the_requester_rates(solved, who, request):
    user = request.getfixturevalue(who)

    assert not can_rate(user, solved)
    with pytest.raises(PermissionDenied):
        rate(solved, user)


def test_an_inactive_requester_cannot_rate(solved, ana):
    ana.is_active = False

    assert not can_rate(ana, solved)


def test_a_ticket_merged_into_another_cannot_be_rated(ana, agent):
    duplicate, survivor = open_ticket(ana), open_ticket(ana)
    services.ticket_merge(source=duplicate, target=survivor, actor=agent)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.CLOSED

    assert not can_rate(ana, duplicate)


def test_an_unknown_rating_is_refused_with_the_field_named(solved, ana):
    with pytest.raises(ValidationError) as error:
        rate(solved, ana, "meh")

    assert "rating" in error.value.message_dict


def test_a_comment_over_two_thousand_characters_is_refused_with_the_field_named(solved, ana):
    with pytest.raises(ValidationError) as error:
        rate(solved, ana, "bad", "x" * 2001)

    assert "comment" in error.value.message_dict
    assert not SatisfactionRating.objects.exists()


def test_a_comment_of_two_thousand_characters_is_kept_whole(solved, ana):
    assert rate(solved, ana, "bad", "x" * 2000).comment == "x" * 2000
