"""A real receiving HTTP server in the test process, and subscriptions made through the
real services. The server listens on 127.0.0.1, so every test here allows private
addresses (the guard's own tests say what happens without)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.contrib.auth.models import Group

from tique.accounts.groups import SUPERVISORS
from tique.accounts.models import Account, User
from tique.webhooks import services
from tique.webhooks.choices import SUBSCRIBABLE
from tique.webhooks.models import WebhookSubscription


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int  # what the server answered

    @property
    def event(self) -> str:
        return self.headers["tique-event"]

    @property
    def payload(self) -> Any:
        return json.loads(self.body)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Receiver:
    """What the server received, and how it answers: `fail_next` requests get
    `fail_status`, the rest `status` with `answer` as their body."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    fail_next: int = 0
    fail_status: int = 500
    status: int = 204
    answer: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/tique"

    @property
    def delivered(self) -> list[Received]:
        return [request for request in self.requests if request.ok]

    def events(self) -> list[str]:
        return [request.event for request in self.delivered]

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.fail_next = 0
            self.fail_status = 500
            self.status = 204
            self.answer = b""
            self.headers = {}

    def take(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        with self.lock:
            if self.fail_next:
                self.fail_next -= 1
                status, answer = self.fail_status, b"try again later"
            else:
                status, answer = self.status, self.answer
            self.requests.append(Received(path, headers, body, status))
            return status, answer


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {name.lower(): value for name, value in self.headers.items()}
        receiver = self.server.receiver
        status, answer = receiver.take(self.path, headers, body)
        self.send_response(status)
        for name, value in receiver.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, receiver: Receiver) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.receiver = receiver
        receiver.port = self.server_address[1]


@pytest.fixture(scope="session")
def webhook_server() -> Iterator[Receiver]:
    receiver = Receiver()
    server = _Server(receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()


@pytest.fixture
def receiver(_isolated: None, settings: Any, webhook_server: Receiver) -> Iterator[Receiver]:
    """The server, emptied, with private addresses allowed and tasks run at enqueue."""
    settings.TIQUE_WEBHOOKS_ALLOW_PRIVATE = True
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.TIQUE_SITE_URL = "https://help.tique.example"
    settings.TIQUE_WEBHOOK_MAX_ATTEMPTS = 3
    settings.TIQUE_WEBHOOK_DISABLE_AFTER = 10
    settings.TIQUE_WEBHOOK_TIMEOUT = 5
    webhook_server.reset()
    yield webhook_server
    webhook_server.reset()


@pytest.fixture
def supervisor(agent: User) -> User:
    """An agent in the Supervisors group (who configures Tique)."""
    agent.groups.add(Group.objects.get(name=SUPERVISORS))
    return User.objects.get(pk=agent.pk)  # without a cached, stale set of permissions


def subscribe(
    owner: User,
    url: str,
    *,
    account: Account | None = None,
    events: list[str] | None = None,
) -> WebhookSubscription:
    """A subscription made through the real service: the owner's only account's, or
    every account's for a supervisor."""
    if account is None and not owner.is_staff:
        membership = owner.memberships.select_related("account").get()
        account = membership.account
    return services.webhook_create(
        actor=owner, account=account, url=url, events=events or sorted(SUBSCRIBABLE)
    )
