"""IMAP intake: the scheduler polls each configured support mailbox.

Each unseen message is read without marking it (`BODY.PEEK[]`), stored (`store_raw`
commits it), queued for processing after the commit, and only then marked seen — or
moved to the processed folder when one is configured. A crash between storing and
marking leaves the message unseen, so the next poll reads it again and `store_raw`
finds it already stored: no message is lost and none makes two tickets.

The mailbox must be Tique's own: a message someone else marks seen first is not read.
Failures are logged and reported in the result, never raised, and one mailbox failing
does not keep the others from being polled."""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import ssl
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import transaction

from tique.mail.choices import InboundSource
from tique.mail.inbound.store import store_raw
from tique.mail.tasks import process_inbound_email

logger = logging.getLogger(__name__)

_UID = re.compile(rb"^\d+$")


@dataclass(frozen=True)
class Mailbox:
    """One entry of `settings.TIQUE_IMAP_MAILBOXES`."""

    name: str
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    security: str = "ssl"  # ssl | starttls | none
    processed_folder: str = ""

    @classmethod
    def from_setting(cls, entry: Mapping[str, object]) -> Mailbox:
        return cls(
            name=str(entry["name"]),
            host=str(entry["host"]),
            port=int(str(entry["port"])),
            user=str(entry["user"]),
            password=str(entry["password"]),
            folder=str(entry.get("folder") or "INBOX"),
            security=str(entry.get("security") or "ssl"),
            processed_folder=str(entry.get("processed_folder") or ""),
        )


@dataclass
class PollResult:
    mailbox: str
    fetched: int = 0  # messages read from the server
    stored: int = 0  # of which new
    already_stored: int = 0  # of which stored by an earlier poll (or another source)
    left: int = 0  # unseen messages left for the next poll (over the batch)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error

    def __str__(self) -> str:
        summary = (
            f"{self.mailbox}: {self.fetched} read, {self.stored} new, "
            f"{self.already_stored} already stored, {self.left} left"
        )
        return f"{summary}; failed: {self.error}" if self.error else summary


class PollError(Exception):
    """The server answered a command with NO or BAD."""


def poll_mailboxes(mailboxes: Iterable[Mapping[str, object]] | None = None) -> list[PollResult]:
    """Poll every configured mailbox once. No mailbox configured: nothing to do."""
    entries = settings.TIQUE_IMAP_MAILBOXES if mailboxes is None else mailboxes
    return [poll_mailbox(Mailbox.from_setting(entry)) for entry in entries]


def poll_mailbox(mailbox: Mailbox, *, limit: int | None = None) -> PollResult:
    """Store up to `limit` unseen messages of one mailbox; never raises."""
    result = PollResult(mailbox=mailbox.name)
    batch = limit if limit is not None else settings.TIQUE_IMAP_BATCH
    try:
        connection = _connect(mailbox)
    except (OSError, imaplib.IMAP4.error) as error:
        return _failed(result, mailbox, f"could not connect: {error!r}")
    try:
        _poll(connection, mailbox, batch, result)
    except (OSError, imaplib.IMAP4.error, PollError) as error:
        _failed(result, mailbox, repr(error))
    except Exception as error:
        # Anything else (the database down, a bug): reported like the rest, with the
        # traceback, so the scheduler goes on with the next mailbox and job.
        logger.exception("IMAP mailbox %s: poll failed", mailbox.name)
        result.error = repr(error)
    finally:
        _logout(connection)
    if result.ok:
        logger.info("IMAP %s", result)
    return result


def _failed(result: PollResult, mailbox: Mailbox, error: str) -> PollResult:
    logger.warning("IMAP mailbox %s (%s:%s): %s", mailbox.name, mailbox.host, mailbox.port, error)
    result.error = error
    return result


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    timeout = settings.TIQUE_IMAP_TIMEOUT
    if mailbox.security == "ssl":
        return imaplib.IMAP4_SSL(
            mailbox.host, mailbox.port, ssl_context=ssl.create_default_context(), timeout=timeout
        )
    connection = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
    if mailbox.security == "starttls":
        try:
            connection.starttls(ssl_context=ssl.create_default_context())
        except BaseException:
            _logout(connection)
            raise
    return connection


