"""Writing a notification to the outbox: in the recipient's language, rendered from its
templates, threaded after the previous e-mail that recipient got about the ticket, and
queued for sending once the transaction that caused it commits."""

from __future__ import annotations

import contextlib
import contextvars
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from tique.accounts.models import User
from tique.mail.choices import NotificationKind, OutboundState
from tique.mail.models import OutboundEmail
from tique.mail.tasks import send_outbound_email, send_outbound_emails
from tique.tickets.models import Ticket

FALLBACK_LANGUAGE = "es"
SUBJECT_MAX = 255

_suppressed: contextvars.ContextVar[bool] = contextvars.ContextVar("suppressed", default=False)


@contextlib.contextmanager
def suppressed() -> Iterator[None]:
    """Write no notifications inside this block: for loading demo or imported data,
    where nobody is to be told of anything."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def thread_root(ticket: Ticket) -> str:
    """The ticket's stable Message-ID: every e-mail about it refers to it."""
    return f"<ticket-{ticket.number}@{settings.TIQUE_MAIL_DOMAIN}>"


def subject_tag(ticket: Ticket) -> str:
    """What the mail channel reads to find the ticket a reply is about."""
    return f"[#{ticket.number}]"


def new_message_id(ticket: Ticket) -> str:
    return f"<ticket-{ticket.number}.{uuid.uuid4().hex}@{settings.TIQUE_MAIL_DOMAIN}>"


def language_for(user: User, ticket: Ticket) -> str:
    """The user's own language, else the customer account's, else Spanish."""
    supported = {code for code, _name in settings.LANGUAGES}
    for language in (user.language, ticket.account.language):
        if language in supported:
            return language
    return FALLBACK_LANGUAGE


def ticket_url(ticket: Ticket, user: User) -> str:
    """Agents open the ticket in the desk, customers in their panel."""
    path = f"/desk/tickets/{ticket.number}/" if user.is_staff else f"/tickets/{ticket.number}/"
    return f"{settings.TIQUE_SITE_URL}{path}"


def wants(user: User, kind: NotificationKind) -> bool:
    muted = user.muted_notifications if isinstance(user.muted_notifications, list) else []
    return user.is_active and bool(user.email) and kind.value not in muted


def render(kind: NotificationKind, context: dict[str, Any], language: str) -> Rendered:
    with translation.override(language):
        subject = render_to_string(f"mail/{kind.value}.subject.txt", context)
        text = render_to_string(f"mail/{kind.value}.txt", context)
        html = render_to_string(f"mail/{kind.value}.html", context)
    # A header is one line: whatever the ticket's subject holds, never a line break.
    return Rendered(subject=" ".join(subject.split())[:SUBJECT_MAX], text=text, html=html)


def thread_headers_for(ticket: Ticket, addresses: set[str]) -> dict[str, tuple[str, str]]:
    """In-Reply-To and References for the next e-mail to each address about `ticket`,
    in one query: after the last one that address was sent (or is about to be), else
    after the ticket's root."""
    root = thread_root(ticket)
    sent = (
        OutboundEmail.objects.filter(ticket=ticket, to_address__in=addresses)
        .exclude(state=OutboundState.FAILED)
        .order_by("id")
        .values_list("to_address", "message_id")
    )
    previous: dict[str, str] = dict(sent)  # oldest first: each address keeps its newest
    return {
        address: (previous[address], f"{root} {previous[address]}")
        if address in previous
        else (root, root)
        for address in addresses
    }


def queue(
    *,
    kind: NotificationKind,
    ticket: Ticket,
    recipient: User,
    context: dict[str, Any] | None = None,
) -> OutboundEmail | None:
    """Write one notification to the outbox (unless the recipient does not want it) and
    send it after the commit. Call it inside the transaction that made the change."""
    written = queue_each(kind=kind, ticket=ticket, recipients=[recipient], context=context)
    return written[0] if written else None


