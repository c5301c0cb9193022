"""The desk's services and selectors: routing on arrival, round-robin, the queues and
their filters, the audit trail of an agent's changes, merge, links, known outages,
canned replies and presence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import pdf
from tique.accounts.models import Team
from tique.tickets import selectors
from tique.tickets.choices import EventKind, Priority, Status
from tique.tickets.models import (
    CannedReply,
    IncidentKind,
    QueryKind,
    RequestType,
    TicketEvent,
    TicketLink,
    TicketPresence,
)
from tique.tickets.selectors import DeskFilters, Queue, desk_filter, queue_tickets
from tique.tickets.services import (
    message_add,
    outage_broadcast,
    presence_touch,
    ticket_assign,
    ticket_attach_to_outage,
    ticket_link,
    ticket_merge,
    ticket_set_outage,
    ticket_set_priority,
    ticket_set_status,
    ticket_set_team,
    ticket_unlink,
)
from tique.tickets.tests.catalogue_examples import EXAMPLES
from tique.tickets.tests.desk_helpers import (
    closed,
    customer,
    incident,
    make_agent,
    open_example,
    query,
    set_state,
    solved,
)


def team(slug):
    return Team.objects.get(slug=slug)


def numbers(tickets):
    return sorted(ticket.number for ticket in tickets)


# --- Routing ------------------------------------------------------------------------


def test_the_examples_cover_every_seeded_catalogue_entry(db):
    seeded = {
        *(("query", slug) for slug in QueryKind.objects.values_list("slug", flat=True)),
        *(("request", slug) for slug in RequestType.objects.values_list("slug", flat=True)),
        *(("incident", slug) for slug in IncidentKind.objects.values_list("slug", flat=True)),
    }
    assert seeded == {(example.category, example.slug) for example in EXAMPLES}
    assert len(seeded) == 2 + 12 + 8


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda example: example.id)
def test_every_entry_routes_to_the_team_the_catalogue_names(acme_admin, example):
    ticket = open_example(acme_admin, example)
    assert ticket.team is not None
    assert ticket.team.slug == example.team
    assert ticket.team_id == ticket.kind.team_id
    assert ticket.assignee is None  # no team works round-robin unless a supervisor says so


def test_queries_go_to_technical_and_commercial_and_incidents_to_technical(acme_admin):
    assert query(acme_admin, "technical").team == team("technical")
    assert query(acme_admin, "commercial").team == team("commercial")
    for slug in IncidentKind.objects.values_list("slug", flat=True):
        assert incident(acme_admin, slug).team == team("technical")


def test_a_supervisor_changing_an_entrys_team_changes_where_new_tickets_go(acme_admin):
    before = query(acme_admin, "commercial")
    entry = QueryKind.objects.get(slug="commercial")
    entry.team = team("billing")
    entry.save()
    after = query(acme_admin, "commercial")
    assert after.team == team("billing")
    before.refresh_from_db()
    assert before.team == team("commercial")  # tickets already routed stay where they are


def test_an_incident_kind_can_be_routed_elsewhere_too(acme_admin):
    IncidentKind.objects.filter(slug="pbx").update(team=team("numbering"))
    assert incident(acme_admin, "pbx").team == team("numbering")
    assert incident(acme_admin, "other").team == team("technical")


# --- Round-robin --------------------------------------------------------------------


@pytest.fixture
def rotation(agent):
    """The technical team working round-robin with three agents."""
    technical = team("technical")
    technical.round_robin = True
    technical.save()
    second = make_agent("rosa@tique.example", "Rosa Soporte")
    third = make_agent("iker@tique.example", "Iker Soporte")
    return [agent, second, third]


def test_round_robin_shares_nine_tickets_three_each_in_turn(acme_admin, rotation):
    tickets = [query(acme_admin) for _ in range(9)]
    assignees = [ticket.assignee for ticket in tickets]
    assert assignees[:3] == assignees[3:6] == assignees[6:]
    assert set(assignees[:3]) == set(rotation)
    assert {agent.pk: assignees.count(agent) for agent in rotation} == {
        agent.pk: 3 for agent in rotation
    }


def test_round_robin_skips_an_agent_who_is_away(acme_admin, rotation):
    away = rotation[1]
    away.is_away = True
    away.save()
    assignees = [query(acme_admin).assignee for _ in range(6)]
    assert away not in assignees
    assert assignees.count(rotation[0]) == assignees.count(rotation[2]) == 3


def test_round_robin_skips_an_inactive_agent(acme_admin, rotation):
    gone = rotation[2]
    gone.is_active = False
    gone.save()
    assignees = [query(acme_admin).assignee for _ in range(4)]
    assert gone not in assignees
    assert assignees.count(rotation[0]) == assignees.count(rotation[1]) == 2


def test_round_robin_never_picks_a_customer_put_in_the_team(acme_admin, ana, rotation):
    team("technical").members.add(ana)
    assignees = [query(acme_admin).assignee for _ in range(4)]
    assert ana not in assignees


def test_nobody_available_leaves_the_ticket_unassigned(acme_admin, rotation):
    for agent in rotation:
        agent.is_away = True
        agent.save()
    assert query(acme_admin).assignee is None


def test_a_team_without_round_robin_leaves_tickets_unassigned(acme_admin, rotation):
    commercial = team("commercial")
    commercial.members.add(*rotation)
    assert not commercial.round_robin
    tickets = [query(acme_admin, "commercial") for _ in range(3)]
    assert [ticket.assignee for ticket in tickets] == [None, None, None]
    assert not TicketEvent.objects.filter(kind=EventKind.ASSIGNEE).exists()


def test_the_round_robin_assignment_is_in_the_audit_trail(acme_admin, rotation):
    ticket = query(acme_admin)
    event = ticket.events.get(kind=EventKind.ASSIGNEE)
    assert ticket.assignee is not None
    assert event.actor is None  # the system, not a person
    assert event.old_value == ""
    assert event.new_value == ticket.assignee.display_name
    assert event.data == {"to": ticket.assignee.pk}


# --- Queues -------------------------------------------------------------------------


@pytest.fixture
def desk(acme_admin, beta_admin, agent):
    """Tickets of every shape around an agent of the technical team."""
    colleague = make_agent("rosa@tique.example", "Rosa Soporte")
    tickets = {
        "unassigned": query(acme_admin, subject="Sin asignar"),
        "beta_unassigned": query(beta_admin, subject="De Beta"),
        "pending": set_state(query(acme_admin, subject="Esperando"), status=Status.PENDING),
        "on_hold": set_state(query(acme_admin, subject="En espera"), status=Status.ON_HOLD),
        "mine": query(acme_admin, subject="Mío"),
        "colleagues": query(acme_admin, subject="De Rosa"),
        "commercial": query(acme_admin, "commercial", subject="Comercial"),
        "commercial_mine": query(acme_admin, "commercial", subject="Comercial mío"),
        "solved_recently": solved(query(acme_admin, subject="Resuelto ayer"), days_ago=1),
        "solved_long_ago": solved(query(acme_admin, subject="Resuelto antiguo"), days_ago=8),
        "closed": closed(query(acme_admin, subject="Cerrado")),
        "closed_mine": closed(query(acme_admin, subject="Cerrado mío")),
    }
    for name in ("mine", "commercial_mine", "closed_mine"):
        set_state(tickets[name], assignee=agent)
    set_state(tickets["colleagues"], assignee=colleague)
    return tickets


def in_queue(agent, queue):
    team_ids = list(agent.teams.values_list("pk", flat=True))
    return numbers(queue_tickets(user=agent, queue=queue, team_ids=team_ids))


def named(desk, *names):
    return sorted(desk[name].number for name in names)


def test_unassigned_in_my_teams_holds_active_unassigned_tickets_of_my_teams(desk, agent):
    assert in_queue(agent, Queue.UNASSIGNED) == named(
        desk, "unassigned", "beta_unassigned", "pending", "on_hold"
    )


def test_mine_holds_my_active_tickets_whatever_their_team(desk, agent):
    assert in_queue(agent, Queue.MINE) == named(desk, "mine", "commercial_mine")


def test_my_teams_holds_every_active_ticket_of_my_teams(desk, agent):
    assert in_queue(agent, Queue.TEAMS) == named(
        desk, "unassigned", "beta_unassigned", "pending", "on_hold", "mine", "colleagues"
    )


def test_all_open_holds_every_active_ticket_of_every_team_and_account(desk, agent):
    assert in_queue(agent, Queue.OPEN) == named(
        desk,
        "unassigned",
        "beta_unassigned",
        "pending",
        "on_hold",
        "mine",
        "colleagues",
        "commercial",
        "commercial_mine",
    )


def test_recently_solved_holds_tickets_solved_in_the_last_seven_days(desk, agent):
    assert in_queue(agent, Queue.SOLVED) == named(desk, "solved_recently")
    solved(desk["solved_long_ago"], days_ago=6.9)
    assert in_queue(agent, Queue.SOLVED) == named(desk, "solved_recently", "solved_long_ago")


def test_an_agent_in_no_team_has_empty_team_queues_but_sees_all_open(desk):
    loner = make_agent("solo@tique.example", "Solo", team=None)
    assert in_queue(loner, Queue.UNASSIGNED) == []
    assert in_queue(loner, Queue.TEAMS) == []
    assert len(in_queue(loner, Queue.OPEN)) == 8


def test_a_customer_gets_no_other_accounts_tickets_from_a_queue(desk, beta_admin):
    assert in_queue(beta_admin, Queue.OPEN) == named(desk, "beta_unassigned")


def test_a_capped_count_stops_at_the_cap_plus_one(desk, agent, monkeypatch):
    everything = queue_tickets(user=agent, queue=Queue.OPEN, team_ids=[])
    assert selectors.capped_count(everything) == 8
    assert selectors.capped_count(everything, cap=3) == 4
    monkeypatch.setattr(selectors, "COUNT_CAP", 5)
    assert selectors.capped_count(everything) == 6
    counts = selectors.queue_counts(
        user=agent, team_ids=list(agent.teams.values_list("pk", flat=True))
    )
    assert counts == {"unassigned": 4, "mine": 2, "teams": 6, "open": 6, "solved": 1}


# --- Filters and sorts ----------------------------------------------------------------


def filtered(agent, **filters):
    tickets = queue_tickets(user=agent, queue=Queue.OPEN, team_ids=[])
    return numbers(desk_filter(tickets, DeskFilters(**filters)))


def test_the_filters_narrow_all_open(desk, agent, acme_admin, beta_admin):
    commercial = team("commercial")
    assert filtered(agent, number=desk["mine"].number) == named(desk, "mine")
    assert filtered(agent, account="c-10002") == named(desk, "beta_unassigned")
    assert filtered(agent, account="Beta") == named(desk, "beta_unassigned")
    assert filtered(agent, account="Logística") == []  # a prefix of the name, not a part
    assert filtered(agent, requester_id=beta_admin.pk) == named(desk, "beta_unassigned")
    assert filtered(agent, category="request") == []
    assert filtered(agent, category="query", kind="commercial") == named(
        desk, "commercial", "commercial_mine"
    )
    assert filtered(agent, status=Status.PENDING) == named(desk, "pending")
    assert filtered(agent, team_id=commercial.pk) == named(desk, "commercial", "commercial_mine")
    assert filtered(agent, assignee=str(agent.pk)) == named(desk, "mine", "commercial_mine")
    assert filtered(agent, assignee="none") == named(
        desk, "unassigned", "beta_unassigned", "pending", "on_hold", "commercial"
    )


def test_the_kind_filter_works_without_a_category(desk, agent, acme_admin):
    rma = open_example(acme_admin, next(e for e in EXAMPLES if e.slug == "rma"))
    assert filtered(agent, kind="rma") == [rma.number]
    assert filtered(agent, category="request", kind="rma") == [rma.number]
    assert filtered(agent, category="query", kind="rma") == []


def test_the_priority_filter(desk, agent, acme_admin):
    urgent = incident(acme_admin)
    assert urgent.priority == Priority.HIGH  # cannot receive calls: service-affecting
    assert filtered(agent, priority=Priority.HIGH) == [urgent.number]
    assert filtered(agent, priority=Priority.LOW) == []


def test_created_and_updated_ranges_are_whole_days(desk, agent):
    today = timezone.localdate()
    ten_days_ago = timezone.now() - dt.timedelta(days=10)
    set_state(desk["mine"], created_at=ten_days_ago, last_activity_at=ten_days_ago)
    set_state(desk["colleagues"], created_at=ten_days_ago)
    old_day = timezone.localtime(ten_days_ago).date()
    assert filtered(agent, created_to=old_day) == named(desk, "mine", "colleagues")
    assert filtered(agent, created_from=old_day, created_to=old_day) == named(
        desk, "mine", "colleagues"
    )
    assert desk["mine"].number not in filtered(agent, created_from=today)
    assert filtered(agent, updated_to=old_day) == named(desk, "mine")
    assert desk["mine"].number not in filtered(agent, updated_from=old_day + dt.timedelta(1))
    assert desk["colleagues"].number in filtered(agent, updated_from=today, updated_to=today)


def test_every_sort_orders_the_queue(acme_admin, agent):
    now = timezone.now()
    first = set_state(
        query(acme_admin),
        priority=Priority.LOW,
        created_at=now - dt.timedelta(hours=3),
        last_activity_at=now - dt.timedelta(hours=1),
    )
    second = set_state(
        query(acme_admin),
        priority=Priority.URGENT,
        created_at=now - dt.timedelta(hours=2),
        last_activity_at=now - dt.timedelta(hours=3),
    )
    third = set_state(
        query(acme_admin),
        priority=Priority.HIGH,
        created_at=now - dt.timedelta(hours=1),
        last_activity_at=now - dt.timedelta(hours=2),
    )

    def order(sort):
        tickets = queue_tickets(user=agent, queue=Queue.OPEN, team_ids=[])
        return [ticket.pk for ticket in desk_filter(tickets, DeskFilters(sort=sort))]

    a, b, c = first.pk, second.pk, third.pk
    assert set(selectors.SORTS) == {
        "-last_activity_at",
        "last_activity_at",
        "-created_at",
        "created_at",
        "priority",
        "-number",
        "number",
        "sla",
    }
    # Soonest SLA target first; a paused ticket (no running target) goes last.
    set_state(second, first_response_due_at=now + dt.timedelta(minutes=10))
    set_state(first, sla_paused_at=now)
    assert order("sla") == [b, c, a]
    assert order("-last_activity_at") == [a, c, b]
    assert order("last_activity_at") == [b, c, a]
    assert order("-created_at") == [c, b, a]
    assert order("created_at") == [a, b, c]
    assert order("priority") == [b, c, a]
    assert order("number") == [a, b, c]
    assert order("-number") == [c, b, a]
    assert order("nonsense") == order("-last_activity_at")


# --- An agent's changes and their audit trail -----------------------------------------


def test_every_change_by_an_agent_records_who_from_what_and_to_what(acme_admin, agent):
    ticket = query(acme_admin)
    colleague = make_agent("rosa@tique.example", "Rosa Soporte")
    ticket_assign(ticket=ticket, actor=agent, assignee=colleague)
    ticket_assign(ticket=ticket, actor=agent, assignee=None)
    ticket_set_priority(ticket=ticket, actor=agent, priority=Priority.URGENT)
    ticket_set_team(ticket=ticket, actor=agent, team=team("billing"))
    ticket_set_status(ticket=ticket, actor=agent, membership=None, status=Status.ON_HOLD)
    events = list(
        ticket.events.exclude(kind=EventKind.CREATED).values_list(
            "actor", "kind", "old_value", "new_value"
        )
    )
    assert events == [
        (agent.pk, EventKind.ASSIGNEE, "", "Rosa Soporte"),
        (agent.pk, EventKind.ASSIGNEE, "Rosa Soporte", ""),
        (agent.pk, EventKind.PRIORITY, Priority.NORMAL, Priority.URGENT),
        (agent.pk, EventKind.TEAM, team("technical").name, team("billing").name),
        (agent.pk, EventKind.STATUS, Status.NEW, Status.ON_HOLD),
    ]
    assert ticket.events.get(kind=EventKind.TEAM).data == {
        "from": team("technical").pk,
        "to": team("billing").pk,
    }
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.priority, ticket.team, ticket.status) == (
        None,
        Priority.URGENT,
        team("billing"),
        Status.ON_HOLD,
    )


def test_a_change_to_the_same_value_records_nothing(acme_admin, agent):
    ticket = query(acme_admin)
    ticket_assign(ticket=ticket, actor=agent, assignee=None)
    ticket_set_priority(ticket=ticket, actor=agent, priority=Priority.NORMAL)
    ticket_set_team(ticket=ticket, actor=agent, team=team("technical"))
    assert list(ticket.events.values_list("kind", flat=True)) == [EventKind.CREATED]


def test_a_customer_cannot_use_the_desks_services(acme_admin, agent):
    ticket = query(acme_admin)
    with pytest.raises(PermissionDenied):
        ticket_assign(ticket=ticket, actor=acme_admin, assignee=agent)
    with pytest.raises(PermissionDenied):
        ticket_set_priority(ticket=ticket, actor=acme_admin, priority=Priority.URGENT)
    with pytest.raises(PermissionDenied):
        ticket_set_team(ticket=ticket, actor=acme_admin, team=None)
    with pytest.raises(PermissionDenied):
        presence_touch(ticket=ticket, user=acme_admin, replying=False)


def test_tickets_are_assigned_to_active_agents_only(acme_admin, ana, agent):
    ticket = query(acme_admin)
    with pytest.raises(ValidationError):
        ticket_assign(ticket=ticket, actor=agent, assignee=ana)
    gone = make_agent("gone@tique.example", "Gone", is_active=False)
    with pytest.raises(ValidationError):
        ticket_assign(ticket=ticket, actor=agent, assignee=gone)


def test_a_public_reply_opens_a_new_ticket_and_a_note_does_not(acme_admin, agent):
    ticket = query(acme_admin)
    message_add(ticket=ticket, author=agent, membership=None, body="Nota", internal=True)
    assert ticket.status == Status.NEW
    message_add(ticket=ticket, author=agent, membership=None, body="Respuesta")
    assert ticket.status == Status.OPEN
    assert list(ticket.events.values_list("kind", "old_value", "new_value"))[1:] == [
        (EventKind.NOTE, "", ""),
        (EventKind.REPLY, "", ""),
        (EventKind.STATUS, Status.NEW, Status.OPEN),
    ]


# --- Merge --------------------------------------------------------------------------


def test_merge_moves_the_thread_and_files_and_closes_the_duplicate(acme_admin, agent):
    duplicate = query(acme_admin, subject="Duplicado")
    survivor = query(acme_admin, subject="Original")
    membership = acme_admin.memberships.get()
    message_add(
        ticket=duplicate,
        author=acme_admin,
        membership=membership,
        body="Adjunto la factura",
        uploads=[pdf("factura.pdf")],
    )
    moved = set(duplicate.messages.values_list("pk", flat=True))
    assert len(moved) == 2
    ticket_merge(source=duplicate, target=survivor, actor=agent)
    assert moved <= set(survivor.messages.values_list("pk", flat=True))
    assert not duplicate.messages.exists()
    assert list(survivor.attachments.values_list("original_name", flat=True)) == ["factura.pdf"]
    assert not duplicate.attachments.exists()
    assert duplicate.status == Status.CLOSED and duplicate.closed_at is not None
    assert duplicate.merged_into == survivor
    assert survivor.status == Status.NEW  # the survivor goes on as it was
    for ticket in (duplicate, survivor):
        event = ticket.events.get(kind=EventKind.MERGED)
        assert (event.actor, event.old_value, event.new_value) == (
            agent,
            f"#{duplicate.number}",
            f"#{survivor.number}",
        )
    note = survivor.messages.order_by("created_at", "id").reverse()[0]
    assert note.is_internal is False  # the customer is told
    assert note.author == agent
    assert f"#{duplicate.number}" in note.body and "Duplicado" in note.body


def test_merge_refuses_another_accounts_ticket(acme_admin, beta_admin, agent):
    ours, theirs = query(acme_admin), query(beta_admin)
    with pytest.raises(ValidationError):
        ticket_merge(source=ours, target=theirs, actor=agent)
    ours.refresh_from_db()
    assert ours.merged_into is None and ours.status == Status.NEW


def test_merge_refuses_the_ticket_itself(acme_admin, agent):
    ticket = query(acme_admin)
    with pytest.raises(ValidationError):
        ticket_merge(source=ticket, target=ticket, actor=agent)


def test_merge_refuses_a_closed_target(acme_admin, agent):
    duplicate, target = query(acme_admin), closed(query(acme_admin))
    with pytest.raises(ValidationError):
        ticket_merge(source=duplicate, target=target, actor=agent)
    assert duplicate.messages.count() == 1


def test_a_merged_ticket_cannot_be_merged_again_either_way(acme_admin, agent):
    duplicate, survivor, third = query(acme_admin), query(acme_admin), query(acme_admin)
    ticket_merge(source=duplicate, target=survivor, actor=agent)
    with pytest.raises(ValidationError):
        ticket_merge(source=duplicate, target=third, actor=agent)
    with pytest.raises(ValidationError):
        ticket_merge(source=third, target=duplicate, actor=agent)


def test_a_customer_cannot_merge(acme_admin):
    first, second = query(acme_admin), query(acme_admin)
    with pytest.raises(PermissionDenied):
        ticket_merge(source=first, target=second, actor=acme_admin)


# --- Links --------------------------------------------------------------------------


def test_a_link_reads_both_ways_and_is_recorded_on_both_tickets(acme_admin, beta_admin, agent):
    ours, theirs = query(acme_admin), query(beta_admin)
    ticket_link(ticket=theirs, other=ours, actor=agent)
    ticket_link(ticket=ours, other=theirs, actor=agent)  # the same link: nothing new
    assert TicketLink.objects.count() == 1
    assert selectors.ticket_links(ticket=ours) == [theirs]
    assert selectors.ticket_links(ticket=theirs) == [ours]
    for ticket, other in ((ours, theirs), (theirs, ours)):
        assert list(
            ticket.events.filter(kind=EventKind.LINKED).values_list(
                "actor", "old_value", "new_value"
            )
        ) == [(agent.pk, "", f"#{other.number}")]


def test_unlinking_from_either_side_removes_the_link_and_records_it(acme_admin, agent):
    first, second = query(acme_admin), query(acme_admin)
    ticket_link(ticket=first, other=second, actor=agent)
    ticket_unlink(ticket=second, other=first, actor=agent)
    assert not TicketLink.objects.exists()
    assert selectors.ticket_links(ticket=first) == []
    last = first.events.filter(kind=EventKind.LINKED).reverse()[0]
    assert (last.old_value, last.new_value) == (f"#{second.number}", "")
    ticket_unlink(ticket=second, other=first, actor=agent)  # nothing left: nothing recorded
    assert second.events.filter(kind=EventKind.LINKED).count() == 2


def test_a_ticket_cannot_be_linked_to_itself(acme_admin, agent):
    ticket = query(acme_admin)
    with pytest.raises(ValidationError):
        ticket_link(ticket=ticket, other=ticket, actor=agent)


# --- Known outages ------------------------------------------------------------------


@pytest.fixture
def outage(acme_admin, beta_admin, ana, agent):
    """A known outage and three customers' incidents (three accounts) linked to it."""
    gamma_admin = customer("C-10003", "Gamma Voz S.L.", "admin@gamma.example", "Gloria Gil")
    parent = incident(acme_admin)
    ticket_set_outage(ticket=parent, actor=agent, is_outage=True)
    linked = [incident(user) for user in (ana, beta_admin, gamma_admin)]
    for ticket in linked:
        ticket_attach_to_outage(ticket=ticket, actor=agent, outage=parent)
    return parent, linked


