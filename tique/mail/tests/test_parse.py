"""Reading raw e-mail: a corpus of real-shaped messages (tests/eml/, each with its row in
CORPUS below) and messages built here for what a file cannot show (size, nesting, limits).
Parsing needs no database."""

from __future__ import annotations

import base64
import datetime as dt
import email
import email.policy
import os
import random
import time
from pathlib import Path
from typing import Any

import pytest

from tique.mail.inbound.parse import (
    MAX_ATTACHMENTS,
    ParsedEmail,
    ParseError,
    parse_email,
)

EML = Path(__file__).parent / "eml"

OUR_REPLY_1042 = "<ticket-1042.8f14e45fceea167a5a36dedd4bea2543@tique.example>"
OUR_REPLY_1043 = "<ticket-1043.c4ca4238a0b923820dcc509a6f75849b@tique.example>"
OUR_REPLY_1044 = "<ticket-1044.0cc175b9c0f1b6a831c399e269772661@tique.example>"


def at(month: int, day: int, hour: int, minute: int, second: int = 0, *, hours: int = 0):
    """A moment of 2026 at a UTC offset of `hours`."""
    zone = dt.timezone(dt.timedelta(hours=hours))
    return dt.datetime(2026, month, day, hour, minute, second, tzinfo=zone)


