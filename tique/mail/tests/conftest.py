"""A real SMTP server in the test process, and helpers to make tickets and messages
without going through the services (which may queue notifications of their own)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from conftest import PASSWORD, open_ticket
from tique.accounts.models import Team, User
from tique.mail.models import OutboundEmail
from tique.tickets.models import Message, Ticket


@dataclass
class Mailbox:
    """What the server received; `refuse_data` and `refuse_recipients` hold the answers
    it gives instead of accepting, one per try, while any are left."""

    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse_data: list[str] = field(default_factory=list)
    refuse_recipients: list[str] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if self.refuse_recipients:
            return self.refuse_recipients.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refuse_data:
            return self.refuse_data.pop(0)
        assert isinstance(envelope.content, bytes)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.received.append(message)
        self.envelopes.append((envelope.mail_from or "", list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"

    def clear(self) -> None:
        self.received.clear()
        self.envelopes.clear()
        self.refuse_data.clear()
        self.refuse_recipients.clear()

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.received if message["To"] == address]

    @property
    def recipients(self) -> list[str]:
        return sorted(str(message["To"]) for message in self.received)


class EphemeralPortController(Controller):
    """aiosmtpd 1.4.6 binds port 0 to a free port but then checks the server on port 0;
    read the real port first."""

    def _trigger_server(self) -> None:
        assert isinstance(self.server, asyncio.Server)
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[EphemeralPortController, Mailbox]]:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd's session chatter
    mailbox = Mailbox()
    controller = EphemeralPortController(mailbox, hostname="127.0.0.1", port=0)
    controller.start()
    yield controller, mailbox
    controller.stop()


@pytest.fixture(autouse=True)
def mailbox(
    _isolated: None, settings: Any, smtp_server: tuple[EphemeralPortController, Mailbox]
) -> Iterator[Mailbox]:
    """Every test here sends through the real server, with tasks run at enqueue."""
    controller, box = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Tique <ayuda@tique.example>"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.TIQUE_SITE_URL = "https://help.tique.example"
    settings.TIQUE_MAIL_DOMAIN = "tique.example"
    settings.TIQUE_MAIL_MAX_ATTEMPTS = 3
    box.clear()
    yield box
    box.clear()


def make_agent(email_address: str, name: str, team: str = "technical", **extra: Any) -> User:
    user = User.objects.create_user(
        email=email_address, password=PASSWORD, full_name=name, is_staff=True, **extra
    )
    Team.objects.get(slug=team).members.add(user)
    return user


def quiet_ticket(user: User, *args: Any, **kwargs: Any) -> Ticket:
    """A ticket opened through the real form and service, minus whatever notifications
    the service queued itself: each test here says which notification it is about."""
    ticket = open_ticket(user, *args, **kwargs)
    OutboundEmail.objects.filter(ticket=ticket).delete()
    return ticket


def write(ticket: Ticket, author: User | None, body: str, *, internal: bool = False) -> Message:
    return Message.objects.create(ticket=ticket, author=author, body=body, is_internal=internal)


def text_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def html_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def subject(message: EmailMessage) -> str:
    """The decoded subject. Python's legacy header folding can leave a leading space when
    an encoded subject starts on a continuation line; clients unfold it away."""
    return " ".join(str(message["Subject"]).split())