def test_incidents_of_three_accounts_are_linked_to_an_outage(outage, agent):
    parent, linked = outage
    assert parent.is_outage
    assert parent.events.filter(kind=EventKind.OUTAGE, new_value="True").exists()
    assert len({ticket.account_id for ticket in linked}) == 3
    assert numbers(parent.outage_incidents.all()) == numbers(linked)
    for ticket in linked:
        event = ticket.events.get(kind=EventKind.OUTAGE)
        assert (event.actor, event.new_value) == (agent, f"#{parent.number}")


def test_one_update_reaches_every_linked_active_ticket(outage, agent):
    parent, linked = outage
    finished = solved(linked[2])
    text = "Estamos trabajando con el operador del troncal."
    assert outage_broadcast(outage=parent, actor=agent, body=text) == 2
    for ticket in [parent, *linked[:2]]:
        ticket.refresh_from_db()
        message = ticket.messages.get(body=text)
        assert message.is_internal is False and message.author == agent
        assert ticket.status == Status.OPEN
    assert not finished.messages.filter(body=text).exists()


def test_an_outage_update_can_solve_them_all_together(outage, agent):
    parent, linked = outage
    assert outage_broadcast(outage=parent, actor=agent, body="Resuelto.", solve=True) == 3
    for ticket in [parent, *linked]:
        ticket.refresh_from_db()
        assert ticket.status == Status.SOLVED and ticket.solved_at is not None
        assert ticket.messages.filter(body="Resuelto.", is_internal=False).exists()


