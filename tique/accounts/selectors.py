from django.db.models import QuerySet

from tique.accounts.models import Account, ApiToken, Membership, User
from tique.accounts.services import TOKEN_PREFIX, api_token_digest


def memberships_of(user: User) -> QuerySet[Membership]:
    """The user's memberships in active accounts, with the account, by account name."""
    return (
        Membership.objects.filter(user=user, account__is_active=True)
        .select_related("account")
        .order_by("account__name", "account_id")
    )


def account_users(account: Account) -> QuerySet[User]:
    return User.objects.filter(memberships__account=account).order_by("full_name", "email")


def api_token_for_secret(secret: str) -> ApiToken | None:
    """The usable token with this secret, with its user; None for anything else."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    return (
        ApiToken.objects.usable()
        .select_related("user")
        .filter(digest=api_token_digest(secret))
        .first()
    )


def api_tokens_of(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
