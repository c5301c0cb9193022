"""Helpers for forms that hand their data to a service."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: each message at the field it names,
    or at the top of the form when the form has no such field."""
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)
