"""Store first: the raw bytes of every message are saved before anything else, and the
same message received twice is stored once."""

from __future__ import annotations

import contextlib
import hashlib
from email.header import decode_header, make_header
from email.parser import BytesHeaderParser
from email.policy import compat32

from django.db import IntegrityError, transaction

from tique.mail.choices import InboundSource
from tique.mail.models import InboundEmail

MAX_HEADER = 255


def _headers(raw: bytes) -> tuple[str, str, str]:
    """Message-ID, From and Subject as written (for listing; parsing comes later). The
    header-only parser reads no body and does not raise on a broken header."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
    except (TypeError, ValueError):
        return "", "", ""

    def value(name: str) -> str:
        text = str(headers.get(name, "") or "")
        # =?utf-8?q?…?= words, for a readable list; a broken one stays as written.
        with contextlib.suppress(ValueError, LookupError, UnicodeDecodeError):
            text = str(make_header(decode_header(text)))
        return " ".join(text.split())[:MAX_HEADER]

    message_id = value("Message-ID").replace(" ", "")
    return message_id, value("From"), value("Subject")


def store_raw(raw: bytes, *, source: InboundSource, mailbox: str = "") -> tuple[InboundEmail, bool]:
    """The stored message and whether it is new. A message already stored (the same
    Message-ID, or the same bytes when it has none) is returned as it is."""
    digest = hashlib.sha256(raw).hexdigest()
    message_id, sender, subject = _headers(raw)
    existing = _find(digest, message_id)
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            email = InboundEmail.objects.create(
                raw=raw,
                size=len(raw),
                sha256=digest,
                message_id=message_id,
                source=source,
                mailbox=mailbox,
                from_address=sender,
                subject=subject,
            )
    except IntegrityError:
        # Stored meanwhile by a concurrent receiver of the same message.
        again = _find(digest, message_id)
        if again is None:
            raise
        return again, False
    return email, True


def _find(digest: str, message_id: str) -> InboundEmail | None:
    match = InboundEmail.objects.filter(sha256=digest).first()
    if match is None and message_id:
        match = InboundEmail.objects.filter(message_id=message_id).first()
    return match
