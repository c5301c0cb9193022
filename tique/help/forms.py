from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tique.kb.services import COMMENT_MAX
from tique.tickets.search_text import MAX_QUERY_LENGTH


class HelpSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the help centre"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class VoteForm(forms.Form):
    """Yes or no (the button pressed), with an optional comment."""

    helpful = forms.ChoiceField(
        label=_("Was this helpful?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        error_messages={"required": _("Choose yes or no.")},
    )
    comment = forms.CharField(
        label=_("Anything we should add or correct? (optional)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
