"""The e-mails one change writes go to the task queue as one task once it commits; a
savepoint rolled back takes its e-mails out of the batch, never the others."""

from __future__ import annotations

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from conftest import open_ticket
from tique.accounts.models import User
from tique.mail import compose, notifications
from tique.mail.choices import NotificationKind, OutboundState
from tique.mail.models import OutboundEmail
from tique.mail.tests.conftest import make_agent, quiet_ticket


def test_a_new_ticket_enqueues_one_task_for_all_its_mail(
    acme_admin, agent, mailbox, monkeypatch, django_capture_on_commit_callbacks
):
    make_agent("eva@tique.example", "Eva Soporte")
    make_agent("leo@tique.example", "Leo Soporte")
    batches: list[list[int]] = []
    real = compose.enqueue

    def recording(ids: list[int]) -> None:
        batches.append(list(ids))
        real(ids)

    monkeypatch.setattr(compose, "enqueue", recording)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(acme_admin)
    written = set(OutboundEmail.objects.filter(ticket=ticket).values_list("pk", flat=True))
    assert len(written) == 4  # three agents, and the requester's acknowledgement
    assert len(batches) == 1 and set(batches[0]) == written
    assert len(mailbox.received) == 4
    assert set(OutboundEmail.objects.values_list("state", flat=True)) == {OutboundState.SENT}


def test_a_rolled_back_savepoint_leaves_the_rest_of_the_batch(
    acme_admin, agent, mailbox, monkeypatch, django_capture_on_commit_callbacks
):
    teammate = make_agent("eva@tique.example", "Eva Soporte")
    ticket = quiet_ticket(acme_admin)
    batches: list[list[int]] = []
    monkeypatch.setattr(compose, "enqueue", lambda ids: batches.append(list(ids)))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                notifications.ticket_created(ticket)
                raise RuntimeError("the change failed after queueing")
        except RuntimeError:
            pass
        kept = compose.queue(
            kind=NotificationKind.TICKET_CREATED, ticket=ticket, recipient=teammate
        )
    assert kept is not None
    assert batches == [[kept.pk]]


def _queries_to_tell_the_team(ticket) -> int:
    with CaptureQueriesContext(connection) as queries:
        notifications.ticket_created(ticket)
    return len(queries)


def test_telling_a_bigger_team_costs_no_more_queries(acme_admin, agent, mailbox):
    ticket = quiet_ticket(acme_admin)
    few = _queries_to_tell_the_team(ticket)
    for number in range(5):
        make_agent(f"agent{number}@tique.example", f"Agente {number}")
    ticket = quiet_ticket(acme_admin)
    many = _queries_to_tell_the_team(ticket)
    assert many == few
    assert OutboundEmail.objects.filter(ticket=ticket).count() == 6


def test_a_team_is_written_to_once_per_language(acme_admin, agent, mailbox, monkeypatch):
    make_agent("eva@tique.example", "Eva Soporte", language="es")
    make_agent("sam@tique.example", "Sam Support", language="en")
    User.objects.filter(pk=agent.pk).update(language="es")
    ticket = quiet_ticket(acme_admin)
    renders: list[str] = []
    real = compose.render

    def counting(kind, context, language):
        renders.append(language)
        return real(kind, context, language)

    monkeypatch.setattr(compose, "render", counting)
    notifications.ticket_created(ticket)
    assert sorted(renders) == ["en", "es"]
    by_address = dict(
        OutboundEmail.objects.filter(ticket=ticket).values_list("to_address", "language")
    )
    assert by_address == {
        "agent@tique.example": "es",
        "eva@tique.example": "es",
        "sam@tique.example": "en",
    }
    subjects = dict(OutboundEmail.objects.filter(ticket=ticket).values_list("language", "subject"))
    assert subjects["es"] != subjects["en"]
