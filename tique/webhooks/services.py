"""The only writers of webhook subscriptions (deliveries are written by `events` and
moved along by `delivery`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tique.accounts.models import Account, User
from tique.webhooks import events as webhook_events
from tique.webhooks import permissions, selectors, transport
from tique.webhooks.choices import SUBSCRIBABLE, DisabledReason, WebhookEvent
from tique.webhooks.delivery import abandon_pending
from tique.webhooks.models import WebhookDelivery, WebhookSubscription
from tique.webhooks.signing import new_secret

# Subscriptions per account (or all-accounts subscriptions in all): a receiver or two is
# the norm; hundreds would make every ticket change write hundreds of rows.
MAX_SUBSCRIPTIONS = 20


@dataclass(frozen=True)
class WebhookChanges:
    """What a PATCH changes; None leaves a field as it is."""

    url: str | None = None
    events: list[str] | None = None
    description: str | None = None
    is_active: bool | None = None


def check_url(url: str) -> str:
    """The URL as it will be used, or a ValidationError on `url`."""
    try:
        transport.check_url(url)
    except (transport.RefusedUrl, transport.HostNotFound) as error:
        raise ValidationError({"url": [str(error)]}) from None
    return url.strip()


def check_events(names: Iterable[str]) -> list[str]:
    chosen = sorted(set(names))
    if not chosen:
        raise ValidationError({"events": [_("Choose at least one event.")]})
    unknown = [name for name in chosen if name not in SUBSCRIBABLE]
    if unknown:
        raise ValidationError(
            {
                "events": [
                    _("Unknown event: %(name)s. Choose among %(known)s.")
                    % {"name": name, "known": ", ".join(sorted(SUBSCRIBABLE))}
                    for name in unknown
                ]
            }
        )
    return chosen


def _require_manager(actor: User, subscription: WebhookSubscription) -> None:
    if not permissions.can_manage(actor, subscription, selectors.admin_account_ids(actor)):
        raise PermissionDenied("this user may not change this webhook subscription")


def webhook_create(
    *, actor: User, account: Account | None, url: str, events: list[str], description: str = ""
) -> WebhookSubscription:
    """A subscription for one account's events, or (account None) for every account's."""
    admin_of = selectors.admin_account_ids(actor)
    if not permissions.can_subscribe(actor, account.pk if account else None, admin_of):
        raise PermissionDenied("this user may not subscribe to these events")
    chosen = check_events(events)
    url = check_url(url)
    if WebhookSubscription.objects.filter(account=account).count() >= MAX_SUBSCRIPTIONS:
        raise ValidationError(
            _("There are already %(count)d webhook subscriptions here; delete one first.")
            % {"count": MAX_SUBSCRIPTIONS}
        )
    return WebhookSubscription.objects.create(
        account=account,
        created_by=actor,
        url=url,
        events=chosen,
        description=description.strip(),
        secret=new_secret(),
    )


def webhook_update(
    *, subscription: WebhookSubscription, actor: User, changes: WebhookChanges
) -> WebhookSubscription:
    """Change the URL, events or description; disable, or enable again with a fresh
    count of failures."""
    _require_manager(actor, subscription)
    url = check_url(changes.url) if changes.url is not None else None
    chosen = check_events(changes.events) if changes.events is not None else None
    with transaction.atomic():
        locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
        if url is not None:
            locked.url = url
        if chosen is not None:
            locked.events = chosen
        if changes.description is not None:
            locked.description = changes.description.strip()
        if changes.is_active is True and not locked.is_active:
            _enable(locked)
        elif changes.is_active is False and locked.is_active:
            locked.is_active = False
            locked.disabled_at = timezone.now()
            locked.disabled_reason = DisabledReason.MANUAL
            abandon_pending(locked.pk)
        locked.save()
    subscription.refresh_from_db()
    return subscription


def _enable(subscription: WebhookSubscription) -> None:
    subscription.is_active = True
    subscription.consecutive_failures = 0
    subscription.disabled_at = None
    subscription.disabled_reason = DisabledReason.NONE


def webhooks_enable(*, subscriptions: QuerySet[WebhookSubscription]) -> int:
    """Enable disabled subscriptions again (the configuration site's action), each with a
    fresh count of failures. Returns how many."""
    return subscriptions.filter(is_active=False).update(
        is_active=True, consecutive_failures=0, disabled_at=None, disabled_reason=""
    )


def webhook_delete(*, subscription: WebhookSubscription, actor: User) -> None:
    """The subscription and its delivery log."""
    _require_manager(actor, subscription)
    subscription.delete()


def webhook_rotate_secret(*, subscription: WebhookSubscription, actor: User) -> str:
    """A new secret, used from the next delivery sent on; returns it."""
    _require_manager(actor, subscription)
    secret = new_secret()
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        secret=secret, updated_at=timezone.now()
    )
    subscription.refresh_from_db()
    return secret


def webhook_ping(*, subscription: WebhookSubscription, actor: User) -> WebhookDelivery:
    """Queue a `ping` delivery, to check that the receiver answers and verifies."""
    _require_manager(actor, subscription)
    if not subscription.is_active:
        raise ValidationError(_("This subscription is disabled: enable it first."))
    with transaction.atomic():
        return webhook_events.queue(
            subscription,
            WebhookEvent.PING,
            {"subscription": subscription.pk, "actor": webhook_events.user_data(actor)},
        )
