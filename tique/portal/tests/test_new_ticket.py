"""Opening a ticket of every kind through the customers' panel (/tickets/new/...): what
is stored, what a bad submission shows, who may use which kind, and how bank data is
shown afterwards."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape

from conftest import signed_in
from tique.accounts.models import User
from tique.tickets.choices import Priority
from tique.tickets.models import Attachment, Message, RequestType, Ticket
from tique.tickets.tests.catalogue_examples import (
    ADMIN_ONLY,
    ALWAYS_SERVICE_AFFECTING,
    EXAMPLES,
    IBAN_COMPACT,
    IBAN_MASKED,
    IBAN_TYPED,
    WHEN_FAILING,
    Example,
    example,
    in_days,
    kind_of,
)

NEW_URL = "/tickets/new/"


def form_url(category: str, slug: str) -> str:
    return reverse("portal:ticket-create", kwargs={"category": category, "slug": slug})


@pytest.fixture
def people(acme_admin: User, ana: User) -> dict[str, User]:
    return {"admin": acme_admin, "member": ana}


def person_for(slug: str, people: dict[str, User]) -> User:
    """Who the entry is meant for: admin-only request types need the account admin."""
    return people["admin"] if slug in ADMIN_ONLY else people["member"]


def submit(user: User, ex: Example, changes: dict[str, Any] | None = None, files: Any = None):
    data: dict[str, Any] = {**ex.data(), **(changes or {})}
    data = {name: value for name, value in data.items() if value is not None}
    data.update(ex.uploads() if files is None else files)
    return signed_in(user).post(form_url(ex.category, ex.slug), data)


class FormPage(HTMLParser):
    """The elements of a page by id: their attributes, the text of textareas and error
    lists, and the chosen option of selects."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: dict[str, tuple[str, dict[str, str]]] = {}
        self.texts: dict[str, str] = {}
        self.selected: dict[str, list[str]] = {}
        self._open_text: list[str] = []
        self._select = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        element_id = values.get("id", "")
        if element_id:
            self.elements[element_id] = (tag, values)
        if tag == "textarea" or (tag == "ul" and element_id.endswith("_errors")):
            self._open_text.append(element_id)
            self.texts[element_id] = ""
        if tag == "select":
            self._select = element_id
            self.selected[element_id] = []
        if tag == "option" and self._select and "selected" in values:
            self.selected[self._select].append(values.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("textarea", "ul") and self._open_text:
            self._open_text.pop()
        if tag == "select":
            self._select = ""

    def handle_data(self, data: str) -> None:
        for element_id in self._open_text:
            self.texts[element_id] += data

    def value_of(self, name: str) -> str:
        element_id = f"id_{name}"
        tag, attrs = self.elements[element_id]
        if tag == "textarea":
            return self.texts[element_id].removeprefix("\r\n").removeprefix("\n")
        if tag == "select":
            return "".join(self.selected[element_id])
        return attrs.get("value", "")


# --- A valid submission of every kind ---------------------------------------------------


@pytest.mark.parametrize("ex", EXAMPLES, ids=lambda ex: ex.id)
def test_a_valid_submission_opens_a_ticket_of_its_kind_for_its_team_with_normalised_values(
    ex, people
):
    user = person_for(ex.slug, people)

    response = submit(user, ex)

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:ticket-detail", kwargs={"number": ticket.number})
    assert ticket.category == ex.category
    assert (ticket.kind.category, ticket.kind.slug) == (ex.category, ex.slug)
    assert ticket.team is not None
    assert ticket.team.slug == ex.team
    assert ticket.fields == ex.stored()
    assert ticket.requester == user
    assert ticket.account == user.memberships.get().account
    if ex.subject:
        assert ticket.subject == ex.subject
    else:
        assert ticket.subject.startswith(ticket.kind.name)
    bodies = list(Message.objects.filter(ticket=ticket).values_list("body", flat=True))
    assert bodies == ([ex.body] if ex.body else [])
    stored_files = sorted(
        Attachment.objects.filter(ticket=ticket).values_list("field_name", "original_name")
    )
    assert stored_files == sorted(
        (name, file_name) for name, names in ex.files.items() for file_name in names
    )
    for attachment in Attachment.objects.filter(ticket=ticket):
        assert attachment.size > 0
        assert len(attachment.sha256) == 64
        assert attachment.uploaded_by == user
    if ex.category != "incident":
        assert not ticket.service_affecting
        assert ticket.priority == Priority.NORMAL
    assert signed_in(user).get(response["Location"]).status_code == 200


def test_the_team_of_every_entry_is_the_one_the_catalogue_names(db):
    expected_names = {
        "technical": "Technical support",
        "commercial": "Commercial",
        "billing": "Billing",
        "numbering": "Numbering",
        "logistics": "Logistics",
    }
    for ex in EXAMPLES:
        kind = kind_of(ex.category, ex.slug)
        assert kind.team.slug == ex.team, ex.id
        assert kind.team.name_en == expected_names[ex.team], ex.id


@pytest.mark.parametrize(
    ("slug", "name", "typed", "stored"),
    [
        ("raise-deposit", "amount", "1.234,56", "1234.56"),
        ("raise-deposit", "amount", "1234,56", "1234.56"),
        ("refund", "amount", "75", "75.00"),
        ("recover-number", "number", "912 34 56 78", "+34912345678"),
        ("change-holder", "contact_phone", "600 11 12 22", "+34600111222"),
        ("rma", "mac_address", "80-5e-c0-12-34-56", "80:5E:C0:12:34:56"),
        ("change-bank-account", "iban", "es91 2100 0418 4502 0005 1332", IBAN_COMPACT),
        # Computed when the test runs (on the suite's clock), not when it is collected.
        ("cancel-direct-debit", "effective_date", "IN_10_DAYS", None),
    ],
)
def test_spanish_style_input_is_accepted_by_the_panel_and_stored_normalised(
    slug, name, typed, stored, people
):
    if typed == "IN_10_DAYS":
        typed = in_days(10).strftime("%d/%m/%Y")
    stored = stored or in_days(10).isoformat()

    response = submit(person_for(slug, people), example("request", slug), {name: typed})

    assert response.status_code == 302
    assert Ticket.objects.get().fields[name] == stored


# --- Service-affecting incidents ---------------------------------------------------------


@pytest.mark.parametrize("ticked", [False, True], ids=["calls-working", "calls-failing-now"])
@pytest.mark.parametrize("slug", ALWAYS_SERVICE_AFFECTING + WHEN_FAILING)
def test_an_incident_is_service_affecting_and_high_priority_when_its_kind_says_so(
    slug, ticked, ana
):
    changes = {"calls_failing_now": "on"} if ticked else {}
    expected = slug in ALWAYS_SERVICE_AFFECTING or ticked

    response = submit(ana, example("incident", slug), changes)

    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.service_affecting is expected
    assert ticket.priority == (Priority.HIGH if expected else Priority.NORMAL)
    assert ticket.fields["calls_failing_now"] is ticked


# --- Bad submissions ----------------------------------------------------------------------


def yesterday() -> str:
    return in_days(-1).isoformat()


BAD_SUBMISSIONS = [
    ("request", "recover-number", "number", "91234"),
    ("request", "recover-number", "number", "no lo sé"),
    ("request", "change-holder", "contact_phone", "12345"),
    ("incident", "cannot-place-calls", "dialled_number", "9123"),
    ("incident", "pbx", "affected", "912345678, 12345678"),
    ("request", "port-numbers", "numbers", "912345678\n9123"),
    ("request", "port-numbers", "numbers", "912345678\n912 345 678"),
    ("request", "port-numbers", "numbers", "912345600-912345699\n912345650-912345750"),
    ("request", "port-numbers", "numbers", "910000000-910010000"),
    ("request", "change-bank-account", "iban", "ES91 2100 0418 4502 0005 1333"),
    ("request", "refund", "refund_iban", "ES00 2100 0418 4502 0005 1332"),
    ("request", "change-bank-account", "holder_tax_id", "12345678A"),
    ("request", "port-numbers", "holder_tax_id", "X1234567A"),
    ("request", "change-holder", "new_holder_tax_id", "B12345675"),
    ("request", "remove-vat", "eu_vat_number", ""),
    ("request", "remove-vat", "eu_vat_number", "DE136695977"),
    ("request", "rma", "mac_address", "80-5e-c0-12-34"),
    ("request", "rma", "mac_address", "80-5e-c0-12-34-5g"),
    ("request", "raise-deposit", "amount", "0"),
    ("request", "raise-deposit", "amount", "-20"),
    ("request", "raise-deposit", "amount", "12,345"),
    ("request", "raise-deposit", "amount", "mil euros"),
    ("request", "refund", "amount", "0,00"),
    ("request", "more-channels", "channels_wanted", "4"),
    ("request", "more-channels", "channels_wanted", "2"),
    ("request", "more-channels", "needed_by", yesterday),
    ("request", "cancel-direct-debit", "effective_date", yesterday),
    ("request", "port-numbers", "preferred_date", yesterday),
    ("request", "update-paypal", "paypal_email", "pagos.acme.example"),
    ("query", "technical", "question", ""),
    *(("incident", ex.slug, "tests_done", "") for ex in EXAMPLES if ex.category == "incident"),
]


def _submission_id(case: tuple[Any, ...]) -> str:
    _category, slug, name, value = case
    return f"{slug}-{name}-{'yesterday' if callable(value) else repr(value)}"


def assert_error_shown_next_to(page: FormPage, name: str) -> None:
    errors_id = f"id_{name}_errors"
    assert errors_id in page.elements, f"no error list for {name}"
    tag, attrs = page.elements[errors_id]
    assert tag == "ul"
    assert "errorlist" in attrs["class"].split()
    assert page.texts[errors_id].strip()
    _tag, field_attrs = page.elements[f"id_{name}"]
    assert errors_id in field_attrs.get("aria-describedby", "").split()
    assert field_attrs.get("aria-invalid") == "true"


def assert_values_kept(page: FormPage, html: str, data: dict[str, str]) -> None:
    """Every typed value the user entered is back in its field (files are not kept)."""
    for name, value in data.items():
        if name == "calls_failing_now":
            continue
        assert page.value_of(name) == value, name
        if value.strip():
            assert escape(value) in html, name


@pytest.mark.parametrize(
    ("category", "slug", "name", "value"),
    [pytest.param(*case, id=_submission_id(case)) for case in BAD_SUBMISSIONS],
)
def test_a_bad_submission_answers_400_with_the_values_kept_and_the_error_by_its_field(
    category, slug, name, value, people
):
    ex = example(category, slug)
    typed = value() if callable(value) else value
    data = {**ex.data(), name: typed}

    response = submit(person_for(slug, people), ex, {name: typed})

    assert response.status_code == 400
    assert not Ticket.objects.exists()
    html = response.content.decode()
    page = FormPage(html)
    assert_error_shown_next_to(page, name)
    assert_values_kept(page, html, data)
    invalid = {
        element_id
        for element_id, (_tag, attrs) in page.elements.items()
        if attrs.get("aria-invalid") == "true"
    }
    assert invalid == {f"id_{name}"}
    assert f'href="#id_{name}"' in html


@pytest.mark.parametrize(
    ("slug", "name"),
    [
        ("remove-vat", "supporting_document"),
        ("change-bank-account", "sepa_mandate"),
        ("change-holder", "change_form"),
        ("port-numbers", "portability_form"),
    ],
)
def test_a_request_without_its_required_attachment_is_refused_by_the_panel(slug, name, people):
    ex = example("request", slug)
    uploads = ex.uploads()
    del uploads[name]

    response = submit(person_for(slug, people), ex, files=uploads)

    assert response.status_code == 400
    assert not Ticket.objects.exists()
    assert not Attachment.objects.exists()
    html = response.content.decode()
    page = FormPage(html)
    assert_error_shown_next_to(page, name)
    assert_values_kept(page, html, ex.data())
    # The other files the user chose are dropped with the bad submission: the page says so.
    assert ("attach them again" in html) is bool(uploads)


def test_an_incident_without_the_tests_done_keeps_the_description_and_asks_for_them(ana):
    ex = example("incident", "cannot-place-calls")

    response = submit(ana, ex, {"tests_done": None, "calls_failing_now": "on"})

    assert response.status_code == 400
    page = FormPage(response.content.decode())
    assert_error_shown_next_to(page, "tests_done")
    assert page.value_of("description") == ex.data()["description"]
    assert page.value_of("tests_done") == ""
    assert "checked" in page.elements["id_calls_failing_now"][1]
    assert "This field is required." in page.texts["id_tests_done_errors"]


# --- Who may use which kind ---------------------------------------------------------------


def test_the_seed_marks_exactly_the_bank_and_ownership_requests_admin_only(db):
    admin_only = set(RequestType.objects.filter(admin_only=True).values_list("slug", flat=True))

    assert admin_only == set(ADMIN_ONLY)


@pytest.mark.parametrize("slug", ADMIN_ONLY)
def test_a_member_gets_404_on_the_form_of_an_admin_only_request_type(slug, ana):
    client = signed_in(ana)
    ex = example("request", slug)

    shown = client.get(form_url("request", slug))
    sent = client.post(form_url("request", slug), {**ex.data(), **ex.uploads()})

    assert shown.status_code == 404
    assert sent.status_code == 404
    assert not Ticket.objects.exists()


def test_a_member_does_not_see_the_admin_only_request_types_on_the_new_ticket_page(ana):
    response = signed_in(ana).get(NEW_URL)

    assert response.status_code == 200
    html = response.content.decode()
    for kind in RequestType.objects.all():
        link = f'href="{form_url("request", kind.slug)}"'
        if kind.slug in ADMIN_ONLY:
            assert link not in html, kind.slug
            assert escape(kind.name_en) not in html, kind.slug
        else:
            assert link in html, kind.slug


@pytest.mark.parametrize("slug", ADMIN_ONLY)
def test_the_account_admin_sees_and_opens_the_admin_only_request_types(slug, acme_admin):
    client = signed_in(acme_admin)

    listed = client.get(NEW_URL)
    shown = client.get(form_url("request", slug))

    assert f'href="{form_url("request", slug)}"' in listed.content.decode()
    assert shown.status_code == 200
    assert shown.context["form"].fields


def test_a_member_gets_a_403_page_when_only_admins_open_tickets_in_the_account(
    acme, ana, acme_admin
):
    acme.members_can_open_tickets = False
    acme.save()
    client = signed_in(ana)
    ex = example("query", "technical")

    listed = client.get(NEW_URL)
    shown = client.get(form_url("query", "technical"))
    sent = client.post(form_url("query", "technical"), ex.data())

    assert listed.status_code == 403
    assert "portal/tickets/cannot_open.html" in [t.name for t in listed.templates]
    assert "only the account administrators open tickets" in listed.content.decode()
    assert shown.status_code == 403
    assert sent.status_code == 403
    assert not Ticket.objects.exists()
    assert signed_in(acme_admin).get(NEW_URL).status_code == 200


# --- Bank data shown masked -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "name"), [("change-bank-account", "iban"), ("refund", "refund_iban")]
)
def test_the_ticket_page_shows_the_iban_masked_and_never_whole(slug, name, acme_admin):
    response = submit(acme_admin, example("request", slug))
    assert response.status_code == 302
    ticket = Ticket.objects.get()
    assert ticket.fields[name] == IBAN_COMPACT
    client = signed_in(acme_admin)

    detail = client.get(response["Location"]).content.decode()
    history = client.get("/tickets/").content.decode()

    assert IBAN_MASKED in detail
    for html in (detail, history):
        for whole in (IBAN_COMPACT, IBAN_TYPED, IBAN_COMPACT[4:], "2100 0418 4502 0005", "0418"):
            assert whole not in html
