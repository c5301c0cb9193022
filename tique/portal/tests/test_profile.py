"""A customer keeps their own details, language and notifications."""

from django.urls import reverse

from conftest import open_ticket, signed_in
from tique.mail.choices import NotificationKind
from tique.mail.models import OutboundEmail
from tique.tickets.services import message_add

PROFILE = reverse("portal:profile")


def test_a_customer_saves_name_phone_language_and_muted_notifications(ana):
    client = signed_in(ana)
    page = client.get(PROFILE)
    assert page.status_code == 200
    # Only the kinds that can reach a customer are offered.
    offered = {value for value, _label in page.context["form"].fields["muted"].choices}
    assert offered == {"agent_reply", "ticket_solved", "ticket_merged", "ticket_received"}
    response = client.post(
        PROFILE,
        {
            "full_name": "Ana Ruiz Pérez",
            "phone": "600 111 222",
            "language": "en",
            "muted": ["ticket_solved"],
        },
    )
    assert response.status_code == 302
    ana.refresh_from_db()
    assert (ana.full_name, ana.phone, ana.language) == ("Ana Ruiz Pérez", "600 111 222", "en")
    assert ana.muted_notifications == ["ticket_solved"]


def test_a_bad_value_is_reported_and_the_rest_kept(ana):
    response = signed_in(ana).post(
        PROFILE, {"full_name": "Ana", "language": "klingon", "muted": ["ticket_created"]}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "language" in form.errors and "muted" in form.errors
    assert 'value="Ana"' in response.content.decode()


def test_a_muted_kind_is_not_sent(ana, agent):
    signed_in(ana).post(PROFILE, {"language": "", "muted": ["agent_reply"]})
    ticket = open_ticket(ana)
    message_add(ticket=ticket, author=agent, membership=None, body="Hola")
    assert not OutboundEmail.objects.filter(
        to_address=ana.email, kind=NotificationKind.AGENT_REPLY
    ).exists()


def test_staff_have_no_customer_profile_page(agent):
    assert signed_in(agent).get(PROFILE).status_code == 403
