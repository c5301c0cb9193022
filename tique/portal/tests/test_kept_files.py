"""A new-ticket form that comes back with an error keeps the files that were valid, so
the customer does not have to pick them again."""

import datetime as dt
import io
import os
import re

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

from conftest import pdf, signed_in
from tique.tickets import pending_uploads
from tique.tickets.models import Attachment, Ticket

BANK = reverse(
    "portal:ticket-create", kwargs={"category": "request", "slug": "change-bank-account"}
)
GOOD = {
    "iban": "ES91 2100 0418 4502 0005 1332",
    "holder_name": "Acme Telefonía S.L.",
    "holder_tax_id": "B12345674",
}


def kept_tokens(response) -> list[str]:
    return re.findall(r'name="kept" value="([^"]+)"', response.content.decode())


def fail_with_a_mandate(client):
    response = client.post(BANK, {**GOOD, "iban": "ES00 1234", "sepa_mandate": pdf("mandato.pdf")})
    assert response.status_code == 400
    return response


def test_a_valid_file_is_kept_when_another_field_fails_and_used_on_the_next_try(acme_admin):
    client = signed_in(acme_admin)
    first = fail_with_a_mandate(client)
    assert "Attached: mandato.pdf" in first.content.decode()
    tokens = kept_tokens(first)
    assert len(tokens) == 1
    second = client.post(BANK, {**GOOD, "kept": tokens})
    assert second.status_code == 302
    attachment = Attachment.objects.get(ticket=Ticket.objects.get(), field_name="sepa_mandate")
    assert attachment.original_name == "mandato.pdf"
    assert attachment.file.read().startswith(b"%PDF")
    assert not default_storage.listdir(f"pending/{acme_admin.pk}")[1]


def test_a_kept_file_can_be_removed(acme_admin):
    client = signed_in(acme_admin)
    tokens = kept_tokens(fail_with_a_mandate(client))
    response = client.post(BANK, {**GOOD, "kept": tokens, "discard": tokens})
    assert response.status_code == 400
    assert "sepa_mandate" in response.context["form"].errors
    assert not default_storage.listdir(f"pending/{acme_admin.pk}")[1]


def test_another_users_token_is_ignored(acme_admin, beta_admin):
    tokens = kept_tokens(fail_with_a_mandate(signed_in(acme_admin)))
    response = signed_in(beta_admin).post(BANK, {**GOOD, "kept": tokens})
    assert response.status_code == 400
    assert "sepa_mandate" in response.context["form"].errors
    assert not Ticket.objects.exists()


def test_a_tampered_token_is_ignored(acme_admin):
    client = signed_in(acme_admin)
    token = kept_tokens(fail_with_a_mandate(client))[0]
    response = client.post(BANK, {**GOOD, "kept": [token[:-2] + "xx"]})
    assert response.status_code == 400
    assert not Ticket.objects.exists()


def test_a_file_that_failed_its_own_checks_is_not_kept(acme_admin):
    client = signed_in(acme_admin)
    response = client.post(BANK, {**GOOD, "sepa_mandate": pdf("mandato.exe")})
    assert response.status_code == 400
    assert kept_tokens(response) == []


def test_the_sweep_removes_files_of_abandoned_forms(acme_admin):
    fail_with_a_mandate(signed_in(acme_admin))
    [name] = default_storage.listdir(f"pending/{acme_admin.pk}")[1]
    path = default_storage.path(f"pending/{acme_admin.pk}/{name}")
    assert pending_uploads.sweep() == 0
    two_days_ago = (dt.datetime.now() - dt.timedelta(days=2)).timestamp()  # noqa: DTZ005
    os.utime(path, (two_days_ago, two_days_ago))
    assert pending_uploads.sweep() == 1
    assert not os.path.exists(path)


def test_the_sweep_command_reports_what_it_removed(acme_admin):
    out = io.StringIO()
    call_command("sweep_pending_uploads", stdout=out)
    assert out.getvalue().strip() == "Removed 0 abandoned upload(s)."