# What each corpus file must read as. Keys are ParsedEmail fields, compared for equality,
# except: "defects" (each listed one is present; [] means none at all), "attachments"
# ((filename, content_type, inline, content_id) each), "has_html", and "text_has" (pieces
# the text contains).
CORPUS: dict[str, dict[str, Any]] = {
    "gmail_reply.eml": {
        "message_id": "<CAH9f2x1Qm8Lr0p=ZkT4v7Yd3bW@mail.gmail.com>",
        "in_reply_to": [OUR_REPLY_1042],
        "references": ["<ticket-1042@tique.example>", OUR_REPLY_1042],
        "from_address": "ana@acme.example",
        "from_name": "Ana García",
        "recipients": ["support+k3j9x2@tique.example", "ayuda@tique.example"],
        "subject": "Re: [#1042] No puedo acceder al panel",
        "date": at(11, 24, 10, 13, 51, hours=1),
        "text_has": ["Era la caché del navegador.", "> Prueba a borrar la caché"],
        "reply_text": "Hola,\n\nYa funciona, gracias. Era la caché del navegador.\n\nAna",
        "has_html": True,
        "attachments": [],
        "is_auto": False,
        "is_bounce": False,
        "defects": [],
    },
    "outlook_reply_es.eml": {
        "message_id": (
            "<DB9PR02MB7322A1B2C3D4E5F6A7B8C9D0E1F2@DB9PR02MB7322.eurprd02.prod.outlook.com>"
        ),
        "in_reply_to": [OUR_REPLY_1043],
        "references": ["<ticket-1043@tique.example>", OUR_REPLY_1043],
        "from_address": "carlos.ruiz@acme.example",
        "from_name": "Carlos Ruiz",
        "recipients": ["support+p8w2m5@tique.example", "ana@acme.example"],
        "subject": "RE: [#1043] Error al guardar la factura",
        "date": at(11, 24, 9, 2, 10),
        "text_has": ["De: Tique Soporte", "Enviado: lunes", "¿nos puedes enviar una captura"],
        "reply_text": (
            "Buenos días:\n\nAdjunto la captura que pedíais. El error sigue apareciendo al "
            "guardar.\n\nSaludos,\nCarlos Ruiz\nDpto. Administración – Acme S.L."
        ),
        "has_html": True,
        "is_auto": False,
        "defects": [],
    },
    "apple_mail_reply.eml": {
        "message_id": "<5F0D7B1E-2C4A-4E8B-A1D3-9B7C6E5F4A32@acme.example>",
        "in_reply_to": [OUR_REPLY_1044],
        "references": ["<ticket-1044@tique.example>", OUR_REPLY_1044],
        "from_address": "luis@acme.example",
        "from_name": "Luis Pérez",
        "recipients": ["support+z7q1r4@tique.example"],
        "date": at(11, 24, 11, 20, 7, hours=1),
        "text_has": ["> Ya hemos dado de alta a Marta."],
        "reply_text": (
            "Perfecto, el usuario ya puede entrar.\n\nUna cosa más: ¿podéis darle también "
            "acceso a la facturación?\n\nGracias,\nLuis"
        ),
        "has_html": True,
        "defects": [],
    },
    "iphone_signature.eml": {
        "from_address": "marta@acme.example",
        "in_reply_to": ["<ticket-1046.a87ff679a2f3e71d9181a67b7542122c@tique.example>"],
        "subject": "Re: [#1046] Copia de seguridad fallida",
        "text_has": ["Enviado desde mi iPhone", "escribió:", "falló por falta de espacio"],
        "reply_text": "Vale, lo reviso esta tarde y os digo.",
        "has_html": False,
        "defects": [],
    },
    "iso_8859_1.eml": {
        "from_address": "jose.munoz@acme.example",
        "from_name": "José Muñoz",
        "subject": "Re: Factura de otoño (año 2026)",
        "in_reply_to": ["<ticket-1047.e4da3b7fbbce2345d7772b0674a318d5@tique.example>"],
        "references": [],
        # format=flowed: the soft line breaks are joined again.
        "text_has": [
            "el descuento que acordamos con el comercial. ¿Podéis revisarla? Os envío el "
            "número de pedido más abajo.",
            "\n-- \nJosé Muñoz\n",
        ],
        "reply_text": (
            "Buenos días,\n\nla factura de otoño no refleja el descuento que acordamos con el "
            "comercial. ¿Podéis revisarla? Os envío el número de pedido más abajo.\n\n"
            "Pedido: 2026/118"
        ),
        "defects": [],
    },
    "windows_1252.eml": {
        "message_id": "<000001db3d8e$4a5b6c70$df124550$@acme.example>",
        "subject": "Presupuesto de 1.200 € – “urgente”",
        "text": (
            "Hola:\n\nEl presupuesto de 1.200 € no incluye el “mantenimiento” ni el ‘soporte’ "
            "– ¿podéis enviarlo de nuevo…?\n\nGracias,\nPilar"
        ),
        "date": at(11, 23, 18, 5, hours=1),
        "defects": [],
    },
    "shift_jis.eml": {
        "from_address": "tanaka@acme.example",
        "from_name": "田中 太郎",
        "subject": "請求書の金額について",
        "date": at(11, 24, 18, 2, 33, hours=9),
        "text_has": ["お世話になっております。", "請求書の金額が見積もりと違うようです。"],
        "defects": [],
    },
    "html_newsletter.eml": {
        "from_address": "no-reply@news.acme.example",
        "subject": "Ofertas de noviembre 🎁",
        "text": (
            "Ofertas de noviembre\n\nHola, estas son las novedades & precios (desde 9€):\n\n"
            "- Primer punto\n- Segundo punto\n\nVer ofertas · Haz clic · Escríbenos"
        ),
        "has_html": True,
        "is_auto": True,  # List-Unsubscribe and a no-reply sender
        "is_bounce": False,
        "attachments": [],
    },
    "inline_cid_image.eml": {
        "from_name": "Ana García",
        "recipients": ["ayuda@tique.example"],
        "text": "Hola, al abrir pedidos sale esto:\n\n[cid:captura.png@01DB3E2F]\n\nAna",
        "has_html": True,
        "attachments": [("captura.png", "image/png", True, "captura.png@01DB3E2F")],
        "defects": [],
    },
    "attachments_rfc2231.eml": {
        "text": "Os adjunto los documentos del pedido.",
        "has_html": False,
        "attachments": [
            ("factura año 2026.pdf", "application/pdf", False, ""),
            ("fotografía de la máquina.jpg", "image/jpeg", False, ""),
            (
                "Presupuesto Peña.xlsx",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                False,
                "",
            ),
            ("attachment-4.bin", "application/octet-stream", False, ""),
            ("datos.csv", "text/csv", False, ""),
        ],
        "defects": [],
    },
    "forwarded_rfc822.eml": {
        "subject": "Fwd: Corte programado del servicio",
        "text_has": [
            "Os reenvío el aviso que recibimos ayer.",
            "---------- Forwarded message ----------\n"
            "From: Proveedor Avisos <avisos@proveedor.example>\n"
            "Date: Mon, 23 Nov 2026 09:00:00 +0100\n"
            "Subject: Corte programado\n"
            "To: marta@acme.example\n\n"
            "El jueves 26 habrá un corte de 02:00 a 04:00.",
        ],
        "has_html": True,
        "attachments": [("forwarded-message.eml", "message/rfc822", False, "")],
        "is_bounce": False,
        "bounced_message_ids": [],
        "defects": [],
    },
    "gmail_inline_forward.eml": {
        "subject": "Fwd: Factura rechazada",
        "has_html": False,
        "defects": [],
    },
    "outlook_forward_es.eml": {
        "subject": "RV: Cambio de tarifa",
        "defects": [],
    },
    "broken_mime_no_close_boundary.eml": {
        "message_id": "<broken-1@acme.example>",
        "text": "Adjunto el informe (el correo se cortó al enviarlo).",
        "attachments": [("informe.pdf", "application/pdf", False, "")],
        "defects": ["close boundary not found"],
    },
    "missing_boundary_param.eml": {
        "text": "La web no carga desde esta mañana.",
        "html": "<p>La web <b>no carga</b> desde esta mañana.</p>",
        "defects": [
            "no boundary in multipart",
            "multipart boundary missing or wrong; recovered from the body",
        ],
    },
    "invalid_encoded_word.eml": {
        # Words split inside a UTF-8 character are joined; raw UTF-8 in a header is read.
        "from_name": "Peña Ruiz",
        "from_address": "p.ruiz@acme.example",
        "recipients": ["ayuda@tique.example"],
        "subject": "Actualización de contraseña =?utf-8?X?bogus?= =?utf-8?Q?sin_fin",
        "text": "No puedo cambiar la contraseña.",
        "defects": ["raw 8-bit bytes in a header", "invalid encoded word in a header"],
    },
    "unknown_charset.eml": {
        "from_name": "Tomás",
        "subject": "Café sin azúcar",
        "text": "La máquina de café no funciona.",
        "defects": ["unknown charset 'x-unknown'", "unknown charset 'x-mac-klingon'"],
    },
    "out_of_office.eml": {
        "subject": "Respuesta automática: [#1044] Alta de un usuario nuevo",
        "in_reply_to": [OUR_REPLY_1044],
        "text": (
            "Estoy fuera de la oficina hasta el 1 de diciembre.\n\n"
            "Para asuntos urgentes, escribid a ana@acme.example."
        ),
        "is_auto": True,
        "is_bounce": False,
        "bounced_message_ids": [],
        "defects": [],
    },
    "precedence_bulk.eml": {
        "from_address": "novedades@proveedor.example",
        "is_auto": True,
        "is_bounce": False,
        "defects": [],
    },
    "dsn_bounce.eml": {
        "from_address": "mailer-daemon@tique.example",
        "from_name": "Mail Delivery System",
        "subject": "Undelivered Mail Returned to Sender",
        "text_has": ["<antiguo@acme.example>: host mail.acme.example"],
        "is_auto": True,
        "is_bounce": True,
        "bounced_message_ids": ["<ticket-1042.5d41402abc4b2a76b9719d911017c592@tique.example>"],
        "attachments": [
            ("delivery-status.txt", "message/delivery-status", False, ""),
            ("returned-message.eml", "message/rfc822", False, ""),
        ],
        "defects": [],
    },
    "qmail_bounce.eml": {
        "message_id": "",
        "from_address": "mailer-daemon@mail.acme.example",
        "subject": "failure notice",
        "date": at(11, 24, 9, 30, 1),
        "is_auto": True,
        "is_bounce": True,
        "bounced_message_ids": ["<ticket-1045.9e107d9d372bb6826bd81d3542a419d6@tique.example>"],
        "attachments": [],
        "defects": [],
    },
    "exchange_dsn_headers.eml": {
        "from_address": "postmaster@acme.example",
        "subject": "No se puede entregar: [#1048] Tu ticket está resuelto",
        "in_reply_to": ["<ticket-1048.1679091c5a880faf6fb5e6087eb1b2dc@tique.example>"],
        "is_auto": True,
        "is_bounce": True,
        # The returned headers' Message-ID is folded onto its own line.
        "bounced_message_ids": ["<ticket-1048.8f14e45fceea167a5a36dedd4bea2543@tique.example>"],
        "attachments": [
            ("delivery-status.txt", "message/delivery-status", False, ""),
            ("returned-headers.txt", "text/rfc822-headers", False, ""),
        ],
        "defects": [],
    },
    "no_message_id.eml": {
        "message_id": "",
        "in_reply_to": [],
        "references": [],
        "from_address": "soporte-interno@acme.example",
        "from_name": "",
        "date": None,
        "text": "Mensaje sin Message-ID ni fecha, como los que envian algunos scripts.",
        "is_auto": False,
        "defects": [],
    },
    "empty_body.eml": {
        "message_id": "<empty-1@acme.example>",
        "subject": "(sin asunto)",
        "text": "",
        "reply_text": "",
        "html": "",
        "attachments": [],
        "defects": [],
    },
    "long_header.eml": {
        "message_id": "<long-1@acme.example>",
        "references": [f"<ticket-1050.{i:032x}@tique.example>" for i in range(1, 61)],
        "in_reply_to": [f"<ticket-1050.{60:032x}@tique.example>"],
        "subject": "Re: [#1050] "
        + " ".join(["Problema con la sincronización del calendario compartido"] * 20),
        "text": "Sigue sin sincronizar.",
        "defects": [],
    },
}


