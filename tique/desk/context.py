"""The agent on this request: provider staff only; anyone else is not told the desk
exists."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase

from tique.accounts.models import User
from tique.tickets import permissions


def desk_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Signed-in provider staff only: signed-out visitors go to sign in, customers get
    404. Put it above `require_POST`, so a GET of a POST-only URL is no different."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not isinstance(user, User) or not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not permissions.can_work_tickets(user):
            raise Http404("No such page")
        request.agent = user  # type: ignore[attr-defined]
        return view(request, user, *args, **kwargs)

    update_wrapper(wrapper, view)
    return wrapper
