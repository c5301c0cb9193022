"""Supervisors edit business calendars and SLA policies in the configuration site."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.forms import modelform_factory

from conftest import signed_in
from tique.accounts.groups import SUPERVISORS
from tique.sla.admin import BusinessCalendarForm
from tique.sla.models import BusinessCalendar, SlaPolicy
from tique.sla.selectors import default_calendar


@pytest.fixture
def supervisor(agent):
    agent.groups.add(Group.objects.get(name=SUPERVISORS))
    return agent


def test_the_supervisors_group_may_configure_calendars_and_sla_policies(db):
    codenames = set(
        Group.objects.get(name=SUPERVISORS).permissions.values_list("codename", flat=True)
    )
    for model in ["businesscalendar", "openinghours", "closingday", "slapolicy"]:
        assert {f"{action}_{model}" for action in ["add", "change", "delete", "view"]} <= codenames


def test_a_supervisor_lists_calendars_and_sla_policies(supervisor):
    SlaPolicy.objects.create(
        name="Consultas sin prisa",
        plan="basic",
        category="query",
        priority="low",
        first_response_minutes=240,
        next_response_minutes=240,
        resolution_minutes=2400,
    )
    client = signed_in(supervisor)
    response = client.get("/admin/sla/businesscalendar/")
    assert response.status_code == 200
    assert "España — Comunidad de Madrid" in response.content.decode()
    response = client.get("/admin/sla/slapolicy/")
    assert response.status_code == 200
    assert "Consultas sin prisa" in response.content.decode()


@time_machine.travel(dt.datetime(2026, 11, 25, 12, tzinfo=dt.UTC), tick=False)
def test_the_calendar_page_shows_its_hours_closing_days_and_next_ten_holidays(supervisor):
    calendar = default_calendar()
    assert calendar is not None
    calendar.closing_days.create(date=dt.date(2026, 12, 24), name="Nochebuena")
    response = signed_in(supervisor).get(f"/admin/sla/businesscalendar/{calendar.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nochebuena" in page
    assert 'name="opening_hours-TOTAL_FORMS" value="9"' in page.replace("\n", "")
    assert '<time datetime="2026-12-07">' in page  # Monday following Constitution Day
    assert '<time datetime="2027-05-03">' in page  # the tenth: Monday following Madrid Day
    assert '<time datetime="2027-05-01">' in page
    assert page.count("<li><time datetime=") == 10


def test_a_supervisor_adds_a_calendar(supervisor):
    response = signed_in(supervisor).get("/admin/sla/businesscalendar/add/")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("country", "subdivision", "field"),
    [("XX", "", "country"), ("ES", "ZZ", "subdivision"), ("", "MD", "subdivision")],
)
def test_a_calendar_must_name_a_country_and_region_the_holidays_package_knows(
    db, country, subdivision, field
):
    form_class = modelform_factory(
        BusinessCalendar,
        form=BusinessCalendarForm,
        fields=["name", "time_zone", "country", "subdivision"],
    )
    data = {"name": "Otro", "time_zone": "Europe/Madrid", "country": country}
    form = form_class({**data, "subdivision": subdivision})
    assert not form.is_valid()
    assert list(form.errors) == [field]


@pytest.mark.parametrize(("country", "subdivision"), [("ES", "CT"), ("ES", ""), ("", "")])
def test_a_known_country_and_region_or_none_is_valid(db, country, subdivision):
    form_class = modelform_factory(
        BusinessCalendar,
        form=BusinessCalendarForm,
        fields=["name", "time_zone", "country", "subdivision"],
    )
    data = {"name": "Otro", "time_zone": "Europe/Madrid", "country": country}
    assert form_class({**data, "subdivision": subdivision}).is_valid()
