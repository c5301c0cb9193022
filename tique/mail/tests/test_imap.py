"""IMAP intake against a real Dovecot: every unseen message is stored, then processed,
and only then marked seen or moved, so a crash in between makes no duplicate."""

from __future__ import annotations

import os
import socket
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from tique import settings as tique_settings
from tique.mail.choices import InboundOutcome, InboundSource, InboundState
from tique.mail.inbound import imap as imap_intake
from tique.mail.inbound.imap import Mailbox, poll_mailbox, poll_mailboxes
from tique.mail.management.commands import run_scheduler
from tique.mail.models import InboundEmail
from tique.mail.tests.conftest import ImapServer
from tique.tickets.models import Ticket


def mail(sender="Marta Ortega <admin@acme.example>", subject="No funciona el desvío"):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "ayuda@tique.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    message["Message-ID"] = make_msgid(domain="acme.example")
    message.set_content("Hola, el desvío de llamadas no funciona desde esta mañana.")
    return message.as_bytes()


def deliver(server: ImapServer, *messages: bytes, folder: str = "INBOX") -> None:
    """The mail server delivers into the mailbox (IMAP APPEND, unseen)."""
    connection = server.connect()
    try:
        for raw in messages:
            response = connection.append(folder, "", "", raw)  # no flags: unseen
            assert response[0] == "OK"
    finally:
        connection.logout()


def flags(server: ImapServer, folder: str = "INBOX") -> list[bytes]:
    """Each message's flags in the folder, in order."""
    connection = server.connect()
    try:
        status, count = connection.select(imap_intake.quote(folder), readonly=True)
        assert status == "OK"
        if count[0] == b"0":
            return []
        _status, data = connection.fetch("1:*", "(FLAGS)")
        return [line for line in data if isinstance(line, bytes)]
    finally:
        connection.logout()


def seen(server: ImapServer, folder: str = "INBOX") -> list[bool]:
    return [b"\\Seen" in line for line in flags(server, folder) if line]


@pytest.fixture
def polling(imap, settings, django_capture_on_commit_callbacks):
    """Poll the test mailbox once, running what the commit queues (processing)."""
    settings.TIQUE_IMAP_MAILBOXES = [imap.mailbox()]

    def poll(**extra):
        entries = [imap.mailbox(**extra)] if extra else None
        with django_capture_on_commit_callbacks(execute=True):
            results = poll_mailboxes(entries)
        assert len(results) == 1
        return results[0]

    return poll


def test_a_poll_stores_and_processes_new_mail_then_marks_it_seen(
    acme_admin, imap, polling, mailbox
):
    deliver(imap, mail())

    result = polling()

    assert (result.ok, result.fetched, result.stored, result.left) == (True, 1, 1, 0)
    email = InboundEmail.objects.get()
    assert email.source == InboundSource.IMAP
    assert (email.state, email.outcome) == (InboundState.PROCESSED, InboundOutcome.NEW_TICKET)
    assert email.ticket is not None and email.ticket.requester == acme_admin
    assert mailbox.to("admin@acme.example")  # acknowledged over SMTP
    assert seen(imap) == [True]

    again = polling()

    assert (again.ok, again.fetched, again.stored) == (True, 0, 0)
    assert InboundEmail.objects.count() == 1
    assert Ticket.objects.count() == 1


class Crash(Exception):
    """The poller dies after storing, before marking the message seen."""


@pytest.mark.parametrize("crash", [ConnectionResetError("connection lost"), Crash("killed")])
def test_a_crash_between_storing_and_marking_seen_makes_no_duplicate(
    acme_admin, imap, polling, monkeypatch, crash
):
    deliver(imap, mail())
    mark_done = imap_intake.mark_done
    calls = []

    def crash_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise crash
        return mark_done(*args, **kwargs)

    monkeypatch.setattr(imap_intake, "mark_done", crash_once)

    first = polling()

    assert not first.ok and str(crash) in first.error
    assert (first.stored, InboundEmail.objects.count(), Ticket.objects.count()) == (1, 1, 1)
    assert seen(imap) == [False]  # still there for the next poll

    second = polling()

    assert (second.ok, second.fetched, second.stored, second.already_stored) == (True, 1, 0, 1)
    assert InboundEmail.objects.count() == 1
    assert Ticket.objects.count() == 1
    assert seen(imap) == [True]


@pytest.mark.parametrize("server_moves", [True, False], ids=["move", "copy-delete-expunge"])
def test_a_processed_folder_receives_each_stored_message(
    acme_admin, imap, polling, monkeypatch, server_moves
):
    if not server_moves:
        capabilities = imap_intake._capabilities
        monkeypatch.setattr(
            imap_intake,
            "_capabilities",
            lambda connection: capabilities(connection) - {"MOVE"},
        )
    deliver(imap, mail(), mail(subject="Otra consulta"))

    result = polling(processed_folder="Tique procesado")

    assert (result.ok, result.stored) == (True, 2)
    assert seen(imap) == []
    assert seen(imap, "Tique procesado") == [True, True]
    assert Ticket.objects.count() == 2


def test_a_poll_reads_at_most_a_batch_and_leaves_the_rest_for_the_next(acme_admin, imap, settings):
    deliver(imap, mail(), mail(subject="Dos"), mail(subject="Tres"))

    result = poll_mailbox(Mailbox.from_setting(imap.mailbox()), limit=2)

    assert (result.ok, result.fetched, result.left) == (True, 2, 1)
    assert seen(imap) == [True, True, False]


