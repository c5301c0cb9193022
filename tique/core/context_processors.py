from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tique.accounts.models import User
from tique.accounts.selectors import user_can_configure


def site(request: HttpRequest) -> dict[str, Any]:
    return {"SITE_NAME": settings.SITE_NAME}


def staff(request: HttpRequest) -> dict[str, Any]:
    """`can_configure`, asked only if the page shows the configuration link (staff)."""
    user = getattr(request, "user", None)
    return {
        "can_configure": SimpleLazyObject(
            lambda: isinstance(user, User) and user_can_configure(user)
        )
    }
