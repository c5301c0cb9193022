"""Every request type, incident kind and query kind of the seeded catalogue validates
what /work/shared/CATALOGUE.md says, at the form level (`build_form_class`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tique.tickets.catalogue import build_form_class, parse_specs
from tique.tickets.models import IncidentKind, QueryKind, RequestType
from tique.tickets.tests.catalogue_examples import (
    EXAMPLES,
    bound_form,
    example,
    in_days,
    kind_of,
    pdf,
)

pytestmark = pytest.mark.django_db


def yesterday() -> str:
    return in_days(-1).isoformat()


def error_codes(form: Any) -> dict[str, list[str]]:
    return {
        name: [error.code for error in errors] for name, errors in form.errors.as_data().items()
    }


def test_the_examples_cover_every_seeded_catalogue_entry():
    seeded = {
        *(("query", slug) for slug in QueryKind.objects.values_list("slug", flat=True)),
        *(("request", slug) for slug in RequestType.objects.values_list("slug", flat=True)),
        *(("incident", slug) for slug in IncidentKind.objects.values_list("slug", flat=True)),
    }
    assert seeded == {(ex.category, ex.slug) for ex in EXAMPLES}
    assert len(seeded) == 2 + 12 + 8


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda ex: ex.id)
def test_every_catalogue_entry_accepts_a_valid_submission_and_normalises_its_values(ex):
    form = bound_form(ex.category, ex.slug)

    assert form.is_valid(), form.errors.as_json()
    assert form.typed_values() == ex.stored()
    assert form.role_value("subject") == ex.subject
    assert form.role_value("body") == ex.body
    assert sorted((name, upload.name) for name, upload in form.uploads()) == sorted(
        (name, file_name) for name, names in ex.files.items() for file_name in names
    )


BAD_VALUES = [
    # Phones: invalid, too short, too long.
    ("request", "recover-number", "number", "91234", "phone"),
    ("request", "recover-number", "number", "912345678901", "phone"),
    ("request", "recover-number", "number", "teléfono", "phone"),
    ("request", "recover-number", "number", "", "required"),
    ("request", "recover-number", "lost_on", "32/13/2025", "invalid"),
    ("request", "change-holder", "contact_phone", "12345", "phone"),
    ("incident", "cannot-place-calls", "dialled_number", "91234", "phone"),
    ("incident", "cannot-receive-calls", "caller_number", "abc", "phone"),
    ("incident", "cannot-receive-calls", "called_number", "9123", "phone"),
    ("incident", "outbound-rings-extension", "dialled_number", "", "required"),
    # Numbers or extensions (incidents).
    ("incident", "pbx", "affected", "12345678", "phone"),
    ("incident", "pbx", "affected", "101, 101", "duplicate"),
    ("incident", "other", "affected", "912345678\n+34 912 34 56 78", "duplicate"),
    ("incident", "other", "affected", "", "required"),
    ("incident", "one-way-audio-outbound", "from_number", "1", "phone"),
    ("incident", "one-way-audio-inbound", "to_number", "hola", "phone"),
    ("incident", "outbound-rings-extension", "extension_rang", "1234567", "phone"),
    # Numbers to port: lists and ranges.
    ("request", "port-numbers", "numbers", "912345678, 91234", "phone"),
    ("request", "port-numbers", "numbers", "912345678\n912 345 678", "duplicate"),
    ("request", "port-numbers", "numbers", "912345600-912345699\n912345650-912345750", "duplicate"),
    ("request", "port-numbers", "numbers", "912345600-912345699\n912345650", "duplicate"),
    ("request", "port-numbers", "numbers", "912345600-912345699, 912345600-912345699", "duplicate"),
    ("request", "port-numbers", "numbers", "910000000-910010000", "range_too_large"),
    ("request", "port-numbers", "numbers", "912345699-912345600", "phone"),
    ("request", "port-numbers", "numbers", "912345600-91234", "phone"),
    ("request", "port-numbers", "numbers", "", "required"),
    # IBAN.
    ("request", "change-bank-account", "iban", "ES91 2100 0418 4502 0005 1333", "iban"),
    ("request", "change-bank-account", "iban", "ES81 2100 0418 4502 0005 1332", "iban"),
    ("request", "change-bank-account", "iban", "ES91 2100 0418 4502 0005", "iban"),
    ("request", "change-bank-account", "iban", "cuenta nueva", "iban"),
    ("request", "change-bank-account", "iban", "", "required"),
    ("request", "refund", "refund_iban", "ES9121000418450200051333", "iban"),
    # NIF, CIF, NIE.
    ("request", "change-bank-account", "holder_tax_id", "12345678A", "tax_id"),
    ("request", "change-bank-account", "holder_tax_id", "B12345675", "tax_id"),
    ("request", "change-bank-account", "holder_tax_id", "X1234567A", "tax_id"),
    ("request", "change-holder", "new_holder_tax_id", "00000000A", "tax_id"),
    ("request", "change-holder", "new_holder_tax_id", "ACME", "tax_id"),
    ("request", "port-numbers", "holder_tax_id", "Y1234567Z", "tax_id"),
    ("request", "port-numbers", "holder_tax_id", "", "required"),
    # EU VAT number when intra-community.
    ("request", "remove-vat", "eu_vat_number", "", "required"),
    ("request", "remove-vat", "eu_vat_number", "DE136695977", "eu_vat"),
    ("request", "remove-vat", "eu_vat_number", "136695976", "eu_vat"),
    ("request", "remove-vat", "eu_vat_number", "ESB12345675", "eu_vat"),
    ("request", "remove-vat", "reason", "narnia", "invalid_choice"),
    # MAC address.
    ("request", "rma", "mac_address", "80-5e-c0-12-34", "mac"),
    ("request", "rma", "mac_address", "80-5e-c0-12-34-56-78", "mac"),
    ("request", "rma", "mac_address", "80-5e-c0-12-34-5g", "mac"),
    ("request", "rma", "mac_address", "zz:zz:zz:zz:zz:zz", "mac"),
    ("request", "rma", "mac_address", "", "required"),
    ("request", "rma", "serial_number", "", "required"),
    ("request", "rma", "serial_number", "S" * 65, "max_length"),
    # Amounts.
    ("request", "raise-deposit", "amount", "0", "min_value"),
    ("request", "raise-deposit", "amount", "0,00", "min_value"),
    ("request", "raise-deposit", "amount", "-50", "min_value"),
    ("request", "raise-deposit", "amount", "12,345", "max_decimal_places"),
    ("request", "raise-deposit", "amount", "12.345", "ambiguous"),
    ("request", "raise-deposit", "amount", "mil euros", "invalid"),
    ("request", "raise-deposit", "amount", "1e3", "invalid"),
    ("request", "raise-deposit", "amount", "", "required"),
    ("request", "raise-deposit", "payment_method", "bitcoin", "invalid_choice"),
    ("request", "refund", "amount", "0", "min_value"),
    ("request", "refund", "amount", "49,999", "max_decimal_places"),
    ("request", "refund", "amount", "cuarenta", "invalid"),
    # Channels.
    ("request", "more-channels", "channels_wanted", "4", "not_greater"),
    ("request", "more-channels", "channels_wanted", "3", "not_greater"),
    ("request", "more-channels", "channels_wanted", "ocho", "invalid"),
    ("request", "more-channels", "current_channels", "0", "min_value"),
    ("request", "more-channels", "current_channels", "", "required"),
    # Dates.
    ("request", "more-channels", "needed_by", yesterday, "past"),
    ("request", "more-channels", "needed_by", "2027-02-30", "invalid"),
    ("request", "cancel-direct-debit", "effective_date", yesterday, "past"),
    ("request", "cancel-direct-debit", "effective_date", "", "required"),
    ("request", "port-numbers", "preferred_date", yesterday, "past"),
    ("incident", "cannot-place-calls", "failed_at", "ayer por la tarde", "invalid"),
    ("incident", "cannot-place-calls", "what_heard", "music", "invalid_choice"),
    # E-mail addresses.
    ("request", "update-paypal", "paypal_email", "paypal", "invalid"),
    ("request", "update-paypal", "paypal_email", "pagos@", "invalid"),
    ("request", "update-paypal", "paypal_email", "pagos acme@example.com", "invalid"),
    ("request", "update-paypal", "paypal_email", "", "required"),
    ("request", "change-holder", "contact_email", "hola-nueva.example", "invalid"),
    # Free text that is required.
    ("query", "technical", "subject", "", "required"),
    ("query", "commercial", "question", "", "required"),
    ("request", "other", "description", "", "required"),
    ("request", "recover-number", "reason", "   ", "required"),
    ("incident", "pbx", "pbx_identifier", "", "required"),
    ("incident", "phones-not-registered", "device_model", "", "required"),
]


def _bad_value_id(case: tuple[Any, ...]) -> str:
    _category, slug, name, value, code = case
    shown = "yesterday" if callable(value) else (repr(value) if len(value) < 40 else "long")
    return f"{slug}-{name}-{shown}-{code}"


@pytest.mark.parametrize(
    ("category", "slug", "name", "value", "code"),
    [pytest.param(*case, id=_bad_value_id(case)) for case in BAD_VALUES],
)
def test_every_bad_value_is_refused_with_the_error_on_its_own_field(
    category, slug, name, value, code
):
    form = bound_form(category, slug, {name: value() if callable(value) else value})

    assert not form.is_valid()
    assert error_codes(form) == {name: [code]}


@pytest.mark.parametrize(
    ("slug", "name"),
    [
        ("remove-vat", "supporting_document"),
        ("change-bank-account", "sepa_mandate"),
        ("change-holder", "change_form"),
        ("port-numbers", "portability_form"),
    ],
)
def test_a_required_attachment_that_is_missing_is_refused_on_its_field(slug, name):
    uploads = example("request", slug).uploads()
    del uploads[name]

    form = bound_form("request", slug, files=uploads)

    assert error_codes(form) == {name: ["required"]}


@pytest.mark.parametrize(
    ("category", "slug", "name"),
    [
        ("request", "change-holder", "identity_document"),
        ("request", "port-numbers", "operator_invoice"),
        *(("incident", ex.slug, "attachments") for ex in EXAMPLES if ex.category == "incident"),
    ],
)
def test_an_optional_attachment_may_be_left_out(category, slug, name):
    uploads = example(category, slug).uploads()
    del uploads[name]

    form = bound_form(category, slug, files=uploads)

    assert form.is_valid(), form.errors.as_json()
    assert name not in {field_name for field_name, _upload in form.uploads()}


def test_an_attachment_of_a_refused_type_is_refused_on_its_field():
    form = bound_form("request", "change-bank-account", files={"sepa_mandate": [pdf("a.exe")]})

    assert error_codes(form) == {"sepa_mandate": ["file_type"]}


@pytest.mark.parametrize("slug", [ex.slug for ex in EXAMPLES if ex.category == "incident"])
@pytest.mark.parametrize("tests_done", [None, "", "   "], ids=["absent", "empty", "blank"])
def test_every_incident_kind_refuses_a_report_without_the_tests_done(slug, tests_done):
    form = bound_form("incident", slug, {"tests_done": tests_done})

    assert error_codes(form) == {"tests_done": ["required"]}


@pytest.mark.parametrize("slug", [ex.slug for ex in EXAMPLES if ex.category == "incident"])
def test_every_incident_kind_refuses_a_report_without_a_description(slug):
    form = bound_form("incident", slug, {"description": ""})

    assert error_codes(form) == {"description": ["required"]}


@pytest.mark.parametrize(
    "reason", ["canary_islands", "ceuta", "melilla", "other"], ids=lambda reason: reason
)
def test_remove_vat_asks_no_eu_vat_number_unless_the_business_is_intra_community(reason):
    form = bound_form("request", "remove-vat", {"reason": reason, "eu_vat_number": ""})

    assert form.is_valid(), form.errors.as_json()
    assert form.typed_values() == {"reason": reason}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("DE136695976", "DE136695976"),
        ("de 136 695 976", "DE136695976"),
        ("ESB12345674", "ESB12345674"),
        ("FR40303265045", "FR40303265045"),
    ],
)
def test_remove_vat_validates_and_compacts_the_eu_vat_number_of_an_intra_community_business(
    typed, stored
):
    form = bound_form("request", "remove-vat", {"eu_vat_number": typed})

    assert form.is_valid(), form.errors.as_json()
    assert form.typed_values()["eu_vat_number"] == stored


@pytest.mark.parametrize(
    ("slug", "name", "typed", "stored"),
    [
        ("raise-deposit", "amount", "1.234,56", "1234.56"),
        ("raise-deposit", "amount", "1234,56", "1234.56"),
        ("raise-deposit", "amount", "1234.56", "1234.56"),
        ("raise-deposit", "amount", "1 234,56 €", "1234.56"),
        ("raise-deposit", "amount", "1.234.567,89", "1234567.89"),
        ("raise-deposit", "amount", "300", "300.00"),
        ("raise-deposit", "amount", "12,3", "12.30"),
        ("raise-deposit", "amount", "0,01", "0.01"),
        ("refund", "amount", "49,90", "49.90"),
        ("recover-number", "number", "912 34 56 78", "+34912345678"),
        ("recover-number", "number", "912-34-56-78", "+34912345678"),
        ("recover-number", "number", "+34 912 34 56 78", "+34912345678"),
        ("recover-number", "number", "0034 912 345 678", "+34912345678"),
        ("recover-number", "number", "+44 20 7946 0958", "+442079460958"),
        ("change-holder", "contact_phone", "600 11 12 22", "+34600111222"),
        ("rma", "mac_address", "80-5e-c0-12-34-56", "80:5E:C0:12:34:56"),
        ("rma", "mac_address", "805ec0123456", "80:5E:C0:12:34:56"),
        ("rma", "mac_address", "805E.C012.3456", "80:5E:C0:12:34:56"),
        ("rma", "mac_address", "80 5e c0 12 34 56", "80:5E:C0:12:34:56"),
        (
            "change-bank-account",
            "iban",
            "es91 2100 0418 4502 0005 1332",
            "ES9121000418450200051332",
        ),
        ("change-bank-account", "holder_tax_id", "12345678-z", "12345678Z"),
        ("change-bank-account", "holder_tax_id", "X1234567L", "X1234567L"),
        ("change-bank-account", "holder_tax_id", "A58818501", "A58818501"),
        ("recover-number", "lost_on", "15/03/2025", "2025-03-15"),
        ("recover-number", "lost_on", "2025-03-15", "2025-03-15"),
    ],
)
def test_spanish_style_input_is_accepted_and_stored_normalised(slug, name, typed, stored):
    form = bound_form("request", slug, {name: typed})

    assert form.is_valid(), form.errors.as_json()
    assert form.typed_values()[name] == stored


def test_a_future_date_field_accepts_today_and_the_spanish_day_month_year_form():
    today = in_days(0)
    later = in_days(45)

    on_today = bound_form("request", "cancel-direct-debit", {"effective_date": today.isoformat()})
    spanish = bound_form(
        "request", "cancel-direct-debit", {"effective_date": later.strftime("%d/%m/%Y")}
    )

    assert on_today.is_valid(), on_today.errors.as_json()
    assert on_today.typed_values()["effective_date"] == today.isoformat()
    assert spanish.is_valid(), spanish.errors.as_json()
    assert spanish.typed_values()["effective_date"] == later.isoformat()


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("912345600-912345699", ["+34912345600..+34912345699"]),
        ("912345600 - 912345699", ["+34912345600..+34912345699"]),
        ("912345600..912345699", ["+34912345600..+34912345699"]),
        ("912345600 a 912345699", ["+34912345600..+34912345699"]),
        ("+34 912 345 600 - +34 912 345 699", ["+34912345600..+34912345699"]),
        ("910000000-910009999", ["+34910000000..+34910009999"]),
        (
            "912345600-912345699; 912345700-912345799",
            [
                "+34912345600..+34912345699",
                "+34912345700..+34912345799",
            ],
        ),
        (
            "912345678, 600111222\n+44 20 7946 0958",
            [
                "+34912345678",
                "+34600111222",
                "+442079460958",
            ],
        ),
    ],
)
def test_port_numbers_accepts_numbers_and_ranges_and_stores_them_as_e164(typed, stored):
    form = bound_form("request", "port-numbers", {"numbers": typed})

    assert form.is_valid(), form.errors.as_json()
    assert form.typed_values()["numbers"] == stored


def test_port_numbers_refuses_overlapping_ranges():
    form = bound_form(
        "request", "port-numbers", {"numbers": "912345600-912345699\n912345690-912345710"}
    )

    assert error_codes(form) == {"numbers": ["duplicate"]}
    message = str(form.errors["numbers"][0])
    assert "912345600-912345699" in message
    assert "912345690-912345710" in message


def test_port_numbers_refuses_a_range_of_more_than_ten_thousand_numbers():
    form = bound_form("request", "port-numbers", {"numbers": "910000000-910010000"})

    assert error_codes(form) == {"numbers": ["range_too_large"]}


def test_port_numbers_names_every_bad_item_of_a_list():
    form = bound_form("request", "port-numbers", {"numbers": "912345678\nabc\n91234\n912345678"})

    assert sorted(error_codes(form)["numbers"]) == ["duplicate", "phone", "phone"]
    text = " ".join(str(message) for message in form.errors["numbers"])
    assert "abc" in text
    assert "91234" in text


def test_port_numbers_refuses_more_than_two_hundred_items():
    numbers = "\n".join(f"+3491{n:07d}" for n in range(201))

    form = bound_form("request", "port-numbers", {"numbers": numbers})

    assert error_codes(form) == {"numbers": ["too_many"]}


def test_more_channels_names_the_current_channels_in_its_error():
    form = bound_form(
        "request", "more-channels", {"current_channels": "10", "channels_wanted": "6"}
    )

    assert error_codes(form) == {"channels_wanted": ["not_greater"]}
    assert str(form.fields["current_channels"].label) in form.errors["channels_wanted"][0]


def test_numbers_or_extensions_keep_extensions_apart_from_phone_numbers():
    form = bound_form(
        "incident", "pbx", {"affected": "101; ext. 102\n*103, extensión 104, 912 34 56 78"}
    )

    assert form.is_valid(), form.errors.as_json()
    assert form.typed_values()["affected"] == [
        "ext:101",
        "ext:102",
        "ext:103",
        "ext:104",
        "+34912345678",
    ]


def test_the_calls_failing_now_box_is_stored_when_ticked():
    form = bound_form("incident", "other", {"calls_failing_now": "on"})

    assert form.is_valid(), form.errors.as_json()
    assert form.typed_values()["calls_failing_now"] is True


def test_a_datetime_is_read_in_the_local_time_and_stored_in_utc():
    form = bound_form("incident", "cannot-place-calls", {"failed_at": "2026-07-01T10:00"})

    assert form.is_valid(), form.errors.as_json()
    stored = form.typed_values()["failed_at"]
    assert stored == "2026-07-01T08:00:00+00:00"
    assert dt.datetime.fromisoformat(stored).utcoffset() == dt.timedelta(0)


def test_an_integer_field_keeps_a_zero_it_allows():
    specs = parse_specs(
        [{"name": "spare", "type": "integer", "min": 0, "label_es": "Libres", "label_en": "Spare"}]
    )

    form = build_form_class(specs)({"spare": "0"})

    assert form.is_valid(), form.errors.as_json()
    assert form.typed_values() == {"spare": 0}


def test_the_form_of_an_admin_only_kind_is_built_from_the_seed_like_any_other():
    kind = kind_of("request", "change-bank-account")

    form = build_form_class(kind.field_specs())()

    assert list(form.fields) == ["iban", "holder_name", "holder_tax_id", "sepa_mandate", "comments"]
    assert form.fields["sepa_mandate"].required
    assert not form.fields["comments"].required


@pytest.mark.parametrize("typed", ["1.500", "12.345.678"])
def test_an_amount_with_dots_for_thousands_is_refused_as_ambiguous(db, typed):
    kind = RequestType.objects.get(slug="raise-deposit")
    form = build_form_class(kind.field_specs())({"amount": typed, "payment_method": "card"})
    assert not form.is_valid()
    assert form.errors.as_data()["amount"][0].code == "ambiguous"