def _logout(connection: imaplib.IMAP4) -> None:
    with contextlib.suppress(OSError, imaplib.IMAP4.error):
        connection.logout()


def _poll(connection: imaplib.IMAP4, mailbox: Mailbox, batch: int, result: PollResult) -> None:
    _check(connection.login(mailbox.user, mailbox.password), "LOGIN")
    capabilities = _capabilities(connection)
    if mailbox.processed_folder:
        # Created on first use; NO when it exists already, which is what is wanted.
        connection.create(quote(mailbox.processed_folder))
    _check(connection.select(quote(mailbox.folder)), f"SELECT {mailbox.folder}")
    data = _check(connection.uid("SEARCH", "UNSEEN"), "UID SEARCH UNSEEN")
    uids = sorted(
        (uid for line in data if isinstance(line, bytes) for uid in line.split()),
        key=int,
    )
    result.left = max(0, len(uids) - batch)
    for uid in uids[:batch]:
        if not _UID.match(uid):
            raise PollError(f"unexpected UID {uid!r}")
        raw = _fetch(connection, uid.decode())
        if raw is None:  # expunged meanwhile by another client
            continue
        result.fetched += 1
        email, created = store_raw(raw, source=InboundSource.IMAP, mailbox=mailbox.name)
        if created:
            result.stored += 1
            transaction.on_commit(partial(_enqueue, email.pk))
        else:
            result.already_stored += 1
        # Stored and committed (store_raw's own transaction): only now is it marked.
        mark_done(connection, uid.decode(), mailbox, capabilities)


def _enqueue(email_id: int) -> None:
    try:
        process_inbound_email.enqueue(email_id)
    except Exception:
        # The message is stored; it stays "received" until processed from the admin.
        logger.exception("inbound e-mail %s stored, processing not queued", email_id)


def _fetch(connection: imaplib.IMAP4, uid: str) -> bytes | None:
    data = _check(connection.uid("FETCH", uid, "(BODY.PEEK[])"), f"UID FETCH {uid}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2 and b"BODY[]" in item[0].upper():
            return bytes(item[1])
    return None


def mark_done(
    connection: imaplib.IMAP4, uid: str, mailbox: Mailbox, capabilities: set[str]
) -> None:
    """Mark a stored message seen, then move it to the processed folder if there is one
    (seen there too, so it reads as handled in a mail client)."""
    _check(connection.uid("STORE", uid, "+FLAGS.SILENT", r"(\Seen)"), f"UID STORE {uid}")
    if not mailbox.processed_folder:
        return
    target = quote(mailbox.processed_folder)
    if "MOVE" in capabilities:
        _check(connection.uid("MOVE", uid, target), f"UID MOVE {uid}")
        return
    # No MOVE: a copy, then the original deleted. A crash in between leaves it seen
    # in the folder, where no poll reads it again.
    _check(connection.uid("COPY", uid, target), f"UID COPY {uid}")
    _check(connection.uid("STORE", uid, "+FLAGS.SILENT", r"(\Deleted)"), f"UID STORE {uid}")
    if "UIDPLUS" in capabilities:
        _check(connection.uid("EXPUNGE", uid), f"UID EXPUNGE {uid}")
    else:
        _check(connection.expunge(), "EXPUNGE")


def _capabilities(connection: imaplib.IMAP4) -> set[str]:
    """What the server offers once signed in (often more than before)."""
    data = _check(connection.capability(), "CAPABILITY")
    words = b" ".join(item for item in data if isinstance(item, bytes)).upper().split()
    return {word.decode("ascii", "replace") for word in words}


def quote(name: str) -> str:
    """A folder name as an IMAP quoted string (names are ASCII: settings check it)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _check(response: tuple[str, Sequence[object]], command: str) -> list[object]:
    status, data = response
    if status != "OK":
        detail = b" ".join(item for item in data if isinstance(item, bytes))
        raise PollError(f"{command}: {status} {detail.decode('utf-8', 'replace')}")
    return list(data)
