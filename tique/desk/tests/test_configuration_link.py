"""The header's configuration link on the desk: shown to whoever may configure (directly,
through a group, or as a superuser), read from the staff list that the queue and the
ticket page load anyway."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import open_ticket, signed_in
from tique.accounts.models import User

QUEUE = reverse("desk:queue")
CONFIGURATION = f'href="{reverse("admin:index")}"'


def _configure() -> Permission:
    return Permission.objects.get(content_type__app_label="accounts", codename="configure")


@pytest.fixture(params=["queue", "ticket"])
def desk_page(request, acme_admin):
    if request.param == "queue":
        return QUEUE
    return reverse("desk:ticket-detail", kwargs={"number": open_ticket(acme_admin).number})


@pytest.mark.parametrize("how", ["directly", "group", "superuser", "no"])
def test_the_link_follows_the_right(agent, how, desk_page):
    if how == "directly":
        agent.user_permissions.add(_configure())
    elif how == "group":
        group = Group.objects.create(name="Leads")
        group.permissions.add(_configure())
        agent.groups.add(group)
    elif how == "superuser":
        User.objects.filter(pk=agent.pk).update(is_superuser=True)
    page = signed_in(agent).get(desk_page).content.decode()
    assert (CONFIGURATION in page) is (how != "no")


def test_no_separate_permission_query(agent, desk_page):
    client = signed_in(agent)
    client.get(desk_page)
    with CaptureQueriesContext(connection) as queries:
        client.get(desk_page)
    standalone = [
        q for q in queries if q["sql"].startswith('SELECT 1 AS "a" FROM "auth_permission"')
    ]
    assert standalone == []
