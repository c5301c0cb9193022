"""Typed fields of the catalogue: what a request type or incident kind asks for.

A catalogue entry stores its fields as a JSON list of specifications; this module turns
that list into a Django form (the one validation engine for the panel, the API and any
later channel), into JSON-safe values to store on the ticket, and back into text to
show, masking what is sensitive.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from typing import Any, ClassVar, Literal

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise
from stdnum import iban as stdnum_iban
from stdnum.es import nif as stdnum_nif
from stdnum.eu import vat as stdnum_vat

from tique.core.i18n import pick
from tique.tickets.attachments import MultipleFileField, validate_upload

FieldType = Literal[
    "text",
    "textarea",
    "phone",
    "phones",
    "numbers_or_extensions",
    "date",
    "future_date",
    "datetime",
    "amount",
    "integer",
    "email",
    "iban",
    "tax_id",
    "eu_vat",
    "mac",
    "choice",
    "boolean",
    "file",
]
FIELD_TYPES: frozenset[str] = frozenset(FieldType.__args__)  # type: ignore[attr-defined]
DEFAULT_PHONE_REGION = "ES"
MAX_RANGE_SIZE = 10_000
MAX_LIST_ITEMS = 200
_LIST_SPLIT = re.compile(r"[,;\n\r]+")
_RANGE_SPLIT = re.compile(r"\s*(?:\.\.|–|—|-|\bto\b|\ba\b)\s*")
_EXTENSION = re.compile(r"^(?:ext\.?\s*|extensi[oó]n\s*|\*)?(\d{2,6})$", re.IGNORECASE)
_GROUPED_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+")
_MAC_SEPARATORS = re.compile(r"[\s:.\-]")
_AMOUNT = re.compile(r"[+-]?\d+(?:\.\d+)?")
_CENTS = Decimal("0.01")


@dataclass(frozen=True)
class Option:
    value: str
    label_es: str
    label_en: str

    @property
    def label(self) -> str:
        return pick(es=self.label_es, en=self.label_en)


@dataclass(frozen=True)
class FieldSpec:
    """One typed field. `role` "subject" or "body" sends the value to the ticket's subject
    or its first message instead of its typed fields."""

    name: str
    type: str
    label_es: str
    label_en: str
    required: bool = True
    help_es: str = ""
    help_en: str = ""
    role: str = ""
    options: tuple[Option, ...] = ()
    greater_than: str = ""
    required_if: tuple[str, str] | None = None
    sensitive: bool = False
    multiple: bool = False
    max_length: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return pick(es=self.label_es, en=self.label_en)

    @property
    def help_text(self) -> str:
        return pick(es=self.help_es, en=self.help_en)

    @property
    def is_file(self) -> bool:
        return self.type == "file"

    @property
    def is_typed_value(self) -> bool:
        """Stored in `Ticket.fields` (not the subject, the first message or a file)."""
        return not self.role and not self.is_file


def parse_specs(raw: Iterable[Mapping[str, Any]]) -> list[FieldSpec]:
    """Read a catalogue entry's JSON field list; a malformed list is a ValueError."""
    specs: list[FieldSpec] = []
    seen: set[str] = set()
    for item in raw:
        data = dict(item)
        name = str(data.pop("name"))
        kind = str(data.pop("type"))
        if kind not in FIELD_TYPES:
            raise ValueError(f"unknown field type {kind!r} for field {name!r}")
        if name in seen:
            raise ValueError(f"field {name!r} appears twice")
        seen.add(name)
        options = tuple(
            Option(value=str(o["value"]), label_es=o["label_es"], label_en=o["label_en"])
            for o in data.pop("options", ())
        )
        required_if = data.pop("required_if", None)
        specs.append(
            FieldSpec(
                name=name,
                type=kind,
                label_es=str(data.pop("label_es")),
                label_en=str(data.pop("label_en")),
                required=bool(data.pop("required", True)),
                help_es=str(data.pop("help_es", "")),
                help_en=str(data.pop("help_en", "")),
                role=str(data.pop("role", "")),
                options=options,
                greater_than=str(data.pop("greater_than", "")),
                required_if=(str(required_if[0]), str(required_if[1])) if required_if else None,
                sensitive=bool(data.pop("sensitive", kind == "iban")),
                multiple=bool(data.pop("multiple", False)),
                max_length=int(data.pop("max_length", 0)),
                extra=data,
            )
        )
    return specs


