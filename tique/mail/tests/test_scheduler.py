"""`manage.py run_scheduler`: the periodic jobs, once or in a loop."""

import os
import signal
import time

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tique.mail import notifications
from tique.mail.choices import OutboundState
from tique.mail.management.commands import run_scheduler
from tique.mail.models import OutboundEmail
from tique.mail.tests.conftest import quiet_ticket
from tique.tickets import pending_uploads


def abandoned_upload(user_id: int) -> str:
    kept = pending_uploads.keep(
        user_id=user_id, field="doc", upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4\n")
    )
    path = default_storage.path(kept.path)
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(path, (two_days_ago, two_days_ago))
    return path


def test_once_it_sends_due_mail_and_sweeps_abandoned_uploads(
    ana, agent, mailbox, django_capture_on_commit_callbacks
):
    ticket = quiet_ticket(ana)
    with django_capture_on_commit_callbacks(execute=False):  # the task never ran
        notifications.ticket_solved(ticket, agent)
    upload = abandoned_upload(ana.pk)

    call_command("run_scheduler", "--once")

    assert OutboundEmail.objects.get().state == OutboundState.SENT
    assert len(mailbox.received) == 1
    assert not os.path.exists(upload)


def test_a_failing_job_does_not_stop_the_others_and_fails_the_run(ana, monkeypatch):
    def broken() -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(run_scheduler, "retry_due_emails", broken)
    upload = abandoned_upload(ana.pk)

    with pytest.raises(CommandError, match="a scheduled job failed"):
        call_command("run_scheduler", "--once")

    assert not os.path.exists(upload)


def test_the_loop_runs_the_jobs_again_until_it_is_told_to_stop(db, monkeypatch):
    runs = []

    def fake_run_jobs() -> bool:
        runs.append(time.monotonic())
        if len(runs) == 2:
            signal.raise_signal(signal.SIGTERM)
        return True

    monkeypatch.setattr(run_scheduler, "run_jobs", fake_run_jobs)
    # It would close the test's connection, which holds the test's transaction.
    monkeypatch.setattr(run_scheduler, "close_old_connections", lambda: None)
    sigterm_before = signal.getsignal(signal.SIGTERM)

    call_command("run_scheduler", "--interval", "1")

    assert len(runs) == 2
    assert runs[1] - runs[0] >= 0.9
    assert signal.getsignal(signal.SIGTERM) is sigterm_before


def test_the_interval_must_be_a_positive_number_of_seconds(db):
    with pytest.raises(CommandError):
        call_command("run_scheduler", "--interval", "0")