def parse(name: str) -> ParsedEmail:
    return parse_email((EML / name).read_bytes())


def check(parsed: ParsedEmail, expected: dict[str, Any]) -> None:
    for key, want in expected.items():
        if key == "defects":
            if want:
                assert set(want) <= set(parsed.defects), parsed.defects
            else:
                assert parsed.defects == []
        elif key == "attachments":
            got = [(a.filename, a.content_type, a.inline, a.content_id) for a in parsed.attachments]
            assert got == want
        elif key == "has_html":
            assert bool(parsed.html) is want
        elif key == "text_has":
            for piece in want:
                assert piece in parsed.text
        else:
            assert getattr(parsed, key) == want, key


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_each_corpus_message_reads_as_its_row_says(name):
    check(parse(name), CORPUS[name])


def test_every_corpus_file_has_a_row_and_there_are_at_least_twenty():
    files = {path.name for path in EML.glob("*.eml")}
    assert files == set(CORPUS)
    assert len(files) >= 20


def test_every_corpus_message_has_a_reply_text_when_it_has_a_text():
    for name in CORPUS:
        parsed = parse(name)
        assert bool(parsed.reply_text) is bool(parsed.text), name


# --- Replies, forwards and signatures ----------------------------------------------------


def test_a_gmail_reply_keeps_its_quoted_history_in_the_sanitized_html():
    parsed = parse("gmail_reply.eml")

    assert "<blockquote>" in parsed.html
    assert "style=" not in parsed.html
    assert 'href="mailto:support+k3j9x2@tique.example"' in parsed.html