# --- Django form fields for the types that need real validation --------------------


def _parse_phone(raw: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(raw, DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class PhoneField(forms.CharField):
    """One phone number, Spanish unless it starts with +; stored as E.164."""

    widget = forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"})

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        number = _parse_phone(text)
        if number is None:
            raise ValidationError(
                _("“%(value)s” is not a valid phone number.") % {"value": text}, code="phone"
            )
        return _e164(number)


def _split_list(text: str) -> list[str]:
    items = [item.strip() for item in _LIST_SPLIT.split(text) if item.strip()]
    if len(items) > MAX_LIST_ITEMS:
        raise ValidationError(
            _("Enter at most %(max)d items.") % {"max": MAX_LIST_ITEMS}, code="too_many"
        )
    return items


def _parse_range(item: str) -> tuple[str, str, int] | None:
    """`912345600-912345699` → (first E.164, last E.164, size), or None if not a range."""
    parts = _RANGE_SPLIT.split(item)
    if len(parts) != 2:
        return None
    first, last = _parse_phone(parts[0]), _parse_phone(parts[1])
    if first is None or last is None or first.country_code != last.country_code:
        return None
    low, high = _e164(first), _e164(last)
    if len(low) != len(high) or int(high[1:]) < int(low[1:]):
        return None
    size = int(high[1:]) - int(low[1:]) + 1
    return low, high, size


class PhoneListField(forms.CharField):
    """One or more numbers (or ranges `first-last`), one per line or comma-separated.

    Each is validated; duplicates and overlapping ranges are refused. Stored as a list
    of E.164 numbers and `first..last` ranges."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return []
        spans: list[tuple[int, int, str]] = []
        result: list[str] = []
        errors: list[ValidationError] = []
        for item in _split_list(text):
            number = _parse_phone(item)
            if number is not None:
                e164 = _e164(number)
                spans.append((int(e164[1:]), int(e164[1:]), item))
                result.append(e164)
                continue
            parsed = _parse_range(item)
            if parsed is None:
                errors.append(
                    ValidationError(
                        _("“%(value)s” is not a valid phone number or range.") % {"value": item},
                        code="phone",
                    )
                )
                continue
            low, high, size = parsed
            if size > MAX_RANGE_SIZE:
                errors.append(
                    ValidationError(
                        _("The range “%(value)s” has more than %(max)d numbers.")
                        % {"value": item, "max": MAX_RANGE_SIZE},
                        code="range_too_large",
                    )
                )
                continue
            spans.append((int(low[1:]), int(high[1:]), item))
            result.append(f"{low}..{high}")
        errors.extend(_overlaps(spans))
        if errors:
            raise ValidationError(errors)
        return result


def _overlaps(spans: list[tuple[int, int, str]]) -> list[ValidationError]:
    errors = []
    ordered = sorted(spans)
    for (low_a, high_a, item_a), (low_b, high_b, item_b) in pairwise(ordered):
        if low_b > high_a:
            continue
        if (low_a, high_a) == (low_b, high_b):
            message = _("“%(value)s” appears more than once.") % {"value": item_b}
        else:
            message = _("“%(a)s” and “%(b)s” overlap.") % {"a": item_a, "b": item_b}
        errors.append(ValidationError(message, code="duplicate"))
    return errors


class NumbersOrExtensionsField(forms.CharField):
    """Phone numbers (E.164) and extensions (2 to 6 digits), one per line or comma."""

    widget = forms.Textarea(attrs={"rows": 2})

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return []
        result: list[str] = []
        errors = []
        for item in _split_list(text):
            extension = _EXTENSION.match(item)
            if extension:
                value_ = f"ext:{extension.group(1)}"
            else:
                number = _parse_phone(item)
                if number is None:
                    errors.append(
                        ValidationError(
                            _("“%(value)s” is neither a valid phone number nor an extension.")
                            % {"value": item},
                            code="phone",
                        )
                    )
                    continue
                value_ = _e164(number)
            if value_ in result:
                errors.append(
                    ValidationError(
                        _("“%(value)s” appears more than once.") % {"value": item},
                        code="duplicate",
                    )
                )
                continue
            result.append(value_)
        if errors:
            raise ValidationError(errors)
        return result


class AmountField(forms.DecimalField):
    """An amount in euros, more than zero, two decimal places; accepts 1234,56 and 1234.56."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(**kwargs)
        self.widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if isinstance(value, str):
            text = value.replace("€", "").replace("EUR", "").replace(" ", "").strip()
            if _GROUPED_THOUSANDS.fullmatch(text):
                # "1.500" is 1500 to a Spanish reader and 1.5 to an English one: ask.
                raise ValidationError(
                    _("“%(value)s” is ambiguous: write it with a decimal comma, like %(example)s.")
                    % {"value": text, "example": text.replace(".", "") + ",00"},
                    code="ambiguous",
                )
            if "," in text and "." in text:
                # The last separator is the decimal one: 1.234,56 or 1,234.56.
                thousands = "." if text.rfind(",") > text.rfind(".") else ","
                text = text.replace(thousands, "")
            text = text.replace(",", ".")
            if not text:
                return None
            if not _AMOUNT.fullmatch(text):
                # Digits only: no "1e3", "NaN" or "Infinity", which Decimal would take.
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            try:
                return super().to_python(str(Decimal(text)))
            except InvalidOperation:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)

    def clean(self, value: Any) -> Decimal | None:
        amount = super().clean(value)
        # Stored with its two places whatever was typed: "300" and "12,3" → "300.00", "12.30".
        return amount.quantize(_CENTS) if amount is not None else None


def _checked(check: Any, compact: Any, message: StrOrPromise, code: str) -> type[forms.CharField]:
    class CheckedField(forms.CharField):
        def to_python(self, value: Any) -> str:
            text = super().to_python(value)
            if not text:
                return ""
            if not check(text):
                raise ValidationError(message_for(text), code=code)
            return str(compact(text))

    def message_for(text: str) -> str:
        return str(message) % {"value": text}

    return CheckedField


IbanField = _checked(
    stdnum_iban.is_valid,
    stdnum_iban.compact,
    gettext_lazy("“%(value)s” is not a valid IBAN (check the digits)."),
    "iban",
)
TaxIdField = _checked(
    stdnum_nif.is_valid,
    stdnum_nif.compact,
    gettext_lazy("“%(value)s” is not a valid Spanish NIF, CIF or NIE."),
    "tax_id",
)
EuVatField = _checked(
    stdnum_vat.is_valid,
    stdnum_vat.compact,
    gettext_lazy("“%(value)s” is not a valid EU VAT number (with its country prefix)."),
    "eu_vat",
)


class MacAddressField(forms.CharField):
    """12 hexadecimal digits with any separator; stored as AA:BB:CC:DD:EE:FF."""

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        if not text:
            return ""
        digits = _MAC_SEPARATORS.sub("", text).upper()
        if not re.fullmatch(r"[0-9A-F]{12}", digits):
            raise ValidationError(
                _("“%(value)s” is not a MAC address (12 hexadecimal digits).") % {"value": text},
                code="mac",
            )
        return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


class FutureDateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value and value < timezone.localdate():
            raise ValidationError(_("The date cannot be in the past."), code="past")


def form_field(spec: FieldSpec) -> forms.Field:
    """The Django form field for a spec (labels in the active language)."""
    common: dict[str, Any] = {
        "label": spec.label,
        "required": spec.required and spec.required_if is None,
        "help_text": spec.help_text,
    }
    max_length = spec.max_length or None
    match spec.type:
        case "text":
            return forms.CharField(max_length=max_length or 200, **common)
        case "textarea":
            return forms.CharField(
                widget=forms.Textarea(attrs={"rows": 5}), max_length=max_length or 20_000, **common
            )
        case "phone":
            return PhoneField(**common)
        case "phones":
            return PhoneListField(**common)
        case "numbers_or_extensions":
            return NumbersOrExtensionsField(**common)
        case "date":
            return forms.DateField(
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common
            )
        case "future_date":
            return FutureDateField(**common)
        case "datetime":
            return forms.DateTimeField(
                widget=forms.DateTimeInput(
                    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
                ),
                **common,
            )
        case "amount":
            return AmountField(**common)
        case "integer":
            return forms.IntegerField(min_value=int(spec.extra.get("min", 0)), **common)
        case "email":
            return forms.EmailField(**common)
        case "iban":
            return IbanField(max_length=42, **common)
        case "tax_id":
            return TaxIdField(max_length=20, **common)
        case "eu_vat":
            return EuVatField(max_length=20, **common)
        case "mac":
            return MacAddressField(max_length=30, **common)
        case "choice":
            choices = [("", "---------"), *((o.value, o.label) for o in spec.options)]
            return forms.ChoiceField(choices=choices, **common)
        case "boolean":
            return forms.BooleanField(**{**common, "required": False})
        case "file":
            return MultipleFileField(**common)
    raise ValueError(f"unknown field type {spec.type!r}")


class TypedFieldsForm(forms.Form):
    """Base of the forms built from a field list; enforces the cross-field rules."""

    specs: ClassVar[Sequence[FieldSpec]] = ()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for spec in self.specs:
            if spec.greater_than:
                mine, other = cleaned.get(spec.name), cleaned.get(spec.greater_than)
                if mine is not None and other is not None and mine <= other:
                    other_label = self.fields[spec.greater_than].label
                    self.add_error(
                        spec.name,
                        ValidationError(
                            _("Must be greater than “%(field)s”.") % {"field": other_label},
                            code="not_greater",
                        ),
                    )
            if spec.required_if:
                other_name, expected = spec.required_if
                missing = cleaned.get(other_name) == expected and not cleaned.get(spec.name)
                if missing and spec.name not in self.errors:
                    self.add_error(
                        spec.name, ValidationError(_("This field is required."), code="required")
                    )
        self.clean_uploads()
        return cleaned

    def clean_uploads(self) -> None:
        for spec in self.specs:
            if spec.is_file and spec.name in self.cleaned_data:
                for upload in self.cleaned_data[spec.name] or []:
                    try:
                        validate_upload(upload)
                    except ValidationError as error:
                        self.add_error(spec.name, error)

    def role_value(self, role: str) -> str:
        for spec in self.specs:
            if spec.role == role:
                return str(self.cleaned_data.get(spec.name) or "")
        return ""

    def typed_values(self) -> dict[str, Any]:
        """The JSON-safe values to store on the ticket (empty optional values left out)."""
        values: dict[str, Any] = {}
        for spec in self.specs:
            if not spec.is_typed_value:
                continue
            value = self.cleaned_data.get(spec.name)
            # Not `value in (None, "", [], False)`: 0 == False would drop an integer 0.
            if spec.type != "boolean" and (value is None or value == "" or value == []):
                continue
            values[spec.name] = to_json(value)
        return values

    def uploads(self) -> list[tuple[str, Any]]:
        """(field name, uploaded file) for every file given in a file field."""
        return [
            (spec.name, upload)
            for spec in self.specs
            if spec.is_file
            for upload in (self.cleaned_data.get(spec.name) or [])
        ]


def build_form_class(specs: Sequence[FieldSpec]) -> type[TypedFieldsForm]:
    attrs: dict[str, Any] = {spec.name: form_field(spec) for spec in specs}
    attrs["specs"] = tuple(specs)
    return type("TypedFieldsForm", (TypedFieldsForm,), attrs)


def to_json(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


# --- Showing stored values ------------------------------------------------------------


def mask_iban(value: str) -> str:
    """Country and last four digits only: ES·· ···· 1332."""
    compact = stdnum_iban.compact(value)
    return f"{compact[:2]}·· ···· {compact[-4:]}" if len(compact) > 6 else "····"


def _format_phone(e164: str) -> str:
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def format_list_item(item: str) -> str:
    if item.startswith("ext:"):
        return _("ext. %(number)s") % {"number": item[4:]}
    if ".." in item:
        low, high = item.split("..", 1)
        return f"{_format_phone(low)} – {_format_phone(high)}"
    return _format_phone(item)


def display_value(spec: FieldSpec, value: Any, *, reveal_sensitive: bool = False) -> str:
    """The stored value as text for a page, an e-mail or an API response."""
    if value is None or value == "":
        return ""
    if spec.sensitive and not reveal_sensitive:
        return mask_iban(str(value)) if spec.type == "iban" else "····"
    match spec.type:
        case "phone":
            return _format_phone(str(value))
        case "phones" | "numbers_or_extensions":
            return ", ".join(format_list_item(str(item)) for item in value)
        case "iban":
            return str(stdnum_iban.format(str(value)))
        case "amount":
            return f"{formats.number_format(Decimal(str(value)), 2, use_l10n=True)} €"
        case "date" | "future_date":
            return str(formats.date_format(dt.date.fromisoformat(str(value)), "DATE_FORMAT"))
        case "datetime":
            moment = timezone.localtime(dt.datetime.fromisoformat(str(value)))
            return str(formats.date_format(moment, "DATETIME_FORMAT"))
        case "choice":
            for option in spec.options:
                if option.value == value:
                    return option.label
            return str(value)
        case "boolean":
            return _("Yes") if value else _("No")
    return str(value)


# --- What every entry of a category asks for, besides its own fields ------------------

INCIDENT_COMMON_FIELDS = parse_specs(
    [
        {
            "name": "description",
            "type": "textarea",
            "role": "body",
            "label_es": "Describe la incidencia con la mayor claridad posible",
            "label_en": "Describe the fault as clearly as you can",
        },
        {
            "name": "tests_done",
            "type": "textarea",
            "label_es": "Pruebas que ya has realizado",
            "label_en": "Tests you have already done",
            "help_es": "Por ejemplo: reinicié el router, probé desde otro teléfono, llamé desde "
            "un móvil.",
            "help_en": "For example: restarted the router, tried another phone, called from a "
            "mobile.",
        },
        {
            "name": "started_at",
            "type": "datetime",
            "required": False,
            "label_es": "Cuándo empezó",
            "label_en": "When it started",
        },
        {
            "name": "affected",
            "type": "numbers_or_extensions",
            "label_es": "Números o extensiones afectados",
            "label_en": "Affected numbers or extensions",
            "help_es": "Uno por línea o separados por comas: 912345678, 101…",
            "help_en": "One per line or comma-separated: 912345678, 101…",
        },
        {
            "name": "calls_failing_now",
            "type": "boolean",
            "label_es": "Las llamadas están fallando ahora mismo",
            "label_en": "Calls are failing right now",
        },
    ]
)
INCIDENT_ATTACHMENTS_FIELD = parse_specs(
    [
        {
            "name": "attachments",
            "type": "file",
            "required": False,
            "label_es": "Adjuntos (traza SIP, pcap, capturas de pantalla)",
            "label_en": "Attachments (SIP trace, pcap, screenshots)",
        }
    ]
)
REQUEST_COMMENTS_FIELD = parse_specs(
    [
        {
            "name": "comments",
            "type": "textarea",
            "role": "body",
            "required": False,
            "label_es": "Comentarios",
            "label_en": "Comments",
        }
    ]
)


def specs_for(category: str, entry_fields: Iterable[Mapping[str, Any]]) -> list[FieldSpec]:
    """Every field the form for a catalogue entry shows, in order."""
    own = parse_specs(entry_fields)
    if category == "incident":
        return [*INCIDENT_COMMON_FIELDS, *own, *INCIDENT_ATTACHMENTS_FIELD]
    if category == "request" and not any(spec.role == "body" for spec in own):
        return [*own, *REQUEST_COMMENTS_FIELD]
    return own
