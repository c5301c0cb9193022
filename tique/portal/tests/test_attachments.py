"""Attachments: limits on the way in, a checked, sandboxed download on the way out."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import open_ticket, pdf, signed_in
from tique.tickets.models import Attachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def reply(client, ticket, **files):
    return client.post(
        reverse("portal:ticket-reply", kwargs={"number": ticket.number}),
        {"body": "Adjunto la traza", **files},
    )


def test_a_reply_stores_its_files_with_checksum_and_a_generated_name(acme_admin):
    ticket = open_ticket(acme_admin)
    response = reply(signed_in(acme_admin), ticket, attachments=[pdf("../../etc/traza sip.pdf")])
    assert response.status_code == 302
    attachment = Attachment.objects.get(ticket=ticket)
    assert attachment.original_name == "traza sip.pdf"
    assert attachment.content_type == "application/pdf"
    assert len(attachment.sha256) == 64
    assert "traza" not in attachment.file.name
    assert attachment.file.name.startswith("attachments/")


def test_a_download_is_an_attachment_with_nosniff_and_a_sandbox(acme_admin):
    ticket = open_ticket(acme_admin)
    reply(signed_in(acme_admin), ticket, attachments=[pdf("factura.pdf")])
    attachment = Attachment.objects.get(ticket=ticket)
    response = signed_in(acme_admin).get(
        reverse(
            "portal:attachment-download",
            kwargs={"number": ticket.number, "attachment_id": attachment.pk},
        )
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="factura.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response.getvalue().startswith(b"%PDF")


def test_only_a_real_raster_image_is_shown_inline(acme_admin):
    ticket = open_ticket(acme_admin)
    image = SimpleUploadedFile("captura.png", PNG, "image/png")
    reply(signed_in(acme_admin), ticket, attachments=[image])
    attachment = Attachment.objects.get(ticket=ticket)
    url = reverse(
        "portal:attachment-download",
        kwargs={"number": ticket.number, "attachment_id": attachment.pk},
    )
    response = signed_in(acme_admin).get(f"{url}?inline=1")
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Type"] == "image/png"


def test_a_file_pretending_to_be_an_image_is_refused(acme_admin):
    ticket = open_ticket(acme_admin)
    fake = SimpleUploadedFile("captura.png", b"<script>alert(1)</script>", "image/png")
    response = reply(signed_in(acme_admin), ticket, attachments=[fake])
    assert response.status_code == 400
    assert "is not the image its name says" in response.content.decode()
    assert not Attachment.objects.exists()


def test_executables_and_unknown_types_are_refused(acme_admin):
    ticket = open_ticket(acme_admin)
    exe = SimpleUploadedFile("setup.exe", b"MZ\x90\x00", "application/octet-stream")
    response = reply(signed_in(acme_admin), ticket, attachments=[exe])
    assert response.status_code == 400
    assert "this type of file is not accepted" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused_and_the_text_kept(acme_admin, settings):
    settings.TIQUE_ATTACHMENT_MAX_BYTES = 1024
    ticket = open_ticket(acme_admin)
    big = SimpleUploadedFile("grande.pdf", b"%PDF" + b"x" * 2048, "application/pdf")
    response = reply(signed_in(acme_admin), ticket, attachments=[big])
    assert response.status_code == 400
    assert "is larger than" in response.content.decode()
    assert "Adjunto la traza" in response.content.decode()
    assert ticket.messages.count() == 1


def test_too_many_files_are_refused(acme_admin, settings):
    settings.TIQUE_ATTACHMENT_MAX_FILES = 2
    ticket = open_ticket(acme_admin)
    response = reply(
        signed_in(acme_admin), ticket, attachments=[pdf("a.pdf"), pdf("b.pdf"), pdf("c.pdf")]
    )
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_an_attachment_of_another_ticket_is_not_reachable_through_mine(acme_admin, beta_admin):
    theirs = open_ticket(beta_admin)
    reply(signed_in(beta_admin), theirs, attachments=[pdf("secreto.pdf")])
    mine = open_ticket(acme_admin)
    attachment = Attachment.objects.get(ticket=theirs)
    response = signed_in(acme_admin).get(
        reverse(
            "portal:attachment-download",
            kwargs={"number": mine.number, "attachment_id": attachment.pk},
        )
    )
    assert response.status_code == 404
