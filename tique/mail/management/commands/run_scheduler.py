"""The one scheduler loop: runs the periodic jobs and sweeps up whatever a lost or failed
task left behind. Run exactly one beside the workers (`--once` from cron also works)."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import close_old_connections

from tique.mail.delivery import retry_due_emails
from tique.mail.inbound import process as inbound_process
from tique.mail.inbound.imap import poll_mailboxes
from tique.sla import breaches as sla_breaches
from tique.tickets import pending_uploads
from tique.tickets import services as ticket_services
from tique.webhooks.delivery import retry_due_webhooks

logger = logging.getLogger(__name__)


def _retry_due_emails() -> object:
    return retry_due_emails()


def _poll_mailboxes() -> object:
    # Never raises: a mailbox that cannot be read is logged and reported in its result.
    return [str(result) for result in poll_mailboxes()]


def _sweep_pending_uploads() -> object:
    return pending_uploads.sweep()


def _sweep_idempotency_keys() -> object:
    return ticket_services.idempotency_keys_sweep()


def _process_stuck_inbound() -> object:
    return inbound_process.process_stuck()


def _sweep_sla_breaches() -> object:
    return sla_breaches.sweep()


def _retry_due_webhooks() -> object:
    return retry_due_webhooks()


# (name, job): each returns something worth logging.
JOBS: tuple[tuple[str, Callable[[], object]], ...] = (
    ("retry_due_emails", _retry_due_emails),
    ("poll_mailboxes", _poll_mailboxes),
    ("process_stuck_inbound", _process_stuck_inbound),
    ("sweep_pending_uploads", _sweep_pending_uploads),
    ("sweep_sla_breaches", _sweep_sla_breaches),
    ("sweep_idempotency_keys", _sweep_idempotency_keys),
    ("retry_due_webhooks", _retry_due_webhooks),
)


def run_jobs() -> bool:
    """Run every job once; a failing job is logged and does not stop the others.
    Returns whether all of them succeeded."""
    ok = True
    for name, job in JOBS:
        try:
            result = job()
        except Exception:
            logger.exception("Scheduled job %s failed", name)
            ok = False
        else:
            logger.info("Scheduled job %s: %s", name, result)
    return ok


class Command(BaseCommand):
    help = (
        "Run the periodic jobs (retry due outbound e-mails, read the IMAP support mailboxes, "
        "sweep abandoned uploads, flag "
        "SLA targets about to be missed or missed) "
        "in a loop, or once with --once."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run the jobs once and exit.")
        parser.add_argument(
            "--interval",
            type=_positive_int,
            default=60,
            help="Seconds between runs (default 60).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["once"]:
            if not run_jobs():
                raise CommandError("a scheduled job failed; see the log")
            return
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            logger.info("Scheduler stopping (signal %s)", signum)
            stop.set()

        previous = {
            signum: signal.signal(signum, request_stop)
            for signum in (signal.SIGTERM, signal.SIGINT)
        }
        interval = options["interval"]
        logger.info("Scheduler running every %s s", interval)
        try:
            while not stop.is_set():
                # A long-lived process: drop connections that broke or grew too old, as
                # Django does around each request.
                close_old_connections()
                run_jobs()
                close_old_connections()
                stop.wait(interval)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError("must be at least 1")
    return value
