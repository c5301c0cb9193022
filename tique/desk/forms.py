from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from tique.accounts.forms import muted_field
from tique.accounts.models import Team, User
from tique.core.forms import ModelChoiceField
from tique.mail.choices import STAFF_KINDS
from tique.tickets.attachments import MultipleFileField, check_reply
from tique.tickets.choices import Category, Priority, Status
from tique.tickets.models import Ticket
from tique.tickets.search import MAX_QUERY_LENGTH, is_search
from tique.tickets.selectors import RELEVANCE, SORTS, DeskFilters, Queue

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
STATUS_AFTER_REPLY = [
    ("", _("Keep the status")),
    (Status.PENDING, _("Wait for the customer")),
    (Status.ON_HOLD, _("Put on hold")),
    (Status.SOLVED, _("Solve")),
]
SORT_LABELS = {
    "sla": _("SLA due soonest first"),
    "-last_activity_at": _("Latest activity first"),
    "last_activity_at": _("Longest waiting first"),
    "-created_at": _("Newest first"),
    "created_at": _("Oldest first"),
    "priority": _("Most urgent first"),
    "-number": _("Highest number first"),
    "number": _("Lowest number first"),
    RELEVANCE: _("Most relevant first"),
}
SEARCH_HELP = _(
    "Accents and word endings do not matter. “Quotes” for a phrase, -word to leave a "
    "word out, or between alternatives."
)


