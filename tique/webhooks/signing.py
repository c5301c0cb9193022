"""Signing deliveries, and checking a signature as a receiver does.

Every delivery carries `Tique-Signature: t=<unix seconds>,v1=<hex>`, where the hex is
the HMAC-SHA256, keyed with the subscription's secret, of `"<t>."` followed by the raw
request body. The timestamp lets a receiver refuse an old request replayed to it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

HEADER = "Tique-Signature"
SCHEME = "v1"
DEFAULT_TOLERANCE = 300


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of `"<timestamp>.<body>"` with `secret`."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, *, timestamp: int | None = None) -> str:
    stamp = int(time.time()) if timestamp is None else timestamp
    return f"t={stamp},{SCHEME}={signature(secret, stamp, body)}"


def verify_signature(
    secret: str,
    header: str,
    body: bytes,
    tolerance: int = DEFAULT_TOLERANCE,
    *,
    now: float | None = None,
) -> bool:
    """Whether `header` (the `Tique-Signature` value) signs `body` (the raw bytes as
    received) with `secret`, no more than `tolerance` seconds from now."""
    stamp: int | None = None
    given: list[str] = []
    for part in header.split(","):
        key, _sep, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            stamp = int(value)
        elif key == SCHEME:
            given.append(value)
    if stamp is None or not given:
        return False
    current = time.time() if now is None else now
    if abs(current - stamp) > tolerance:
        return False
    expected = signature(secret, stamp, body)
    return any(hmac.compare_digest(expected, value) for value in given)
