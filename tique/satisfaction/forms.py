"""The rating form, shared by the signed-link page and the customer's ticket page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tique.accounts.models import User
from tique.satisfaction.choices import Rating
from tique.satisfaction.models import COMMENT_MAX, SatisfactionRating
from tique.satisfaction.permissions import can_rate
from tique.satisfaction.selectors import rating_of
from tique.tickets.models import Ticket


class RatingForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("How did we do?"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose good or bad.")},
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def for_rating(cls, rating: SatisfactionRating | None, *, choice: str = "") -> RatingForm:
        """Unbound, filled in with the rating given so far; `choice` preselects another."""
        initial: dict[str, str] = {}
        if rating is not None:
            initial = {"rating": rating.rating, "comment": rating.comment}
        if choice in Rating.values:
            initial["rating"] = choice
        return cls(initial=initial)


def panel_context(user: User, ticket: Ticket, form: RatingForm | None = None) -> dict[str, Any]:
    """What the customer's ticket page shows about rating: whether they may, what they
    said so far, and the form (bound, with its errors, after a failed try)."""
    if not can_rate(user, ticket):
        return {"can_rate": False, "rating": None, "rating_form": None}
    rating = rating_of(ticket)
    return {
        "can_rate": True,
        "rating": rating,
        "rating_form": form if form is not None else RatingForm.for_rating(rating),
    }
