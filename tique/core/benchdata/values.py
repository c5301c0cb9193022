"""Typed field values for bench tickets, made directly in their stored (cleaned) form
and valid for their kind's form: E.164 phone numbers that `phonenumbers` accepts,
IBANs, NIFs and EU VAT numbers with correct check digits (python-stdnum), dates
consistent with the day the ticket was opened. The test suite re-validates a sample
through `build_form_class`."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import phonenumbers
from stdnum import iban as stdnum_iban
from stdnum.es import ccc as stdnum_ccc
from stdnum.es import cif as stdnum_cif
from stdnum.pt import nif as stdnum_pt_nif

from tique.core.benchdata import vocabulary as words
from tique.tickets.catalogue import FieldSpec

MADRID = ZoneInfo("Europe/Madrid")
DNI_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE"
# Spanish geographic prefixes and mobile ranges that phonenumbers accepts as valid.
_PREFIXES = ["91", "93", "96", "95", "94", "98", "97", "92", "6", "7"]


def valid_phone(digits: str) -> bool:
    try:
        number = phonenumbers.parse(digits, "ES")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def phone_block(rng: random.Random) -> int:
    """The first number of a block of 100 an account has (9 digits, block-aligned)."""
    while True:
        prefix = rng.choice(_PREFIXES)
        rest = "".join(rng.choice("0123456789") for _ in range(9 - len(prefix)))
        first = int((prefix + rest)[:7] + "00")
        if valid_phone(str(first)) and valid_phone(str(first + 99)):
            return first


def dni(rng: random.Random) -> str:
    number = rng.randint(10_000_000, 99_999_999)
    return f"{number}{DNI_LETTERS[number % 23]}"


def cif(rng: random.Random) -> str:
    body = f"{rng.choice('AB')}{rng.randint(10, 99)}{rng.randint(0, 99999):05d}"
    return body + str(stdnum_cif.calc_check_digits(body))[0]


def tax_id(rng: random.Random) -> str:
    return cif(rng) if rng.random() < 0.7 else dni(rng)


def iban(rng: random.Random) -> str:
    bank = rng.choice(["2100", "0049", "0182", "0081", "2038", "0128", "1465"])
    branch = f"{rng.randint(1, 9999):04d}"
    account = f"{rng.randint(0, 9_999_999_999):010d}"
    check = stdnum_ccc.calc_check_digits(f"{bank}{branch}00{account}")
    return str(stdnum_iban.compact(stdnum_ccc.to_iban(f"{bank}{branch}{check}{account}")))


def eu_vat(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return "ES" + cif(rng)
    body = f"5{rng.randint(0, 9_999_999):07d}"
    return f"PT{body}{stdnum_pt_nif.calc_check_digit(body)}"


def mac(rng: random.Random) -> str:
    octets = [0x80, 0x5E, 0xC0, *(rng.randint(0, 255) for _ in range(3))]
    return ":".join(f"{octet:02X}" for octet in octets)


@dataclass
class ValueContext:
    """What a ticket's values depend on: its account and the moment it was opened."""

    rng: random.Random
    phrases: words.Phrasebook
    language: str
    opened: dt.datetime  # aware, local to Madrid
    phone_block: int  # the account's numbers: phone_block .. phone_block + 99
    account_name: str
    account_domain: str
    account_tax_id: str


def _e164(number: int) -> str:
    return f"+34{number}"


