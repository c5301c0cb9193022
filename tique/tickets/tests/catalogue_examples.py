"""One valid submission for every entry of the seeded catalogue, as a customer types it,
and what the ticket must store: shared by the form-level and the portal tests.

The teams come from /work/shared/CATALOGUE.md, not from the seed, so a seed that routes
an entry elsewhere fails. Incidents name no team there: they go to Technical support.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

from tique.tickets.catalogue import TypedFieldsForm, build_form_class
from tique.tickets.models import CatalogueEntry
from tique.tickets.selectors import catalogue_entry

IBAN_TYPED = "ES91 2100 0418 4502 0005 1332"
IBAN_COMPACT = "ES9121000418450200051332"
IBAN_MASKED = "ES·· ···· 1332"

ADMIN_ONLY = (
    "raise-deposit",
    "remove-vat",
    "update-paypal",
    "change-bank-account",
    "change-holder",
    "cancel-direct-debit",
    "refund",
)
ALWAYS_SERVICE_AFFECTING = (
    "cannot-place-calls",
    "cannot-receive-calls",
    "phones-not-registered",
    "one-way-audio-outbound",
    "one-way-audio-inbound",
    "outbound-rings-extension",
)
WHEN_FAILING = ("pbx", "other")


def in_days(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def pdf(name: str = "document.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", "application/pdf")


def pcap(name: str = "trace.pcap") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00", "application/octet-stream")


@dataclass(frozen=True)
class Example:
    """A valid submission of one catalogue entry and what it must become."""

    category: str
    slug: str
    team: str
    data: Callable[[], dict[str, str]]
    stored: Callable[[], dict[str, Any]]
    files: dict[str, tuple[str, ...]] = field(default_factory=dict)
    subject: str = ""
    body: str = ""

    @property
    def id(self) -> str:
        return f"{self.category}-{self.slug}"

    def uploads(self) -> dict[str, list[UploadedFile]]:
        """Fresh uploaded files (a file can be read only once)."""
        return {
            name: [pcap(f) if f.endswith(".pcap") else pdf(f) for f in file_names]
            for name, file_names in self.files.items()
        }


INCIDENT_INPUT = {
    "description": "Desde esta mañana falla el servicio",
    "tests_done": "Reinicié el router y probé desde un móvil",
    "started_at": "2026-11-20T09:30",
    "affected": "912 34 56 78, 101",
}
INCIDENT_STORED = {
    "tests_done": "Reinicié el router y probé desde un móvil",
    "started_at": "2026-11-20T08:30:00+00:00",
    "affected": ["+34912345678", "ext:101"],
    "calls_failing_now": False,
}
ONE_WAY_INPUT = {
    "call_time": "2026-11-20T09:40",
    "from_number": "101",
    "to_number": "600 11 12 22",
    "router_model": "Fritz!Box 7590",
}
ONE_WAY_STORED = {
    "call_time": "2026-11-20T08:40:00+00:00",
    "from_number": ["ext:101"],
    "to_number": ["+34600111222"],
    "router_model": "Fritz!Box 7590",
}


def _incident(slug: str, extra_input: dict[str, str], extra_stored: dict[str, Any]) -> Example:
    return Example(
        "incident",
        slug,
        "technical",
        data=lambda: {**INCIDENT_INPUT, **extra_input},
        stored=lambda: {**INCIDENT_STORED, **extra_stored},
        files={"attachments": ("trace.pcap", "captura.pdf")},
        body=INCIDENT_INPUT["description"],
    )


EXAMPLES: list[Example] = [
    Example(
        "query",
        "technical",
        "technical",
        data=lambda: {"subject": "Desvío de llamadas", "question": "¿Cómo activo el desvío?"},
        stored=dict,
        subject="Desvío de llamadas",
        body="¿Cómo activo el desvío?",
    ),
    Example(
        "query",
        "commercial",
        "commercial",
        data=lambda: {
            "subject": "Tarifa plana a móviles",
            "question": "¿Qué precio tiene?",
            "service": "Troncal SIP",
        },
        stored=lambda: {"service": "Troncal SIP"},
        subject="Tarifa plana a móviles",
        body="¿Qué precio tiene?",
    ),
    Example(
        "request",
        "recover-number",
        "numbering",
        data=lambda: {
            "number": "912 34 56 78",
            "lost_on": "15/03/2025",
            "reason": "Se dio de baja por error",
            "comments": "Es nuestro número principal",
        },
        stored=lambda: {
            "number": "+34912345678",
            "lost_on": "2025-03-15",
            "reason": "Se dio de baja por error",
        },
        body="Es nuestro número principal",
    ),
    Example(
        "request",
        "raise-deposit",
        "billing",
        data=lambda: {"amount": "1.234,56", "payment_method": "transfer"},
        stored=lambda: {"amount": "1234.56", "payment_method": "transfer"},
    ),
    Example(
        "request",
        "more-channels",
        "technical",
        data=lambda: {
            "service_id": "TRK-0042",
            "current_channels": "4",
            "channels_wanted": "8",
            "needed_by": in_days(30).isoformat(),
        },
        stored=lambda: {
            "service_id": "TRK-0042",
            "current_channels": 4,
            "channels_wanted": 8,
            "needed_by": in_days(30).isoformat(),
        },
    ),
    Example(
        "request",
        "remove-vat",
        "billing",
        data=lambda: {"reason": "eu_intra_community", "eu_vat_number": "DE 136 695 976"},
        stored=lambda: {"reason": "eu_intra_community", "eu_vat_number": "DE136695976"},
        files={"supporting_document": ("certificado-iva.pdf",)},
    ),
    Example(
        "request",
        "update-paypal",
        "billing",
        data=lambda: {"paypal_email": "pagos@acme.example"},
        stored=lambda: {"paypal_email": "pagos@acme.example"},
    ),
    Example(
        "request",
        "change-bank-account",
        "billing",
        data=lambda: {
            "iban": IBAN_TYPED,
            "holder_name": "Acme Telefonía S.L.",
            "holder_tax_id": "B12345674",
        },
        stored=lambda: {
            "iban": IBAN_COMPACT,
            "holder_name": "Acme Telefonía S.L.",
            "holder_tax_id": "B12345674",
        },
        files={"sepa_mandate": ("mandato-sepa.pdf",)},
    ),
    Example(
        "request",
        "change-holder",
        "billing",
        data=lambda: {
            "new_holder_name": "Nueva Telefonía S.L.",
            "new_holder_tax_id": "A58818501",
            "postal_address": "Calle Mayor 1, 28013 Madrid",
            "contact_email": "hola@nueva.example",
            "contact_phone": "600 11 12 22",
        },
        stored=lambda: {
            "new_holder_name": "Nueva Telefonía S.L.",
            "new_holder_tax_id": "A58818501",
            "postal_address": "Calle Mayor 1, 28013 Madrid",
            "contact_email": "hola@nueva.example",
            "contact_phone": "+34600111222",
        },
        files={"change_form": ("cambio-firmado.pdf",), "identity_document": ("dni.pdf",)},
    ),
    Example(
        "request",
        "cancel-direct-debit",
        "billing",
        data=lambda: {"effective_date": in_days(7).isoformat(), "payment_method": "card"},
        stored=lambda: {"effective_date": in_days(7).isoformat(), "payment_method": "card"},
    ),
    Example(
        "request",
        "port-numbers",
        "numbering",
        data=lambda: {
            "numbers": "912345678\n912 34 57 00-912 34 57 99\n+34 600 111 222",
            "current_operator": "Telefónica",
            "holder_name": "Acme Telefonía S.L.",
            "holder_tax_id": "B12345674",
            "preferred_date": in_days(20).isoformat(),
        },
        stored=lambda: {
            "numbers": ["+34912345678", "+34912345700..+34912345799", "+34600111222"],
            "current_operator": "Telefónica",
            "holder_name": "Acme Telefonía S.L.",
            "holder_tax_id": "B12345674",
            "preferred_date": in_days(20).isoformat(),
        },
        files={
            "portability_form": ("portabilidad.pdf",),
            "operator_invoice": ("factura-operador.pdf",),
        },
    ),
    Example(
        "request",
        "refund",
        "billing",
        data=lambda: {
            "invoice_number": "F-2026-0042",
            "amount": "49,90",
            "reason": "Cobro duplicado",
            "refund_iban": IBAN_TYPED,
        },
        stored=lambda: {
            "invoice_number": "F-2026-0042",
            "amount": "49.90",
            "reason": "Cobro duplicado",
            "refund_iban": IBAN_COMPACT,
        },
    ),
    Example(
        "request",
        "rma",
        "logistics",
        data=lambda: {
            "device_model": "Yealink T46U",
            "mac_address": "80-5e-c0-12-34-56",
            "serial_number": "SN-0012345",
            "fault": "No enciende; probado con otro cable y otra fuente",
            "purchase_reference": "F-2025-0101",
            "return_address": "Calle Mayor 1, 28013 Madrid",
        },
        stored=lambda: {
            "device_model": "Yealink T46U",
            "mac_address": "80:5E:C0:12:34:56",
            "serial_number": "SN-0012345",
            "fault": "No enciende; probado con otro cable y otra fuente",
            "purchase_reference": "F-2025-0101",
            "return_address": "Calle Mayor 1, 28013 Madrid",
        },
    ),
    Example(
        "request",
        "other",
        "technical",
        data=lambda: {
            "subject": "Nombre en las facturas",
            "description": "Queremos cambiar el nombre comercial",
        },
        stored=dict,
        subject="Nombre en las facturas",
        body="Queremos cambiar el nombre comercial",
    ),
    _incident(
        "pbx",
        {"end_client": "Cliente Final S.A.", "pbx_identifier": "pbx.cliente.example"},
        {"end_client": "Cliente Final S.A.", "pbx_identifier": "pbx.cliente.example"},
    ),
    _incident(
        "cannot-place-calls",
        {
            "dialled_number": "600 11 12 22",
            "failed_at": "2026-11-20T09:35",
            "what_heard": "message",
        },
        {
            "dialled_number": "+34600111222",
            "failed_at": "2026-11-20T08:35:00+00:00",
            "what_heard": "message",
        },
    ),
    _incident(
        "cannot-receive-calls",
        {
            "called_number": "912345678",
            "caller_number": "600111222",
            "failed_at": "2026-11-20T09:35",
        },
        {
            "called_number": "+34912345678",
            "caller_number": "+34600111222",
            "failed_at": "2026-11-20T08:35:00+00:00",
        },
    ),
    _incident(
        "phones-not-registered",
        {"devices": "101, 102", "device_model": "Yealink T46U", "network_changes": "Router nuevo"},
        {"devices": "101, 102", "device_model": "Yealink T46U", "network_changes": "Router nuevo"},
    ),
    _incident("one-way-audio-outbound", ONE_WAY_INPUT, ONE_WAY_STORED),
    _incident("one-way-audio-inbound", ONE_WAY_INPUT, ONE_WAY_STORED),
    _incident(
        "outbound-rings-extension",
        {"dialled_number": "912345678", "extension_rang": "ext. 105"},
        {"dialled_number": "+34912345678", "extension_rang": ["ext:105"]},
    ),
    _incident("other", {}, {}),
]
EXAMPLE_BY_KEY = {(example.category, example.slug): example for example in EXAMPLES}


def example(category: str, slug: str) -> Example:
    return EXAMPLE_BY_KEY[(category, slug)]


def kind_of(category: str, slug: str) -> CatalogueEntry:
    kind = catalogue_entry(category, slug)
    assert kind is not None, (category, slug)
    return kind


def bound_form(
    category: str,
    slug: str,
    changes: dict[str, Any] | None = None,
    files: dict[str, list[UploadedFile]] | None = None,
) -> TypedFieldsForm:
    """The form of a seeded entry bound to its valid example, with `changes` applied (a
    value of None removes the field from the submission) and `files` instead of the
    example's files if given."""
    ex = example(category, slug)
    data = {**ex.data(), **(changes or {})}
    data = {name: value for name, value in data.items() if value is not None}
    form_class = build_form_class(kind_of(category, slug).field_specs())
    uploads: MultiValueDict[str, UploadedFile] = MultiValueDict(
        ex.uploads() if files is None else files
    )
    return form_class(data, uploads)
