from django.db.models import QuerySet

from tique.accounts.models import Account, Membership, User


def memberships_of(user: User) -> QuerySet[Membership]:
    """The user's memberships in active accounts, with the account, by account name."""
    return (
        Membership.objects.filter(user=user, account__is_active=True)
        .select_related("account")
        .order_by("account__name", "account_id")
    )


def account_users(account: Account) -> QuerySet[User]:
    return User.objects.filter(memberships__account=account).order_by("full_name", "email")