def test_an_unknown_senders_mail_is_stored_and_marked_seen_too(acme, imap, polling):
    deliver(imap, mail(sender="nadie@desconocido.example"))

    assert polling().ok

    assert InboundEmail.objects.get().state == InboundState.QUARANTINED
    assert seen(imap) == [True]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.mark.parametrize(
    "broken",
    [{"password": "wrong"}, {"port": _closed_port()}, {"folder": "No existe"}],
    ids=["wrong-password", "unreachable", "missing-folder"],
)
def test_a_broken_mailbox_is_reported_and_the_others_still_polled(
    acme_admin, imap, polling, caplog, broken
):
    deliver(imap, mail())
    bad = imap.mailbox(name="broken", **broken)

    results = poll_mailboxes([bad, imap.mailbox()])

    assert [result.mailbox for result in results] == ["broken", "support"]
    assert not results[0].ok and results[0].error
    assert results[1].ok and results[1].stored == 1
    assert "broken" in caplog.text


def test_no_mailbox_configured_means_no_polling(settings, db):
    settings.TIQUE_IMAP_MAILBOXES = []

    assert poll_mailboxes() == []
    call_command("poll_mail", "--once")


def test_the_command_and_the_scheduler_poll(acme_admin, imap, settings, capsys):
    settings.TIQUE_IMAP_MAILBOXES = [imap.mailbox()]
    deliver(imap, mail())

    call_command("poll_mail", "--once")

    assert "support: 1 read, 1 new" in capsys.readouterr().out
    assert "poll_mailboxes" in dict(run_scheduler.JOBS)

    settings.TIQUE_IMAP_MAILBOXES = [imap.mailbox(password="wrong")]
    with pytest.raises(CommandError):
        call_command("poll_mail", "--once")
    assert run_scheduler.run_jobs()  # the job reports the failure, it does not raise


# --- Settings -------------------------------------------------------------------------


@pytest.fixture
def env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("TIQUE_IMAP_"):
            monkeypatch.delenv(name)

    def set_env(**values):
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return set_env


def test_mailboxes_are_read_from_the_environment(env):
    assert tique_settings._imap_mailboxes() == []
    env(
        TIQUE_IMAP_MAILBOXES="support, facturacion",
        TIQUE_IMAP_SUPPORT_HOST="imap.tique.example",
        TIQUE_IMAP_SUPPORT_USER="ayuda@tique.example",
        TIQUE_IMAP_SUPPORT_PASSWORD=" secreto ",
        TIQUE_IMAP_FACTURACION_HOST="mail.tique.example",
        TIQUE_IMAP_FACTURACION_USER="facturas",
        TIQUE_IMAP_FACTURACION_PASSWORD="x",
        TIQUE_IMAP_FACTURACION_SECURITY="STARTTLS",
        TIQUE_IMAP_FACTURACION_FOLDER="Facturas",
        TIQUE_IMAP_FACTURACION_PROCESSED_FOLDER="Facturas/Hecho",
    )

    support, billing = tique_settings._imap_mailboxes()

    assert support == {
        "name": "support",
        "host": "imap.tique.example",
        "port": 993,
        "user": "ayuda@tique.example",
        "password": " secreto ",
        "security": "ssl",
        "folder": "INBOX",
        "processed_folder": "",
        "kind": "query:technical",
    }
    assert (billing["security"], billing["port"], billing["folder"]) == (
        "starttls",
        143,
        "Facturas",
    )
    assert billing["processed_folder"] == "Facturas/Hecho"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"TIQUE_IMAP_MAILBOXES": "support"}, "TIQUE_IMAP_SUPPORT_HOST must be set"),
        ({"TIQUE_IMAP_SUPPORT_SECURITY": "tls"}, "TIQUE_IMAP_SUPPORT_SECURITY must be one of"),
        ({"TIQUE_IMAP_SUPPORT_PORT": "imap"}, "TIQUE_IMAP_SUPPORT_PORT must be an integer"),
        ({"TIQUE_IMAP_SUPPORT_KIND": "ventas"}, "TIQUE_IMAP_SUPPORT_KIND must be like"),
        ({"TIQUE_IMAP_SUPPORT_PASSWORD": ""}, "TIQUE_IMAP_SUPPORT_PASSWORD must be set"),
        ({"TIQUE_IMAP_MAILBOXES": "support,SUPPORT"}, "names 'SUPPORT' twice"),
        ({"TIQUE_IMAP_MAILBOXES": "sop-orte"}, "not a valid name"),
        ({"TIQUE_IMAP_SUPPORT_PROCESSED_FOLDER": "INBOX"}, "must differ"),
        ({"TIQUE_IMAP_SUPPORT_FOLDER": "Buzón"}, "printable ASCII"),
    ],
)
def test_a_bad_mailbox_setting_stops_start_up(env, values, message):
    env(
        TIQUE_IMAP_MAILBOXES="support",
        TIQUE_IMAP_SUPPORT_HOST="imap.tique.example",
        TIQUE_IMAP_SUPPORT_USER="ayuda",
        TIQUE_IMAP_SUPPORT_PASSWORD="secreto",
    )
    env(**values)
    if values.get("TIQUE_IMAP_MAILBOXES") == "support":
        os.environ.pop("TIQUE_IMAP_SUPPORT_HOST")

    with pytest.raises(ImproperlyConfigured, match=message):
        tique_settings._imap_mailboxes()


def test_starttls_is_asked_for_when_configured(imap, settings):
    """Dovecot here offers no TLS: a mailbox configured for STARTTLS refuses to go on
    in plain text (and ssl fails the handshake) rather than send the password."""
    settings.TIQUE_IMAP_TIMEOUT = 5
    for security in ("starttls", "ssl"):
        result = poll_mailbox(Mailbox.from_setting(imap.mailbox(security=security)))
        assert not result.ok
        assert "could not connect" in result.error
