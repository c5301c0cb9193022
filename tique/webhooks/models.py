from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tique.accounts.models import Account, User
from tique.webhooks.choices import DeliveryState, DisabledReason, WebhookEvent


class WebhookSubscription(models.Model):
    """A receiver of events: an account administrator's, for their account's tickets, or
    a supervisor's (no account), for every account's. The secret signs every delivery;
    the receiver needs it to check the signature, so it is kept as it was given."""

    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="webhook_subscriptions",
        verbose_name=_("account"),
        help_text=_("Empty: every account's events (a supervisor's subscription)."),
    )
    created_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    url = models.URLField(_("URL"), max_length=500)
    description = models.CharField(_("description"), max_length=200, blank=True)
    events = models.JSONField(_("events"), default=list)
    secret = models.CharField(_("secret"), max_length=100, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("failed deliveries in a row"), default=0)
    disabled_at = models.DateTimeField(_("disabled"), null=True, blank=True)
    disabled_reason = models.CharField(
        _("why disabled"),
        max_length=16,
        choices=DisabledReason.choices,
        default=DisabledReason.NONE,
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["-created_at", "-id"]
        indexes = [
            # Emitting an event: the active subscriptions of one account and the
            # all-accounts ones.
            models.Index(fields=["account"], name="webhook_active", condition=Q(is_active=True)),
        ]

    def __str__(self) -> str:
        return self.url

    def wants(self, event: str) -> bool:
        return isinstance(self.events, list) and event in self.events


class WebhookDelivery(models.Model):
    """One event to one subscription: the outbox. Written, with its payload frozen, in
    the same transaction as the change it tells of; a task sends it after the commit,
    and the scheduler's sweep sends retries and whatever a lost task left behind
    (`tique.webhooks.delivery`).

    `next_attempt_at` is when a pending delivery is next due; while it is `sending`, the
    end of the sender's lease, after which the sweep takes it back."""

    uuid = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("subscription"),
    )
    event = models.CharField(_("event"), max_length=32, choices=WebhookEvent.choices)
    payload = models.JSONField(_("payload"))
    state = models.CharField(
        _("state"), max_length=16, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        _("last status code"), null=True, blank=True
    )
    last_error = models.TextField(_("last error"), blank=True)
    response_excerpt = models.TextField(_("response (start)"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep: due pending deliveries and expired sending leases. Delivered and
            # failed rows, nearly all of them, stay out of the index.
            models.Index(
                fields=["state", "next_attempt_at"],
                name="webhook_delivery_due",
                condition=Q(state__in=[DeliveryState.PENDING, DeliveryState.SENDING]),
            ),
            # A subscription's delivery log, newest first.
            models.Index(
                fields=["subscription", "-created_at", "-id"], name="webhook_delivery_log"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.subscription_id} ({self.state})"
