from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Q, QuerySet, Subquery

from tique.accounts.choices import Role
from tique.accounts.models import Membership, User
from tique.webhooks import permissions
from tique.webhooks.models import WebhookDelivery, WebhookSubscription


def admin_account_ids(user: User) -> frozenset[int]:
    """The active accounts the user administers."""
    if not user.is_active or user.is_staff:
        return frozenset()
    return frozenset(
        Membership.objects.filter(user=user, role=Role.ADMIN, account__is_active=True).values_list(
            "account_id", flat=True
        )
    )


def subscriptions_visible_to(user: User, admin_of: frozenset[int]) -> QuerySet[WebhookSubscription]:
    subscriptions = WebhookSubscription.objects.select_related("account")
    if permissions.is_supervisor(user):
        return subscriptions.all()
    if not permissions.can_use_webhooks(user, admin_of):
        return subscriptions.none()
    return subscriptions.filter(account_id__in=admin_of)


def subscribers(*, account_id: int) -> list[WebhookSubscription]:
    """The active subscriptions that hear of an account's events (one query): the
    account's own while it is active (a deactivated customer hears of nothing, as it
    sees nothing), and the all-accounts ones."""
    return list(
        WebhookSubscription.objects.filter(is_active=True)
        .filter(Q(account_id=account_id, account__is_active=True) | Q(account__isnull=True))
        .order_by("pk")
    )


def delivery_log(subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription=subscription)


def account_subscriptions(account_id: int) -> QuerySet[WebhookSubscription]:
    """One account's subscriptions, newest first, each with its last delivery's
    `last_state`, `last_status_code` and `last_delivery_at` (None without deliveries):
    one query whatever their number."""
    last = WebhookDelivery.objects.filter(subscription=OuterRef("pk")).order_by(
        "-created_at", "-id"
    )
    return (
        WebhookSubscription.objects.filter(account_id=account_id)
        .select_related("created_by")
        .annotate(
            last_state=Subquery(last.values("state")[:1]),
            last_status_code=Subquery(last.values("last_status_code")[:1]),
            last_delivery_at=Subquery(last.values("created_at")[:1]),
        )
        .order_by("-created_at", "-id")
    )


def delivery_log_page(
    subscription: WebhookSubscription, *, older_than: tuple[dt.datetime, int] | None, size: int
) -> tuple[list[WebhookDelivery], bool]:
    """A page of the delivery log, newest first (keyset: the deliveries after
    `older_than`, a (created_at, id) position), and whether older ones follow. The
    payload is left out: one query whatever the page's position."""
    rows = delivery_log(subscription).defer("payload").order_by("-created_at", "-id")
    if older_than is not None:
        created_at, pk = older_than
        rows = rows.filter(Q(created_at__lt=created_at) | Q(created_at=created_at, id__lt=pk))
    found = list(rows[: size + 1])
    return found[:size], len(found) > size
