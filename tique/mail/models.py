from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tique.accounts.models import User
from tique.mail.choices import (
    InboundOutcome,
    InboundSource,
    InboundState,
    NotificationKind,
    OutboundState,
)
from tique.tickets.models import Ticket


class OutboundEmail(models.Model):
    """One e-mail to send: the outbox. Written, fully rendered, in the same transaction as
    the change it tells of; a task sends it after the commit, and the scheduler's sweep
    sends whatever a lost or failed task left behind (`tique.mail.delivery`).

    `next_attempt_at` is when a pending e-mail is next due; while an e-mail is `sending`
    it is the end of the sender's lease, after which the sweep takes it back."""

    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outbound_emails",
        verbose_name=_("ticket"),
    )
    recipient = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    to_address = models.EmailField(_("to"))
    kind = models.CharField(_("kind"), max_length=32, choices=NotificationKind.choices)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255)
    text_body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"))
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=OutboundState.choices, default=OutboundState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound e-mail")
        verbose_name_plural = _("outbound e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The sweep: due pending e-mails and expired sending leases. Sent and failed
            # rows, nearly all of them, stay out of the index.
            models.Index(
                fields=["state", "next_attempt_at"],
                name="outbound_due",
                condition=Q(state__in=[OutboundState.PENDING, OutboundState.SENDING]),
            ),
            # Threading: the last e-mail to this address about this ticket.
            models.Index(fields=["ticket", "to_address", "-id"], name="outbound_thread"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to_address} ({self.state})"


class InboundEmail(models.Model):
    """Every e-mail received, stored raw before anything else happens to it: processing
    is then idempotent (one row per Message-ID, or per content when there is none) and
    a message that cannot be processed waits in quarantine instead of being lost."""

    raw = models.BinaryField(_("raw message"))
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=16, choices=InboundSource.choices)
    mailbox = models.CharField(
        _("mailbox"), max_length=40, blank=True, help_text=_("The IMAP mailbox it came from.")
    )
    from_address = models.CharField(
        pgettext_lazy("e-mail header", "from"), max_length=255, blank=True
    )
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    state = models.CharField(
        _("state"), max_length=16, choices=InboundState.choices, default=InboundState.RECEIVED
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=16,
        choices=InboundOutcome.choices,
        default=InboundOutcome.NONE,
        blank=True,
    )
    reason = models.TextField(_("why"), blank=True)
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_emails",
        verbose_name=_("ticket"),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbound e-mail")
        verbose_name_plural = _("inbound e-mails")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"],
                condition=~Q(message_id=""),
                name="inbound_message_id_unique",
            )
        ]
        indexes = [
            models.Index(
                fields=["state", "received_at"],
                name="inbound_pending",
                condition=Q(
                    state__in=[
                        InboundState.RECEIVED,
                        InboundState.PROCESSING,
                        InboundState.QUARANTINED,
                    ]
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.message_id or self.sha256[:12]} ({self.state})"
