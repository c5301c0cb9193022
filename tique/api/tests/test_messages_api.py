"""A ticket's thread through the API: replies, internal notes and their files."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import open_ticket
from tique.tickets.choices import Channel, Status
from tique.tickets.models import Message


def upload(client, name: str = "log.txt", content: bytes = b"trace") -> str:
    response = client.post(
        "/api/v1/uploads", {"file": SimpleUploadedFile(name, content, "text/plain")}
    )
    assert response.status_code == 201, response.content
    return str(response.json()["token"])


def test_customer_replies_with_a_file(api_for, acme_admin):
    ticket = open_ticket(acme_admin)
    client = api_for(acme_admin)
    token = upload(client)

    response = client.post_json(
        f"/api/v1/tickets/{ticket.number}/messages",
        {"body": "Os adjunto la traza", "attachments": [token]},
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["body"], body["internal"], body["channel"]) == (
        "Os adjunto la traza",
        False,
        "api",
    )
    assert [a["name"] for a in body["attachments"]] == ["log.txt"]
    assert Message.objects.get(pk=body["id"]).channel == Channel.API


def test_the_thread_hides_internal_notes_from_customers(api_for, acme_admin, agent):
    ticket = open_ticket(acme_admin)
    staff = api_for(agent)
    note = staff.post_json(
        f"/api/v1/tickets/{ticket.number}/messages", {"body": "Mirar la troncal", "internal": True}
    )
    staff.post_json(f"/api/v1/tickets/{ticket.number}/messages", {"body": "Lo revisamos"})

    assert note.status_code == 201
    customer_view = api_for(acme_admin).get(f"/api/v1/tickets/{ticket.number}/messages").json()
    staff_view = staff.get(f"/api/v1/tickets/{ticket.number}/messages").json()
    assert "Mirar la troncal" not in [m["body"] for m in customer_view["items"]]
    assert "Lo revisamos" in [m["body"] for m in customer_view["items"]]
    assert "Mirar la troncal" in [m["body"] for m in staff_view["items"]]


def test_customers_cannot_write_internal_notes(api_for, acme_admin):
    ticket = open_ticket(acme_admin)

    response = api_for(acme_admin).post_json(
        f"/api/v1/tickets/{ticket.number}/messages", {"body": "psst", "internal": True}
    )

    assert response.status_code == 403
    assert not Message.objects.filter(body="psst").exists()


def test_an_empty_reply_is_refused_naming_the_body(api_for, acme_admin):
    ticket = open_ticket(acme_admin)

    response = api_for(acme_admin).post_json(
        f"/api/v1/tickets/{ticket.number}/messages", {"body": "   "}
    )

    assert response.status_code == 422
    assert "body" in response.json()["fields"]


def test_a_customer_reply_reopens_a_solved_ticket(api_for, acme_admin):
    ticket = open_ticket(acme_admin)
    client = api_for(acme_admin)
    client.patch_json(f"/api/v1/tickets/{ticket.number}", {"status": "solved"})

    client.post_json(f"/api/v1/tickets/{ticket.number}/messages", {"body": "Sigue fallando"})

    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN


def test_an_agent_replies_and_sets_the_status_in_one_call(api_for, acme_admin, agent):
    ticket = open_ticket(acme_admin)

    response = api_for(agent).post_json(
        f"/api/v1/tickets/{ticket.number}/messages",
        {"body": "¿Puede probar ahora?", "status": "pending"},
    )

    assert response.status_code == 201
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING


def test_nobody_replies_to_another_accounts_ticket(api_for, acme_admin, beta_admin):
    ticket = open_ticket(acme_admin)

    response = api_for(beta_admin).post_json(
        f"/api/v1/tickets/{ticket.number}/messages", {"body": "hola"}
    )

    assert response.status_code == 404
    assert not Message.objects.filter(body="hola").exists()


def test_files_of_internal_notes_are_for_staff(api_for, acme_admin, agent):
    ticket = open_ticket(acme_admin)
    staff = api_for(agent)
    staff.post_json(
        f"/api/v1/tickets/{ticket.number}/messages",
        {"body": "captura interna", "internal": True, "attachments": [upload(staff, "pcap.txt")]},
    )
    customer = api_for(acme_admin)

    listed = customer.get(f"/api/v1/tickets/{ticket.number}/attachments").json()
    staff_listed = staff.get(f"/api/v1/tickets/{ticket.number}/attachments").json()

    assert listed == []
    assert [a["name"] for a in staff_listed] == ["pcap.txt"]
    assert customer.get(staff_listed[0]["url"]).status_code == 404
    assert staff.get(staff_listed[0]["url"]).status_code == 200


def test_the_thread_pages_with_a_cursor_in_constant_queries(api_for, acme_admin, agent):
    ticket = open_ticket(acme_admin)
    client = api_for(agent)
    for i in range(5):
        client.post_json(f"/api/v1/tickets/{ticket.number}/messages", {"body": f"m{i}"})
    url = f"/api/v1/tickets/{ticket.number}/messages?limit=2"

    first = client.get(url).json()
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url + "&cursor=" + first["next_cursor"]).json()
    third = client.get(url + "&cursor=" + second["next_cursor"]).json()

    bodies = [m["body"] for page in (first, second, third) for m in page["items"]]
    assert bodies[-5:] == ["m0", "m1", "m2", "m3", "m4"]
    assert third["next_cursor"] is None
    assert len(queries) <= 6
