from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from tique.accounts.models import Account, ApiToken, Membership, Team, User
from tique.accounts.services import TOKEN_PREFIX, api_token_digest


def memberships_of(user: User) -> QuerySet[Membership]:
    """The user's memberships in active accounts, with the account, by account name."""
    return (
        Membership.objects.filter(user=user, account__is_active=True)
        .select_related("account")
        .order_by("account__name", "account_id")
    )


# How long a process may show an account's people from the cache when it was not told
# of a change (with the default Redis cache every process is told at once).
PEOPLE_CACHE_SECONDS = 300


def _people_key(account_id: int) -> str:
    return f"tique:account-people:{account_id}"


def account_user_choices(account: Account) -> list[tuple[int, str]]:
    """The account's people as (id, name) by name, for a filter's list. Cached: a big
    account's hundreds of people are on every page of its administrators' history, and
    they change rarely (`forget_account_people` drops the list when they do)."""
    key = _people_key(account.pk)
    cached: list[tuple[int, str]] | None = cache.get(key)
    if cached is not None:
        return cached
    rows = (
        User.objects.filter(memberships__account=account)
        .order_by("full_name", "email")
        .values_list("pk", "full_name", "email")
    )
    people = [(pk, full_name or email) for pk, full_name, email in rows]
    cache.set(key, people, PEOPLE_CACHE_SECONDS)
    return people


def forget_account_people(account_ids: Iterable[int]) -> None:
    """Drop the accounts' cached lists now, and again once the change is committed: a
    page read between the two would otherwise cache the list as it was before."""
    keys = [_people_key(pk) for pk in account_ids]
    if not keys:
        return

    def forget_after_commit() -> None:
        cache.delete_many(keys)

    cache.delete_many(keys)
    transaction.on_commit(forget_after_commit, robust=True)


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


# --- The API's directory: accounts, their users, teams and agents ------------------------


def accounts_visible_to(user: User) -> QuerySet[Account]:
    """Every account for staff (active or not); a customer's own active accounts."""
    if user.is_staff:
        return Account.objects.all()
    return Account.objects.filter(memberships__user=user, is_active=True)


def account_visible_to(user: User, code: str) -> Account | None:
    """The account with this customer code if the user may see it; None otherwise,
    whether or not it exists."""
    return accounts_visible_to(user).filter(customer_code=code).first()


def account_memberships(account: Account) -> QuerySet[Membership]:
    """The account's users with their role (unordered: callers page them)."""
    return Membership.objects.filter(account=account).select_related("user")


def user_teams(user: User) -> QuerySet[Team]:
    """The active teams a staff user works in."""
    return user.teams.filter(is_active=True).order_by("slug")


def active_teams() -> QuerySet[Team]:
    """The teams tickets can be routed to, with their supervisor and active members."""
    members = User.objects.filter(is_active=True, is_staff=True).order_by("full_name", "email")
    return (
        Team.objects.filter(is_active=True)
        .select_related("supervisor")
        .prefetch_related(Prefetch("members", queryset=members))
        .order_by("slug")
    )


def agents(*, team: Team | None = None) -> QuerySet[User]:
    """Active staff who can be assigned tickets (of one team if given), with their active
    teams and, annotated, whether they hold `accounts.configure` through a group (the
    Supervisors) or directly (`configures_by_group`, `configures_directly`): what
    `has_perm` says, in one query for the whole list (unordered: callers page them)."""
    found = User.objects.filter(is_staff=True, is_active=True)
    if team is not None:
        found = found.filter(teams=team)
    return with_configure_rights(found).prefetch_related(
        Prefetch("teams", queryset=Team.objects.filter(is_active=True).order_by("slug"))
    )


_CONFIGURE = Q(content_type__app_label="accounts", codename="configure")


def with_configure_rights(users: QuerySet[User]) -> QuerySet[User]:
    """`users` annotated with whether each holds `accounts.configure` through a group
    (`configures_by_group`) or directly (`configures_directly`), in the same query."""
    # Written on the link tables, so each subquery joins two tables, not four: on
    # every desk page PostgreSQL planned the four-table version longer than it ran.
    configure = Permission.objects.filter(_CONFIGURE).values("pk")
    groups_that_configure = Group.permissions.through.objects.filter(
        permission_id__in=configure
    ).values("group_id")
    through_group = User.groups.through.objects.filter(
        user_id=OuterRef("pk"), group_id__in=groups_that_configure
    )
    direct = User.user_permissions.through.objects.filter(
        user_id=OuterRef("pk"), permission_id__in=configure
    )
    return users.annotate(
        configures_by_group=Exists(through_group), configures_directly=Exists(direct)
    )


def user_can_configure(user: User, *, among: Iterable[User] = ()) -> bool:
    """Whether the user may open the configuration (`accounts.configure`, directly or
    through a group): the header asks on every staff page, and Django's `has_perm` would
    load every permission of the user and of their groups (two queries). Read from
    `among` (users annotated by `with_configure_rights`) when the user is there, else in
    one query."""
    if not user.is_active or not user.is_staff:
        return False
    if user.is_superuser:
        return True
    listed = next((other for other in among if other.pk == user.pk), None)
    if listed is not None:
        return bool(listed.configures_by_group or listed.configures_directly)  # type: ignore[attr-defined]
    return Permission.objects.filter(Q(user=user) | Q(group__user=user), _CONFIGURE).exists()
