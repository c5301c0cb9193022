"""`python manage.py createtoken <email> [--read-only] [--name NAME] [--expires-in-days N]`:
an operator makes a personal API token for a user. Only the secret is printed, so a
script can keep it: `TOKEN=$(python manage.py createtoken ana@example.com --read-only)`.
It is shown this once; only its digest is stored."""

from __future__ import annotations

import datetime as dt
from argparse import ArgumentTypeError
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tique.accounts.models import User
from tique.accounts.services import api_token_create

DEFAULT_NAME = "Command line"
MAX_DAYS = 36500


def _days(value: str) -> int:
    try:
        days = int(value)
    except ValueError:
        raise ArgumentTypeError(f"a whole number of days, not {value!r}") from None
    if not 1 <= days <= MAX_DAYS:
        raise ArgumentTypeError(f"between 1 and {MAX_DAYS} days")
    return days


class Command(BaseCommand):
    help = "Create a personal API token for a user and print its secret (shown only once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The e-mail address the user signs in with.")
        parser.add_argument(
            "--read-only",
            action="store_true",
            help="The token can read, and every change with it is refused (403).",
        )
        parser.add_argument(
            "--name",
            default=DEFAULT_NAME,
            help=f"What the token is for, as the user sees it (default: {DEFAULT_NAME!r}).",
        )
        parser.add_argument(
            "--expires-in-days",
            type=_days,
            default=None,
            metavar="N",
            help="The token stops working N days from now (default: it does not expire).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = str(options["email"]).strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"no user has the e-mail address {email!r}")
        if not user.is_active:
            raise CommandError(f"the user {email!r} is inactive: an inactive user has no tokens")
        days: int | None = options["expires_in_days"]
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            _token, secret = api_token_create(
                user=user,
                name=str(options["name"]),
                read_only=bool(options["read_only"]),
                expires_at=expires_at,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(secret)
