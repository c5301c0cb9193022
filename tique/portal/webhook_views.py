"""An account administrator's webhooks in the customers' panel: the account's
subscriptions with the form for a new one, and each subscription's page (its secret,
test ping, enable/disable, changes, delivery log), with confirmations before replacing
the secret or deleting.

Only the administrators of the account the customer works in reach these pages (a
member gets a page that says so, 403); another account's subscription is not found
(404). Every write goes through `tique.webhooks.services`, by POST with CSRF. The
secret of a new subscription is rendered straight into the answer to the form's POST;
it can be shown again on the subscription's page, whose answers are never cached."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from tique.portal.context import Customer, customer_view
from tique.portal.forms import WebhookForm
from tique.webhooks import permissions, selectors, services
from tique.webhooks.choices import DeliveryState, WebhookEvent
from tique.webhooks.models import WebhookDelivery, WebhookSubscription

DELIVERIES_PER_PAGE = 25
EVENT_LABELS = dict(WebhookEvent.choices)
STATE_LABELS = dict(DeliveryState.choices)
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_POSITION = re.compile(r"(\d{1,18})-(\d{1,18})", re.ASCII)


@dataclass(frozen=True)
class SubscriptionRow:
    """A subscription with what the templates show of it in words."""

    subscription: WebhookSubscription

    @property
    def event_labels(self) -> list[str]:
        events = self.subscription.events if isinstance(self.subscription.events, list) else []
        return [str(EVENT_LABELS.get(event, event)) for event in events]

    @property
    def last_state(self) -> str:
        return str(getattr(self.subscription, "last_state", None) or "")

    @property
    def last_state_label(self) -> str:
        return str(STATE_LABELS.get(self.last_state, self.last_state))


# --- Who may, and which subscription --------------------------------------------------


def _administers(customer: Customer) -> bool:
    """Whether the customer administers the account they work in (the webhooks'
    own rule: an active, non-staff administrator of an active account)."""
    admin_of = selectors.admin_account_ids(customer.user)
    return permissions.can_subscribe(customer.user, customer.account.pk, admin_of)


def _refused(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/webhooks/admins_only.html", status=403)


def _subscription_or_404(customer: Customer, webhook_id: int) -> WebhookSubscription:
    """The subscription, if it belongs to the account the customer works in."""
    return get_object_or_404(selectors.account_subscriptions(customer.account.pk), pk=webhook_id)


def _add_service_errors(form: WebhookForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _never_cached(response: HttpResponse) -> HttpResponse:
    """The pages that show a secret are not kept by the browser or a proxy."""
    add_never_cache_headers(response)
    return response


# --- The account's subscriptions ------------------------------------------------------


def _create(form: WebhookForm, customer: Customer) -> WebhookSubscription | None:
    if not form.is_valid():
        return None
    try:
        return services.webhook_create(
            actor=customer.user,
            account=customer.account,
            url=form.cleaned_data["url"],
            events=form.cleaned_data["events"],
            description=form.cleaned_data["description"],
        )
    except ValidationError as error:
        _add_service_errors(form, error)
        return None


@customer_view
@require_http_methods(["GET", "POST"])
def webhook_list(request: HttpRequest, customer: Customer) -> HttpResponse:
    """The account's webhooks and the form for a new one; after a new one, its secret."""
    if not _administers(customer):
        return _refused(request)
    created: WebhookSubscription | None = None
    if request.method == "POST":
        form = WebhookForm(request.POST)
        created = _create(form, customer)
        if created is not None:
            form = WebhookForm()
    else:
        form = WebhookForm()
    rows = [SubscriptionRow(s) for s in selectors.account_subscriptions(customer.account.pk)]
    context = {
        "form": form,
        "rows": rows,
        "created": created,
        "limit": services.MAX_SUBSCRIPTIONS,
    }
    status = 400 if form.is_bound and form.errors else 200
    return _never_cached(render(request, "portal/webhooks/list.html", context, status=status))


# --- One subscription -----------------------------------------------------------------


def _position(delivery: WebhookDelivery) -> str:
    """Where a delivery stands in the log, for the "older" link: its creation time in
    microseconds since 1970 and its id."""
    micros = (delivery.created_at - _EPOCH) // dt.timedelta(microseconds=1)
    return f"{micros}-{delivery.pk}"


def _parse_position(value: str) -> tuple[dt.datetime, int] | None:
    """The position from the "older" link; anything else means the newest page."""
    found = _POSITION.fullmatch(value)
    if found is None:
        return None
    try:
        created_at = _EPOCH + dt.timedelta(microseconds=int(found.group(1)))
    except OverflowError:
        return None
    return created_at, int(found.group(2))


