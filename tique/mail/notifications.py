"""E-mail notifications about tickets: who hears of what. The ticket services call these
inside their transaction; each writes what must be sent to the outbox (`compose.queue`)
and leaves the sending to a background task that runs after the commit.

Rules that hold for every kind: nobody hears of what they did themselves; inactive
users and users who muted the kind get nothing; a customer never hears of an internal
note; no e-mail carries a ticket's typed field values (bank data and the like).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tique.accounts.models import User
from tique.mail.choices import NotificationKind
from tique.mail.compose import language_for, queue, queue_each, suppressed, ticket_url
from tique.satisfaction.choices import Rating
from tique.satisfaction.links import rating_url
from tique.sla.messages import arrival_message

if TYPE_CHECKING:
    from tique.sla.models import BusinessCalendar
    from tique.tickets.models import Message, Ticket

__all__ = [
    "reply_added",
    "suppressed",
    "ticket_assigned",
    "ticket_created",
    "ticket_merged",
    "ticket_solved",
]


def ticket_created(ticket: Ticket, *, opening: Message | None = None) -> None:
    """Agents of the ticket's team hear of a new ticket: every active member who is not
    away, except whoever opened it and whoever it was given to on arrival (they hear of
    the assignment instead). `opening`: the first public message, when the caller has
    it (else it is read)."""
    if ticket.team is None:
        return
    agents = (
        ticket.team.members.filter(is_active=True, is_staff=True, is_away=False)
        .exclude(pk=ticket.created_by_id)
        .exclude(pk=ticket.assignee_id or 0)
        .order_by("pk")
    )
    if opening is None:
        opening = ticket.messages.filter(is_internal=False).order_by("created_at", "id").first()
    queue_each(
        kind=NotificationKind.TICKET_CREATED,
        ticket=ticket,
        recipients=agents,
        context={"message": opening},
    )


def reply_added(message: Message) -> None:
    """A public reply: by staff, the requester hears of it; by the customer, the
    assignee does. Internal notes never reach the customer (nor anyone else by mail)."""
    if message.is_internal:
        return
    ticket, author = message.ticket, message.author
    if author is not None and author.is_staff:
        recipient, kind = ticket.requester, NotificationKind.AGENT_REPLY
    elif ticket.assignee is not None:
        recipient, kind = ticket.assignee, NotificationKind.CUSTOMER_REPLY
    else:
        return
    if author is not None and recipient.pk == author.pk:
        return
    queue(kind=kind, ticket=ticket, recipient=recipient, context={"message": message})


def ticket_solved(ticket: Ticket, actor: User) -> None:
    """The requester hears their ticket was solved (unless they solved it themselves),
    and is asked how it went."""
    if ticket.requester_id == actor.pk:
        return
    queue(
        kind=NotificationKind.TICKET_SOLVED,
        ticket=ticket,
        recipient=ticket.requester,
        context={
            "actor": actor,
            # One click rates it, no sign-in needed (a signed link that expires).
            "rate_good_url": rating_url(ticket, Rating.GOOD),
            "rate_bad_url": rating_url(ticket, Rating.BAD),
        },
    )


def ticket_merged(source: Ticket, target: Ticket, actor: User) -> None:
    """The requester of the merged ticket hears where the conversation goes on. The
    e-mail belongs to the merged ticket's thread; its link leads to the survivor."""
    if source.requester_id == actor.pk:
        return
    queue(
        kind=NotificationKind.TICKET_MERGED,
        ticket=source,
        recipient=source.requester,
        context={
            "target": target,
            "target_url": ticket_url(target, source.requester),
            "actor": actor,
        },
    )


def ticket_assigned(ticket: Ticket, assignee: User, actor: User) -> None:
    """An agent hears a ticket was assigned to them (unless they took it themselves)."""
    if assignee.pk == actor.pk:
        return
    queue(
        kind=NotificationKind.TICKET_ASSIGNED,
        ticket=ticket,
        recipient=assignee,
        context={"actor": actor},
    )


def ticket_received(ticket: Ticket, *, calendar: BusinessCalendar | None = None) -> None:
    """The requester is told their ticket arrived, and when it will be attended (the
    after-hours rule's wording, or when the first answer is due). `calendar`: the
    default calendar, when the caller just read it."""
    requester = ticket.requester
    language = language_for(requester, ticket)
    queue(
        kind=NotificationKind.TICKET_RECEIVED,
        ticket=ticket,
        recipient=requester,
        context={"arrival": arrival_message(ticket, language, calendar=calendar)},
    )


def urgent_after_hours(ticket: Ticket) -> None:
    """The on-call agents hear at once of an incident that stops the telephone service
    while the provider is closed."""
    on_call = User.objects.filter(is_on_call=True, is_staff=True, is_active=True).order_by("pk")
    queue_each(kind=NotificationKind.URGENT_AFTER_HOURS, ticket=ticket, recipients=on_call)


def sla_alert(ticket: Ticket, recipient: User, *, target: str, breached: bool) -> None:
    """A target of the ticket's SLA is about to be missed, or was missed."""
    queue(
        kind=NotificationKind.SLA_BREACHED if breached else NotificationKind.SLA_WARNING,
        ticket=ticket,
        recipient=recipient,
        context={"target": target},
    )
