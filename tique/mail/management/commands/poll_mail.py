"""`python manage.py poll_mail [--once]`: read the support mailboxes over IMAP.

The scheduler polls them on every run (`run_scheduler`); this command is for a cron
job, a first check of the settings, or a dedicated loop. Each message is stored before
it is marked seen or moved, so stopping the command at any moment loses nothing."""

from __future__ import annotations

import logging
import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from tique.mail.inbound.imap import poll_mailboxes

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Poll the IMAP support mailboxes (TIQUE_IMAP_MAILBOXES) in a loop, or once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Poll once and exit.")
        parser.add_argument(
            "--interval", type=_positive_int, default=60, help="Seconds between polls (60)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.TIQUE_IMAP_MAILBOXES:
            self.stdout.write("No IMAP mailbox configured (TIQUE_IMAP_MAILBOXES): nothing to poll.")
            return
        if options["once"]:
            if not self.poll():
                raise CommandError("a mailbox could not be polled; see above")
            return
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        previous = {
            signum: signal.signal(signum, request_stop)
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            while not stop.is_set():
                close_old_connections()
                self.poll()
                close_old_connections()
                stop.wait(options["interval"])
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def poll(self) -> bool:
        results = poll_mailboxes()
        for result in results:
            (self.stdout if result.ok else self.stderr).write(str(result))
        return all(result.ok for result in results)


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError("must be at least 1")
    return value
