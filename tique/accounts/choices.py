from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Account administrator")
    MEMBER = "member", _("Member")


class Language(models.TextChoices):
    ES = "es", _("Spanish")
    EN = "en", _("English")
