"""Fixed vocabularies of outbound webhooks. States live in code; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WebhookEvent(models.TextChoices):
    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_UPDATED = "ticket.updated", _("Ticket updated")
    TICKET_SOLVED = "ticket.solved", _("Ticket solved")
    MESSAGE_CREATED = "message.created", _("Message added")
    # Sent on request, to check a receiver; nobody subscribes to it.
    PING = "ping", _("Ping")


# What a subscription may ask for.
SUBSCRIBABLE = frozenset(
    {
        WebhookEvent.TICKET_CREATED,
        WebhookEvent.TICKET_UPDATED,
        WebhookEvent.TICKET_SOLVED,
        WebhookEvent.MESSAGE_CREATED,
    }
)


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class DisabledReason(models.TextChoices):
    NONE = "", _("—")
    FAILURES = "failures", _("Disabled after repeated failed deliveries")
    MANUAL = "manual", _("Disabled by hand")
