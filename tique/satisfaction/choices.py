"""The fixed vocabularies of satisfaction ratings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Rating(models.TextChoices):
    GOOD = "good", _("Good")
    BAD = "bad", _("Bad")


class RatingChannel(models.TextChoices):
    """Where the requester rated: their panel, or the signed link of the e-mail."""

    PANEL = "panel", _("Panel")
    EMAIL = "email", _("E-mail")
