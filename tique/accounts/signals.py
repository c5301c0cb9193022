"""Receivers that keep cached reads of accounts right when their rows change."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tique.accounts.models import Membership, User
from tique.accounts.selectors import forget_account_people


@receiver([post_save, post_delete], sender=Membership, dispatch_uid="people-membership")
def _membership_changed(instance: Membership, **_kwargs: Any) -> None:
    forget_account_people([instance.account_id])


@receiver(post_save, sender=User, dispatch_uid="people-user")
def _user_changed(instance: User, **kwargs: Any) -> None:
    """A renamed user is renamed in their accounts' lists (a new one has no account yet)."""
    if kwargs.get("created"):
        return
    changed = kwargs.get("update_fields")
    if changed is not None and not {"full_name", "email"} & set(changed):
        return  # a sign-in's last_login, say
    forget_account_people(instance.memberships.values_list("account_id", flat=True))
