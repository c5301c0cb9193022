from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Account administrator")
    MEMBER = "member", _("Member")


class Plan(models.TextChoices):
    """The service plan an account has: it chooses the SLA policy."""

    BASIC = "basic", _("Basic")
    BUSINESS = "business", _("Business")
    PREMIUM = "premium", _("Premium")


class Language(models.TextChoices):
    ES = "es", _("Spanish")
    EN = "en", _("English")
