"""Lists read kinds and teams from a snapshot in memory: always right in this process
after a change, bounded in age elsewhere, and never a join in the list's query."""

from __future__ import annotations

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import open_ticket, signed_in
from tique.accounts.models import Team
from tique.tickets import snapshot
from tique.tickets.models import QueryKind, Ticket

QUEUE = reverse("desk:queue")
HISTORY = reverse("portal:ticket-list")


def _row_kinds(response) -> list[str]:
    return [ticket.kind.name for ticket in response.context["page"].object_list]


def test_a_renamed_kind_shows_its_new_name_at_once(acme_admin, agent):
    open_ticket(acme_admin)
    client = signed_in(agent)
    kind = QueryKind.objects.get(slug="technical")
    assert _row_kinds(client.get(QUEUE, {"queue": "open"})) == [kind.name]
    kind.name_es = kind.name_en = "Duda técnica"
    kind.save()
    response = client.get(QUEUE, {"queue": "open"})
    assert _row_kinds(response) == ["Duda técnica"]
    assert "Duda técnica" in response.content.decode()


def test_a_kind_created_after_the_snapshot_is_read_from_the_database(acme_admin, agent):
    open_ticket(acme_admin)
    client = signed_in(agent)
    client.get(QUEUE, {"queue": "open"})  # the snapshot is taken
    held = snapshot.snapshot()
    new_kind = QueryKind.objects.create(
        slug="roaming",
        name_es="Itinerancia",
        name_en="Itinerancia",
        team=Team.objects.get(slug="technical"),
    )
    # Saving dropped this process's snapshot; another process's would still hold the
    # old one, which this stands for.
    snapshot._current = held
    ticket = open_ticket(acme_admin)
    Ticket.objects.filter(pk=ticket.pk).update(query_kind=new_kind)
    kinds = _row_kinds(client.get(QUEUE, {"queue": "open"}))
    assert kinds[0] == "Itinerancia"


def test_an_old_snapshot_is_taken_again(acme_admin, agent, monkeypatch):
    open_ticket(acme_admin)
    first = snapshot.snapshot()
    assert snapshot.snapshot() is first
    monkeypatch.setattr(time, "monotonic", lambda: first.taken_at + snapshot.MAX_AGE + 1)
    assert snapshot.snapshot() is not first


@pytest.mark.parametrize("path", [QUEUE, HISTORY])
def test_lists_join_no_kind_or_team_table(acme_admin, agent, path):
    open_ticket(acme_admin)
    open_ticket(acme_admin, "incident", "cannot-receive-calls")
    client = signed_in(agent if path == QUEUE else acme_admin)
    client.get(path, {"queue": "open"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, {"queue": "open"})
    assert len(response.context["page"].object_list) == 2
    page_query = next(q["sql"] for q in queries if "ORDER BY" in q["sql"] and "LIMIT" in q["sql"])
    for table in ("tickets_querykind", "tickets_incidentkind", "accounts_team"):
        assert table not in page_query
    teams = {t.team.slug for t in response.context["page"].object_list}
    assert teams == {"technical"}
