"""The catalogue as first seeded (migration 0002). Frozen: later changes are new
migrations or a supervisor's edits, never edits of this file."""

from typing import Any


def f(name: str, type_: str, es: str, en: str, **extra: Any) -> dict[str, Any]:
    return {"name": name, "type": type_, "label_es": es, "label_en": en, **extra}


PAYMENT_METHODS = [
    {"value": "card", "label_es": "Tarjeta", "label_en": "Card"},
    {"value": "transfer", "label_es": "Transferencia bancaria", "label_en": "Bank transfer"},
    {"value": "paypal", "label_es": "PayPal", "label_en": "PayPal"},
]

TEAMS = [
    ("technical", "Soporte técnico", "Technical support"),
    ("commercial", "Comercial", "Commercial"),
    ("billing", "Facturación", "Billing"),
    ("numbering", "Numeración", "Numbering"),
    ("logistics", "Logística", "Logistics"),
]

QUERY_KINDS = [
    {
        "slug": "technical",
        "name_es": "Consulta técnica",
        "name_en": "Technical query",
        "description_es": "Dudas sobre el funcionamiento o la configuración de los servicios.",
        "description_en": "Questions about how the services work or are set up.",
        "team": "technical",
        "fields": [
            f("subject", "text", "Asunto", "Subject", role="subject"),
            f("question", "textarea", "Tu consulta", "Your question", role="body"),
        ],
    },
    {
        "slug": "commercial",
        "name_es": "Consulta comercial",
        "name_en": "Commercial query",
        "description_es": "Precios, tarifas, nuevos servicios o asesoramiento comercial.",
        "description_en": "Prices, rates, new services or commercial advice.",
        "team": "commercial",
        "fields": [
            f("subject", "text", "Asunto", "Subject", role="subject"),
            f("question", "textarea", "Tu consulta", "Your question", role="body"),
            f(
                "service",
                "text",
                "Servicio al que se refiere",
                "Service it is about",
                required=False,
            ),
        ],
    },
]