def test_only_an_incident_can_be_an_outage(acme_admin, agent):
    ticket = query(acme_admin)
    with pytest.raises(ValidationError):
        ticket_set_outage(ticket=ticket, actor=agent, is_outage=True)
    assert not ticket.is_outage


def test_an_outage_cannot_be_attached_to_another(outage, acme_admin, agent):
    parent, _linked = outage
    other = incident(acme_admin)
    ticket_set_outage(ticket=other, actor=agent, is_outage=True)
    with pytest.raises(ValidationError):
        ticket_attach_to_outage(ticket=other, actor=agent, outage=parent)
    with pytest.raises(ValidationError):
        ticket_attach_to_outage(ticket=parent, actor=agent, outage=parent)


def test_an_incident_attaches_only_to_a_ticket_marked_as_outage(acme_admin, agent):
    first, second = incident(acme_admin), incident(acme_admin)
    with pytest.raises(ValidationError):
        ticket_attach_to_outage(ticket=first, actor=agent, outage=second)


def test_an_outage_with_incidents_cannot_stop_being_one(outage, agent):
    parent, linked = outage
    with pytest.raises(ValidationError):
        ticket_set_outage(ticket=parent, actor=agent, is_outage=False)
    for ticket in linked:
        ticket_attach_to_outage(ticket=ticket, actor=agent, outage=None)
    ticket_set_outage(ticket=parent, actor=agent, is_outage=False)
    assert not parent.is_outage


