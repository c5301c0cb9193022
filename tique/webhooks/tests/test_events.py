"""Events fire from the real ticket services, inside their transactions, and reach the
receivers that may hear of them: an account's subscription its own account's tickets
without internal notes, a supervisor's every account's with them."""

from django.contrib.auth.models import Group

from conftest import open_ticket
from tique.accounts.groups import SUPERVISORS
from tique.accounts.models import Account, Team, User
from tique.tickets import services as tickets
from tique.tickets.choices import Priority, Status
from tique.webhooks import events, services
from tique.webhooks.models import WebhookDelivery
from tique.webhooks.signing import verify_signature
from tique.webhooks.tests.conftest import subscribe


def reply(ticket, author, body, *, internal=False):
    membership = None if author.is_staff else author.memberships.get()
    return tickets.message_add(
        ticket=ticket, author=author, membership=membership, body=body, internal=internal
    )


def test_opening_replying_and_solving_reach_the_receiver(
    acme_admin, agent, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(acme_admin, receiver.url)

    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(acme_admin)
    opened_at = ticket.created_at.isoformat()
    assignee = events.user_data(ticket.assignee)
    with django_capture_on_commit_callbacks(execute=True):
        reply(ticket, agent, "Ya está activado el desvío.")
    with django_capture_on_commit_callbacks(execute=True):
        tickets.ticket_set_status(ticket=ticket, actor=agent, membership=None, status=Status.SOLVED)

    assert receiver.events() == [
        "ticket.created",
        "message.created",
        "ticket.updated",
        "ticket.solved",
    ]
    for request in receiver.delivered:
        signature = request.headers["tique-signature"]
        assert verify_signature(subscription.secret, signature, request.body)
    created, message, updated, solved = (r.payload for r in receiver.delivered)
    assert created["data"]["ticket"] == {
        "number": ticket.number,
        "subject": "Desvío de llamadas",
        "category": "query",
        "kind": {"slug": "technical", "name": ticket.kind.name_es},  # Acme's language
        "status": "new",
        "priority": "normal",
        "channel": "web",
        "account": {"code": "C-10001", "name": "Acme Telefonía S.L."},
        "requester": {"id": acme_admin.pk, "name": "Marta Ortega", "email": acme_admin.email},
        "team": {"slug": "technical", "name": Team.objects.get(slug="technical").name_es},
        "assignee": assignee,
        "created_at": opened_at,
        "last_activity_at": opened_at,
        "url": f"https://help.tique.example/tickets/{ticket.number}/",
    }
    assert created["data"]["message"]["body"] == "¿Cómo lo activo?"
    assert created["data"]["actor"]["id"] == acme_admin.pk
    assert message["data"]["message"]["body"] == "Ya está activado el desvío."
    assert message["data"]["message"]["internal"] is False
    assert message["data"]["message"]["from_support"] is True
    assert message["data"]["ticket"]["status"] == "open"
    assert updated["data"]["changes"] == {"status": ["open", "solved"]}
    assert updated["data"]["actor"] == {
        "id": agent.pk,
        "name": "Pablo Técnico",
        "email": agent.email,
    }
    assert solved["data"]["ticket"]["status"] == "solved"
    assert len({r.payload["id"] for r in receiver.delivered}) == 4


def test_an_account_subscription_hears_of_its_account_only_and_never_of_internal_notes(
    acme_admin, beta_admin, agent, receiver, django_capture_on_commit_callbacks
):
    acme_hook = subscribe(acme_admin, receiver.url + "?acme")
    subscribe(beta_admin, receiver.url + "?beta")
    agent.groups.add(Group.objects.get(name=SUPERVISORS))
    supervisor = User.objects.get(pk=agent.pk)
    subscribe(supervisor, receiver.url + "?all")

    with django_capture_on_commit_callbacks(execute=True):
        ticket = open_ticket(acme_admin)
    with django_capture_on_commit_callbacks(execute=True):
        reply(ticket, agent, "Nota: revisar la centralita.", internal=True)

    heard = sorted((r.path.partition("?")[2], r.event) for r in receiver.delivered)
    assert heard == [
        ("acme", "ticket.created"),
        ("all", "message.created"),
        ("all", "ticket.created"),
    ]
    note = next(r.payload for r in receiver.delivered if r.event == "message.created")
    assert note["data"]["message"]["internal"] is True
    assert (
        note["data"]["ticket"]["url"] == f"https://help.tique.example/desk/tickets/{ticket.number}/"
    )
    assert not WebhookDelivery.objects.filter(subscription=acme_hook, event="message.created")


def test_a_subscription_hears_only_the_events_it_chose(
    acme_admin, agent, receiver, django_capture_on_commit_callbacks
):
    subscribe(acme_admin, receiver.url, events=["ticket.solved"])
    ticket = open_ticket(acme_admin)
    reply(ticket, agent, "Hecho.")

    with django_capture_on_commit_callbacks(execute=True):
        tickets.ticket_set_status(
            ticket=ticket,
            actor=acme_admin,
            membership=acme_admin.memberships.get(),
            status=Status.SOLVED,
        )

    assert receiver.events() == ["ticket.solved"]
    assert WebhookDelivery.objects.count() == 1


def test_the_desk_changes_say_what_changed(
    acme_admin, agent, receiver, django_capture_on_commit_callbacks
):
    subscribe(acme_admin, receiver.url, events=["ticket.updated"])
    ticket = open_ticket(acme_admin)
    duplicate = open_ticket(acme_admin)
    billing = Team.objects.get(slug="billing")

    with django_capture_on_commit_callbacks(execute=True):
        tickets.ticket_assign(ticket=ticket, actor=agent, assignee=None)
        tickets.ticket_assign(ticket=ticket, actor=agent, assignee=agent)
        tickets.ticket_set_priority(ticket=ticket, actor=agent, priority=Priority.URGENT)
        tickets.ticket_set_team(ticket=ticket, actor=agent, team=billing)
        tickets.ticket_merge(source=duplicate, target=ticket, actor=agent)

    changes = [r.payload["data"]["changes"] for r in receiver.delivered]
    agent_ref = {"id": agent.pk, "name": "Pablo Técnico", "email": agent.email}
    technical = {"slug": "technical", "name": changes[-2]["team"][0]["name"]}
    expected = [
        {"priority": ["normal", "urgent"]},
        {"team": [technical, {"slug": "billing", "name": billing.name_es}]},  # Acme: Spanish
        {"merged_into": [None, ticket.number]},
    ]
    assignments = changes[: len(changes) - 3]
    assert assignments[-1] == {"assignee": [None, agent_ref]}
    assert changes[-3:] == expected
    merged = receiver.delivered[-1].payload["data"]["ticket"]
    assert (merged["number"], merged["status"]) == (duplicate.number, "closed")


def test_an_event_costs_one_query_when_nobody_subscribes(
    acme_admin, beta_admin, agent, receiver, django_assert_max_num_queries
):
    subscribe(beta_admin, receiver.url)  # another account's
    ticket = open_ticket(acme_admin)
    message = reply(ticket, agent, "Hola")

    with django_assert_max_num_queries(1):
        events.ticket_updated(ticket, agent, {"priority": ["normal", "high"]})
    with django_assert_max_num_queries(1):
        events.message_created(message)
    with django_assert_max_num_queries(1):
        events.ticket_status_changed(ticket, agent, "new")
    assert not WebhookDelivery.objects.exists()


def test_a_disabled_subscription_hears_nothing(
    acme_admin, receiver, django_capture_on_commit_callbacks
):
    subscription = subscribe(acme_admin, receiver.url)
    services.webhook_update(
        subscription=subscription,
        actor=acme_admin,
        changes=services.WebhookChanges(is_active=False),
    )

    with django_capture_on_commit_callbacks(execute=True):
        open_ticket(acme_admin)

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_a_deactivated_account_hears_of_nothing(
    acme_admin, acme, agent, receiver, django_capture_on_commit_callbacks
):
    subscribe(acme_admin, receiver.url)
    ticket = open_ticket(acme_admin)
    Account.objects.filter(pk=acme.pk).update(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        reply(ticket, agent, "¿Sigue pasando?")

    assert receiver.requests == []
    assert WebhookDelivery.objects.filter(event="message.created").count() == 0
