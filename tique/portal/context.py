"""Who the customer is on this request: their memberships and the account they work in."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import update_wrapper
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from tique.accounts.models import Account, Membership, User
from tique.accounts.selectors import memberships_of
from tique.tickets import permissions

SESSION_ACCOUNT_KEY = "portal_account_id"


@dataclass(frozen=True)
class Customer:
    user: User
    membership: Membership
    memberships: list[Membership]

    @property
    def account(self) -> Account:
        return self.membership.account

    @property
    def is_admin(self) -> bool:
        return self.membership.is_admin

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.account.time_zone)

    @property
    def can_open_tickets(self) -> bool:
        return permissions.can_open_tickets(self.membership)

    def membership_in(self, account_id: int) -> Membership | None:
        return next((m for m in self.memberships if m.account_id == account_id), None)


def customer_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Sign-in required, and a customer membership: provider staff and users without an
    active account get a page that says so (the same whatever the URL names)."""

    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if not isinstance(user, User) or not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        memberships = list(memberships_of(user))
        if not memberships:
            return render(request, "portal/no_account.html", status=403)
        chosen_id = request.session.get(SESSION_ACCOUNT_KEY)
        membership = next((m for m in memberships if m.account_id == chosen_id), memberships[0])
        customer = Customer(user=user, membership=membership, memberships=memberships)
        timezone.activate(customer.tz)
        request.customer = customer  # type: ignore[attr-defined]
        return view(request, customer, *args, **kwargs)

    update_wrapper(wrapper, view)
    return wrapper


def portal_context(request: HttpRequest) -> dict[str, Any]:
    """Template context: the customer of this request, if any."""
    return {"customer": getattr(request, "customer", None)}