def test_an_outlook_html_reply_keeps_its_text_but_loses_the_styles():
    parsed = parse("outlook_reply_es.eml")

    assert "Adjunto la captura que pedíais." in parsed.html
    assert "<style" not in parsed.html
    assert "margin-top" not in parsed.html


def test_an_inline_gmail_forward_is_kept_whole_in_the_reply_text():
    parsed = parse("gmail_inline_forward.eml")

    assert parsed.reply_text == parsed.text
    assert parsed.reply_text.startswith("Mirad lo que nos ha llegado del banco.")
    assert "La factura 2026/118 ha sido rechazada." in parsed.reply_text
    # The forwarded message's own quote is part of what was forwarded.
    assert "> Por favor, tramitad la factura 2026/118." in parsed.reply_text


def test_an_outlook_forward_keeps_the_forwarded_header_block():
    parsed = parse("outlook_forward_es.eml")

    assert parsed.reply_text == parsed.text
    assert "De: Comercial Proveedor" in parsed.reply_text
    assert "A partir de enero la tarifa sube un 3 %." in parsed.reply_text


def test_a_forwarded_message_drops_the_signature_before_it_but_keeps_its_content():
    parsed = parse("forwarded_rfc822.eml")

    assert parsed.reply_text.startswith("Os reenvío el aviso que recibimos ayer. ¿Nos afecta?\n\n")
    assert "Marta Gil\nAcme S.L." not in parsed.reply_text
    assert "El jueves 26 habrá un corte de 02:00 a 04:00." in parsed.reply_text


def test_a_forwarded_message_is_attached_as_the_message_it_was():
    (attachment,) = parse("forwarded_rfc822.eml").attachments

    forwarded = email.message_from_bytes(attachment.content, policy=email.policy.default)
    assert forwarded["Message-ID"] == "<aviso-7781@proveedor.example>"
    assert forwarded["Subject"] == "Corte programado"
    assert forwarded.get_content_type() == "multipart/alternative"


def test_a_forwarded_html_part_is_shown_under_a_forward_heading():
    html = parse("forwarded_rfc822.eml").html

    assert "Forwarded message" in html
    assert "<b>corte</b>" in html


def message(body: str, *, subject: str = "Re: [#7] Hola", **headers: str) -> bytes:
    lines = [
        "From: Ana <ana@acme.example>",
        "To: ayuda@tique.example",
        f"Subject: {subject}",
        "Date: Tue, 24 Nov 2026 10:00:00 +0100",
        "Message-ID: <m1@acme.example>",
        *(f"{name.replace('_', '-')}: {value}" for name, value in headers.items()),
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        body,
    ]
    return "\n".join(lines).encode()


@pytest.mark.parametrize(
    "body",
    [
        "Gracias.\n\n-- \nAna García\nAcme S.L.",
        "Gracias.\n\nSent from my iPhone",
        "Gracias.\n\nEnviado desde mi Android\n\n> Hola",
        "Gracias.\n\nGet Outlook for iOS",
        "Gracias.\n\n-----Original Message-----\nFrom: Soporte\nSent: Monday\n\nHola",
        "Gracias.\n\n-----Mensaje original-----\nDe: Soporte\n\nHola",
        "Gracias.\n\nFrom: Soporte <ayuda@tique.example> Sent: Monday, 23 November 2026 10:00",
        "Gracias.\n\nFrom: Soporte <ayuda@tique.example>\nSent: Monday\nTo: Ana\n\nHola",
        "Gracias.\n\nEl lun, 23 nov 2026 a las 10:00, Soporte (<ayuda@tique.example>)\n"
        "escribió:\n> Hola",
        "Gracias.\n\nOn Monday, November 23, 2026 10:00 AM, Soporte wrote:\n\nHola sin citar",
        "> Hola\n> ¿Funciona?\n\nGracias.",
    ],
)
def test_quoted_history_and_signatures_are_left_out_of_the_reply_text(body):
    assert parse_email(message(body)).reply_text == "Gracias."


