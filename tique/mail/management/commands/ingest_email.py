"""`python manage.py ingest_email < message.eml`: the mail server pipes one message in.

Exit status 0 once the message is stored, whatever becomes of it afterwards (it may
well end in quarantine); non-zero only when it could not be stored, so the mail server
keeps it and tries again."""

from __future__ import annotations

import sys
from functools import partial
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction

from tique.mail.choices import InboundSource
from tique.mail.inbound.store import store_raw
from tique.mail.tasks import process_inbound_email

MAX_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = "Store one e-mail read from standard input and queue it for processing."

    def handle(self, *args: Any, **options: Any) -> None:
        raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        if not raw.strip():
            raise CommandError("nothing on standard input")
        if len(raw) > MAX_BYTES:
            raise CommandError(f"message larger than {MAX_BYTES} bytes")
        try:
            email, created = store_raw(raw, source=InboundSource.PIPE)
        except DatabaseError as error:
            raise CommandError(f"could not store the message: {error}") from error
        if created:
            try:
                transaction.on_commit(partial(process_inbound_email.enqueue, email.pk))
            except Exception as error:
                self.stderr.write(f"stored as {email.pk}, processing deferred: {error!r}")
        self.stdout.write(f"stored {email.pk} ({'new' if created else 'already stored'})")
