"""`python manage.py import_email_dir DIR`: bulk import of `.eml` files (a mailbox
export, a drop directory a mail server writes to).

Each file is stored, then moved into `DIR/stored/` so a second run does not read it
again; a file that cannot be stored stays where it is and is reported. Storing is
idempotent, so a file copied twice still makes one message."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, transaction

from tique.mail.choices import InboundSource
from tique.mail.inbound.store import store_raw
from tique.mail.tasks import process_inbound_email

MAX_BYTES = 50 * 1024 * 1024


class Command(BaseCommand):
    help = "Store every .eml file of a directory and queue each for processing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        done = directory / "stored"
        done.mkdir(exist_ok=True)
        stored = skipped = failed = 0
        for path in sorted(directory.glob("*.eml")):
            if path.stat().st_size > MAX_BYTES:
                self.stderr.write(f"{path.name}: larger than {MAX_BYTES} bytes, left in place")
                failed += 1
                continue
            try:
                email, created = store_raw(path.read_bytes(), source=InboundSource.DIRECTORY)
            except (OSError, DatabaseError) as error:
                self.stderr.write(f"{path.name}: not stored ({error}), left in place")
                failed += 1
                continue
            path.replace(done / path.name)
            if created:
                stored += 1
                transaction.on_commit(partial(process_inbound_email.enqueue, email.pk))
            else:
                skipped += 1
        self.stdout.write(f"{stored} stored, {skipped} already stored, {failed} not stored")
        if failed:
            raise CommandError(f"{failed} file(s) could not be stored")
