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
    TICKET_RECEIVED = "ticket_received", _("Acknowledgement of a ticket I opened")
    URGENT_AFTER_HOURS = "urgent_after_hours", _("Service-affecting incident out of hours")
    SLA_WARNING = "sla_warning", _("SLA target about to be missed")
    SLA_BREACHED = "sla_breached", _("SLA target missed")
    UNKNOWN_SENDER = "unknown_sender", _("Answer to an address with no account")


# The kinds meant for the provider's staff and for customers: a preferences form shows
# each person only the kinds that can reach them.
STAFF_KINDS = frozenset(
    {
        NotificationKind.TICKET_CREATED,
        NotificationKind.CUSTOMER_REPLY,
        NotificationKind.TICKET_ASSIGNED,
        NotificationKind.URGENT_AFTER_HOURS,
        NotificationKind.SLA_WARNING,
        NotificationKind.SLA_BREACHED,
    }
)
CUSTOMER_KINDS = frozenset(
    {
        NotificationKind.AGENT_REPLY,
        NotificationKind.TICKET_SOLVED,
        NotificationKind.TICKET_MERGED,
        NotificationKind.TICKET_RECEIVED,
    }
)


class OutboundState(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    BOUNCED = "bounced", _("Bounced by the recipient's server")


class InboundState(models.TextChoices):
    RECEIVED = "received", _("Received, not processed yet")
    PROCESSING = "processing", _("Being processed")
    PROCESSED = "processed", _("Processed")
    QUARANTINED = "quarantined", _("In quarantine")
    DISCARDED = "discarded", _("Discarded")


class InboundOutcome(models.TextChoices):
    NONE = "", _("—")
    NEW_TICKET = "new_ticket", _("Opened a ticket")
    REPLY = "reply", _("Added to a ticket")
    AUTOMATIC = "automatic", _("Automatic message, ignored")
    BOUNCE = "bounce", _("Bounce of one of our e-mails")
    REJECTED = "rejected", _("Unknown sender, answered politely")


class InboundSource(models.TextChoices):
    PIPE = "pipe", _("Piped by the mail server")
    IMAP = "imap", _("IMAP mailbox")
    DIRECTORY = "directory", _("Directory import")
