"""`python manage.py sweep_pending_uploads`: delete files kept for new-ticket forms that
were never sent again (older than a day). Run it daily (cron or the scheduler)."""

from typing import Any

from django.core.management.base import BaseCommand

from tique.tickets import pending_uploads


class Command(BaseCommand):
    help = "Delete files kept for abandoned new-ticket forms."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = pending_uploads.sweep()
        self.stdout.write(f"Removed {removed} abandoned upload(s).")
