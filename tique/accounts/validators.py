"""Validators for identity numbers; python-stdnum does the checksum work."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.es import nif


def normalize_spanish_tax_id(value: str) -> str:
    """Return the compact form (no spaces, dashes or dots, upper case) of a NIF, CIF or NIE."""
    return nif.compact(value)


def validate_spanish_tax_id(value: str) -> None:
    """Accept a valid Spanish NIF, CIF or NIE (python-stdnum's `es.nif` checks all three)."""
    if not nif.is_valid(value):
        raise ValidationError(
            _("Enter a valid Spanish NIF, CIF or NIE (for example B12345674)."),
            code="invalid_tax_id",
        )
