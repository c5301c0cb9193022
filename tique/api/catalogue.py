"""The catalogue: the three categories of ticket, their active entries (query kinds,
request types, incident kinds) and the typed fields each asks for, so that an
integrator knows what `POST /tickets` expects. Customers see only the entries their
membership may use, as in the panel; staff see every active entry."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from tique.accounts.models import Membership, User
from tique.accounts.selectors import memberships_of
from tique.api.auth import caller
from tique.api.errors import ApiError, ErrorOut, not_found
from tique.api.schemas import TeamRef
from tique.tickets import permissions, selectors
from tique.tickets.catalogue import FieldSpec, FieldType
from tique.tickets.choices import Category
from tique.tickets.models import CatalogueEntry, IncidentKind, RequestType

router = Router(tags=["catalogue"])

CategoryName = Literal["query", "request", "incident"]
ServiceAffectingName = Literal["always", "when_failing", "never"]
RoleName = Literal["subject", "body", ""]

# The longest text the form of each type takes (`catalogue.form_field`); an entry's own
# `max_length` counts for the free-text types only.
_FREE_TEXT_MAX_LENGTH = {"text": 200, "textarea": 20_000}
_FIXED_MAX_LENGTH = {"iban": 42, "tax_id": 20, "eu_vat": 20, "mac": 30}


class OptionOut(Schema):
    value: str
    label: str


class RequiredIfOut(Schema):
    field: str
    value: str


class FieldSpecOut(Schema):
    name: str = Field(description="The key to send in `fields` of `POST /tickets`.")
    type: FieldType
    format: str = Field(description="What to send for this type.")
    label: str
    help: str
    required: bool = Field(description="Required whatever the other fields say.")
    required_if: RequiredIfOut | None = Field(
        description="Required only when another field has this value."
    )
    role: RoleName = Field(
        description="`subject` or `body`: becomes the ticket's subject or its first message."
    )
    options: list[OptionOut] = Field(description="The values a `choice` field accepts.")
    multiple: bool
    sensitive: bool = Field(description="Shown masked to everyone but the billing team.")
    max_length: int | None = Field(description="The longest text accepted, if limited.")
    greater_than: str | None = Field(description="Another field this one must exceed.")


class EntryOut(Schema):
    category: CategoryName
    slug: str = Field(description="The `kind` to send to `POST /tickets`.")
    name: str
    description: str
    team: TeamRef = Field(description="The team its tickets are routed to.")
    admin_only: bool | None = Field(
        description="Requests: only the account's administrators may open it."
    )
    service_affecting: ServiceAffectingName | None = Field(
        description="Incidents: whether it stops the telephone service, which decides if "
        "it is attended outside business hours."
    )
    fields: list[FieldSpecOut]


class CategoryOut(Schema):
    slug: CategoryName
    name: str
    entries: list[EntryOut]


class CatalogueFilters(Schema):
    account: str | None = Field(
        None,
        max_length=32,
        description="Customers with several accounts: the customer code whose catalogue "
        "to show (the first account by default). Ignored for staff.",
    )


# --- Building the output ------------------------------------------------------------


def _format_hint(spec: FieldSpec) -> str:
    match spec.type:
        case "text":
            return _("text, one line")
        case "textarea":
            return _("text, several lines")
        case "phone":
            return _("a phone number; Spanish unless it starts with +")
        case "phones":
            return _("list of phone numbers or ranges (first-last)")
        case "numbers_or_extensions":
            return _("list of phone numbers or extensions (2 to 6 digits)")
        case "date":
            return _("YYYY-MM-DD")
        case "future_date":
            return _("YYYY-MM-DD, today or later")
        case "datetime":
            return _("YYYY-MM-DDTHH:MM")
        case "amount":
            return _("decimal, e.g. 1234.56")
        case "integer":
            return _("whole number, at least %(min)s") % {"min": int(spec.extra.get("min", 0))}
        case "email":
            return _("e-mail address")
        case "iban":
            return _("IBAN")
        case "tax_id":
            return _("Spanish NIF, CIF or NIE")
        case "eu_vat":
            return _("EU VAT number with its country prefix")
        case "mac":
            return _("MAC address, 12 hexadecimal digits")
        case "choice":
            return _("one of the options' values")
        case "boolean":
            return _("true/false")
        case "file":
            return _("list of upload tokens from POST /uploads")
    return ""


def _max_length(spec: FieldSpec) -> int | None:
    if spec.type in _FREE_TEXT_MAX_LENGTH:
        return spec.max_length or _FREE_TEXT_MAX_LENGTH[spec.type]
    return _FIXED_MAX_LENGTH.get(spec.type)


def field_spec_out(spec: FieldSpec) -> FieldSpecOut:
    required_if = spec.required_if
    return FieldSpecOut(
        name=spec.name,
        type=spec.type,  # type: ignore[arg-type]
        format=_format_hint(spec),
        label=spec.label,
        help=spec.help_text,
        # As the form decides: a conditional field is checked by `required_if`, and a
        # boolean's false is an answer.
        required=spec.required and required_if is None and spec.type != "boolean",
        required_if=RequiredIfOut(field=required_if[0], value=required_if[1])
        if required_if
        else None,
        role=spec.role,  # type: ignore[arg-type]
        options=[OptionOut(value=o.value, label=o.label) for o in spec.options],
        multiple=spec.multiple,
        sensitive=spec.sensitive,
        max_length=_max_length(spec),
        greater_than=spec.greater_than or None,
    )


def entry_out(entry: CatalogueEntry) -> EntryOut:
    return EntryOut(
        category=entry.category,  # type: ignore[arg-type]
        slug=entry.slug,
        name=entry.name,
        description=entry.description,
        team=TeamRef(slug=entry.team.slug, name=entry.team.name),
        admin_only=entry.admin_only if isinstance(entry, RequestType) else None,
        service_affecting=entry.service_affecting  # type: ignore[arg-type]
        if isinstance(entry, IncidentKind)
        else None,
        fields=[field_spec_out(spec) for spec in entry.field_specs()],
    )


# --- Who sees what --------------------------------------------------------------------


def _membership(user: User, code: str | None) -> Membership | None:
    """The membership whose catalogue a customer sees: the account named, or the first.
    None for a customer with no active account (they may use nothing)."""
    memberships = list(memberships_of(user))
    if code is None:
        return memberships[0] if memberships else None
    for membership in memberships:
        if membership.account.customer_code.lower() == code.lower():
            return membership
    raise ApiError(
        422,
        "validation_error",
        _("You do not belong to that account."),
        {"account": [_("Unknown account.")]},
    )


class _Scope:
    """Whose catalogue it is: staff see every active entry; a customer what the chosen
    membership may use (nothing without one). The membership is read once."""

    def __init__(self, user: User, code: str | None) -> None:
        self.staff = user.is_staff
        self.membership = None if self.staff else _membership(user, code)

    def usable(self, entries: list[CatalogueEntry]) -> list[CatalogueEntry]:
        if self.staff:
            return entries
        membership = self.membership
        if membership is None:
            return []
        return [entry for entry in entries if permissions.can_use_kind(membership, entry)]


# --- Operations -----------------------------------------------------------------------


@router.get("/catalogue", response={200: list[CategoryOut], 422: ErrorOut})
def catalogue(request: HttpRequest, filters: Query[CatalogueFilters]) -> list[CategoryOut]:
    """The three categories, each with the entries the caller may open tickets of."""
    scope = _Scope(caller(request), filters.account)
    return [
        CategoryOut(
            slug=category,  # type: ignore[arg-type]
            name=str(Category(category).label),
            entries=[entry_out(e) for e in scope.usable(entries)],
        )
        for category, entries in selectors.catalogue_by_category().items()
    ]


@router.get("/catalogue/{category}", response={200: list[EntryOut], 422: ErrorOut})
def catalogue_category(
    request: HttpRequest, category: CategoryName, filters: Query[CatalogueFilters]
) -> list[EntryOut]:
    """The entries of one category the caller may open tickets of."""
    scope = _Scope(caller(request), filters.account)
    return [entry_out(e) for e in scope.usable(selectors.catalogue_entries(category))]


@router.get("/catalogue/{category}/{slug}", response={200: EntryOut, 404: ErrorOut, 422: ErrorOut})
def catalogue_entry(
    request: HttpRequest,
    category: CategoryName,
    slug: str,
    filters: Query[CatalogueFilters],
) -> EntryOut:
    """One entry with its fields; 404 when it is inactive or the caller may not use it."""
    scope = _Scope(caller(request), filters.account)
    entry = selectors.catalogue_entry(category, slug)
    if entry is None or not scope.usable([entry]):
        raise not_found()
    return entry_out(entry)