def test_a_customer_saying_someone_wrote_is_not_taken_for_an_attribution():
    body = "El técnico de la otra empresa nos escribió:\nque el fallo es vuestro."

    assert parse_email(message(body)).reply_text == body


def test_a_reply_that_is_only_a_quote_falls_back_to_the_whole_text():
    parsed = parse_email(message("> Hola\n> ¿Funciona?"))

    assert parsed.reply_text == "> Hola\n> ¿Funciona?"


def test_an_html_only_reply_loses_the_blockquoted_history():
    html = (
        '<div dir="ltr">Gracias, ya está.<br><br>Un saludo</div><br>'
        '<div class="gmail_quote"><div class="gmail_attr">El mar, 24 nov 2026 a las 9:58, '
        "Soporte (&lt;ayuda@tique.example&gt;) escribió:<br></div>"
        '<blockquote class="gmail_quote">Hola<br>¿Funciona?</blockquote></div>'
    )
    raw = message(html).replace(b"text/plain", b"text/html")

    parsed = parse_email(raw)

    assert parsed.text == (
        "Gracias, ya está.\n\nUn saludo\n\n"
        "El mar, 24 nov 2026 a las 9:58, Soporte (<ayuda@tique.example>) escribió:\n\n"
        "> Hola\n> ¿Funciona?"
    )
    assert parsed.reply_text == "Gracias, ya está.\n\nUn saludo"


# --- HTML --------------------------------------------------------------------------------


def test_html_mail_loses_scripts_handlers_and_javascript_links():
    html = parse("html_newsletter.eml").html

    for unsafe in ("<script", "alert", "onload", "onclick", "onerror", "javascript:"):
        assert unsafe not in html
    for gone in ("<style", "<iframe", "<form", "<input", "Newsletter title", "data:", "cid:"):
        assert gone not in html
    assert '<a href="https://acme.example/ofertas" rel="noopener noreferrer">' in html
    assert '<a href="mailto:ventas@acme.example"' in html
    assert '<img src="https://acme.example/logo.png" alt="Acme">' in html
    assert "<h1>Ofertas de noviembre</h1>" in html


@pytest.mark.parametrize(
    "unsafe",
    [
        '<svg onload="alert(1)"><circle r="1"></circle></svg>',
        '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>',
        '<a href=" javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        '<img src="x" onerror="alert(1)">',
        '<img src="//evil.example/t.gif">',
        '<div style="background:url(javascript:alert(1))">x</div>',
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
        "<object data='javascript:alert(1)'></object>",
        '<base href="javascript:alert(1)//">',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    ],
)
def test_crafted_html_cannot_carry_script(unsafe):
    raw = message(f"<p>Hola</p>{unsafe}").replace(b"text/plain", b"text/html")

    html = parse_email(raw).html

    for marker in ("alert", "msgbox", "javascript", "script", "onload", "onerror", "evil"):
        assert marker not in html.lower()
    assert "<p>Hola</p>" in html


def test_a_cid_image_keeps_its_attachment_but_not_its_source_in_the_html():
    parsed = parse("inline_cid_image.eml")

    assert '<img width="320" height="200" alt="captura">' in parsed.html
    (image,) = parsed.attachments
    assert image.content.startswith(b"\x89PNG\r\n")


# --- Charsets and headers ----------------------------------------------------------------


def test_iso_8859_1_labelled_text_with_windows_1252_bytes_keeps_the_euro_sign():
    raw = message("").replace(b"charset=utf-8", b"charset=iso-8859-1") + (
        "Son 30 € – “gracias”".encode("cp1252")
    )

    assert parse_email(raw).text == "Son 30 € – “gracias”"


def test_latin_text_mislabelled_as_utf8_is_read_as_windows_1252():
    raw = message("") + "Añadid la opción de exportar, por favor.".encode("latin-1")

    parsed = parse_email(raw)

    assert parsed.text == "Añadid la opción de exportar, por favor."
    assert "text not valid utf-8" in parsed.defects


def test_quoted_printable_and_base64_bodies_are_decoded():
    qp = message("Caf=C3=A9 =\nsin az=C3=BAcar").replace(
        b"Transfer-Encoding: 8bit", b"Transfer-Encoding: quoted-printable"
    )
    b64 = message(base64.b64encode("Café sin azúcar".encode()).decode()).replace(
        b"Transfer-Encoding: 8bit", b"Transfer-Encoding: base64"
    )

    assert parse_email(qp).text == "Café sin azúcar"
    assert parse_email(b64).text == "Café sin azúcar"


