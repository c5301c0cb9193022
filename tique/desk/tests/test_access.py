"""Who reaches the desk and the configuration site: provider staff work every account's
tickets; customers are not told the desk exists; only supervisors configure."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from conftest import PASSWORD, english_client, pdf, signed_in
from tique.accounts.groups import SUPERVISORS
from tique.accounts.models import User
from tique.accounts.services import api_token_create
from tique.kb.tests.helpers import write
from tique.tickets.models import CannedReply
from tique.tickets.services import message_add
from tique.tickets.tests.desk_helpers import make_agent, query

TICKET_URLS = [
    "desk:ticket-detail",
    "desk:ticket-reply",
    "desk:ticket-update",
    "desk:ticket-take",
    "desk:ticket-merge",
    "desk:ticket-link",
    "desk:ticket-outage",
    "desk:outage-broadcast",
    "desk:presence",
    "desk:canned-insert",
    "desk:kb-lookup",
    "desk:kb-insert",
    "desk:ticket-to-article",
]


@pytest.fixture
def desk_urls(acme_admin, agent):
    """Every URL of the desk, for a real ticket of the customer and a real file of it."""
    ticket = query(acme_admin)
    message = message_add(
        ticket=ticket,
        author=acme_admin,
        membership=acme_admin.memberships.get(),
        body="Adjunto",
        uploads=[pdf()],
    )
    attachment = message.attachments.get()
    reply = CannedReply.objects.create(owner=agent, title="Mía", body="Hola")
    urls = [reverse("desk:queue"), reverse("desk:bulk"), reverse("desk:preferences")]
    token, _secret = api_token_create(user=agent, name="Desk bot")
    urls += [
        reverse("desk:api-tokens"),
        reverse("desk:api-token-revoke", kwargs={"token_id": token.pk}),
    ]
    urls.append(reverse("desk:sla-report"))  # the reports, included from their own module
    urls.append(reverse("desk:satisfaction-report"))
    urls.append(reverse("desk:kb-report"))
    article = write(agent, es=("Eco", "Texto"))
    urls += [reverse("desk:kb-list"), reverse("desk:kb-new")]
    urls += [reverse(name, args=[article.pk]) for name in ("desk:kb-edit", "desk:kb-history")]
    urls.append(reverse("desk:kb-restore", args=[article.pk, 1]))
    urls += [
        reverse("desk:canned-create"),
        reverse("desk:canned-delete", kwargs={"reply_id": reply.pk}),
    ]
    urls += [reverse(name, kwargs={"number": ticket.number}) for name in TICKET_URLS]
    urls.append(
        reverse(
            "desk:attachment-download",
            kwargs={"number": ticket.number, "attachment_id": attachment.pk},
        )
    )
    urls.append(
        reverse(
            "desk:message-original",
            kwargs={"number": ticket.number, "message_id": message.pk},
        )
    )
    return urls


def test_the_list_of_desk_urls_is_complete():
    from tique.desk import urls

    # 4 + 2 + 3 (reports: SLA and satisfaction; help centre; articles) + 2 + tickets + 2
    assert len(urls.urlpatterns) == 4 + 3 + 1 + 2 + len(TICKET_URLS) + 2


@pytest.mark.parametrize("persona", ["acme_admin", "ana"])
def test_customers_get_404_on_every_desk_url(request, persona, desk_urls):
    client = signed_in(request.getfixturevalue(persona))
    for url in desk_urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"body": "x", "status": "solved"}).status_code == 404, url


def test_signed_out_visitors_are_sent_to_sign_in_from_every_desk_url(desk_urls):
    client = english_client()
    sign_in = reverse("login")
    for url in desk_urls:
        for response in (client.get(url), client.post(url, {"body": "x"})):
            assert response.status_code == 302, url
            assert response["Location"].startswith(f"{sign_in}?next="), url


def test_an_agent_whose_user_is_deactivated_is_let_in_no_more(agent):
    client = signed_in(agent)
    User.objects.filter(pk=agent.pk).update(is_active=False)
    response = client.get(reverse("desk:queue"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_agent_sees_every_accounts_tickets(agent, acme_admin, beta_admin):
    ours, theirs = query(acme_admin), query(beta_admin)
    client = signed_in(agent)
    listed = client.get(reverse("desk:queue"), {"queue": "open"}).context["page"].object_list
    assert {ticket.pk for ticket in listed} == {ours.pk, theirs.pk}
    for ticket in (ours, theirs):
        url = reverse("desk:ticket-detail", kwargs={"number": ticket.number})
        assert client.get(url).status_code == 200


def test_a_post_only_desk_url_refuses_get_from_an_agent(agent):
    assert signed_in(agent).get(reverse("desk:bulk")).status_code == 405


# --- The configuration site (Django's admin) ------------------------------------------

ADMIN_URLS = ["/admin/", "/admin/tickets/requesttype/", "/admin/accounts/team/"]


def test_an_agent_without_the_configure_permission_cannot_enter_the_admin(agent):
    client = signed_in(agent)
    for url in ADMIN_URLS:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


def test_a_customer_cannot_enter_the_admin(acme_admin):
    response = signed_in(acme_admin).get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_supervisor_configures_teams_catalogue_and_canned_replies(agent):
    agent.groups.add(Group.objects.get(name=SUPERVISORS))
    client = signed_in(agent)
    for url in [*ADMIN_URLS, "/admin/tickets/cannedreply/", "/admin/accounts/account/"]:
        assert client.get(url).status_code == 200, url


def test_a_supervisor_who_is_not_staff_cannot_enter_the_admin(ana):
    ana.groups.add(Group.objects.get(name=SUPERVISORS))
    response = signed_in(ana).get("/admin/")
    assert response.status_code == 302


def test_a_superuser_enters_the_admin(db):
    boss = User.objects.create_superuser(email="boss@tique.example", password=PASSWORD)
    assert signed_in(boss).get("/admin/").status_code == 200


def test_the_supervisors_group_exists_after_migrate(db):
    group = Group.objects.get(name=SUPERVISORS)
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert "configure" in codenames
    assert {"change_requesttype", "change_team", "add_cannedreply"} <= codenames


def test_a_second_agent_of_another_team_also_works_every_ticket(acme_admin):
    billing_agent = make_agent("carmen@tique.example", "Carmen Facturas", team="billing")
    ticket = query(acme_admin)
    url = reverse("desk:ticket-detail", kwargs={"number": ticket.number})
    assert signed_in(billing_agent).get(url).status_code == 200


def test_the_configuration_link_is_shown_to_those_who_may_configure(agent):
    link = 'href="/admin/"'
    assert link not in signed_in(agent).get("/desk/").content.decode()

    agent.groups.add(Group.objects.get(name=SUPERVISORS))
    assert link in signed_in(agent).get("/desk/").content.decode()

    boss = User.objects.create_superuser(email="boss@tique.example", password=PASSWORD)
    assert link in signed_in(boss).get("/desk/").content.decode()


def test_a_direct_configure_permission_also_shows_the_link(agent):
    from django.contrib.auth.models import Permission

    agent.user_permissions.add(
        Permission.objects.get(content_type__app_label="accounts", codename="configure")
    )
    assert 'href="/admin/"' in signed_in(agent).get("/desk/").content.decode()
