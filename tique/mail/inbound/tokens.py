"""The per-ticket reply address: `ayuda+<number>-<signature>@domain`.

The signature is an HMAC of the ticket number under the site's secret, so a token can
be checked without storing it and cannot be made up for another ticket. It only says
which ticket a reply is about: whether its sender may add to that ticket is still
decided by the visibility rules.
"""

from __future__ import annotations

import re
from email.utils import parseaddr

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

SALT = "tique.mail.reply-token"
_TOKEN = re.compile(r"^(\d{1,18})-([a-z0-9]{12})$")


def _signature(number: int) -> str:
    digest = salted_hmac(SALT, str(number), algorithm="sha256").hexdigest()
    return digest[:12]


def reply_token(number: int) -> str:
    return f"{number}-{_signature(number)}"


def support_address() -> tuple[str, str]:
    """(local part, domain) of the support mailbox customers write to."""
    _name, address = parseaddr(settings.TIQUE_SUPPORT_ADDRESS)
    local, _at, domain = address.partition("@")
    return local, domain


def reply_address(number: int) -> str:
    local, domain = support_address()
    return f"{local}+{reply_token(number)}@{domain}"


def number_from_recipients(recipients: list[str]) -> int | None:
    """The ticket number of the first valid reply token among the recipients."""
    local, domain = support_address()
    for recipient in recipients:
        user, _at, host = recipient.lower().partition("@")
        base, plus, token = user.partition("+")
        if not plus or base != local.lower() or host != domain.lower():
            continue
        match = _TOKEN.match(token)
        if match and constant_time_compare(match.group(2), _signature(int(match.group(1)))):
            return int(match.group(1))
    return None
