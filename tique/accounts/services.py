"""Writers of users, accounts and memberships."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from tique.accounts.choices import Role
from tique.accounts.models import Account, Membership, User


def user_set_language(*, user: AbstractBaseUser | AnonymousUser, language: str) -> None:
    if isinstance(user, User):
        User.objects.filter(pk=user.pk).update(language=language)
        user.language = language


def membership_add(*, account: Account, user: User, role: Role) -> Membership:
    with transaction.atomic():
        membership, _created = Membership.objects.update_or_create(
            account=account, user=user, defaults={"role": role}
        )
    return membership


def user_update_profile(
    *, user: User, full_name: str, phone: str, language: str, muted: list[str]
) -> None:
    """A customer's own details, interface language and muted notifications."""
    user.full_name, user.phone, user.language = full_name.strip(), phone.strip(), language
    user.muted_notifications = sorted(muted)
    user.save(update_fields=["full_name", "phone", "language", "muted_notifications"])


def user_set_preferences(*, user: User, is_away: bool, muted: list[str]) -> None:
    """An agent's availability for round-robin and the notifications they muted."""
    User.objects.filter(pk=user.pk).update(is_away=is_away, muted_notifications=sorted(muted))
    user.is_away = is_away
    user.muted_notifications = sorted(muted)
