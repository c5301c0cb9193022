"""An agent given a new ticket by round-robin hears of the assignment, once."""

from conftest import open_ticket
from tique.accounts.models import Team, User
from tique.mail.choices import NotificationKind
from tique.mail.models import OutboundEmail


def test_the_round_robin_assignee_gets_the_assignment_and_not_also_the_new_ticket(
    acme_admin, agent
):
    team = Team.objects.get(slug="technical")
    colleague = User.objects.create_user(email="eva@tique.example", password="x" * 12)
    colleague.is_staff = True
    colleague.save()
    team.members.add(colleague)
    team.round_robin = True
    team.save()
    ticket = open_ticket(acme_admin)
    assert ticket.assignee is not None
    other = colleague if ticket.assignee == agent else agent
    kinds = dict.fromkeys([ticket.assignee.email, other.email], None)
    for email in kinds:
        kinds[email] = sorted(
            OutboundEmail.objects.filter(ticket=ticket, to_address=email).values_list(
                "kind", flat=True
            )
        )
    assert kinds[ticket.assignee.email] == [NotificationKind.TICKET_ASSIGNED]
    assert kinds[other.email] == [NotificationKind.TICKET_CREATED]
