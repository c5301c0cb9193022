from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tique.core.forms import ListChoiceField
from tique.tickets.attachments import MultipleFileField, check_reply
from tique.tickets.choices import Category, Status
from tique.tickets.search import MAX_QUERY_LENGTH
from tique.tickets.selectors import HistoryFilters
from tique.webhooks.choices import SUBSCRIBABLE, WebhookEvent

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class HistoryFilterForm(forms.Form):
    """The history's filters, read from the query string (so they can be bookmarked)."""

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=_(
            "Searches subjects, the details you gave and the messages. Accents and word "
            "endings do not matter; “quotes” for a phrase, -word to leave a word out."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    number = forms.IntegerField(
        label=_("Ticket ID"),
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    # Choices (id, name) given by the view: the account's people, for an administrator.
    requester = ListChoiceField(label=_("Created by"), coerce=int, empty_value=None, required=False)
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[("", pgettext_lazy("any category", "All")), *Category.choices],
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", pgettext_lazy("any status", "All")), *Status.choices],
        required=False,
    )
    created_from = forms.DateField(label=_("From"), required=False, widget=_DATE)
    created_to = forms.DateField(label=_("To"), required=False, widget=_DATE)

    def __init__(
        self, *args: Any, requesters: list[tuple[int, str]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if requesters is None:
            del self.fields["requester"]
        else:
            requester = cast(ListChoiceField, self.fields["requester"])
            requester.choices = [("", _("Anyone")), *requesters]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("created_from"), cleaned.get("created_to")
        if start and end and start > end:
            self.add_error("created_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> HistoryFilters:
        """The valid filters (a field with an error is left out, and shows its error)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return HistoryFilters(
            number=data.get("number"),
            requester_id=data.get("requester"),
            category=data.get("category") or "",
            status=data.get("status") or "",
            created_from=data.get("created_from"),
            created_to=data.get("created_to") if "created_to" not in self.errors else None,
            q=(data.get("q") or "").strip(),
        )

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields)


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_reply(self, cleaned)
        return cleaned


def _event_choices() -> list[tuple[str, Any]]:
    """The events a subscription may ask for, in their declared order."""
    return [(event.value, event.label) for event in WebhookEvent if event in SUBSCRIBABLE]


class WebhookForm(forms.Form):
    """A webhook subscription's address, events and description. The address is checked
    by the service (the SSRF guard), whose errors land on the field."""

    url = forms.CharField(
        label=_("Address (URL)"),
        max_length=500,
        help_text=_("An http:// or https:// address on the internet that accepts POST requests."),
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=_event_choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("What receives the events, e.g. “CRM”: for your own reference."),
    )
