"""`visible_in(membership)` is `visible_to(user)` within the membership's account,
written out for the role: the same tickets for administrators and members, merges too."""

from __future__ import annotations

from conftest import open_ticket
from tique.accounts.choices import Role
from tique.accounts.models import Membership
from tique.accounts.services import membership_add
from tique.tickets import services
from tique.tickets.models import Ticket


def _both(user, account) -> tuple[set[int], set[int]]:
    membership = Membership.objects.get(user=user, account=account)
    written_out = set(Ticket.objects.visible_in(membership).values_list("number", flat=True))
    general = set(
        Ticket.objects.visible_to(user).filter(account=account).values_list("number", flat=True)
    )
    return written_out, general


def test_each_role_sees_what_visible_to_gives(acme, beta, acme_admin, ana, luis, agent):
    mine = open_ticket(ana)
    merged = open_ticket(ana)
    survivor = open_ticket(luis)
    open_ticket(acme_admin)
    services.ticket_merge(source=merged, target=survivor, actor=agent)
    # Ana is an administrator of another account: that role does not widen this one.
    membership_add(account=beta, user=ana, role=Role.ADMIN)
    seen: dict[str, set[int]] = {}
    for name, user in {"admin": acme_admin, "ana": ana, "luis": luis}.items():
        written_out, general = _both(user, acme)
        assert written_out == general, name
        seen[name] = written_out
    assert len(seen["admin"]) == 4
    assert seen["ana"] == {mine.number, merged.number, survivor.number}
    assert seen["luis"] == {survivor.number}
