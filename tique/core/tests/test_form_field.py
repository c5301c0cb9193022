"""`{% form_field %}` writes what the `components/field.html` include wrote (now
`reference/field.html`), byte for byte, for every kind of field the project's forms
have: required or not, with help text, with errors, checkboxes and lists of checkboxes,
selects, files, dates and hidden fields."""

from pathlib import Path

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.template import Context, Template
from django.utils import translation

from tique.core.templatetags.tique import form_field
from tique.desk.forms import DeskReplyForm, PreferencesForm, TicketUpdateForm
from tique.portal.forms import HistoryFilterForm, WebhookForm

# The template the tag replaced.
INCLUDE = Template((Path(__file__).parent / "reference" / "field.html").read_text())


class EveryKind(forms.Form):
    name = forms.CharField(label="Name <b>&</b>", help_text="Your <i>full</i> name")
    note = forms.CharField(required=False, widget=forms.Textarea)
    agree = forms.BooleanField(label="I agree")
    kind = forms.ChoiceField(choices=[("a", "A & B"), ("b", "<C>")])
    when = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    shown_twice = forms.CharField(show_hidden_initial=True, required=False)
    upload = forms.FileField(required=False)


def forms_to_check():
    yield EveryKind()
    yield EveryKind({"name": "", "kind": "zzz", "when": "not a date", "agree": ""})
    yield EveryKind({"name": '"quoted" <x>', "kind": "a", "agree": "on"})
    yield HistoryFilterForm({"number": "abc", "created_from": "2026-13-40"}, requesters=[])
    yield HistoryFilterForm(requesters=[(1, "Ana <Ruiz>"), (2, "Luis")])
    yield DeskReplyForm()
    yield DeskReplyForm({"body": ""})
    yield PreferencesForm()
    yield WebhookForm({"url": "nope", "events": ["zzz"]})
    yield AuthenticationForm()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["es", "en"])
def test_each_field_is_written_as_the_template_wrote_it(language):
    with translation.override(language):
        checked = 0
        for form in [*forms_to_check(), TicketUpdateForm()]:
            form.is_bound and form.is_valid()
            for field in form:
                assert form_field(field) == INCLUDE.render(Context({"field": field})), (
                    type(form).__name__,
                    field.name,
                )
                checked += 1
    assert checked > 40
