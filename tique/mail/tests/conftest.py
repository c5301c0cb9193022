"""A real SMTP server in the test process, a real IMAP server (Dovecot) beside it, and
helpers to make tickets and messages
without going through the services (which may queue notifications of their own)."""

from __future__ import annotations

import asyncio
import email
import email.policy
import grp
import imaplib
import logging
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
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


# --- A private Dovecot ----------------------------------------------------------------
# Its own configuration, sockets, state, log and maildir in a temporary directory, on a
# free port of 127.0.0.1, with plaintext sign-in and no TLS (the `security=none` path;
# production mailboxes use ssl). Run as root (CI), Dovecot needs unprivileged users for
# its login and mail processes: Debian's package creates `dovenull` and `dovecot`.

DOVECOT = shutil.which("dovecot") or next(
    (path for path in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot") if os.path.exists(path)),
    None,
)
IMAP_USER = "ayuda"
IMAP_PASSWORD = "dovecot test password"


@dataclass(frozen=True)
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    log: Path

    def mailbox(self, **extra: object) -> dict[str, object]:
        """A `TIQUE_IMAP_MAILBOXES` entry for this server."""
        return {
            "name": "support",
            "host": self.host,
            "port": self.port,
            "user": self.user,
            "password": self.password,
            "folder": "INBOX",
            "security": "none",
            "processed_folder": "",
            **extra,
        }

    def connect(self) -> imaplib.IMAP4:
        connection = imaplib.IMAP4(self.host, self.port, timeout=5)
        connection.login(self.user, self.password)
        return connection


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _dovecot_config(root: Path, port: int) -> str:
    if os.getuid() == 0:
        login_user, internal_user = "dovenull", "dovecot"
        mail = pwd.getpwnam(internal_user)
        mail_uid, mail_gid = mail.pw_uid, mail.pw_gid
    else:
        me = pwd.getpwuid(os.getuid())
        login_user = internal_user = me.pw_name
        mail_uid, mail_gid = me.pw_uid, me.pw_gid
    internal_group = grp.getgrgid(pwd.getpwnam(internal_user).pw_gid).gr_name
    (root / "mail").mkdir()
    os.chown(root / "mail", mail_uid, mail_gid)
    users = root / "users"
    users.write_text(f"{IMAP_USER}:{{PLAIN}}{IMAP_PASSWORD}::::::\n")
    users.chmod(0o644)
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = tique-test-{port}
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = {mail_uid}
first_valid_gid = {mail_gid}
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {users}
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
  # No auth penalty: a wrong-password test would slow every later sign-in by seconds.
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
"""


def _imap_required() -> bool:
    return os.environ.get("TIQUE_REQUIRE_IMAP") == "1"


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    """A Dovecot for the whole session; skipped without one (apt-get install -y
    dovecot-imapd) unless TIQUE_REQUIRE_IMAP=1 (CI), which makes that an error."""
    if DOVECOT is None:
        reason = "dovecot is missing (apt-get install -y dovecot-imapd)"
        if _imap_required():
            pytest.fail(f"TIQUE_REQUIRE_IMAP=1 but {reason}", pytrace=False)
        pytest.skip(f"{reason}; set TIQUE_REQUIRE_IMAP=1 to make this an error")
    # Not pytest's tmp_path: Dovecot's unprivileged processes must reach these files.
    root = Path(tempfile.mkdtemp(prefix="tique-dovecot-"))
    root.chmod(0o755)
    port = _free_port()
    config = root / "dovecot.conf"
    config.write_text(_dovecot_config(root, port))
    with (root / "stderr.log").open("wb") as stderr:
        process = subprocess.Popen(  # noqa: S603 (our own binary and config)
            [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=stderr
        )
    server = ImapServer("127.0.0.1", port, IMAP_USER, IMAP_PASSWORD, root / "dovecot.log")
    try:
        _wait_until_ready(process, server, root)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(root, ignore_errors=True)


def _wait_until_ready(process: subprocess.Popen[bytes], server: ImapServer, root: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            server.connect().logout()
            return
        except (OSError, imaplib.IMAP4.error):
            time.sleep(0.05)
    logs = "\n".join(
        path.read_text(errors="replace")
        for path in (root / "stderr.log", server.log)
        if path.exists()
    )
    pytest.fail(f"Dovecot did not start (exit {process.poll()}):\n{logs}", pytrace=False)


@pytest.fixture
def imap(imap_server: ImapServer) -> Iterator[ImapServer]:
    """The server with an empty mailbox before and after each test."""
    _empty(imap_server)
    yield imap_server
    _empty(imap_server)


def _empty(server: ImapServer) -> None:
    connection = server.connect()
    try:
        _status, folders = connection.list()
        for line in folders:
            assert isinstance(line, bytes)
            # (\HasNoChildren) "." "Tique procesado": the name as written, maybe quoted.
            name = line.split(b") ", 1)[1].split(b" ", 1)[1].decode()
            if name.strip('"') != "INBOX":
                connection.delete(name)
        _status, count = connection.select("INBOX")
        if count[0] != b"0":
            connection.store("1:*", "+FLAGS.SILENT", r"(\Deleted)")
            connection.expunge()
    finally:
        connection.logout()
