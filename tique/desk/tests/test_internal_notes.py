"""Internal notes never reach the customer: not on the panel's ticket page, not as a
download of a note's file, not by e-mail (nor by the e-mails a merge or an outage
update sends)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from conftest import pdf, signed_in
from tique.mail.models import OutboundEmail
from tique.tickets.tests.desk_helpers import incident, query

NOTE = "NOTA-INTERNA: el cliente debe dos facturas"


def note_via_desk(client, ticket, body=NOTE, **files):
    response = client.post(
        reverse("desk:ticket-reply", kwargs={"number": ticket.number}),
        {"body": body, "internal": "on", **files},
    )
    assert response.status_code == 302
    return ticket.messages.get(body=body)


def reply_via_desk(client, ticket, body, **extra):
    response = client.post(
        reverse("desk:ticket-reply", kwargs={"number": ticket.number}), {"body": body, **extra}
    )
    assert response.status_code == 302


def portal_page(user, ticket):
    response = signed_in(user).get(
        reverse("portal:ticket-detail", kwargs={"number": ticket.number})
    )
    assert response.status_code == 200
    return response.content.decode()


def test_the_panels_ticket_page_never_shows_a_note(acme_admin, ana, agent):
    ticket = query(ana)
    client = signed_in(agent)
    note_via_desk(client, ticket)
    reply_via_desk(client, ticket, "Respuesta pública")
    for customer in (ana, acme_admin):
        page = portal_page(customer, ticket)
        assert "Respuesta pública" in page
        assert NOTE not in page and "NOTA-INTERNA" not in page


def test_a_notes_file_cannot_be_downloaded_from_the_panel(acme_admin, agent):
    ticket = query(acme_admin)
    client = signed_in(agent)
    note = note_via_desk(client, ticket, attachments=pdf("informe-interno.pdf"))
    reply_via_desk(client, ticket, "Os adjunto el informe", attachments=pdf("informe.pdf"))
    hidden = note.attachments.get()
    public = ticket.attachments.get(original_name="informe.pdf")

    def download(client, surface, attachment):
        return client.get(
            reverse(
                f"{surface}:attachment-download",
                kwargs={"number": ticket.number, "attachment_id": attachment.pk},
            )
        )

    customer = signed_in(acme_admin)
    assert download(customer, "portal", hidden).status_code == 404
    assert download(customer, "portal", public).status_code == 200
    assert "informe-interno.pdf" not in portal_page(acme_admin, ticket)
    assert download(client, "desk", hidden).status_code == 200
    assert download(client, "desk", public).status_code == 200


@pytest.fixture
def sending(settings, django_capture_on_commit_callbacks):
    """Notifications sent at once into `mail.outbox` when each request commits."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    def run(action):
        with django_capture_on_commit_callbacks(execute=True):
            action()

    return run


def no_mail_holds_the_note():
    for message in mail.outbox:
        parts = [message.subject, message.body]
        parts += [content for content, _type in getattr(message, "alternatives", [])]
        assert not any("NOTA-INTERNA" in str(part) for part in parts), message.to
    assert not OutboundEmail.objects.filter(text_body__contains="NOTA-INTERNA").exists()
    assert not OutboundEmail.objects.filter(html_body__contains="NOTA-INTERNA").exists()


def test_no_email_carries_a_note(acme_admin, agent, sending):
    ticket = query(acme_admin)
    client = signed_in(agent)
    sending(lambda: note_via_desk(client, ticket))
    assert not [m for m in mail.outbox if "admin@acme.example" in m.to]
    sending(lambda: reply_via_desk(client, ticket, "Respuesta pública", status_after="solved"))
    to_customer = [m for m in mail.outbox if "admin@acme.example" in m.to]
    assert to_customer, "the public reply is mailed to the customer"
    assert any("Respuesta pública" in m.body for m in to_customer)
    no_mail_holds_the_note()


def test_neither_a_merge_nor_an_outage_update_mails_a_note(acme_admin, beta_admin, agent, sending):
    client = signed_in(agent)
    duplicate, survivor = query(acme_admin), query(acme_admin)
    sending(lambda: note_via_desk(client, duplicate))
    sending(
        lambda: client.post(
            reverse("desk:ticket-merge", kwargs={"number": duplicate.number}),
            {"number": survivor.number},
        )
    )
    assert survivor.messages.get(body=NOTE).is_internal
    parent, linked = incident(acme_admin), incident(beta_admin)
    outage = reverse("desk:ticket-outage", kwargs={"number": parent.number})
    client.post(outage, {"action": "mark"})
    client.post(
        reverse("desk:ticket-outage", kwargs={"number": linked.number}),
        {"action": "attach", "number": parent.number},
    )
    sending(lambda: note_via_desk(client, linked, body=f"{NOTE} (2)"))
    sending(
        lambda: client.post(
            reverse("desk:outage-broadcast", kwargs={"number": parent.number}),
            {"body": "Actualización del corte", "solve": "on"},
        )
    )
    assert any("admin@beta.example" in m.to for m in mail.outbox)
    no_mail_holds_the_note()