def test_message_ids_keep_their_brackets_lose_whitespace_and_keep_their_order():
    raw = message(
        "Hola",
        In_Reply_To="<a1 @acme.example> (Ana's message of Monday)",
        References=(
            "<r1@tique.example>\n <r2@tique.example> <r1@tique.example>\n\t<r3@tique.example>"
        ),
    ).replace(b"Message-ID: <m1@acme.example>", b"Message-ID:   m1@acme.example  ")

    parsed = parse_email(raw)

    assert parsed.message_id == "<m1@acme.example>"
    assert parsed.in_reply_to == ["<a1@acme.example>"]
    assert parsed.references == ["<r1@tique.example>", "<r2@tique.example>", "<r3@tique.example>"]


def test_recipients_come_from_every_delivery_header_lowercased_and_once():
    raw = message(
        "Hola",
        Cc='"García, Ana" <Ana@Acme.example>, luis@acme.example, undisclosed-recipients:;',
        Delivered_To="Support+TOKEN1@tique.example",
        X_Original_To="ayuda@tique.example",
        Envelope_To="ayuda@tique.example, otra@tique.example",
    ).replace(b"To: ayuda@tique.example", b"To: AYUDA@tique.example, ana@acme.example", 1)

    assert parse_email(raw).recipients == [
        "ayuda@tique.example",
        "ana@acme.example",
        "luis@acme.example",
        "support+token1@tique.example",
        "otra@tique.example",
    ]


@pytest.mark.parametrize(
    ("header", "address", "name"),
    [
        ("Ana <ana@acme.example>", "ana@acme.example", "Ana"),
        ("ana@acme.example (Ana García)", "ana@acme.example", "Ana García"),
        ('"=?utf-8?Q?Garc=C3=ADa=2C_Ana?=" <ana@acme.example>', "ana@acme.example", "García, Ana"),
        ("Ana <>", "", "Ana"),
        ("Ana", "", ""),
        ("<<<@@@>>>", "", ""),
    ],
)
def test_the_sender_is_an_addr_spec_or_empty_with_its_decoded_name(header, address, name):
    raw = message("Hola").replace(b"From: Ana <ana@acme.example>", f"From: {header}".encode())

    parsed = parse_email(raw)

    assert (parsed.from_address, parsed.from_name) == (address, name)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Tue, 24 Nov 2026 10:00:00 -0000", dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)),
        ("24 Nov 2026 10:00 GMT", dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)),
        ("Tue, 24 Nov 26 11:00:00 +0100", dt.datetime(2026, 11, 24, 10, tzinfo=dt.UTC)),
        ("mañana por la tarde", None),
        ("Tue, 99 Nov 2026 99:99:99 +0100", None),
    ],
)
def test_the_date_is_aware_or_none(value, expected):
    raw = message("Hola").replace(b"Tue, 24 Nov 2026 10:00:00 +0100", value.encode())

    parsed = parse_email(raw)

    assert parsed.date == expected
    if expected is not None:
        assert parsed.date is not None and parsed.date.tzinfo is not None


# --- Automatic mail and bounces ----------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "automatic"),
    [
        ({}, False),
        ({"Auto-Submitted": "no"}, False),
        ({"Auto-Submitted": "auto-generated"}, True),
        ({"Auto-Submitted": "auto-replied; owner-email=ana@acme.example"}, True),
        ({"Precedence": "junk"}, True),
        ({"Precedence": "list"}, True),
        ({"Precedence": "first-class"}, False),
        ({"X-Auto-Response-Suppress": "OOF"}, True),
        ({"List-Id": "<equipo.acme.example>"}, True),
        ({"List-Unsubscribe": "<mailto:baja@acme.example>"}, True),
        ({"X-Autoreply": "yes"}, True),
        ({"X-Autorespond": "yes"}, True),
        ({"Return-Path": "<>"}, True),
    ],
)
def test_automatic_mail_is_told_by_its_headers(headers, automatic):
    raw = message("Hola", **{name.replace("-", "_"): value for name, value in headers.items()})

    assert parse_email(raw).is_auto is automatic


@pytest.mark.parametrize(
    ("sender", "automatic"),
    [
        ("MAILER-DAEMON@acme.example", True),
        ("postmaster@acme.example", True),
        ("noreply@acme.example", True),
        ("no-reply@acme.example", True),
        ("noreply-facturas@acme.example", True),
        ("norma@acme.example", False),
    ],
)
def test_automatic_mail_is_told_by_its_sender(sender, automatic):
    raw = message("Hola").replace(b"Ana <ana@acme.example>", sender.encode())

    assert parse_email(raw).is_auto is automatic


