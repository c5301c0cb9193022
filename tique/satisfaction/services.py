"""The only writer of satisfaction ratings.

No `TicketEvent` is recorded for a rating: the events' kinds are fixed choices of
`tique.tickets`, and a new kind would need a migration there. The rating row keeps who
rated, when, and through which channel.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tique.accounts.models import User
from tique.satisfaction.choices import Rating, RatingChannel
from tique.satisfaction.models import COMMENT_MAX, SatisfactionRating
from tique.satisfaction.permissions import can_rate
from tique.tickets.models import Ticket


def _validated(rating: str, comment: str) -> tuple[Rating, str]:
    errors: dict[str, str] = {}
    if rating not in Rating.values:
        errors["rating"] = _("Choose good or bad.")
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        errors["comment"] = _("Keep the comment to %(max)d characters (it has %(length)d).") % {
            "max": COMMENT_MAX,
            "length": len(comment),
        }
    if errors:
        raise ValidationError(errors)
    return Rating(rating), comment


def rating_record(
    *,
    ticket: Ticket,
    user: User,
    rating: str,
    comment: str = "",
    channel: RatingChannel,
) -> SatisfactionRating:
    """Record the requester's rating of their solved ticket, or change the one they gave
    (one rating per ticket; it keeps when it was first given). The ticket's assignee,
    team and account are copied as they are now."""
    choice, comment = _validated(rating, comment)
    with transaction.atomic():
        # Locked, so that a reopening and a rating (or two ratings) do not cross.
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if not can_rate(user, locked):
            raise PermissionDenied("only the requester rates their ticket, once it is solved")
        recorded, _created = SatisfactionRating.objects.update_or_create(
            ticket=locked,
            defaults={
                "rating": choice,
                "comment": comment,
                "rated_by": user,
                "agent_id": locked.assignee_id,
                "team_id": locked.team_id,
                "account_id": locked.account_id,
                "channel": channel,
            },
        )
    return recorded
