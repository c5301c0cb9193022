"""Posting a delivery to its receiver, and the guard that keeps webhooks out of our own
network (SSRF): the standard library only.

A URL is accepted when its scheme is http or https, it carries no user name or
password, and every address its host resolves to is a public one: not private,
loopback, link-local, multicast, reserved or unspecified (unless
`TIQUE_WEBHOOKS_ALLOW_PRIVATE`). The host is resolved once, and the connection goes to
an address that was checked, never through a second lookup that a rebinding DNS server
could answer differently; the Host header, TLS SNI and the certificate check still use
the host name. Redirects are not followed, and only the start of the answer is read.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

DEFAULT_PORTS = {"http": 80, "https": 443}
EXCERPT_BYTES = 4096
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class RefusedUrl(ValueError):
    """Webhooks may not be sent to this URL (a subscription is refused; a delivery to it
    fails at once)."""


class HostNotFound(OSError):
    """The host name does not resolve (now): a delivery to it is tried again later."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # the host name as written (ASCII): Host header, SNI, certificate
    port: int
    path: str  # path and query
    addresses: tuple[str, ...]  # checked; connect to these only


@dataclass(frozen=True)
class Response:
    status: int
    excerpt: str


def _split(url: str) -> tuple[str, str, int, str]:
    if any(ord(char) <= 0x20 or ord(char) == 0x7F for char in url):
        raise RefusedUrl(_("The address may not contain spaces or control characters."))
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise RefusedUrl(_("This is not a valid address.")) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise RefusedUrl(_("Use an http:// or https:// address."))
    if "@" in parts.netloc:
        raise RefusedUrl(
            _("Give the address without a user name or password: the signature proves who sends.")
        )
    if not parts.hostname or port == 0:
        raise RefusedUrl(_("This is not a valid address."))
    try:
        host = parts.hostname.encode("idna").decode("ascii")
    except UnicodeError:
        raise RefusedUrl(_("This host name is not valid.")) from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return scheme, host, port or DEFAULT_PORTS[scheme], path


def resolve(host: str, port: int) -> tuple[str, ...]:
    """Every address `host` resolves to, in the resolver's order (a literal address
    resolves to itself)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise HostNotFound(
            _("The host name %(host)s could not be resolved.") % {"host": host}
        ) from (error)
    return tuple(dict.fromkeys(str(info[4][0]) for info in found))


def is_forbidden(address: str) -> bool:
    """Whether an address is one webhooks may not reach: anything but a public one."""
    ip = ipaddress.ip_address(address.partition("%")[0])  # without an IPv6 zone
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None and is_forbidden(str(embedded)):
            return True
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def check_url(url: str) -> Target:
    """The URL's target with its checked addresses. Raises `RefusedUrl` for a URL that
    may not be used, `HostNotFound` when its host does not resolve."""
    scheme, host, port, path = _split(url.strip())
    addresses = resolve(host, port)
    if not addresses:
        raise HostNotFound(_("The host name %(host)s could not be resolved.") % {"host": host})
    if not settings.TIQUE_WEBHOOKS_ALLOW_PRIVATE and any(map(is_forbidden, addresses)):
        raise RefusedUrl(
            _(
                "This address leads into a private network, to this server or to another "
                "reserved range, which webhooks may not reach."
            )
        )
    return Target(scheme=scheme, host=host, port=port, path=path, addresses=addresses)


def tls_context() -> ssl.SSLContext:
    """Certificates checked against the system's authorities, host name included."""
    return ssl.create_default_context()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTP to `host` (its Host header) at an address checked beforehand."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to `host` (Host header, SNI and certificate) at an address checked
    beforehand."""

    def __init__(
        self, host: str, port: int, *, address: str, timeout: float, context: ssl.SSLContext
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self.address = address
        self.tls = context

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        try:
            self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


def _connection(target: Target, address: str, timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPSConnection(
            target.host, target.port, address=address, timeout=timeout, context=tls_context()
        )
    return _PinnedHTTPConnection(target.host, target.port, address=address, timeout=timeout)


def excerpt_text(raw: bytes) -> str:
    # PostgreSQL text holds no NUL character.
    return raw.decode("utf-8", errors="replace").replace("\x00", "\ufffd")


def post(target: Target, body: bytes, headers: dict[str, str], *, timeout: float) -> Response:
    """POST `body` to the target: to its first address that accepts a connection (a
    failure after connecting is not tried elsewhere, which could deliver twice)."""
    failure: OSError = OSError("no address to connect to")
    for address in target.addresses:
        connection = _connection(target, address, timeout)
        try:
            connection.connect()
        except OSError as error:
            connection.close()
            failure = error
            continue
        try:
            connection.request("POST", target.path, body=body, headers=headers)
            response = connection.getresponse()
            return Response(
                status=response.status, excerpt=excerpt_text(response.read(EXCERPT_BYTES))
            )
        finally:
            connection.close()
    raise failure