@pytest.mark.parametrize(
    ("sender", "subject", "bounce"),
    [
        ("MAILER-DAEMON@mx.acme.example", "Mail delivery failed: returning message", True),
        ("postmaster@acme.example", "Delivery Status Notification (Failure)", True),
        ("postmaster@acme.example", "Returned mail: see transcript for details", True),
        ("postmaster@acme.example", "No se ha podido entregar: Hola", True),
        ("postmaster@acme.example", "Cambio de horario del servidor", False),
        ("ana@acme.example", "Undelivered Mail Returned to Sender", False),
    ],
)
def test_a_plain_bounce_needs_a_daemon_sender_and_a_delivery_subject(sender, subject, bounce):
    raw = message("Hola", subject=subject).replace(b"Ana <ana@acme.example>", sender.encode())

    parsed = parse_email(raw)

    assert parsed.is_bounce is bounce
    if bounce:
        assert parsed.is_auto


def test_a_bounce_with_the_returned_message_as_text_names_its_message_id():
    body = (
        "This message was created automatically by mail delivery software.\n\n"
        "  nadie@acme.example\n    mailbox is full\n\n"
        "------ This is a copy of the message, including all the headers. ------\n\n"
        "Message-Id: <ticket-7.0123456789abcdef@tique.example>\n"
        "From: Tique <ayuda@tique.example>\n\nHola\n"
    )
    raw = message(body, subject="Mail delivery failed: returning message to sender")
    raw = raw.replace(b"Ana <ana@acme.example>", b"Mail Delivery System <Mailer-Daemon@mx.example>")

    parsed = parse_email(raw)

    assert parsed.is_bounce
    assert parsed.bounced_message_ids == ["<ticket-7.0123456789abcdef@tique.example>"]


def test_a_bounce_returned_message_is_attached_and_its_text_is_not_the_body():
    parsed = parse("dsn_bounce.eml")

    returned = parsed.attachments[1].content
    assert b"Message-ID: <ticket-1042.5d41402abc4b2a76b9719d911017c592@tique.example>" in returned
    assert "Hay una respuesta nueva" not in parsed.text


# --- Not an e-mail, broken, huge ---------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   \r\n\r\n  ",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"Hello, this is a note and not an e-mail.\nSecond line.\n",
        b"Note:just a colon\n\nand a body",
    ],
)
def test_bytes_that_are_not_an_email_raise_parse_error(raw):
    with pytest.raises(ParseError):
        parse_email(raw)


def test_a_mangled_first_line_does_not_hide_the_header_block():
    raw = b"R\x90turn-Pat\x8f <x@y>\n" + message("Hola")

    parsed = parse_email(raw)

    assert parsed.from_address == "ana@acme.example"
    assert parsed.text == "Hola"
    assert "unreadable lines before the header block skipped" in parsed.defects


def test_a_mbox_from_line_and_crlf_line_endings_are_fine():
    raw = b"From ana@acme.example Tue Nov 24 10:00:00 2026\n" + message("Hola\nAdiós")
    raw = raw.replace(b"\n", b"\r\n")

    parsed = parse_email(raw)

    assert parsed.subject == "Re: [#7] Hola"
    assert parsed.text == "Hola\nAdiós"


def nested(depth: int) -> bytes:
    head = (
        b"From: ana@acme.example\r\nSubject: nested\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b0"\r\n\r\n'
    )
    opening = b"".join(
        b'--b%d\r\nContent-Type: multipart/mixed; boundary="b%d"\r\n\r\n' % (level, level + 1)
        for level in range(depth)
    )
    leaf = b"--b%d\r\nContent-Type: text/plain\r\n\r\nhello\r\n" % depth
    closing = b"".join(b"--b%d--\r\n" % level for level in range(depth, -1, -1))
    return head + opening + leaf + closing


def test_reasonable_nesting_is_read_to_the_bottom():
    assert parse_email(nested(10)).text == "hello"


@pytest.mark.parametrize("depth", [40, 5000])
def test_absurd_nesting_is_reported_not_fatal(depth):
    parsed = parse_email(nested(depth))

    assert parsed.subject == "nested"
    assert parsed.from_address == "ana@acme.example"
    assert any("nest" in defect for defect in parsed.defects)


def test_attachments_beyond_fifty_are_left_out_and_reported():
    parts = "".join(
        f"--sep\nContent-Type: image/png\nContent-Disposition: attachment; "
        f'filename="foto-{number}.png"\nContent-Transfer-Encoding: base64\n\n'
        f"{base64.b64encode(b'png%d' % number).decode()}\n"
        for number in range(1, 61)
    )
    raw = message("").replace(b"text/plain; charset=utf-8", b'multipart/mixed; boundary="sep"') + (
        f"--sep\nContent-Type: text/plain\n\nSesenta fotos.\n{parts}--sep--\n".encode()
    )

    parsed = parse_email(raw)

    assert parsed.text == "Sesenta fotos."
    assert len(parsed.attachments) == MAX_ATTACHMENTS
    assert parsed.attachments[-1].filename == "foto-50.png"
    assert parsed.attachments[-1].content == b"png50"
    assert "60 attachments; only the first 50 kept" in parsed.defects