def test_broadcasting_needs_an_outage_and_a_text(outage, acme_admin, agent):
    parent, _linked = outage
    with pytest.raises(ValidationError):
        outage_broadcast(outage=incident(acme_admin), actor=agent, body="Hola")
    with pytest.raises(ValidationError):
        outage_broadcast(outage=parent, actor=agent, body="   ")


# --- Canned replies -----------------------------------------------------------------


def test_each_agent_sees_global_team_and_own_canned_replies(agent):
    billing_agent = make_agent("carmen@tique.example", "Carmen Facturas", team="billing")
    everyone = CannedReply.objects.create(title="Saludo", body="Hola")
    technical = CannedReply.objects.create(title="Reinicio", body="…", team=team("technical"))
    billing = CannedReply.objects.create(title="Factura", body="…", team=team("billing"))
    own = CannedReply.objects.create(title="Mi firma", body="…", owner=agent)
    theirs = CannedReply.objects.create(title="Su firma", body="…", owner=billing_agent)
    CannedReply.objects.create(title="Retirada", body="…", is_active=False)
    assert set(selectors.canned_replies_for(agent)) == {everyone, technical, own}
    assert set(selectors.canned_replies_for(billing_agent)) == {everyone, billing, theirs}


def test_a_canned_reply_in_two_of_my_teams_is_listed_once(agent):
    team("billing").members.add(agent)
    CannedReply.objects.create(title="Saludo", body="Hola")
    assert len(selectors.canned_replies_for(agent)) == 1


