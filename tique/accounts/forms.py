import datetime as dt
from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from tique.core import ratelimit
from tique.mail.choices import CUSTOMER_KINDS, NotificationKind


def _too_many() -> forms.ValidationError:
    minutes = max(1, settings.TIQUE_AUTH_RATE_WINDOW // 60)
    message = ngettext(
        "Too many attempts. Try again in %(minutes)d minute.",
        "Too many attempts. Try again in %(minutes)d minutes.",
        minutes,
    )
    return forms.ValidationError(message % {"minutes": minutes}, code="rate_limited")


def _allowed(scope: str, request: HttpRequest | None, email: str) -> bool:
    limit, window = settings.TIQUE_AUTH_RATE_LIMIT, settings.TIQUE_AUTH_RATE_WINDOW
    ip = ratelimit.client_ip(request) if request is not None else ""
    by_ip = ratelimit.hit(f"{scope}:ip", ip, limit=limit * 5, window=window)
    by_email = ratelimit.hit(f"{scope}:email", email.lower(), limit=limit, window=window)
    return by_ip and by_email


class SignInForm(AuthenticationForm):
    """E-mail and password; attempts are limited per client and per e-mail, and the answer
    is the same whether or not the e-mail has an account."""

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("E-mail")
        self.fields["username"].widget.attrs.update({"autocomplete": "email", "type": "email"})

    def clean(self) -> dict[str, Any]:
        email = str(self.data.get("username", ""))
        if not _allowed("signin", self.request, email):
            raise _too_many()
        return super().clean()


class RateLimitedPasswordResetForm(PasswordResetForm):
    def __init__(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"])
        if not _allowed("reset", self.request, email):
            raise _too_many()
        return email


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


def muted_field(kinds: Iterable[NotificationKind]) -> forms.MultipleChoiceField:
    """Tick the notifications not wanted; only the kinds that can reach this person."""
    wanted = set(kinds)
    return forms.MultipleChoiceField(
        label=_("Do not e-mail me about"),
        choices=[(k.value, k.label) for k in NotificationKind if k in wanted],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ProfileForm(forms.Form):
    """A customer's own details, language and notifications."""

    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    language = forms.ChoiceField(
        label=_("Language"),
        choices=[("", _("Follow the browser")), *settings.LANGUAGES],
        required=False,
    )
    muted = muted_field(CUSTOMER_KINDS)


class ApiTokenForm(forms.Form):
    """A new personal API token, in the panel or the desk: the secret is shown once."""

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Billing script”."),
    )
    read_only = forms.BooleanField(
        label=_("Read only: it can read, and every change with it is refused"), required=False
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        help_text=_("Optional. The token stops working at 00:00 on this day."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean_expires_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("expires_on")
        if day is not None and day <= timezone.localdate():
            raise forms.ValidationError(_("Pick a day after today."), code="past")
        return day

    def expires_at(self) -> dt.datetime | None:
        """The start of the chosen day in the active time zone (the page's)."""
        day: dt.date | None = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())
