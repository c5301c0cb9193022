"""Who may do what with tickets: pure predicates, asked by every surface and service.

Scoping a query to what a user may see is `Ticket.objects.visible_to(user)`; these
predicates decide about one object that is already in hand (and visible).
"""

from __future__ import annotations

from tique.accounts.models import Membership, User
from tique.tickets.choices import ACTIVE_STATUSES, Status
from tique.tickets.models import CatalogueEntry, RequestType, Ticket

BILLING_TEAM = "billing"


def can_open_tickets(membership: Membership) -> bool:
    account = membership.account
    return account.is_active and (membership.is_admin or account.members_can_open_tickets)


def can_use_kind(membership: Membership, kind: CatalogueEntry) -> bool:
    """Admin-only request types carry bank or ownership data: members never see them."""
    if not kind.is_active or not can_open_tickets(membership):
        return False
    return not (isinstance(kind, RequestType) and kind.admin_only and not membership.is_admin)


def can_view_ticket(user: User, ticket: Ticket, membership: Membership | None) -> bool:
    """`membership` is the user's membership in the ticket's account, if any."""
    if not user.is_active:
        return False
    if user.is_staff:
        return True
    if membership is None or membership.account_id != ticket.account_id:
        return False
    if not membership.account.is_active:
        return False
    if membership.is_admin or ticket.requester_id == user.pk:
        return True
    # A member follows the survivor of a ticket of theirs that was merged into it.
    return ticket.merged_tickets.filter(requester_id=user.pk).exists()


def can_reply(user: User, ticket: Ticket, membership: Membership | None) -> bool:
    return can_view_ticket(user, ticket, membership) and ticket.status != Status.CLOSED


def can_set_status(
    user: User, ticket: Ticket, membership: Membership | None, status: Status
) -> bool:
    """Customers (the requester or an account administrator) may mark a ticket solved
    while it is active, and reopen it once solved; staff may move it anywhere but out
    of closed."""
    if not can_view_ticket(user, ticket, membership) or ticket.status == Status.CLOSED:
        return False
    if status == ticket.status:
        return False
    if user.is_staff:
        return True
    if status == Status.SOLVED:
        return ticket.status in ACTIVE_STATUSES
    if status == Status.OPEN:
        return ticket.status == Status.SOLVED
    return False


def can_see_sensitive_values(user: User, team_slugs: set[str]) -> bool:
    """Bank data is shown whole only to the billing team; everyone else sees it masked."""
    return user.is_staff and BILLING_TEAM in team_slugs


def can_work_tickets(user: User) -> bool:
    """Provider staff work every account's tickets in the desk."""
    return user.is_active and user.is_staff
