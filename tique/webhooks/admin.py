from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tique.webhooks.delivery import send_again
from tique.webhooks.models import WebhookDelivery, WebhookSubscription
from tique.webhooks.services import webhooks_enable


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin[WebhookSubscription]):
    """Every subscription, to look into: which are failing, which were disabled and why.
    Their owners change them through the API; here a supervisor enables one again once
    its receiver is fixed, or deletes it."""

    list_display = [
        "url",
        "account",
        "is_active",
        "consecutive_failures",
        "disabled_at",
        "disabled_reason",
        "created_at",
    ]
    list_filter = ["is_active", "disabled_reason"]
    search_fields = ["url", "description", "account__customer_code", "account__name"]
    list_select_related = ["account"]
    exclude = ["secret"]
    actions = ["enable_action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_enable_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("webhooks.change_webhooksubscription")

    @admin.action(description=_("Enable the selected subscriptions again"), permissions=["enable"])
    def enable_action(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        count = webhooks_enable(subscriptions=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d subscription was enabled again.",
                "%(count)d subscriptions were enabled again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin[WebhookDelivery]):
    """The delivery log (read-only): what was sent, what waits, what failed and why."""

    list_display = [
        "created_at",
        "event",
        "subscription",
        "state",
        "attempts",
        "last_status_code",
        "delivered_at",
    ]
    list_filter = ["state", "event"]
    search_fields = ["uuid", "subscription__url"]
    list_select_related = ["subscription"]
    date_hierarchy = "created_at"
    actions = ["send_again_action"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_send_again_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("webhooks.change_webhookdelivery")

    @admin.action(
        description=_("Send the selected failed deliveries again"), permissions=["send_again"]
    )
    def send_again_action(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = send_again(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery will be sent again.",
                "%(count)d deliveries will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