REQUEST_TYPES = [
    {
        "slug": "recover-number",
        "name_es": "Quiero recuperar mi número de teléfono",
        "name_en": "Recover my phone number",
        "team": "numbering",
        "admin_only": False,
        "fields": [
            f("number", "phone", "Número a recuperar", "Number to recover",
              help_es="Por ejemplo 912 345 678 o +34 912 345 678.",
              help_en="For example 912 345 678 or +34 912 345 678."),
            f("lost_on", "date", "Cuándo se perdió o se dio de baja", "When it was lost or cancelled",
              required=False),
            f("reason", "textarea", "Motivo", "Reason"),
        ],
    },
    {
        "slug": "raise-deposit",
        "name_es": "Quiero ampliar la fianza",
        "name_en": "Raise my deposit",
        "team": "billing",
        "admin_only": True,
        "fields": [
            f("amount", "amount", "Nueva fianza (EUR)", "New deposit (EUR)"),
            f("payment_method", "choice", "Forma de pago", "Payment method",
              options=PAYMENT_METHODS),
        ],
    },
    {
        "slug": "more-channels",
        "name_es": "Quiero ampliar el número de canales",
        "name_en": "More simultaneous call channels",
        "team": "technical",
        "admin_only": False,
        "fields": [
            f("service_id", "text", "Troncal o identificador del servicio",
              "Trunk or service identifier"),
            f("current_channels", "integer", "Canales actuales", "Current channels", min=1),
            f("channels_wanted", "integer", "Canales que necesitas", "Channels wanted", min=1,
              greater_than="current_channels"),
            f("needed_by", "future_date", "Fecha en que los necesitas", "Date needed by"),
        ],
    },
    {
        "slug": "remove-vat",
        "name_es": "Quiero eliminar el IVA",
        "name_en": "Remove VAT from my invoices",
        "team": "billing",
        "admin_only": True,
        "fields": [
            f("reason", "choice", "Motivo de la exención", "Reason for the exemption", options=[
                {"value": "canary_islands", "label_es": "Canarias", "label_en": "Canary Islands"},
                {"value": "ceuta", "label_es": "Ceuta", "label_en": "Ceuta"},
                {"value": "melilla", "label_es": "Melilla", "label_en": "Melilla"},
                {"value": "eu_intra_community", "label_es": "Empresa intracomunitaria (UE)",
                 "label_en": "EU intra-community business"},
                {"value": "other", "label_es": "Otra exención", "label_en": "Other exemption"},
            ]),
            f("eu_vat_number", "eu_vat", "NIF-IVA intracomunitario", "EU VAT number",
              required_if=["reason", "eu_intra_community"],
              help_es="Obligatorio si eres empresa intracomunitaria, con el prefijo del país.",
              help_en="Required for an intra-community business, with its country prefix."),
            f("supporting_document", "file", "Documento justificativo", "Supporting document"),
        ],
    },
    {
        "slug": "update-paypal",
        "name_es": "Quiero que se actualice mi pago por PayPal",
        "name_en": "Update my PayPal payment",
        "team": "billing",
        "admin_only": True,
        "fields": [
            f("paypal_email", "email", "E-mail de la cuenta PayPal", "PayPal account e-mail"),
        ],
    },
    {
        "slug": "change-bank-account",
        "name_es": "Quiero un cambio de cuenta bancaria",
        "name_en": "Change my bank account",
        "team": "billing",
        "admin_only": True,
        "fields": [
            f("iban", "iban", "IBAN de la nueva cuenta", "IBAN of the new account"),
            f("holder_name", "text", "Titular de la cuenta", "Account holder name"),
            f("holder_tax_id", "tax_id", "NIF/CIF/NIE del titular", "Holder's NIF/CIF/NIE"),
            f("sepa_mandate", "file", "Orden de domiciliación SEPA firmada",
              "Signed SEPA mandate"),
        ],
    },
    {
        "slug": "change-holder",
        "name_es": "Quiero un cambio de titularidad",
        "name_en": "Change the account holder",
        "team": "billing",
        "admin_only": True,
        "fields": [
            f("new_holder_name", "text", "Razón social o nombre del nuevo titular",
              "New holder's legal name"),
            f("new_holder_tax_id", "tax_id", "NIF/CIF/NIE del nuevo titular",
              "New holder's NIF/CIF/NIE"),
            f("postal_address", "textarea", "Dirección postal", "Postal address"),
            f("contact_email", "email", "E-mail de contacto", "Contact e-mail"),
            f("contact_phone", "phone", "Teléfono de contacto", "Contact phone"),
            f("change_form", "file", "Formulario de cambio firmado por ambos titulares",
              "Change form signed by both holders"),
            f("identity_document", "file", "Documento de identidad del nuevo titular",
              "New holder's identity document", required=False),
        ],
    },
    {
        "slug": "cancel-direct-debit",
        "name_es": "Quiero cancelar la domiciliación bancaria",
        "name_en": "Cancel direct debit",
        "team": "billing",
        "admin_only": True,
        "fields": [
            f("effective_date", "future_date", "Fecha de efecto", "Date it takes effect"),
            f("payment_method", "choice", "Forma de pago alternativa",
              "Alternative payment method", options=PAYMENT_METHODS),
        ],
    },
    {
        "slug": "port-numbers",
        "name_es": "Quiero un traspaso de numeración",
        "name_en": "Port numbers to us",
        "team": "numbering",
        "admin_only": False,
        "fields": [
            f("numbers", "phones", "Números a portar", "Numbers to port",
              help_es="Uno por línea o separados por comas; rangos como 912345600-912345699.",
              help_en="One per line or comma-separated; ranges as 912345600-912345699."),
            f("current_operator", "text", "Operador actual", "Current operator"),
            f("holder_name", "text", "Titular tal como figura en el operador actual",
              "Holder name exactly as at that operator"),
            f("holder_tax_id", "tax_id", "NIF/CIF del titular en el operador actual",
              "Holder's NIF/CIF at that operator"),
            f("preferred_date", "future_date", "Fecha preferida", "Preferred date"),
            f("portability_form", "file", "Formulario de portabilidad firmado",
              "Signed portability form"),
            f("operator_invoice", "file", "Última factura del operador actual",
              "Latest invoice from that operator", required=False),
        ],
    },
    {
        "slug": "refund",
        "name_es": "Quiero hacer una devolución",
        "name_en": "Request a refund",
        "team": "billing",
        "admin_only": True,
        "fields": [
            f("invoice_number", "text", "Número de factura", "Invoice number"),
            f("amount", "amount", "Importe (EUR)", "Amount (EUR)"),
            f("reason", "textarea", "Motivo", "Reason"),
            f("refund_iban", "iban", "IBAN para la devolución", "IBAN for the refund",
              required=False),
        ],
    },
    {
        "slug": "rma",
        "name_es": "Quiero tramitar el RMA de los equipos IP",
        "name_en": "RMA of IP equipment",
        "team": "logistics",
        "admin_only": False,
        "fields": [
            f("device_model", "text", "Modelo del equipo", "Device model"),
            f("mac_address", "mac", "Dirección MAC", "MAC address",
              help_es="12 dígitos hexadecimales, con o sin separadores.",
              help_en="12 hexadecimal digits, with or without separators."),
            f("serial_number", "text", "Número de serie", "Serial number", max_length=64),
            f("fault", "textarea", "Avería y pruebas realizadas", "Fault and tests done"),
            f("purchase_reference", "text", "Factura de compra (número o fecha)",
              "Purchase invoice (number or date)"),
            f("return_address", "textarea", "Dirección de envío para la devolución",
              "Return shipping address"),
        ],
    },
    {
        "slug": "other",
        "name_es": "Otros",
        "name_en": "Other",
        "team": "technical",
        "admin_only": False,
        "fields": [
            f("subject", "text", "Asunto", "Subject", role="subject"),
            f("description", "textarea", "Descripción", "Description", role="body"),
        ],
    },
]

