"""Our select and our form renderer write the markup Django's own widgets write."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.test.html import parse_html

from tique.core.forms import ModelChoiceField, Select

CHOICES = [
    ("", "Anyone"),
    (1, "Ana <Ortega> & co"),
    (2, 'Luis "el de ventas"'),
    ("Teams", [("t1", "Técnico"), ("t2", "Comercial")]),
    (3, "Marta"),
]


def _both(choices, value, attrs=None, multiple=False):
    ours_class = (
        type("Multiple", (Select,), {"allow_multiple_selected": True}) if multiple else Select
    )
    django_class = forms.SelectMultiple if multiple else forms.Select
    ours = ours_class(choices=choices, attrs={"class": "wide"})
    django = django_class(choices=choices, attrs={"class": "wide"})
    return (
        parse_html(ours.render("who", value, attrs)),
        parse_html(django.render("who", value, attrs)),
    )


@pytest.mark.parametrize("value", [None, "", 1, "2", "t2", 3, "missing", ["1", "3"]], ids=repr)
def test_the_markup_is_djangos(value):
    attrs = {"id": "id_who", "aria-describedby": "id_who_help", "required": True}
    ours, django = _both(CHOICES, value, attrs)
    assert ours == django


def test_a_multiple_select_selects_every_value():
    ours, django = _both(CHOICES, ["1", "3", "t1"], {"id": "id_who"}, multiple=True)
    assert ours == django
    assert str(ours).count("selected") == 3


def test_only_the_first_option_with_the_value_is_selected():
    ours, django = _both([(1, "a"), (1, "b")], 1)
    assert ours == django
    assert str(ours).count("selected") == 1


def test_labels_and_values_are_escaped():
    html = Select(choices=[('"><script>', "<b>x</b>")]).render("f", None)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


@pytest.mark.django_db
def test_a_model_choice_reads_its_choices_in_one_plain_query(django_assert_num_queries):
    from tique.accounts.models import Team

    Team.objects.create(slug="noc", name_es="Red", name_en="Red")
    field = ModelChoiceField[Team](queryset=Team.objects.order_by("slug"), empty_label="Any")
    with django_assert_num_queries(1) as captured:
        widget: Any = field.widget
        html = widget.render("team", None)
    assert "DECLARE" not in captured.captured_queries[0]["sql"]
    assert '<option value="" selected>Any</option>' in html
    assert ">Red</option>" in html


WIDGETS = [
    forms.TextInput(attrs={"type": "search", "autocomplete": "off", "maxlength": 200}),
    forms.NumberInput(attrs={"min": 1, "step": "any"}),
    forms.EmailInput(),
    forms.URLInput(),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    forms.DateTimeInput(attrs={"type": "datetime-local"}),
    forms.TimeInput(),
    forms.CheckboxInput(),
    forms.Textarea(attrs={"rows": 5}),
    forms.Select(choices=CHOICES),
    forms.SelectMultiple(choices=CHOICES),
]
VALUES = [None, "", 'a <b> & "c"', 42, True, False, "2026-12-06"]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_the_renderer_writes_what_djangos_templates_write(widget, value):
    from django.forms.renderers import DjangoTemplates

    from tique.core.forms import Renderer

    attrs = {"id": "id_f", "required": True, "aria-invalid": "true", "disabled": False}
    ours = widget.render("f", value, attrs, renderer=Renderer())
    django = widget.render("f", value, attrs, renderer=DjangoTemplates())
    assert ours == django
