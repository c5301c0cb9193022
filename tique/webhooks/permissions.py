"""Who may do what with webhooks: pure predicates, asked by the services and the API.

An account administrator subscribes to their account's events; a supervisor (staff
with `accounts.configure`, or a superuser) to every account's (a subscription with no
account) and may see every subscription. Members and agents do not use webhooks.
`admin_of` is the ids of the active accounts the user administers
(`selectors.admin_account_ids`).
"""

from __future__ import annotations

from collections.abc import Collection

from tique.accounts.models import User
from tique.webhooks.models import WebhookSubscription


def is_supervisor(user: User) -> bool:
    return user.is_active and (
        user.is_superuser or (user.is_staff and user.has_perm("accounts.configure"))
    )


def _administers(user: User, account_id: int | None, admin_of: Collection[int]) -> bool:
    return user.is_active and not user.is_staff and account_id in admin_of


def can_use_webhooks(user: User, admin_of: Collection[int]) -> bool:
    return is_supervisor(user) or (user.is_active and not user.is_staff and bool(admin_of))


def can_subscribe(user: User, account_id: int | None, admin_of: Collection[int]) -> bool:
    """A subscription for one account (`account_id`) or for all of them (None)."""
    if account_id is None:
        return is_supervisor(user)
    return _administers(user, account_id, admin_of)


def can_view(user: User, subscription: WebhookSubscription, admin_of: Collection[int]) -> bool:
    return is_supervisor(user) or _administers(user, subscription.account_id, admin_of)


def can_manage(user: User, subscription: WebhookSubscription, admin_of: Collection[int]) -> bool:
    """Change, delete, rotate the secret of, ping, and read the secret of."""
    return can_subscribe(user, subscription.account_id, admin_of)