_CALL_TIME = ("call_time", "datetime", "Hora de una llamada afectada", "Time of an affected call")
_ONE_WAY = [
    f(*_CALL_TIME),
    f("from_number", "numbers_or_extensions", "Número o extensión de origen",
      "From number or extension"),
    f("to_number", "numbers_or_extensions", "Número de destino", "To number"),
    f("router_model", "text", "Modelo de router o cortafuegos", "Router or firewall model"),
]

INCIDENT_KINDS = [
    {
        "slug": "pbx",
        "name_es": "Incidencia en una centralita",
        "name_en": "PBX incident",
        "service_affecting": "when_failing",
        "fields": [
            f("end_client", "text", "¿En qué cliente?", "Which end client?",
              help_es="Si eres distribuidor: el cliente al que pertenece la centralita.",
              help_en="For resellers: the client whose PBX it is."),
            f("pbx_identifier", "text", "Identificador o dominio de la centralita",
              "PBX identifier or domain"),
        ],
    },
    {
        "slug": "cannot-place-calls",
        "name_es": "No puedo realizar llamadas",
        "name_en": "Cannot place calls",
        "service_affecting": "always",
        "fields": [
            f("dialled_number", "phone", "Un número al que llamaste", "A number you dialled"),
            f("failed_at", "datetime", "Hora de un intento fallido", "Time of a failed attempt"),
            f("what_heard", "choice", "¿Qué se oye?", "What did you hear?", options=[
                {"value": "tone", "label_es": "Un tono", "label_en": "A tone"},
                {"value": "message", "label_es": "Una locución", "label_en": "A recorded message"},
                {"value": "silence", "label_es": "Silencio", "label_en": "Silence"},
            ]),
        ],
    },
    {
        "slug": "cannot-receive-calls",
        "name_es": "No puedo recibir llamadas entrantes",
        "name_en": "Cannot receive calls",
        "service_affecting": "always",
        "fields": [
            f("called_number", "phone", "Número al que se llamó", "The number that was called"),
            f("caller_number", "phone", "Número de quien llamaba", "A caller's number"),
            f("failed_at", "datetime", "Hora de una llamada fallida", "Time of a failed call"),
        ],
    },
    {
        "slug": "phones-not-registered",
        "name_es": "Los teléfonos no están registrados",
        "name_en": "Phones not registered",
        "service_affecting": "always",
        "fields": [
            f("devices", "textarea", "Extensiones o equipos afectados",
              "Extensions or devices affected"),
            f("device_model", "text", "Modelo de los equipos", "Device model"),
            f("network_changes", "textarea", "Cambios recientes en la red",
              "Recent network changes", required=False),
        ],
    },
    {
        "slug": "one-way-audio-outbound",
        "name_es": "Al marcar un número y hablar oigo pero no me oyen",
        "name_en": "I hear them but they don't hear me",
        "service_affecting": "always",
        "fields": _ONE_WAY,
    },
    {
        "slug": "one-way-audio-inbound",
        "name_es": "Al marcar un número no oigo pero sí me oyen",
        "name_en": "They hear me but I don't hear them",
        "service_affecting": "always",
        "fields": _ONE_WAY,
    },
    {
        "slug": "outbound-rings-extension",
        "name_es": "Al marcar al exterior, no se cursa la llamada pero suena en una extensión",
        "name_en": "Outbound call rings an extension instead",
        "service_affecting": "always",
        "fields": [
            f("dialled_number", "phone", "Número marcado", "The number dialled"),
            f("extension_rang", "numbers_or_extensions", "Extensión que sonó",
              "The extension that rang"),
        ],
    },
    {
        "slug": "other",
        "name_es": "Otra anomalía",
        "name_en": "Other fault",
        "service_affecting": "when_failing",
        "fields": [],
    },
]
