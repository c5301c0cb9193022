"""Fixed vocabularies of outbound mail. States live in code; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    """What a notification is about; a user mutes kinds by these values."""

    TICKET_CREATED = "ticket_created", _("New ticket in my team")
    CUSTOMER_REPLY = "customer_reply", _("Customer reply to a ticket assigned to me")
    AGENT_REPLY = "agent_reply", _("Reply from support")
    TICKET_SOLVED = "ticket_solved", _("Ticket solved")
    TICKET_MERGED = "ticket_merged", _("Ticket merged into another")
    TICKET_ASSIGNED = "ticket_assigned", _("Ticket assigned to me")


# The kinds meant for the provider's staff and for customers: a preferences form shows
# each person only the kinds that can reach them.
STAFF_KINDS = frozenset(
    {
        NotificationKind.TICKET_CREATED,
        NotificationKind.CUSTOMER_REPLY,
        NotificationKind.TICKET_ASSIGNED,
    }
)
CUSTOMER_KINDS = frozenset(
    {
        NotificationKind.AGENT_REPLY,
        NotificationKind.TICKET_SOLVED,
        NotificationKind.TICKET_MERGED,
    }
)


class OutboundState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
