from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tique.tickets"
    label = "tickets"
    verbose_name = _("Tickets")

    def ready(self) -> None:
        # SQLite's full-text triggers call Python functions: every connection gets them.
        from tique.tickets.search_sqlite import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="tique_search_sqlite")
