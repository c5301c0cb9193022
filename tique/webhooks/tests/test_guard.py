"""The SSRF guard: webhooks go to public http(s) addresses only, checked when a
subscription is made and again when each delivery is sent, to the very address that was
checked. Host names are resolved by a stand-in resolver (the edge of the world), so the
tests do not depend on the network's DNS."""

import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from tique.webhooks import services, transport
from tique.webhooks.choices import DeliveryState
from tique.webhooks.tests.conftest import Receiver, _Handler, subscribe

PUBLIC = "93.184.215.14"
REAL_GETADDRINFO = socket.getaddrinfo


@dataclass
class Dns:
    """The stand-in resolver's records (addresses still resolve to themselves), and the
    names it was asked for."""

    records: dict[str, list[str]] = field(default_factory=dict)
    lookups: list[str] = field(default_factory=list)

    def __setitem__(self, name: str, addresses: list[str]) -> None:
        self.records[name] = addresses

    def getaddrinfo(self, host, port, *args, **kwargs):
        if host in self.records:
            self.lookups.append(host)
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    6,
                    "",
                    (a, port),
                )
                for a in self.records[host]
            ]
        try:
            ipaddress.ip_address(host)
        except ValueError:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known") from None
        return REAL_GETADDRINFO(host, port, *args, **kwargs)


@pytest.fixture
def dns(monkeypatch) -> Dns:
    resolver = Dns()
    monkeypatch.setattr(socket, "getaddrinfo", resolver.getaddrinfo)
    return resolver


def refusal(url: str) -> str:
    with pytest.raises(ValidationError) as caught:
        services.check_url(url)
    return " ".join(caught.value.message_dict["url"])


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://127.8.9.10:8080/hook",
        "http://10.1.2.3/hook",
        "http://172.16.0.1/hook",
        "http://192.168.1.10/hook",
        "http://100.64.0.1/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://0.0.0.0/",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[fe80::1]/hook",
        "http://[fd00::1]/hook",
        "http://224.0.0.1/hook",
        "http://localhost:8000/hook",
        "http://internal.example/hook",  # resolves to a private address
        "http://mixed.example/hook",  # one of its addresses is private
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(db, dns, url):
    dns["internal.example"] = ["10.0.0.7"]
    dns["mixed.example"] = [PUBLIC, "192.168.0.7"]
    dns["localhost"] = ["127.0.0.1", "::1"]

    assert "private network" in refusal(url)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "http:// or https://"),
        ("ftp://hooks.example/in", "http:// or https://"),
        ("gopher://hooks.example/", "http:// or https://"),
        ("hooks.example/in", "http:// or https://"),
        ("https://user:secret@hooks.example/in", "user name or password"),
        ("https://user@hooks.example/in", "user name or password"),
        ("https://hooks.example:99999/in", "not a valid address"),
        ("https://hooks.example/in put", "spaces or control characters"),
        ("https:///in", "not a valid address"),
        ("https://nowhere.example/in", "could not be resolved"),
    ],
)
def test_other_schemes_credentials_and_bad_addresses_are_refused(db, dns, url, message):
    dns["hooks.example"] = [PUBLIC]

    assert message in refusal(url)