def test_placeholders_are_filled_for_the_ticket(acme_admin):
    ticket = query(acme_admin)
    reply = CannedReply.objects.create(
        title="Saludo",
        body="Hola {customer_name}: sobre el ticket #{ticket_number} de {customer_code} "
        "({account_name}) {unknown}",
    )
    assert selectors.render_canned(reply, ticket) == (
        f"Hola Marta Ortega: sobre el ticket #{ticket.number} de C-10001 "
        "(Acme Telefonía S.L.) {unknown}"
    )


# --- Presence -----------------------------------------------------------------------


def test_presence_shows_other_agents_seen_in_the_last_minute(acme_admin, agent):
    ticket = query(acme_admin)
    rosa = make_agent("rosa@tique.example", "Rosa Soporte")
    iker = make_agent("iker@tique.example", "Iker Soporte")
    presence_touch(ticket=ticket, user=agent, replying=False)
    presence_touch(ticket=ticket, user=rosa, replying=True)
    presence_touch(ticket=ticket, user=iker, replying=False)
    TicketPresence.objects.filter(user=iker).update(
        seen_at=timezone.now() - dt.timedelta(seconds=61)
    )
    others = selectors.presence_others(ticket=ticket, user=agent)
    assert [(p.user, p.is_replying) for p in others] == [(rosa, True)]
    presence_touch(ticket=ticket, user=rosa, replying=False)  # one row per agent, refreshed
    assert TicketPresence.objects.filter(user=rosa).count() == 1
    assert not selectors.presence_others(ticket=ticket, user=agent)[0].is_replying


def test_the_account_context_lists_its_other_open_tickets_only(acme_admin, beta_admin):
    ticket = query(acme_admin)
    other = query(acme_admin)
    solved(query(acme_admin))
    query(beta_admin)
    assert selectors.account_open_tickets(ticket=ticket) == [other]


def test_an_update_to_an_outage_already_solved_still_solves_what_is_left(outage, agent):
    parent, linked = outage
    solved(parent)
    assert outage_broadcast(outage=parent, actor=agent, body="Cierre.", solve=True) == 3
    for ticket in [parent, *linked]:
        ticket.refresh_from_db()
        assert ticket.status == Status.SOLVED
        assert ticket.messages.filter(body="Cierre.").exists()