def _detail_page(
    request: HttpRequest, subscription: WebhookSubscription, form: WebhookForm, *, status: int
) -> HttpResponse:
    older_than = _parse_position(request.GET.get("older", ""))
    deliveries, more = selectors.delivery_log_page(
        subscription, older_than=older_than, size=DELIVERIES_PER_PAGE
    )
    context: dict[str, Any] = {
        "subscription": subscription,
        "row": SubscriptionRow(subscription),
        "form": form,
        "deliveries": deliveries,
        "older": _position(deliveries[-1]) if more and deliveries else None,
        "is_older_page": older_than is not None,
        "per_page": DELIVERIES_PER_PAGE,
    }
    return _never_cached(render(request, "portal/webhooks/detail.html", context, status=status))


def _update(form: WebhookForm, customer: Customer, subscription: WebhookSubscription) -> bool:
    if not form.is_valid():
        return False
    url = form.cleaned_data["url"]
    changes = services.WebhookChanges(
        # The address is checked again only when it changes: a description can be
        # corrected while the receiver's host name does not resolve.
        url=url if url != subscription.url else None,
        events=form.cleaned_data["events"],
        description=form.cleaned_data["description"],
    )
    try:
        services.webhook_update(subscription=subscription, actor=customer.user, changes=changes)
    except ValidationError as error:
        _add_service_errors(form, error)
        return False
    return True


@customer_view
@require_http_methods(["GET", "POST"])
def webhook_detail(request: HttpRequest, customer: Customer, webhook_id: int) -> HttpResponse:
    """A subscription, its delivery log, and the form to change it (POST)."""
    if not _administers(customer):
        return _refused(request)
    subscription = _subscription_or_404(customer, webhook_id)
    if request.method == "POST":
        form = WebhookForm(request.POST)
        if _update(form, customer, subscription):
            messages.success(request, _("The webhook's changes were saved."))
            return redirect("portal:webhook-detail", webhook_id=subscription.pk)
        return _detail_page(request, subscription, form, status=400)
    form = WebhookForm(
        initial={
            "url": subscription.url,
            "events": subscription.events,
            "description": subscription.description,
        }
    )
    return _detail_page(request, subscription, form, status=200)


@require_POST
@customer_view
def webhook_state(request: HttpRequest, customer: Customer, webhook_id: int) -> HttpResponse:
    """Disable (`active=false`) or enable again (`active=true`, with a fresh count of
    failures)."""
    if not _administers(customer):
        return _refused(request)
    subscription = _subscription_or_404(customer, webhook_id)
    wanted = request.POST.get("active", "")
    if wanted not in ("true", "false"):
        return HttpResponse(_("Unknown state."), status=400)
    active = wanted == "true"
    services.webhook_update(
        subscription=subscription,
        actor=customer.user,
        changes=services.WebhookChanges(is_active=active),
    )
    if active:
        messages.success(
            request, _("The webhook is enabled again: the next events are sent to it.")
        )
    else:
        messages.success(
            request,
            _(
                "The webhook is disabled: nothing is sent to it, and the deliveries that "
                "were waiting are given up."
            ),
        )
    return redirect("portal:webhook-detail", webhook_id=subscription.pk)


@require_POST
@customer_view
def webhook_ping(request: HttpRequest, customer: Customer, webhook_id: int) -> HttpResponse:
    """Queue a `ping` delivery, to check that the receiver answers."""
    if not _administers(customer):
        return _refused(request)
    subscription = _subscription_or_404(customer, webhook_id)
    try:
        services.webhook_ping(subscription=subscription, actor=customer.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("A test ping is on its way: follow it in the delivery log below.")
        )
    return redirect("portal:webhook-detail", webhook_id=subscription.pk)


@customer_view
@require_http_methods(["GET", "POST"])
def webhook_rotate_secret(
    request: HttpRequest, customer: Customer, webhook_id: int
) -> HttpResponse:
    """Asks before replacing the secret (GET), replaces it (POST)."""
    if not _administers(customer):
        return _refused(request)
    subscription = _subscription_or_404(customer, webhook_id)
    if request.method == "POST":
        services.webhook_rotate_secret(subscription=subscription, actor=customer.user)
        messages.success(
            request,
            _(
                "The secret was replaced: every delivery from now on is signed with the new "
                "one. Open “Show the secret” to copy it to your receiver."
            ),
        )
        return redirect("portal:webhook-detail", webhook_id=subscription.pk)
    context = {"subscription": subscription, "row": SubscriptionRow(subscription)}
    return render(request, "portal/webhooks/rotate_secret.html", context)


@customer_view
@require_http_methods(["GET", "POST"])
def webhook_delete(request: HttpRequest, customer: Customer, webhook_id: int) -> HttpResponse:
    """Asks before deleting (GET), deletes the subscription and its log (POST)."""
    if not _administers(customer):
        return _refused(request)
    subscription = _subscription_or_404(customer, webhook_id)
    if request.method == "POST":
        url = subscription.url
        services.webhook_delete(subscription=subscription, actor=customer.user)
        messages.success(
            request,
            _("The webhook to %(url)s was deleted, with its delivery log.") % {"url": url},
        )
        return redirect("portal:webhooks")
    context = {"subscription": subscription, "row": SubscriptionRow(subscription)}
    return render(request, "portal/webhooks/delete.html", context)
