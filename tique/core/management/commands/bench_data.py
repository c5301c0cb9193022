"""`python manage.py bench_data --tickets N`: the benchmark's data set (see
`tique.core.benchdata` and the README's "Benchmark").

Refuses when bench data is already there, unless `--reset` (delete it first) or
`--reuse` (keep it when it has exactly N tickets, else reload). Never touches data that
is not bench data. `--reset --tickets 0` only deletes."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from tique.core import benchdata

DEFAULT_TICKETS = 100_000


class Command(BaseCommand):
    help = "Load N bench tickets (accounts, users, messages, events) for `make bench`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--tickets",
            type=int,
            default=DEFAULT_TICKETS,
            help=f"How many tickets (default {DEFAULT_TICKETS:,}).",
        )
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed: the same seed, the same data."
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=10_000,
            help="Tickets per batch (one transaction each; default 10,000).",
        )
        choice = parser.add_mutually_exclusive_group()
        choice.add_argument(
            "--reset", action="store_true", help="Delete the bench data there is first."
        )
        choice.add_argument(
            "--reuse",
            action="store_true",
            help="Keep the bench data when it has exactly N tickets; reload it otherwise.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["tickets"]
        if count < 0 or options["batch"] < 1:
            raise CommandError("--tickets must be 0 or more and --batch at least 1")
        existing = benchdata.bench_tickets().count()
        there = existing or benchdata.bench_accounts().exists() or benchdata.bench_users().exists()
        if there and options["reuse"] and existing == count:
            self.stdout.write(f"Bench data with {existing:,} tickets is there: reused.")
            return
        if there and not (options["reset"] or options["reuse"]):
            raise CommandError(
                f"Bench data is already there ({existing:,} tickets in "
                f"{benchdata.bench_accounts().count():,} accounts): "
                "use --reset to replace it, or --reuse."
            )
        if there:
            self.stdout.write(f"Deleting the bench data there is ({existing:,} tickets)…")
            benchdata.reset()
        if count == 0:
            return
        self.stdout.write(f"Loading {count:,} bench tickets into {connection.vendor}…")
        report = benchdata.load(
            tickets=count,
            seed=options["seed"],
            batch=options["batch"],
            progress=self.stdout.write,
        )
        minutes, seconds = divmod(round(report.seconds), 60)
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {report.tickets:,} tickets, {report.messages:,} messages and "
                f"{report.events:,} events in {report.accounts:,} accounts "
                f"({report.users:,} users) in {minutes}m{seconds:02d}s."
            )
        )
        self.stdout.write(
            f"Sign in as {benchdata.people.admin_email(benchdata.people.account_code(0))} "
            f"(the largest account's administrator) or "
            f"{benchdata.people.agent_email('technical')} (an agent), "
            f"password {benchdata.PASSWORD!r}."
        )
