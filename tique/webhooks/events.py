"""Webhook events about tickets. The ticket services call these inside their
transaction; each writes one delivery per interested subscription to the outbox, with
its payload frozen now, and leaves the sending to a task that runs after the commit.

When nobody subscribes, an event costs one query. An account's subscriptions hear of
that account's tickets only, and never of internal notes; the supervisors'
(all-accounts) subscriptions hear of everything. Payloads carry no typed field values
(bank data and the like), as e-mails do not.

    {"id": "<delivery uuid>", "event": "ticket.updated", "created_at": "…",
     "data": {"ticket": {…}, "actor": {…}, "changes": {"status": ["open", "solved"]}}}
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from tique.accounts.models import Team, User
from tique.tickets.choices import Status
from tique.tickets.models import Message, Ticket
from tique.webhooks import selectors
from tique.webhooks.choices import WebhookEvent
from tique.webhooks.models import WebhookDelivery, WebhookSubscription
from tique.webhooks.tasks import deliver_webhook

Data = dict[str, Any]


def ticket_created(ticket: Ticket, actor: User, message: Message | None = None) -> None:
    """A new ticket, with its opening message when it has one."""

    def build(staff: bool) -> Data:
        data = {"ticket": ticket_data(ticket, staff=staff), "actor": user_data(actor)}
        if message is not None:
            data["message"] = message_data(message)
        return data

    _emit([WebhookEvent.TICKET_CREATED], ticket, build)


def ticket_updated(ticket: Ticket, actor: User, changes: Mapping[str, Sequence[Any]]) -> None:
    """`changes` maps each changed field to [old, new] (users, teams and tickets are
    written as references)."""
    _emit([WebhookEvent.TICKET_UPDATED], ticket, _updated(ticket, actor, changes))


def ticket_status_changed(ticket: Ticket, actor: User, old: str) -> None:
    """`ticket.updated`, and `ticket.solved` too when the ticket was solved."""
    events = [WebhookEvent.TICKET_UPDATED]
    if ticket.status == Status.SOLVED:
        events.append(WebhookEvent.TICKET_SOLVED)
    _emit(events, ticket, _updated(ticket, actor, {"status": [old, ticket.status]}))


def message_created(message: Message) -> None:
    """A public reply or an internal note (`message.internal`), by its author."""
    ticket = message.ticket

    def build(staff: bool) -> Data:
        return {
            "ticket": ticket_data(ticket, staff=staff),
            "message": message_data(message),
            "actor": user_data(message.author),
        }

    _emit([WebhookEvent.MESSAGE_CREATED], ticket, build, internal=message.is_internal)


def _updated(
    ticket: Ticket, actor: User, changes: Mapping[str, Sequence[Any]]
) -> Callable[[bool], Data]:
    def build(staff: bool) -> Data:
        return {
            "ticket": ticket_data(ticket, staff=staff),
            "changes": {name: [_value(v) for v in pair] for name, pair in changes.items()},
            "actor": user_data(actor),
        }

    return build


def _emit(
    events: Sequence[WebhookEvent],
    ticket: Ticket,
    build: Callable[[bool], Data],
    *,
    internal: bool = False,
) -> None:
    subscriptions = selectors.subscribers(account_id=ticket.account_id)
    wanted = [
        (subscription, event)
        for event in events
        for subscription in subscriptions
        if subscription.wants(event) and not (internal and subscription.account_id is not None)
    ]
    # Built at most twice: as the account sees it (its language, links to its panel) and
    # as the provider's staff do (the desk).
    views: dict[bool, Data] = {}
    for subscription, event in wanted:
        staff = subscription.account_id is None
        if staff not in views:
            language = settings.LANGUAGE_CODE if staff else ticket.account.language
            with translation.override(language):
                views[staff] = build(staff)
        queue(subscription, event, views[staff])


def queue(subscription: WebhookSubscription, event: str, data: Data) -> WebhookDelivery:
    """Write one delivery to the outbox and send it after the commit. Call it inside the
    transaction that made the change."""
    now = timezone.now()
    delivery_uuid = uuid.uuid4()
    payload = {
        "id": str(delivery_uuid),
        "event": event,
        "created_at": now.isoformat(),
        "data": data,
    }
    delivery = WebhookDelivery.objects.create(
        uuid=delivery_uuid, subscription=subscription, event=event, payload=payload, created_at=now
    )
    delivery_id = delivery.pk

    def deliver_after_commit() -> None:
        deliver_webhook.enqueue(delivery_id)

    # robust: a failed enqueue must not fail the request whose change already committed;
    # the delivery is in the outbox and the scheduler's sweep sends it.
    transaction.on_commit(deliver_after_commit, robust=True)
    return delivery


# --- Payload parts ---------------------------------------------------------------------


def user_data(user: User | None) -> Data | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.display_name, "email": user.email}


def team_data(team: Team | None) -> Data | None:
    return {"slug": team.slug, "name": team.name} if team is not None else None


def _time(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def ticket_url(ticket: Ticket, *, staff: bool) -> str:
    name = "desk:ticket-detail" if staff else "portal:ticket-detail"
    return settings.TIQUE_SITE_URL + reverse(name, kwargs={"number": ticket.number})


def ticket_data(ticket: Ticket, *, staff: bool) -> Data:
    kind, account = ticket.kind, ticket.account
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "category": str(ticket.category),
        "kind": {"slug": kind.slug, "name": kind.name},
        "status": str(ticket.status),
        "priority": str(ticket.priority),
        "channel": str(ticket.channel),
        "account": {"code": account.customer_code, "name": account.name},
        "requester": user_data(ticket.requester),
        "team": team_data(ticket.team),
        "assignee": user_data(ticket.assignee),
        "created_at": _time(ticket.created_at),
        "last_activity_at": _time(ticket.last_activity_at),
        "url": ticket_url(ticket, staff=staff),
    }


def message_data(message: Message) -> Data:
    author = message.author
    return {
        "id": message.pk,
        "author": user_data(author),
        "from_support": bool(author is not None and author.is_staff),
        "internal": message.is_internal,
        "body": message.body,
        "channel": str(message.channel),
        "created_at": _time(message.created_at),
        "attachments": [
            {"name": a.original_name, "size": a.size, "content_type": a.content_type}
            for a in message.attachments.order_by("pk")
        ],
    }


def _value(value: Any) -> Any:
    """A changed field's value as JSON."""
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, User):
        return user_data(value)
    if isinstance(value, Team):
        return team_data(value)
    if isinstance(value, Ticket):
        return value.number
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return str(value)
