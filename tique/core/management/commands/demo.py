"""`python manage.py demo`: demo accounts, staff and a few months of tickets.

Idempotent: users, accounts and canned replies are created or brought back to the
documented state; tickets are made only when the demo accounts have none, and the known
outage only when it is not there yet. Every ticket goes through the same forms and
services as the panel and the desk, so the demo data is valid data.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from tique.accounts.choices import Role
from tique.accounts.groups import SUPERVISORS, ensure_supervisors_group
from tique.accounts.models import Account, Membership, Team, User
from tique.accounts.services import membership_add
from tique.kb import demo as kb_demo
from tique.mail import notifications
from tique.tickets import permissions, selectors, services
from tique.tickets.catalogue import build_form_class
from tique.tickets.choices import Priority, Status
from tique.tickets.models import (
    CannedReply,
    CatalogueEntry,
    IncidentKind,
    Message,
    QueryKind,
    RequestType,
    Ticket,
    TicketEvent,
)

PASSWORD = "tique-demo"
# The two tickets received on a Saturday night, one of each kind the after-hours rule
# tells apart.
AFTER_HOURS_SUBJECTS = (
    "No entran llamadas en la centralita desde el sábado por la noche",
    "Cambio de cuenta bancaria para las próximas facturas",
)
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
# (e-mail, name, teams, supervisor): a supervisor is in the Supervisors group (the
# administration's configuration), never a superuser. The supervisor comes last.
STAFF = [
    ("agent@tique.example", "Pablo Técnico", ["technical"], False),
    ("sales@tique.example", "Sara Comercial", ["commercial"], False),
    ("super@tique.example", "Elena Supervisora", ["technical", "commercial", "billing"], True),
]
# (title, text, team slug or None, owner's e-mail or None): neither is for every agent.
CANNED_REPLIES: list[tuple[str, str, str | None, str | None]] = [
    (
        "Acuse de recibo",
        "Hola {customer_name}:\n\nHemos recibido el ticket {ticket_number} y ya lo estamos "
        "revisando. Te escribiremos aquí en cuanto tengamos novedades.\n\nUn saludo.",
        None,
        None,
    ),
    (
        "Resuelto: avísanos si vuelve a pasar",
        "Hola {customer_name}:\n\nDamos por resuelto el ticket {ticket_number}. Si el "
        "problema vuelve a aparecer, responde a este mensaje y lo reabriremos.\n\n"
        "Gracias por tu paciencia.",
        None,
        None,
    ),
    (
        "Técnico: pedir una traza SIP",
        "Hola {customer_name}, hemos revisado el ticket {ticket_number}. Para seguir "
        "necesitamos una traza SIP (o un pcap) de una llamada fallida, con la hora exacta y "
        "los números implicados. Puedes adjuntarla respondiendo a este mensaje.",
        "technical",
        None,
    ),
    (
        "Comercial: propuesta en dos días",
        "Hola {customer_name}, gracias por tu consulta (ticket {ticket_number}). Preparamos "
        "una propuesta para la cuenta {customer_code} y te la enviamos en un máximo de dos "
        "días laborables.",
        "commercial",
        None,
    ),
    (
        "Pablo: revisar el SIP ALG del router",
        "Hola {customer_name}, soy Pablo, de soporte técnico. Sobre el ticket "
        "{ticket_number}: ¿puedes confirmar el modelo del router y si tiene activado el SIP "
        "ALG? Suele ser la causa del audio en un solo sentido.",
        None,
        "agent@tique.example",
    ),
]


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% demo document\n", "application/pdf")


def _in_days(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def _hours_ago(hours: int) -> str:
    """A datetime field's input, as the browser's datetime-local control sends it."""
    return (timezone.localtime() - dt.timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M")


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
# The agent's last word before solving a ticket.
CLOSING_REPLIES = [
    "Queda resuelto por nuestra parte. Si vuelve a pasar, responde aquí y lo retomamos.",
    "Hecho: el cambio ya está aplicado. Cerramos el ticket; gracias por tu paciencia.",
]
# Internal notes: what agents tell each other and the customer never sees.
INTERNAL_NOTES = [
    "Revisado el registro SIP: el troncal responde 503 desde las 9:10. Si se repite, "
    "escalar a red.",
    "Cliente con contrato de mantenimiento: prioridad en la próxima ventana.",
    "Pendiente de confirmar con facturación antes de contestar.",
    "Llamé al cliente: no contesta. Reintento por la tarde.",
]
OUTAGE_SUBJECT = "Llamadas entrantes fallan en el troncal SIP de Madrid"
OUTAGE_NOTE = (
    "El proveedor de tránsito confirma una avería en el nodo de Madrid-2. Vinculad aquí "
    "cada incidencia de llamadas entrantes de clientes de ese troncal."
)
OUTAGE_UPDATE = (
    "Hemos identificado una avería en el troncal SIP de Madrid que impide recibir "
    "llamadas. El operador de tránsito está trabajando en ella; os avisaremos aquí en "
    "cuanto quede restablecida."
)
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
    help = "Load the demo accounts, users, canned replies and tickets (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        # Demo people are told of nothing: no notification is written for demo data.
        with notifications.suppressed():
            self._load()

    def _load(self) -> None:
        with transaction.atomic():
            accounts = self._accounts()
            customers = self._customers(accounts)
            staff = self._staff()
            self._canned_replies()
        articles = kb_demo.load(author=staff[0])
        if articles:
            self.stdout.write(f"Help centre: {articles} articles written.")
        demo_tickets = Ticket.objects.filter(account__in=accounts.values())
        created = 0
        if not demo_tickets.exists():
            with transaction.atomic():
                created += self._tickets(customers, staff)
        if not demo_tickets.filter(subject=OUTAGE_SUBJECT).exists():
            with transaction.atomic():
                created += self._outage(customers, staff)
        if not demo_tickets.filter(subject__in=AFTER_HOURS_SUBJECTS).exists():
            with transaction.atomic():
                created += self._after_hours(customers)
        if created:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {created} tickets."))
        else:
            self.stdout.write(
                "Demo data is already there; users, accounts and canned replies were refreshed."
            )
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

    def _user(self, email: str, name: str, *, staff: bool = False) -> User:
        user = User.objects.filter(email=email).first() or User(email=email)
        user.full_name = name
        user.is_staff = staff
        user.is_superuser = False
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
        ensure_supervisors_group()  # idempotent; post_migrate has normally made it already
        supervisors = Group.objects.get(name=SUPERVISORS)
        staff = []
        for email, name, team_slugs, supervisor in STAFF:
            user = self._user(email, name, staff=True)
            for team in Team.objects.filter(slug__in=team_slugs):
                team.members.add(user)
            if supervisor:
                user.groups.add(supervisors)
                Team.objects.update(supervisor=user)
            else:
                user.groups.remove(supervisors)
            staff.append(user)
        # The technical agent is on call: told at once of a service-affecting incident
        # outside business hours.
        User.objects.filter(email="agent@tique.example").update(is_on_call=True)
        return staff

    def _canned_replies(self) -> None:
        """Keyed by title and scope: a second run updates the text, adds nothing."""
        for title, body, team_slug, owner_email in CANNED_REPLIES:
            CannedReply.objects.update_or_create(
                title=title,
                team=Team.objects.get(slug=team_slug) if team_slug else None,
                owner=User.objects.get(email=owner_email) if owner_email else None,
                defaults={"body": body, "is_active": True},
            )

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
            days = rng.randint(0, 170)
            if index >= len(kinds) and STORIES[index % len(STORIES)][0] == Status.SOLVED:
                days = days % 5 + 1  # for the "recently solved" queue
            # Received when its story begins, at an hour of the day the demo chooses (most
            # inside business hours, some outside): the after-hours rule and the SLA clock
            # count from then, whatever hour `make run` happens to be run at.
            born = self._moment(now, days, rng.randint(9, 17), rng.randint(0, 59))
            ticket = self._ticket(
                membership, kind, samples[(kind.category, kind.slug)], received_at=born
            )
            agent = self._agent_for(ticket, staff, index)
            self._live(ticket, membership, agent, index, born)
            created += 1
        return created

    @staticmethod
    def _moment(now: dt.datetime, days_ago: int, hour: int, minute: int) -> dt.datetime:
        """That hour in Madrid `days_ago` days before now, and never in the future."""
        zone = ZoneInfo("Europe/Madrid")
        day = timezone.localdate(now, timezone=zone) - dt.timedelta(days=days_ago)
        moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zone)
        return moment if moment < now else moment - dt.timedelta(days=1)

    def _agent_for(self, ticket: Ticket, staff: list[User], index: int) -> User:
        """The team's own agents take turns on its tickets; the supervisor works the
        tickets of a team that has none."""
        supervisor = staff[-1]
        members = set(ticket.team.members.values_list("pk", flat=True)) if ticket.team else set()
        agents = [user for user in staff[:-1] if user.pk in members]
        return agents[index % len(agents)] if agents else supervisor

    def _outage(self, customers: list[Membership], staff: list[User]) -> int:
        """A known outage opened by a customer, declared by the technical agent, with
        incidents of both demo accounts linked to it and one update posted to them all."""
        acme_admin, ana, luis, beta_admin = customers
        agent = staff[0]
        cannot_receive = IncidentKind.objects.get(slug="cannot-receive-calls")
        pbx = IncidentKind.objects.get(slug="pbx")
        samples = _samples()

        def incident(numbers: str, description: str) -> dict[str, Any]:
            return {
                **samples[("incident", "cannot-receive-calls")],
                "description": description,
                "tests_done": "Reiniciamos la centralita; las llamadas salientes funcionan.",
                "started_at": _hours_ago(3),
                "affected": numbers,
                "called_number": numbers.split(",")[0],
                "failed_at": _hours_ago(2),
            }

        outage = self._ticket(
            ana,
            cannot_receive,
            incident(
                "912345678, 912345679",
                "Desde hace unas tres horas no entra ninguna llamada: quien llama oye ocupado.",
            ),
            subject=OUTAGE_SUBJECT,
        )
        services.ticket_assign(ticket=outage, actor=agent, assignee=agent)
        services.ticket_set_priority(ticket=outage, actor=agent, priority=Priority.URGENT)
        services.ticket_set_outage(ticket=outage, actor=agent, is_outage=True)
        services.message_add(
            ticket=outage, author=agent, membership=None, body=OUTAGE_NOTE, internal=True
        )
        linked = [
            self._ticket(
                luis,
                cannot_receive,
                incident("912345601", "Las llamadas a la línea de ventas no entran."),
            ),
            self._ticket(
                acme_admin,
                pbx,
                {
                    **samples[("incident", "pbx")],
                    "description": "La centralita de la clínica no recibe llamadas externas.",
                    "started_at": _hours_ago(2),
                },
            ),
            self._ticket(
                beta_admin,
                cannot_receive,
                incident("934567890", "No recibimos llamadas en la oficina desde esta mañana."),
            ),
            self._ticket(
                beta_admin,
                cannot_receive,
                incident("934567891, 934567892", "El número de atención al cliente no suena."),
            ),
        ]
        for ticket in linked:
            services.ticket_attach_to_outage(ticket=ticket, actor=agent, outage=outage)
        services.outage_broadcast(outage=outage, actor=agent, body=OUTAGE_UPDATE)
        return 1 + len(linked)

    def _ticket(
        self,
        membership: Membership,
        kind: CatalogueEntry,
        raw: dict[str, Any],
        *,
        subject: str = "",
        received_at: dt.datetime | None = None,
    ) -> Ticket:
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
                subject=subject or form.role_value("subject"),
                body=form.role_value("body"),
                uploads=form.uploads(),
                received_at=received_at,
            )
        )

    def _live(
        self, ticket: Ticket, membership: Membership, agent: User, index: int, born: dt.datetime
    ) -> None:
        """Play the ticket's story through the services, then date it back to `born`: the
        agent takes the ticket, replies (with the customer answering in between), leaves
        an internal note on some, and has the last word before solving."""
        status, exchanges = STORIES[index % len(STORIES)]
        if status != Status.NEW:
            services.ticket_assign(ticket=ticket, actor=agent, assignee=agent)
        for turn in range(exchanges):
            services.message_add(
                ticket=ticket,
                author=agent,
                membership=None,
                body=STAFF_REPLIES[(index + turn) % len(STAFF_REPLIES)],
            )
            if turn == 0 and index % 3 == 1:
                services.message_add(
                    ticket=ticket,
                    author=agent,
                    membership=None,
                    body=INTERNAL_NOTES[index % len(INTERNAL_NOTES)],
                    internal=True,
                )
            if turn < exchanges - 1:
                services.message_add(
                    ticket=ticket,
                    author=membership.user,
                    membership=membership,
                    body=CUSTOMER_REPLIES[(index + turn) % len(CUSTOMER_REPLIES)],
                )
        if status in {Status.SOLVED, Status.CLOSED}:
            services.message_add(
                ticket=ticket,
                author=agent,
                membership=None,
                body=CLOSING_REPLIES[index % len(CLOSING_REPLIES)],
            )
        if status == Status.CLOSED:
            services.ticket_set_status(
                ticket=ticket, actor=agent, membership=None, status=Status.SOLVED
            )
        if status != Status.NEW and ticket.status != status:
            services.ticket_set_status(ticket=ticket, actor=agent, membership=None, status=status)
        self._backdate(ticket, born)

    def _backdate(self, ticket: Ticket, born: dt.datetime) -> None:
        """Spread the story over the hours after `born`, in the order it happened: each
        event gets its own step, a message the step of the event recorded with it (demo
        data only: real timestamps are never rewritten)."""
        events = list(TicketEvent.objects.filter(ticket=ticket).order_by("created_at", "id"))
        step = min(dt.timedelta(hours=5), (timezone.now() - born) / (len(events) + 1))
        slots = [
            (event.created_at, born + step * position) for position, event in enumerate(events)
        ]

        def moved(when: dt.datetime) -> dt.datetime:
            return next((new for old, new in slots if old >= when), slots[-1][1])

        for event, (_old, new) in zip(events, slots, strict=True):
            TicketEvent.objects.filter(pk=event.pk).update(created_at=new)
        for message in Message.objects.filter(ticket=ticket):
            Message.objects.filter(pk=message.pk).update(created_at=moved(message.created_at))
        shift = born - ticket.created_at

        def shifted(when: dt.datetime | None) -> dt.datetime | None:
            return when + shift if when else None

        Ticket.objects.filter(pk=ticket.pk).update(
            created_at=born,
            last_activity_at=moved(ticket.last_activity_at),
            solved_at=moved(ticket.solved_at) if ticket.solved_at else None,
            closed_at=moved(ticket.closed_at) if ticket.closed_at else None,
            # The SLA clock ran with the story: its times move with it.
            attend_from=shifted(ticket.attend_from),
            first_response_due_at=shifted(ticket.first_response_due_at),
            next_response_due_at=shifted(ticket.next_response_due_at),
            resolution_due_at=shifted(ticket.resolution_due_at),
            first_responded_at=moved(ticket.first_responded_at)
            if ticket.first_responded_at
            else None,
            sla_paused_at=moved(ticket.sla_paused_at) if ticket.sla_paused_at else None,
        )

    def _after_hours(self, customers: list[Membership]) -> int:
        """Two tickets received last Saturday at 23:00, one of each kind the after-hours
        rule tells apart: calls cannot be received (attended at once, urgent, 24×7) and a
        bank account change (attended at the next opening)."""
        zone = ZoneInfo("Europe/Madrid")
        today = timezone.localdate(timezone=zone)
        saturday = today - dt.timedelta(days=(today.weekday() - 5) % 7 or 7)
        night = dt.datetime.combine(saturday, dt.time(23, 0), tzinfo=zone)
        samples = _samples()
        beta = next(m for m in customers if m.account.customer_code == "C-10002")
        acme = next(m for m in customers if m.account.customer_code == "C-10001" and m.is_admin)
        for (membership, category, slug), subject in zip(
            (
                (beta, "incident", "cannot-receive-calls"),
                (acme, "request", "change-bank-account"),
            ),
            AFTER_HOURS_SUBJECTS,
            strict=True,
        ):
            kind = selectors.catalogue_entry(category, slug)
            if kind is None:
                raise RuntimeError(f"the catalogue has no {category} {slug}")
            self._ticket(
                membership, kind, samples[(category, slug)], subject=subject, received_at=night
            )
        return 2