def queue_each(
    *,
    kind: NotificationKind,
    ticket: Ticket,
    recipients: Iterable[User],
    context: dict[str, Any] | None = None,
) -> list[OutboundEmail]:
    """`queue` for several people at once: the same notification, each in their own
    language and thread, written with one read of the threads and one insert.

    A notification's text depends on its language and on where its link goes (the desk
    or the panel), never on the person: mail templates get no recipient, so a team's
    e-mails are rendered once per language."""
    if _suppressed.get():
        return []
    emails = []
    texts: dict[tuple[str, str], Rendered] = {}
    for recipient in recipients:
        if not wants(recipient, kind):
            continue
        language = language_for(recipient, ticket)
        link = ticket_url(ticket, recipient)
        rendered = texts.get((language, link))
        if rendered is None:
            rendered = texts[language, link] = render(
                kind,
                {
                    "site_name": settings.SITE_NAME,
                    "site_url": settings.TIQUE_SITE_URL,
                    "ticket": ticket,
                    "tag": subject_tag(ticket),
                    "account": ticket.account,
                    "ticket_url": link,
                    **(context or {}),
                },
                language,
            )
        emails.append(
            OutboundEmail(
                ticket=ticket,
                recipient=recipient,
                to_address=recipient.email.lower(),
                kind=kind,
                language=language,
                subject=rendered.subject,
                text_body=rendered.text,
                html_body=rendered.html,
                message_id=new_message_id(ticket),
            )
        )
    if not emails:
        return []
    threads = thread_headers_for(ticket, {email.to_address for email in emails})
    for email in emails:
        email.in_reply_to, email.references = threads[email.to_address]
    OutboundEmail.objects.bulk_create(emails)
    for email in emails:
        _send_after_commit(email.pk)
    return emails


class _Batch:
    """The e-mails written inside one atomic block, handed to a single task once the
    transaction commits: a new ticket tells a whole team, and one task row costs less
    than a dozen."""

    def __init__(self, block: object) -> None:
        self.block = block
        self.email_ids: list[int] = []
        self.handed_over = False

    def hand_over(self) -> None:
        self.handed_over = True
        enqueue(self.email_ids)


def _send_after_commit(email_id: int) -> None:
    connection = transaction.get_connection()
    blocks = connection.atomic_blocks
    # The batch of a block still open; one rolled back with its savepoint is no longer
    # waiting for the commit, and its e-mails are gone with it.
    waiting = (getattr(hook, "__self__", None) for _ids, hook, _robust in connection.run_on_commit)
    batch = next(
        (
            owner
            for owner in waiting
            if isinstance(owner, _Batch)
            and not owner.handed_over
            and any(block is owner.block for block in blocks)
        ),
        None,
    )
    if batch is not None:
        batch.email_ids.append(email_id)
        return
    batch = _Batch(blocks[-1] if blocks else None)
    batch.email_ids.append(email_id)
    # robust: a failed enqueue must not fail the request whose change already committed;
    # the e-mails are in the outbox and the scheduler's sweep sends them. (Outside a
    # transaction this runs at once.)
    # A bound method: Django logs a robust callback's failure by its __qualname__.
    transaction.on_commit(batch.hand_over, robust=True)


def enqueue(email_ids: list[int]) -> None:
    if len(email_ids) == 1:
        send_outbound_email.enqueue(email_ids[0])
    else:
        send_outbound_emails.enqueue(email_ids)


def queue_to_stranger(*, address: str, subject: str, in_reply_to: str) -> OutboundEmail | None:
    """The polite answer to a new e-mail from an address with no account: in Spanish and
    English (we know nothing of their language), threaded after their message."""
    if _suppressed.get():
        return None
    context = {"site_name": settings.SITE_NAME, "site_url": settings.TIQUE_SITE_URL}
    texts = [render(NotificationKind.UNKNOWN_SENDER, context, code) for code in ("es", "en")]
    email = OutboundEmail.objects.create(
        to_address=address.lower(),
        kind=NotificationKind.UNKNOWN_SENDER,
        language="es",
        subject=f"Re: {subject}"[:SUBJECT_MAX] if subject else texts[0].subject,
        text_body="\n\n".join(t.text.strip() for t in texts),
        html_body="<hr>".join(t.html for t in texts),
        message_id=f"<reply.{uuid.uuid4().hex}@{settings.TIQUE_MAIL_DOMAIN}>",
        in_reply_to=in_reply_to,
        references=in_reply_to,
    )
    _send_after_commit(email.pk)
    return email
