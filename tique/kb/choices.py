"""The help centre's fixed vocabularies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone, without signing in")
    INTERNAL = "internal", _("Internal: staff only")


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


# The languages every article can be written in (each version is optional but one).
ARTICLE_LANGUAGES = ("es", "en")
