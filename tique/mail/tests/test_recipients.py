"""Who hears of what: the rules of `tique.mail.notifications`, delivered for real."""

from django.db import transaction

from tique.accounts.models import User
from tique.mail import notifications
from tique.mail.choices import NotificationKind
from tique.mail.models import OutboundEmail
from tique.mail.tests.conftest import make_agent, quiet_ticket, subject, write


def test_a_new_ticket_mails_every_present_agent_of_its_team(
    acme_admin, agent, mailbox, django_capture_on_commit_callbacks
):
    teammate = make_agent("eva@tique.example", "Eva Soporte")
    make_agent("away@tique.example", "Ausente", is_away=True)
    make_agent("gone@tique.example", "Ya no está", is_active=False)
    make_agent("sales@tique.example", "Comercial", team="commercial")
    ticket = quiet_ticket(acme_admin)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.ticket_created(ticket)

    assert mailbox.recipients == [agent.email, teammate.email]


def test_the_agent_who_opened_a_ticket_is_not_told_of_it(
    acme_admin, agent, mailbox, django_capture_on_commit_callbacks
):
    teammate = make_agent("eva@tique.example", "Eva Soporte")
    ticket = quiet_ticket(acme_admin)
    ticket.created_by = agent
    ticket.save(update_fields=["created_by"])

    with django_capture_on_commit_callbacks(execute=True):
        notifications.ticket_created(ticket)

    assert mailbox.recipients == [teammate.email]


def test_a_public_reply_by_staff_mails_the_requester(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(ana)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.reply_added(write(ticket, agent, "Ya está activado."))

    assert mailbox.recipients == [ana.email]
    assert OutboundEmail.objects.get().kind == NotificationKind.AGENT_REPLY


def test_a_customer_reply_mails_the_assignee(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(ana)
    ticket.assignee = agent
    ticket.save(update_fields=["assignee"])

    with django_capture_on_commit_callbacks(execute=True):
        notifications.reply_added(write(ticket, ana, "Sigue sin funcionar."))

    assert mailbox.recipients == [agent.email]
    assert OutboundEmail.objects.get().kind == NotificationKind.CUSTOMER_REPLY


def test_a_customer_reply_to_an_unassigned_ticket_mails_nobody(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(ana)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.reply_added(write(ticket, ana, "¿Alguna novedad?"))

    assert mailbox.received == []


def test_an_internal_note_mails_nobody_least_of_all_the_customer(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(ana)
    ticket.assignee = make_agent("eva@tique.example", "Eva Soporte")
    ticket.save(update_fields=["assignee"])

    with django_capture_on_commit_callbacks(execute=True):
        notifications.reply_added(write(ticket, agent, "Cliente moroso", internal=True))

    assert mailbox.received == []
    assert not OutboundEmail.objects.exists()


def test_solving_a_ticket_mails_the_requester(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(ana)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.ticket_solved(ticket, agent)

    assert mailbox.recipients == [ana.email]


def test_a_requester_who_solves_their_own_ticket_is_not_told(
    ana, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(ana)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.ticket_solved(ticket, ana)

    assert mailbox.received == []


def test_a_merge_mails_the_merged_tickets_requester_naming_the_survivor(
    ana, luis, agent, mailbox, django_capture_on_commit_callbacks
):
    source, target = quiet_ticket(ana), quiet_ticket(luis)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.ticket_merged(source, target, agent)

    assert mailbox.recipients == [ana.email]
    (message,) = mailbox.received
    assert subject(message).startswith(f"[#{source.number}] ")
    assert f"#{target.number}" in subject(message)
    assert OutboundEmail.objects.get().ticket == source


def test_an_assignment_mails_the_assignee(
    acme_admin, agent, mailbox, django_capture_on_commit_callbacks
):
    supervisor = make_agent("super@tique.example", "Supervisora")
    ticket = quiet_ticket(acme_admin)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.ticket_assigned(ticket, agent, supervisor)

    assert mailbox.recipients == [agent.email]


def test_an_agent_who_takes_a_ticket_is_not_told(
    acme_admin, agent, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(acme_admin)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.ticket_assigned(ticket, agent, agent)

    assert mailbox.received == []


def test_a_muted_kind_is_not_sent_and_the_others_still_are(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ana.muted_notifications = [NotificationKind.AGENT_REPLY.value]
    ana.save(update_fields=["muted_notifications"])
    ticket = quiet_ticket(ana)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.reply_added(write(ticket, agent, "Ya está."))
        notifications.ticket_solved(ticket, agent)

    assert len(mailbox.received) == 1
    assert list(OutboundEmail.objects.values_list("kind", flat=True)) == [
        NotificationKind.TICKET_SOLVED
    ]


def test_an_agent_who_muted_new_tickets_is_not_told_of_them(
    acme_admin, agent, mailbox, django_capture_on_commit_callbacks
):
    agent.muted_notifications = [NotificationKind.TICKET_CREATED.value]
    agent.save(update_fields=["muted_notifications"])
    teammate = make_agent("eva@tique.example", "Eva Soporte")
    ticket = quiet_ticket(acme_admin)

    with django_capture_on_commit_callbacks(execute=True):
        notifications.ticket_created(ticket)

    assert mailbox.recipients == [teammate.email]


def test_an_inactive_user_gets_nothing(ana, agent, mailbox, django_capture_on_commit_callbacks):
    ticket = quiet_ticket(ana)
    User.objects.filter(pk=ana.pk).update(is_active=False)
    ticket.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        notifications.reply_added(write(ticket, agent, "Ya está."))
        notifications.ticket_solved(ticket, agent)

    assert mailbox.received == []


def test_a_notification_in_a_rolled_back_transaction_is_never_written_nor_sent(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(ana)

    class Boom(Exception):
        pass

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notifications.ticket_solved(ticket, agent)
                raise Boom
        except Boom:
            pass

    assert callbacks == []
    assert not OutboundEmail.objects.exists()
    assert mailbox.received == []


def test_nobody_is_told_of_what_happens_while_notifications_are_suppressed(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(ana)

    with django_capture_on_commit_callbacks(execute=True), notifications.suppressed():
        notifications.reply_added(write(ticket, agent, "Dato de demostración."))
        notifications.ticket_solved(ticket, agent)

    assert not OutboundEmail.objects.exists()
    assert mailbox.received == []
