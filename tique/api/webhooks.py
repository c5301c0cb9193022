"""Webhooks: an account administrator subscribes to their account's ticket events, a
supervisor to every account's; each delivery is signed with the subscription's secret
(`Tique-Signature`, see docs/admin/webhooks.md) and logged. Members and agents are
answered 403; another account's subscription does not exist for the caller (404)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Literal

from django.db.models import F
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from tique.accounts.models import Account, User
from tique.api.auth import caller
from tique.api.errors import ApiError, ErrorOut, not_found
from tique.api.pagination import keyset_page
from tique.api.schemas import AccountRef, account_ref
from tique.webhooks import permissions, selectors, services
from tique.webhooks.models import WebhookDelivery, WebhookSubscription

router = Router(tags=["webhooks"])

EventName = Literal["ticket.created", "ticket.updated", "ticket.solved", "message.created"]
DeliveryStateName = Literal["pending", "sending", "delivered", "failed"]


class WebhookOut(Schema):
    id: int
    url: str
    description: str
    events: list[str]
    account: AccountRef | None = Field(description="Null: every account's events.")
    is_active: bool
    consecutive_failures: int = Field(description="Deliveries given up in a row.")
    disabled_at: dt.datetime | None
    disabled_reason: Literal["", "failures", "manual"]
    created_at: dt.datetime
    secret: str | None = Field(
        description="Signs every delivery (see `Tique-Signature`); null for a subscription "
        "you may see but not manage."
    )


class WebhookPage(Schema):
    items: list[WebhookOut]
    next_cursor: str | None


class WebhookCreateIn(Schema):
    url: str = Field(max_length=500, description="http:// or https://, on a public address.")
    events: list[EventName] = Field(min_length=1, max_length=4)
    account: str | None = Field(
        None,
        max_length=32,
        description="Customer code; needed when you administer several accounts. "
        "Supervisors leave it out: their subscriptions cover every account.",
    )
    description: str = Field("", max_length=200)


class WebhookPatchIn(Schema):
    url: str | None = Field(None, max_length=500)
    events: list[EventName] | None = Field(None, min_length=1, max_length=4)
    description: str | None = Field(None, max_length=200)
    is_active: bool | None = Field(
        None, description="false disables; true enables again with a fresh failure count."
    )


class DeliveryOut(Schema):
    id: uuid.UUID = Field(description="Sent as `Tique-Delivery` and as the payload's `id`.")
    event: str
    state: DeliveryStateName
    attempts: int
    last_status_code: int | None
    last_error: str
    response_excerpt: str = Field(description="The start of the receiver's last answer.")
    created_at: dt.datetime
    last_attempt_at: dt.datetime | None
    next_attempt_at: dt.datetime | None = Field(description="When a pending one is tried.")
    delivered_at: dt.datetime | None


class DeliveryPage(Schema):
    items: list[DeliveryOut]
    next_cursor: str | None


class PageQuery(Schema):
    limit: int = Field(25, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2000)


# --- Who is asking, and for what ------------------------------------------------------


def _scope(request: HttpRequest) -> tuple[User, frozenset[int]]:
    user = caller(request)
    admin_of = selectors.admin_account_ids(user)
    if not permissions.can_use_webhooks(user, admin_of):
        raise ApiError(
            403, "forbidden", _("Webhooks are for account administrators and supervisors.")
        )
    return user, admin_of


def _visible(user: User, admin_of: frozenset[int], webhook_id: int) -> WebhookSubscription:
    found = selectors.subscriptions_visible_to(user, admin_of).filter(pk=webhook_id).first()
    if found is None:
        raise not_found()
    return found


def _managed(request: HttpRequest, webhook_id: int) -> tuple[User, WebhookSubscription]:
    user, admin_of = _scope(request)
    subscription = _visible(user, admin_of, webhook_id)
    if not permissions.can_manage(user, subscription, admin_of):
        raise ApiError(403, "forbidden", _("Only its account's administrators change this."))
    return user, subscription


def webhook_out(
    subscription: WebhookSubscription, user: User, admin_of: frozenset[int]
) -> WebhookOut:
    manages = permissions.can_manage(user, subscription, admin_of)
    account = subscription.account
    return WebhookOut(
        id=subscription.pk,
        url=subscription.url,
        description=subscription.description,
        events=list(subscription.events),
        account=account_ref(account) if account is not None else None,
        is_active=subscription.is_active,
        consecutive_failures=subscription.consecutive_failures,
        disabled_at=subscription.disabled_at,
        disabled_reason=subscription.disabled_reason,  # type: ignore[arg-type]
        created_at=subscription.created_at,
        secret=subscription.secret if manages else None,
    )


def delivery_out(delivery: WebhookDelivery) -> DeliveryOut:
    waiting = delivery.state == "pending"
    return DeliveryOut(
        id=delivery.uuid,
        event=delivery.event,
        state=delivery.state,  # type: ignore[arg-type]
        attempts=delivery.attempts,
        last_status_code=delivery.last_status_code,
        last_error=delivery.last_error,
        response_excerpt=delivery.response_excerpt,
        created_at=delivery.created_at,
        last_attempt_at=delivery.last_attempt_at,
        next_attempt_at=delivery.next_attempt_at if waiting else None,
        delivered_at=delivery.delivered_at,
    )


def _account_for(user: User, admin_of: frozenset[int], code: str | None) -> Account | None:
    """The account a new subscription is for: none for a supervisor (every account)."""
    if permissions.is_supervisor(user):
        if code is not None:
            raise ApiError(
                422,
                "validation_error",
                _("A supervisor's subscription covers every account."),
                {"account": [_("Leave it out.")]},
            )
        return None
    accounts = list(Account.objects.filter(pk__in=admin_of).order_by("name", "pk"))
    if code is None:
        if len(accounts) > 1:
            raise ApiError(
                422,
                "validation_error",
                _("Say which account the subscription is for."),
                {"account": [_("Required: you administer several accounts.")]},
            )
        return accounts[0]
    for account in accounts:
        if account.customer_code.lower() == code.strip().lower():
            return account
    raise ApiError(
        422,
        "validation_error",
        _("You do not administer that account."),
        {"account": [_("Unknown account.")]},
    )


# --- Operations -----------------------------------------------------------------------


@router.get("/webhooks", response={200: WebhookPage, 400: ErrorOut, 403: ErrorOut})
def webhook_list(request: HttpRequest, page: Query[PageQuery]) -> WebhookPage:
    """The subscriptions the caller may see, newest first: their accounts' (account
    administrators), or every one (supervisors)."""
    user, admin_of = _scope(request)
    found = keyset_page(
        selectors.subscriptions_visible_to(user, admin_of),
        [F("created_at").desc(), F("id").desc()],
        cursor=page.cursor,
        limit=page.limit,
        scope=f"webhooks:{user.pk}",
    )
    return WebhookPage(
        items=[webhook_out(s, user, admin_of) for s in found.items], next_cursor=found.next_cursor
    )


@router.post("/webhooks", response={201: WebhookOut, 403: ErrorOut, 422: ErrorOut})
def webhook_create(request: HttpRequest, payload: WebhookCreateIn) -> Status[WebhookOut]:
    """Subscribe a URL to events. The answer holds the secret that signs every delivery
    (it can be read again here, and rotated)."""
    user, admin_of = _scope(request)
    subscription = services.webhook_create(
        actor=user,
        account=_account_for(user, admin_of, payload.account),
        url=payload.url,
        events=list(payload.events),
        description=payload.description,
    )
    return Status(201, webhook_out(subscription, user, admin_of))


@router.get("/webhooks/{webhook_id}", response={200: WebhookOut, 403: ErrorOut, 404: ErrorOut})
def webhook_detail(request: HttpRequest, webhook_id: int) -> WebhookOut:
    user, admin_of = _scope(request)
    return webhook_out(_visible(user, admin_of, webhook_id), user, admin_of)


@router.patch(
    "/webhooks/{webhook_id}",
    response={200: WebhookOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def webhook_update(request: HttpRequest, webhook_id: int, payload: WebhookPatchIn) -> WebhookOut:
    """Change the URL, events or description, or disable (`is_active: false`) and enable
    again; only what is sent changes."""
    user, subscription = _managed(request, webhook_id)
    sent = payload.dict(exclude_unset=True)
    changes = services.WebhookChanges(
        url=sent.get("url"),
        events=sent.get("events"),
        description=sent.get("description"),
        is_active=sent.get("is_active"),
    )
    services.webhook_update(subscription=subscription, actor=user, changes=changes)
    return webhook_out(subscription, user, selectors.admin_account_ids(user))


@router.delete("/webhooks/{webhook_id}", response={204: None, 403: ErrorOut, 404: ErrorOut})
def webhook_delete(request: HttpRequest, webhook_id: int) -> Status[None]:
    """Delete the subscription and its delivery log."""
    user, subscription = _managed(request, webhook_id)
    services.webhook_delete(subscription=subscription, actor=user)
    return Status(204, None)


@router.post(
    "/webhooks/{webhook_id}/rotate-secret",
    response={200: WebhookOut, 403: ErrorOut, 404: ErrorOut},
)
def webhook_rotate_secret(request: HttpRequest, webhook_id: int) -> WebhookOut:
    """A new secret, which signs every delivery sent from now on."""
    user, subscription = _managed(request, webhook_id)
    services.webhook_rotate_secret(subscription=subscription, actor=user)
    return webhook_out(subscription, user, selectors.admin_account_ids(user))


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    response={200: DeliveryPage, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
)
def webhook_deliveries(
    request: HttpRequest, webhook_id: int, page: Query[PageQuery]
) -> DeliveryPage:
    """The delivery log, newest first: each event's state, tries and last answer."""
    user, admin_of = _scope(request)
    subscription = _visible(user, admin_of, webhook_id)
    found = keyset_page(
        selectors.delivery_log(subscription),
        [F("created_at").desc(), F("id").desc()],
        cursor=page.cursor,
        limit=page.limit,
        scope=f"webhook-deliveries:{subscription.pk}",
    )
    return DeliveryPage(items=[delivery_out(d) for d in found.items], next_cursor=found.next_cursor)


@router.post(
    "/webhooks/{webhook_id}/ping",
    response={202: DeliveryOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def webhook_ping(request: HttpRequest, webhook_id: int) -> Status[DeliveryOut]:
    """Queue a `ping` delivery, to check the receiver; follow it in the delivery log."""
    user, subscription = _managed(request, webhook_id)
    if not subscription.is_active:
        raise ApiError(409, "disabled", _("This subscription is disabled: enable it first."))
    delivery = services.webhook_ping(subscription=subscription, actor=user)
    delivery.refresh_from_db()
    return Status(202, delivery_out(delivery))