def test_a_public_address_is_accepted_and_kept_as_resolved(db, dns):
    dns["hooks.example"] = [PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]

    target = transport.check_url("https://hooks.example/in?source=tique#ignored")

    assert target == transport.Target(
        scheme="https",
        host="hooks.example",
        port=443,
        path="/in?source=tique",
        addresses=(PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"),
    )


def test_the_setting_allows_private_addresses_but_nothing_else(db, dns, settings):
    settings.TIQUE_WEBHOOKS_ALLOW_PRIVATE = True
    dns["localhost"] = ["127.0.0.1"]

    assert services.check_url("http://127.0.0.1:8080/hook") == "http://127.0.0.1:8080/hook"
    assert services.check_url("http://localhost/hook") == "http://localhost/hook"
    assert services.check_url("http://[::1]/hook") == "http://[::1]/hook"
    assert "http:// or https://" in refusal("file:///etc/passwd")
    assert "user name or password" in refusal("http://user:pw@127.0.0.1/")


def test_a_subscription_to_a_refused_address_is_not_made(acme_admin, dns):
    with pytest.raises(ValidationError) as caught:
        subscribe(acme_admin, "http://169.254.169.254/latest/meta-data/")

    assert list(caught.value.message_dict) == ["url"]


def test_the_delivery_goes_to_the_address_checked_without_a_second_lookup(
    acme_admin, receiver, dns, django_capture_on_commit_callbacks
):
    """DNS rebinding: a name that answers one address to the check and another to the
    connection. The connection uses the address checked, and the Host header its name."""
    dns["hooks.example"] = ["127.0.0.1"]
    subscription = subscribe(acme_admin, f"http://hooks.example:{receiver.port}/in")
    dns.lookups.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.webhook_ping(subscription=subscription, actor=acme_admin)

    assert dns.lookups == ["hooks.example"]
    [request] = receiver.requests
    assert request.headers["host"] == f"hooks.example:{receiver.port}"
    sent.refresh_from_db()
    assert sent.state == DeliveryState.DELIVERED


def test_a_name_that_now_resolves_to_a_private_address_is_refused_at_send_time(
    acme_admin, receiver, dns, settings, django_capture_on_commit_callbacks
):
    dns["hooks.example"] = [PUBLIC]
    settings.TIQUE_WEBHOOKS_ALLOW_PRIVATE = False
    subscription = subscribe(acme_admin, "https://hooks.example/in")
    dns["hooks.example"] = ["127.0.0.1"]

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.webhook_ping(subscription=subscription, actor=acme_admin)

    sent.refresh_from_db()
    assert sent.state == DeliveryState.FAILED
    assert "private network" in sent.last_error
    assert receiver.requests == []


# --- HTTPS: SNI and the certificate are for the name, the connection to the address ---


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is missing")
    root = tmp_path_factory.mktemp("tls")
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(  # noqa: S603 (a fixed command)
        [
            openssl,
            *("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
            *("-subj", "/CN=hooks.example", "-addext", "subjectAltName=DNS:hooks.example"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_receiver(receiver, certificate, monkeypatch) -> Iterator[Receiver]:
    """A receiver over TLS, with a certificate for hooks.example, which the sender is
    made to trust."""
    cert, key = certificate
    twin = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.receiver = twin  # type: ignore[attr-defined]
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def trusting() -> ssl.SSLContext:
        client = ssl.create_default_context(cafile=str(cert))
        return client

    monkeypatch.setattr(transport, "tls_context", trusting)
    twin.port = server.server_address[1]
    yield twin
    server.shutdown()
    server.server_close()


def test_https_checks_the_certificate_for_the_host_name(
    acme_admin, tls_receiver, dns, django_capture_on_commit_callbacks
):
    dns["hooks.example"] = ["127.0.0.1"]
    subscription = subscribe(acme_admin, f"https://hooks.example:{tls_receiver.port}/in")

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.webhook_ping(subscription=subscription, actor=acme_admin)

    sent.refresh_from_db()
    assert sent.state == DeliveryState.DELIVERED
    assert len(tls_receiver.delivered) == 1


def test_https_refuses_a_certificate_for_another_name(
    acme_admin, tls_receiver, dns, django_capture_on_commit_callbacks
):
    dns["other.example"] = ["127.0.0.1"]
    subscription = subscribe(acme_admin, f"https://other.example:{tls_receiver.port}/in")

    with django_capture_on_commit_callbacks(execute=True):
        sent = services.webhook_ping(subscription=subscription, actor=acme_admin)

    sent.refresh_from_db()
    assert sent.state == DeliveryState.PENDING
    assert "CERTIFICATE_VERIFY_FAILED" in sent.last_error
    assert tls_receiver.requests == []
