"""`python manage.py demo`: demo accounts, staff and a few months of tickets.

Idempotent: users and accounts are created or brought back to the documented state;
tickets are made only when the demo accounts have none. Every ticket goes through the
same forms and services as the panel, so the demo data is valid data.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from tique.accounts.choices import Role
from tique.accounts.models import Account, Membership, Team, User
from tique.accounts.services import membership_add
from tique.tickets import permissions, services
from tique.tickets.catalogue import build_form_class
from tique.tickets.choices import Status
from tique.tickets.models import (
    CatalogueEntry,
    IncidentKind,
    Message,
    QueryKind,
    RequestType,
    Ticket,
    TicketEvent,
)

PASSWORD = "tique-demo"
ACCOUNTS = [
    {
        "customer_code": "C-10001",
        "name": "Acme Telefonía S.L.",
        "tax_id": "B12345674",
        "contact_email": "admin@acme.example",
        "contact_phone": "+34912345678",
        "members_can_open_tickets": True,
    },
    {
        "customer_code": "C-10002",
        "name": "Beta Logística S.A.",
        "tax_id": "A58818501",
        "contact_email": "admin@beta.example",
        "contact_phone": "+34934567890",
        "members_can_open_tickets": False,
    },
]
CUSTOMERS = [
    ("admin@acme.example", "Marta Ortega", "C-10001", Role.ADMIN),
    ("ana@acme.example", "Ana Ruiz", "C-10001", Role.MEMBER),
    ("luis@acme.example", "Luis Gómez", "C-10001", Role.MEMBER),
    ("admin@beta.example", "Jorge Beltrán", "C-10002", Role.ADMIN),
]
STAFF = [
    ("agent@tique.example", "Pablo Técnico", ["technical"], False),
    ("sales@tique.example", "Sara Comercial", ["commercial"], False),
    ("super@tique.example", "Elena Supervisora", ["technical", "commercial", "billing"], True),
]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% demo document\n", "application/pdf")


def _in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _samples() -> dict[tuple[str, str], dict[str, Any]]:
    """Raw form input, as a customer would type it, for every catalogue entry."""
    incident = {
        "description": "Desde esta mañana las llamadas fallan de forma intermitente.",
        "tests_done": "Reiniciamos el router y la centralita; probamos desde otro teléfono.",
        "started_at": "2026-11-20T09:15",
        "affected": "912345678, 101",
    }
    return {
        ("query", "technical"): {
            "subject": "Configurar el desvío de llamadas fuera de horario",
            "question": "¿Cómo programo el desvío a un móvil a partir de las 18:00?",
        },
        ("query", "commercial"): {
            "subject": "Tarifa para llamadas a móviles de Portugal",
            "question": "Queremos saber el precio por minuto y si hay bonos.",
            "service": "Trunk SIP",
        },
        ("request", "recover-number"): {
            "number": "912 345 679",
            "lost_on": "2026-06-10",
            "reason": "Se dio de baja por error al cambiar de tarifa.",
        },
        ("request", "raise-deposit"): {"amount": "250,00", "payment_method": "transfer"},
        ("request", "more-channels"): {
            "service_id": "TRUNK-ACME-01",
            "current_channels": "10",
            "channels_wanted": "20",
            "needed_by": _in_days(30),
        },
        ("request", "remove-vat"): {
            "reason": "canary_islands",
            "_files": {"supporting_document": "certificado-residencia.pdf"},
        },
        ("request", "update-paypal"): {"paypal_email": "pagos@acme.example"},
        ("request", "change-bank-account"): {
            "iban": "ES91 2100 0418 4502 0005 1332",
            "holder_name": "Acme Telefonía S.L.",
            "holder_tax_id": "B12345674",
            "_files": {"sepa_mandate": "mandato-sepa.pdf"},
        },
        ("request", "change-holder"): {
            "new_holder_name": "Acme Comunicaciones S.L.",
            "new_holder_tax_id": "A58818501",
            "postal_address": "Calle Mayor 1, 28013 Madrid",
            "contact_email": "legal@acme.example",
            "contact_phone": "600 123 456",
            "_files": {"change_form": "cambio-titular.pdf"},
        },
        ("request", "cancel-direct-debit"): {
            "effective_date": _in_days(15),
            "payment_method": "card",
        },
        ("request", "port-numbers"): {
            "numbers": "912345600-912345609\n934567891",
            "current_operator": "Operador Anterior S.A.",
            "holder_name": "Acme Telefonía S.L.",
            "holder_tax_id": "B12345674",
            "preferred_date": _in_days(20),
            "_files": {"portability_form": "portabilidad.pdf"},
        },
        ("request", "refund"): {
            "invoice_number": "F-2026-00412",
            "amount": "49,90",
            "reason": "Cobro duplicado en la factura de octubre.",
        },
        ("request", "rma"): {
            "device_model": "Yealink T54W",
            "mac_address": "80-5e-c0-12-34-56",
            "serial_number": "YL54W2209001234",
            "fault": "No enciende la pantalla; probado con otro alimentador.",
            "purchase_reference": "F-2025-01877",
            "return_address": "Calle Mayor 1, 28013 Madrid",
        },
        ("request", "other"): {
            "subject": "Cambiar el nombre que aparece en las facturas",
            "description": "Queremos que figure el nombre comercial.",
        },
        ("incident", "pbx"): {
            **incident,
            "end_client": "Clínica Dental Sonrisas",
            "pbx_identifier": "sonrisas.pbx.example",
            "calls_failing_now": "on",
        },
        ("incident", "cannot-place-calls"): {
            **incident,
            "dialled_number": "915550123",
            "failed_at": "2026-11-20T09:20",
            "what_heard": "tone",
            "calls_failing_now": "on",
        },
        ("incident", "cannot-receive-calls"): {
            **incident,
            "called_number": "912345678",
            "caller_number": "600111222",
            "failed_at": "2026-11-20T09:30",
        },
        ("incident", "phones-not-registered"): {
            **incident,
            "devices": "Extensiones 101 a 105",
            "device_model": "Yealink T46U",
        },
        ("incident", "one-way-audio-outbound"): {
            **incident,
            "call_time": "2026-11-20T10:05",
            "from_number": "101",
            "to_number": "915550123",
            "router_model": "MikroTik hEX",
        },
        ("incident", "one-way-audio-inbound"): {
            **incident,
            "call_time": "2026-11-20T11:05",
            "from_number": "102",
            "to_number": "600111222",
            "router_model": "MikroTik hEX",
        },
        ("incident", "outbound-rings-extension"): {
            **incident,
            "dialled_number": "915550123",
            "extension_rang": "104",
        },
        ("incident", "other"): {**incident},
    }


STAFF_REPLIES = [
    "Gracias por avisarnos. Lo estamos revisando y te decimos algo en breve.",
    "Hemos aplicado el cambio. ¿Puedes comprobar que todo funciona?",
    "Necesitamos una captura de la configuración del router para seguir.",
]
CUSTOMER_REPLIES = [
    "Gracias, quedo a la espera.",
    "Adjunto lo que nos pedís. Avisad si necesitáis algo más.",
]
# The life each demo ticket has lived, cycled through: its final status and who spoke.
STORIES: list[tuple[Status, int]] = [
    (Status.NEW, 0),
    (Status.OPEN, 1),
    (Status.PENDING, 1),
    (Status.SOLVED, 2),
    (Status.CLOSED, 3),
    (Status.ON_HOLD, 1),
    (Status.OPEN, 2),
    (Status.SOLVED, 1),
]


class Command(BaseCommand):
    help = "Load the demo accounts, users and tickets (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            accounts = self._accounts()
            customers = self._customers(accounts)
            staff = self._staff()
        if Ticket.objects.filter(account__in=accounts.values()).exists():
            self.stdout.write("Demo data is already there; users and accounts were refreshed.")
            return
        created = self._tickets(customers, staff)
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {created} tickets."))
        self.stdout.write(f"Sign in with any demo user and the password {PASSWORD!r}.")

    def _accounts(self) -> dict[str, Account]:
        accounts = {}
        for data in ACCOUNTS:
            defaults = {k: v for k, v in data.items() if k != "customer_code"}
            account, _created = Account.objects.update_or_create(
                customer_code=data["customer_code"], defaults=defaults
            )
            accounts[account.customer_code] = account
        return accounts

    def _user(self, email: str, name: str, *, staff: bool = False, superuser: bool = False) -> User:
        user = User.objects.filter(email=email).first() or User(email=email)
        user.full_name = name
        user.is_staff = staff
        user.is_superuser = superuser
        user.is_active = True
        user.set_password(PASSWORD)
        user.save()
        return user

    def _customers(self, accounts: dict[str, Account]) -> list[Membership]:
        memberships = []
        for email, name, code, role in CUSTOMERS:
            user = self._user(email, name)
            memberships.append(membership_add(account=accounts[code], user=user, role=role))
        return memberships

    def _staff(self) -> list[User]:
        staff = []
        for email, name, team_slugs, superuser in STAFF:
            user = self._user(email, name, staff=True, superuser=superuser)
            for team in Team.objects.filter(slug__in=team_slugs):
                team.members.add(user)
            staff.append(user)
        return staff

    def _tickets(self, customers: list[Membership], staff: list[User]) -> int:
        rng = random.Random(20261125)
        samples = _samples()
        kinds: list[CatalogueEntry] = [
            *QueryKind.objects.all(),
            *RequestType.objects.all(),
            *IncidentKind.objects.all(),
        ]
        now = timezone.now()
        created = 0
        for index, kind in enumerate(kinds * 2):
            eligible = [m for m in customers if permissions.can_use_kind(m, kind)]
            membership = eligible[index % len(eligible)]
            ticket = self._ticket(membership, kind, samples[(kind.category, kind.slug)])
            age = dt.timedelta(days=rng.randint(0, 170), hours=rng.randint(0, 10))
            self._live(ticket, membership, staff[index % len(staff)], index, now - age)
            created += 1
        return created

    def _ticket(self, membership: Membership, kind: CatalogueEntry, raw: dict[str, Any]) -> Ticket:
        data = {k: v for k, v in raw.items() if k != "_files"}
        files = MultiValueDict(
            {name: [_pdf(filename)] for name, filename in raw.get("_files", {}).items()}
        )
        form = build_form_class(kind.field_specs())(data, files)
        if not form.is_valid():
            raise RuntimeError(f"demo data for {kind.slug} is invalid: {form.errors.as_json()}")
        return services.ticket_create(
            draft=services.TicketDraft(
                membership=membership,
                created_by=membership.user,
                kind=kind,
                values=form.typed_values(),
                subject=form.role_value("subject"),
                body=form.role_value("body"),
                uploads=form.uploads(),
            )
        )

    def _live(
        self, ticket: Ticket, membership: Membership, agent: User, index: int, born: dt.datetime
    ) -> None:
        """Play the ticket's story through the services, then date it back to `born`."""
        status, exchanges = STORIES[index % len(STORIES)]
        for turn in range(exchanges):
            services.message_add(
                ticket=ticket,
                author=agent,
                membership=None,
                body=STAFF_REPLIES[(index + turn) % len(STAFF_REPLIES)],
            )
            if turn < exchanges - 1:
                services.message_add(
                    ticket=ticket,
                    author=membership.user,
                    membership=membership,
                    body=CUSTOMER_REPLIES[(index + turn) % len(CUSTOMER_REPLIES)],
                )
        if status == Status.CLOSED:
            services.ticket_set_status(
                ticket=ticket, actor=agent, membership=None, status=Status.SOLVED
            )
        if status != Status.NEW and ticket.status != status:
            services.ticket_set_status(ticket=ticket, actor=agent, membership=None, status=status)
        self._backdate(ticket, born)

    def _backdate(self, ticket: Ticket, born: dt.datetime) -> None:
        """Spread the story over the days after `born` (demo data only: real timestamps are
        never rewritten)."""
        shift = timezone.now() - born
        step = dt.timedelta(hours=5)
        for position, message in enumerate(Message.objects.filter(ticket=ticket)):
            Message.objects.filter(pk=message.pk).update(created_at=born + step * position)
        for position, event in enumerate(TicketEvent.objects.filter(ticket=ticket)):
            TicketEvent.objects.filter(pk=event.pk).update(created_at=born + step * position)
        last = born + step * max(0, ticket.messages.count() - 1)
        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=born,
            last_activity_at=last,
            solved_at=(ticket.solved_at - shift) if ticket.solved_at else None,
            closed_at=(ticket.closed_at - shift) if ticket.closed_at else None,
        )