def test_a_twenty_megabyte_attachment_parses_without_pathological_slowness():
    content = os.urandom(20 * 1024 * 1024)
    encoded = base64.encodebytes(content).replace(b"\n", b"\r\n")
    raw = (
        b"From: ana@acme.example\r\nTo: ayuda@tique.example\r\nSubject: Copia\r\n"
        b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n'
        b"--b0\r\nContent-Type: text/plain\r\n\r\nOs mando la copia.\r\n"
        b"--b0\r\nContent-Type: application/zip\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="copia.zip"\r\n\r\n' + encoded + b"--b0--\r\n"
    )

    started = time.perf_counter()
    parsed = parse_email(raw)
    elapsed = time.perf_counter() - started

    assert parsed.text == "Os mando la copia."
    (attachment,) = parsed.attachments
    assert attachment.filename == "copia.zip"
    assert attachment.content == content
    assert elapsed < 10  # about half a second here; linear, whatever the machine


def mangle(data: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    pieces = [b"=?", b"?=", b"--", b"\r\n", b"\n\n", b"<", b">", b";", b'"', b"\x00"]
    pieces += [b"=?utf-8?B?", b"boundary=", b"charset=", b"*0*=", b"Content-Type: multipart/x\n"]
    for _ in range(rng.randint(1, 15)):
        position = rng.randrange(len(buffer) + 1)
        operation = rng.random()
        if operation < 0.4 and buffer:
            buffer[min(position, len(buffer) - 1)] = rng.randrange(256)
        elif operation < 0.7:
            buffer[position:position] = rng.choice(pieces)
        elif operation < 0.9:
            del buffer[position : position + rng.randint(1, 60)]
        else:
            del buffer[position:]
    return bytes(buffer)


def test_no_mangled_corpus_message_crashes_the_parser():
    rng = random.Random(5)
    files = [path.read_bytes() for path in sorted(EML.glob("*.eml"))]
    parsed = 0
    for _ in range(600):
        try:
            result = parse_email(mangle(rng.choice(files), rng))
        except ParseError:
            continue
        parsed += 1
        assert isinstance(result.text, str)
        assert result.text == "" or result.reply_text
    assert parsed > 300


def test_an_apple_mail_forward_keeps_the_forwarded_message_but_not_the_signature():
    body = (
        "Mirad esto.\n\nSent from my iPhone\n\nBegin forwarded message:\n\n"
        "> From: Banco Ejemplo <avisos@banco.example>\n"
        "> Date: 23 November 2026 at 18:12:00 CET\n"
        "> Subject: Factura rechazada\n>\n"
        "> La factura 2026/118 ha sido rechazada."
    )

    parsed = parse_email(message(body, subject="Fwd: Factura rechazada"))

    assert parsed.reply_text == body.replace("Sent from my iPhone\n\n", "")


def test_apple_mail_text_around_an_inline_image_reads_as_one_body():
    png = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
    parts = (
        "--m\nContent-Type: text/plain; charset=utf-8\n\nAntes de la captura.\n"
        "--m\nContent-Type: image/png; name=pantalla.png\nContent-Disposition: inline; "
        "filename=pantalla.png\nContent-ID: <2F1A@acme.example>\n"
        f"Content-Transfer-Encoding: base64\n\n{png}\n"
        "--m\nContent-Type: text/plain; charset=utf-8\n\nY después.\n--m--\n"
    )
    raw = message("").replace(b"text/plain; charset=utf-8", b'multipart/mixed; boundary="m"')

    parsed = parse_email(raw + parts.encode())

    assert parsed.text == "Antes de la captura.\n\nY después."
    (image,) = parsed.attachments
    assert (image.filename, image.inline, image.content_id) == (
        "pantalla.png",
        True,
        "2F1A@acme.example",
    )


def test_in_an_alternative_the_first_plain_text_is_the_text():
    parts = (
        "--a\nContent-Type: text/plain; charset=utf-8\n\nPrimera versión.\n"
        "--a\nContent-Type: text/plain; charset=utf-8\n\nSegunda versión.\n"
        "--a\nContent-Type: text/html; charset=utf-8\n\n<p>Versión <i>rica</i>.</p>\n--a--\n"
    )
    raw = message("").replace(b"text/plain; charset=utf-8", b'multipart/alternative; boundary="a"')

    parsed = parse_email(raw + parts.encode())

    assert parsed.text == "Primera versión."
    assert parsed.html == "<p>Versión <i>rica</i>.</p>"
    assert parsed.attachments == []
