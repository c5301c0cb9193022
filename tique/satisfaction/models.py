"""What a requester thought of how their ticket was solved: one rating per ticket."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tique.accounts.models import Account, Team, User
from tique.satisfaction.choices import Rating, RatingChannel
from tique.tickets.models import Ticket

COMMENT_MAX = 2000


class SatisfactionRating(models.Model):
    """The requester's rating of a solved ticket. A second vote updates it; who worked the
    ticket (agent, team) and its account are copied when it is rated, so the report
    keeps crediting them if the ticket is later reassigned."""

    ticket = models.OneToOneField(
        Ticket, on_delete=models.CASCADE, related_name="satisfaction", verbose_name=_("ticket")
    )
    rating = models.CharField(_("rating"), max_length=8, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    rated_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="satisfaction_ratings",
        verbose_name=_("rated by"),
    )
    agent = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="satisfaction_ratings",
        verbose_name=_("team"),
    )
    account = models.ForeignKey(
        Account,
        on_delete=models.CASCADE,
        related_name="satisfaction_ratings",
        verbose_name=_("account"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=RatingChannel.choices)
    created_at = models.DateTimeField(_("rated"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["-created_at", "-id"]
        # The report reads a range of days, whole or per agent, team or account.
        indexes = [
            models.Index(fields=["created_at"], name="sat_created"),
            models.Index(fields=["account", "created_at"], name="sat_account_created"),
            models.Index(fields=["agent", "created_at"], name="sat_agent_created"),
            models.Index(fields=["team", "created_at"], name="sat_team_created"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.rating}"

    @property
    def is_good(self) -> bool:
        return self.rating == Rating.GOOD
