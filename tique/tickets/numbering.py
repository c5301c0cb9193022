"""Ticket numbers: unique, never reused, and safe under concurrent creation.

The number is drawn from `TicketNumber`'s id counter. On PostgreSQL that is the table's
identity sequence, read with `nextval` (non-transactional: two creators never wait on
each other, and a rolled back number is skipped, not reused). On SQLite a row is
inserted and deleted again in the same transaction, taking the next value of the
AUTOINCREMENT counter (writers are serialised there, and AUTOINCREMENT never hands out
an id twice, even after a delete).
"""

from django.db import connection, transaction

from tique.tickets.models import TicketNumber

FIRST_NUMBER = 10001


def next_ticket_number() -> int:
    if connection.vendor == "postgresql":
        # One statement instead of a savepoint, an insert, a delete and a release.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id'))", [TicketNumber._meta.db_table]
            )
            (number,) = cursor.fetchone()
        return int(number)
    with transaction.atomic():
        row = TicketNumber.objects.create()
        TicketNumber.objects.filter(pk=row.pk).delete()
    return int(row.pk)
