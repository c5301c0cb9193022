"""An agent's preferences: away for round-robin, muted notifications, own canned replies."""

from django.urls import reverse

from conftest import signed_in
from tique.accounts.models import User
from tique.tickets.models import CannedReply


def test_an_agent_marks_themselves_away_and_mutes_staff_kinds_only(agent):
    client = signed_in(agent)
    page = client.get(reverse("desk:preferences"))
    offered = {value for value, _label in page.context["form"].fields["muted"].choices}
    assert offered == {
        "ticket_created",
        "customer_reply",
        "ticket_assigned",
        "urgent_after_hours",
        "sla_warning",
        "sla_breached",
    }
    client.post(reverse("desk:preferences"), {"is_away": "on", "muted": ["ticket_created"]})
    agent.refresh_from_db()
    assert agent.is_away
    assert agent.muted_notifications == ["ticket_created"]


def test_an_agent_adds_and_deletes_a_personal_canned_reply(agent):
    client = signed_in(agent)
    response = client.post(
        reverse("desk:canned-create"), {"title": "Saludo", "body": "Hola {customer_name}"}
    )
    assert response.status_code == 302
    reply = CannedReply.objects.get(owner=agent)
    assert (reply.title, reply.team) == ("Saludo", None)
    client.post(reverse("desk:canned-delete", kwargs={"reply_id": reply.pk}))
    assert not CannedReply.objects.exists()


def test_a_canned_reply_without_text_comes_back_with_the_title_kept(agent):
    response = signed_in(agent).post(reverse("desk:canned-create"), {"title": "Saludo"})
    assert response.status_code == 400
    assert "body" in response.context["canned_form"].errors
    assert 'value="Saludo"' in response.content.decode()


def test_nobody_deletes_another_agents_canned_reply(agent, db):
    other = User.objects.create_user(email="eva@tique.example", password="x" * 12, is_staff=True)
    reply = CannedReply.objects.create(owner=other, title="Mía", body="…")
    response = signed_in(agent).post(reverse("desk:canned-delete", kwargs={"reply_id": reply.pk}))
    assert response.status_code == 404
    assert CannedReply.objects.filter(pk=reply.pk).exists()
