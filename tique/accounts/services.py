"""Writers of users, accounts and memberships."""

import datetime as dt
import hashlib
import secrets

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tique.accounts.choices import Role
from tique.accounts.models import Account, ApiToken, Membership, User


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


# --- API tokens ---------------------------------------------------------------------

# Marks a Tique secret (secret scanners and people can tell it); not itself secret.
TOKEN_PREFIX = "tique_"  # noqa: S105
API_TOKEN_LIMIT = 50


def api_token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_create(
    *, user: User, name: str, read_only: bool = False, expires_at: dt.datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token for the user; returns it with its secret, which is never stored and
    cannot be shown again."""
    if not user.is_active:
        raise ValidationError(_("Inactive users cannot have API tokens."))
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("The expiry must be in the future.")})
    if ApiToken.objects.filter(user=user).usable().count() >= API_TOKEN_LIMIT:
        raise ValidationError(
            _("You have %(limit)s tokens in use. Revoke one first.") % {"limit": API_TOKEN_LIMIT}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=api_token_digest(secret),
        read_only=read_only,
        expires_at=expires_at,
    )
    return token, secret


def api_token_revoke(*, token: ApiToken, actor: User) -> None:
    """Users revoke their own tokens; an operator does it in the configuration."""
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied("only the owner revokes a token")
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db(fields=["revoked_at"])


def api_token_touch(*, token: ApiToken) -> None:
    """Note when a token was last used, at most once a minute (no write per request)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
