"""Ticket numbers: unique, never reused, and safe under concurrent creation.

Each call inserts a row into `TicketNumber` and deletes it again in the same
transaction. The number is the row's id, drawn from the table's identity sequence on
PostgreSQL (non-transactional: two creators never wait on each other, and a rolled back
number is skipped, not reused) or from SQLite's AUTOINCREMENT counter (writers are
serialised there, and AUTOINCREMENT never hands out an id twice, even after a delete).
"""

from django.db import transaction

from tique.tickets.models import TicketNumber

FIRST_NUMBER = 10001


def next_ticket_number() -> int:
    with transaction.atomic():
        row = TicketNumber.objects.create()
        TicketNumber.objects.filter(pk=row.pk).delete()
    return int(row.pk)