def search_field() -> forms.CharField:
    return forms.CharField(
        label=_("Search"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        help_text=SEARCH_HELP,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


def agents() -> QuerySet[User]:
    return User.objects.filter(is_staff=True, is_active=True).order_by("full_name", "email")


class QueueFilterForm(forms.Form):
    """The desk's queue, filters and sort, read from the query string."""

    queue = forms.ChoiceField(
        label=_("Queue"), choices=Queue.choices, required=False, widget=forms.HiddenInput
    )
    q = search_field()
    number = forms.IntegerField(
        label=_("Ticket ID"),
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    account = forms.CharField(label=_("Account or customer code"), required=False, max_length=100)
    requester = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("Category"), required=False)
    kind = forms.CharField(label=_("Type or kind (code)"), required=False, max_length=60)
    status = forms.ChoiceField(label=_("Status"), required=False)
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    team = ModelChoiceField[Team](label=_("Team"), queryset=Team.objects.none(), required=False)
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    created_from = forms.DateField(label=_("Created from"), required=False, widget=_DATE)
    created_to = forms.DateField(label=_("Created to"), required=False, widget=_DATE)
    updated_from = forms.DateField(label=_("Updated from"), required=False, widget=_DATE)
    updated_to = forms.DateField(label=_("Updated to"), required=False, widget=_DATE)
    sort = forms.ChoiceField(label=_("Sort"), required=False)

    def __init__(self, *args: Any, staff: list[User] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice = self.fields
        choice["category"].choices = [("", pgettext("any category", "All")), *Category.choices]  # type: ignore[attr-defined]
        choice["status"].choices = [("", pgettext("any status", "All")), *Status.choices]  # type: ignore[attr-defined]
        choice["priority"].choices = [("", pgettext("any priority", "All")), *Priority.choices]  # type: ignore[attr-defined]
        choice["assignee"].choices = [  # type: ignore[attr-defined]
            ("", _("Anyone")),
            ("none", _("Nobody")),
            *((str(user.pk), user.display_name) for user in staff or agents()),
        ]
        choice["sort"].choices = [  # type: ignore[attr-defined]
            ("", _("Most relevant first with a search, else latest activity")),
            *((key, SORT_LABELS[key]) for key in [*SORTS, RELEVANCE]),
        ]
        team = cast(ModelChoiceField[Team], choice["team"])
        team.queryset = Team.objects.filter(is_active=True)
        team.empty_label = pgettext("any team", "All")

    @property
    def chosen_queue(self) -> Queue:
        value = self.cleaned_data.get("queue") if hasattr(self, "cleaned_data") else ""
        return Queue(value) if value in Queue.values else Queue.UNASSIGNED

    def filters(self) -> DeskFilters:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        team = data.get("team")
        q = (data.get("q") or "").strip()
        return DeskFilters(
            number=data.get("number"),
            account=(data.get("account") or "").strip(),
            requester_id=data.get("requester"),
            category=data.get("category") or "",
            kind=(data.get("kind") or "").strip(),
            status=data.get("status") or "",
            priority=data.get("priority") or "",
            team_id=team.pk if team else None,
            assignee=data.get("assignee") or "",
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
            updated_from=data.get("updated_from"),
            updated_to=data.get("updated_to"),
            sort=data.get("sort") or (RELEVANCE if is_search(q) else "-last_activity_at"),
            q=q,
            search_internal=True,  # the desk is for staff, who see internal notes
        )

    @property
    def is_filtered(self) -> bool:
        return any(self.data.get(name) for name in self.fields if name not in {"queue", "sort"})


class BulkForm(forms.Form):
    """An action on the rows an agent ticked."""

    tickets = forms.ModelMultipleChoiceField(
        queryset=Ticket.objects.none(), widget=forms.MultipleHiddenInput
    )
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    priority = forms.ChoiceField(label=_("Priority"), required=False)

    def __init__(
        self, *args: Any, tickets: Any, staff: list[User] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tickets"].queryset = tickets  # type: ignore[attr-defined]
        unchanged = ("", _("(unchanged)"))
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            unchanged,
            ("none", _("Nobody")),
            *((str(user.pk), user.display_name) for user in staff or agents()),
        ]
        self.fields["status"].choices = [unchanged, *Status.choices]  # type: ignore[attr-defined]
        self.fields["priority"].choices = [unchanged, *Priority.choices]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not any(cleaned.get(name) for name in ("assignee", "status", "priority")):
            raise forms.ValidationError(_("Choose what to change."), code="nothing")
        return cleaned


class DeskReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    internal = forms.BooleanField(
        label=_("Internal note (never shown to the customer)"), required=False
    )
    status_after = forms.ChoiceField(label=_("Then"), choices=STATUS_AFTER_REPLY, required=False)
    attachments = MultipleFileField(label=_("Attachments"), required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        check_reply(self, cleaned)
        return cleaned


class TicketUpdateForm(forms.Form):
    """Status, priority, team and assignee of one ticket, changed together."""

    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    team = ModelChoiceField[Team](label=_("Team"), queryset=Team.objects.none(), required=False)
    assignee = ModelChoiceField[User](
        label=_("Assignee"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args: Any, staff: list[User] | None = None, **kwargs: Any) -> None:
        """`staff`: the agents (`agents()`), when the caller has read them already; the
        choices are then written from that list."""
        super().__init__(*args, **kwargs)
        team = cast(ModelChoiceField[Team], self.fields["team"])
        assignee = cast(ModelChoiceField[User], self.fields["assignee"])
        team.queryset = Team.objects.filter(is_active=True)
        team.empty_label = _("No team")
        assignee.queryset = agents()
        assignee.empty_label = _("Nobody")
        if staff is not None:
            assignee.choices = [
                ("", assignee.empty_label),
                *((u.pk, assignee.label_from_instance(u)) for u in staff),
            ]


class TicketNumberForm(forms.Form):
    """Another ticket, named by its number (merge into, link to, attach to an outage)."""

    number = forms.IntegerField(
        label=_("Ticket ID"),
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class BroadcastForm(forms.Form):
    body = forms.CharField(
        label=_("Update for every linked customer"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    solve = forms.BooleanField(label=_("Solve the outage and every linked ticket"), required=False)


class PreferencesForm(forms.Form):
    is_away = forms.BooleanField(
        label=_("I am away (no tickets by round-robin assignment)"), required=False
    )
    muted = muted_field(STAFF_KINDS)


class CannedReplyForm(forms.Form):
    """A personal canned reply."""

    title = forms.CharField(label=_("Title"), max_length=120)
    body = forms.CharField(
        label=_("Text"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Placeholders: {customer_name}, {ticket_number}, {customer_code}, {account_name}."
        ),
    )