def _local_moment(context: ValueContext, max_hours_before: int) -> str:
    """A minute-precision time before the ticket was opened, in office hours (never in a
    daylight-saving gap or overlap), stored as the form stores it: ISO in UTC."""
    rng = context.rng
    day = context.opened.date() - dt.timedelta(days=rng.randint(0, max_hours_before // 24))
    local = dt.datetime.combine(day, dt.time(rng.randint(8, 19), rng.randint(0, 59)), tzinfo=MADRID)
    if local >= context.opened:
        local -= dt.timedelta(days=1)
    return local.astimezone(dt.UTC).isoformat()


def _text(spec: FieldSpec, context: ValueContext) -> str:
    rng = context.rng
    year = context.opened.year
    match spec.name:
        case "service":
            return rng.choice(words.SERVICES)
        case "service_id":
            return f"TRUNK-{context.account_domain.split('.')[0].upper()}-{rng.randint(1, 9):02d}"
        case "device_model":
            return rng.choice(words.DEVICE_MODELS)
        case "router_model":
            return rng.choice(words.ROUTER_MODELS)
        case "current_operator":
            return rng.choice(words.OPERATORS)
        case "holder_name":
            return context.account_name
        case "new_holder_name" | "end_client":
            return company_name(rng)
        case "invoice_number" | "purchase_reference":
            return f"F-{year - rng.randint(0, 1)}-{rng.randint(1, 99999):05d}"
        case "serial_number":
            return "".join(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(15))
        case "pbx_identifier":
            return f"pbx{rng.randint(1, 40)}.{context.account_domain}"
    return context.phrases.sentences(context.language, 1, 1)[: spec.max_length or 200]


def _textarea(spec: FieldSpec, context: ValueContext) -> str:
    rng = context.rng
    match spec.name:
        case "postal_address" | "return_address":
            postcode, city = rng.choice(words.CITIES)
            return f"{rng.choice(words.STREETS)} {rng.randint(1, 120)}\n{postcode} {city}"
        case "tests_done":
            return " ".join(rng.sample(context.phrases.tests_done[context.language], k=2))
        case "devices":
            first = rng.randint(100, 190)
            return f"Extensiones {first} a {first + rng.randint(1, 9)}"
    return context.phrases.sentences(context.language)


def _numbers(context: ValueContext, low: int, high: int, extensions: bool) -> list[str]:
    """Distinct numbers of the account's block (and extensions), as the form stores them."""
    rng = context.rng
    count = rng.randint(low, high)
    items: list[str] = []
    for offset in rng.sample(range(100), k=count):
        if extensions and rng.random() < 0.4:
            items.append(f"ext:{100 + offset}")
        else:
            items.append(_e164(context.phone_block + offset))
    return items


def _phones(context: ValueContext) -> list[str]:
    """One or two single numbers and sometimes a range, never overlapping."""
    rng = context.rng
    block = context.phone_block
    if rng.random() < 0.3:
        return [f"{_e164(block)}..{_e164(block + 9)}", _e164(block + rng.randint(20, 99))]
    return [_e164(block + offset) for offset in sorted(rng.sample(range(100), k=rng.randint(1, 3)))]


def _integer(spec: FieldSpec, values: dict[str, Any], context: ValueContext) -> int:
    if spec.greater_than and spec.greater_than in values:
        return int(values[spec.greater_than]) + context.rng.choice([2, 5, 10, 20, 30])
    return max(int(spec.extra.get("min", 0)), context.rng.choice([2, 4, 8, 10, 15, 30]))


def _choice(spec: FieldSpec, context: ValueContext) -> str:
    return context.rng.choice(spec.options).value


def typed_value(spec: FieldSpec, values: dict[str, Any], context: ValueContext) -> Any:
    """A stored value for one typed field (`values`: those made so far, for the rules
    between fields)."""
    rng = context.rng
    opened_day = context.opened.date()
    match spec.type:
        case "text":
            return _text(spec, context)
        case "textarea":
            return _textarea(spec, context)
        case "phone":
            return _e164(context.phone_block + rng.randint(0, 99))
        case "phones":
            return _phones(context)
        case "numbers_or_extensions":
            return _numbers(context, 1, 3, extensions=True)
        case "date":
            return (opened_day - dt.timedelta(days=rng.randint(1, 400))).isoformat()
        case "future_date":
            return (opened_day + dt.timedelta(days=rng.randint(3, 60))).isoformat()
        case "datetime":
            return _local_moment(context, 48)
        case "amount":
            return f"{rng.randint(5, 1500)}.{rng.choice(['00', '50', '90', '99', '25'])}"
        case "integer":
            return _integer(spec, values, context)
        case "email":
            return f"{rng.choice(['pagos', 'facturas', 'admin', 'legal'])}@{context.account_domain}"
        case "iban":
            return iban(rng)
        case "tax_id":
            return context.account_tax_id if rng.random() < 0.5 else tax_id(rng)
        case "eu_vat":
            return eu_vat(rng)
        case "mac":
            return mac(rng)
        case "choice":
            return _choice(spec, context)
        case "boolean":
            return rng.random() < 0.6
    raise ValueError(f"no bench value for field type {spec.type!r}")


def typed_values(specs: list[FieldSpec], context: ValueContext) -> dict[str, Any]:
    """Every required typed field, most optional ones, and the fields a rule requires."""
    values: dict[str, Any] = {}
    for spec in specs:
        if not spec.is_typed_value:
            continue
        needed = spec.required and spec.required_if is None
        if spec.required_if is not None:
            other, expected = spec.required_if
            needed = values.get(other) == expected
        if needed or spec.type == "boolean" or context.rng.random() < 0.5:
            values[spec.name] = typed_value(spec, values, context)
    return values


def company_name(rng: random.Random) -> str:
    return (
        f"{rng.choice(words.COMPANY_WORDS)} {rng.choice(words.COMPANY_PLACES)} "
        f"{rng.choice(words.COMPANY_FORMS)}"
    )


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}"
