"""The one way out to URLs that others gave us: SSRF-checked, DNS-pinned, size and time capped.

Feed and image links (catalog) and webhook endpoints (webhooks) are untrusted URLs. Each is
parsed strictly, its host resolved once and every address checked (no loopback, private,
link-local or cloud-metadata address); the connection goes to a checked address with the
name in Host and SNI, so DNS cannot be rebound between check and connect; a watchdog
bounds the whole exchange and bodies are read up to a cap. ``fetch_url`` GETs (following
redirects, each hop checked again); ``post`` sends a body and never follows a redirect.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Same shape as socket.getaddrinfo(host, port): tuples whose last item is a sockaddr.
Resolver = Callable[[str, int], Sequence[tuple[Any, ...]]]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Statuses worth retrying later: the server may answer differently in a minute.
TRANSIENT_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

# Refused by name before any lookup: these resolve to metadata services inside clouds.
BLOCKED_HOSTNAMES = frozenset(
    {
        "metadata",
        "metadata.google.internal",
        "metadata.goog",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
CLOUD_METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack
        "169.254.170.2",  # AWS ECS task metadata
        "100.100.100.200",  # Alibaba Cloud
        "192.0.0.192",  # Oracle Cloud
        "fd00:ec2::254",  # AWS over IPv6
    )
)
# Ranges Python's ipaddress flags do not cover on every version (3.11 calls them global).
EXTRA_BLOCKED_NETWORKS = tuple(
    ipaddress.ip_network(network)
    for network in (
        "100.64.0.0/10",  # shared address space (carrier-grade NAT)
        "192.0.0.0/24",  # IETF protocol assignments
        "192.88.99.0/24",  # deprecated 6to4 relay anycast
    )
)

_HOST_LABEL = re.compile(r"^[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?$")
# A host whose last label is a number is an IPv4 address in browsers' eyes (127.1, 0x7f.1,
# 2130706433); libc resolvers agree, so such spellings are refused instead of interpreted.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
# Control characters are how request-splitting and parser-confusion tricks get in.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")
_READ_CHUNK = 64 * 1024


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for one fetch, including every redirect hop."""

    max_redirects: int = 3
    io_timeout_s: float = 5.0  # each connect and each socket read
    total_timeout_s: float = 10.0  # wall time for the whole fetch
    max_bytes: int = 10 * 1024 * 1024
    require_image: bool = True
    user_agent: str = "ShopAI-ImageFetcher/0.1"
    # Tests only: lets the happy path reach a server on 127.0.0.1 / ::1. Production never
    # sets it; every other private range stays refused even when it is on.
    allow_loopback: bool = False
    # Extra CA bundle trusted for HTTPS (tests, private CAs); None means the system store.
    ca_file: str | None = None
    resolver: Resolver = field(default=socket.getaddrinfo, compare=False)


DEFAULT_POLICY = FetchPolicy()


@dataclass(frozen=True)
class FetchedResource:
    body: bytes
    final_url: str  # the URL the body came from
    content_type: str
    redirects: tuple[str, ...]  # URLs that answered with a redirect, in order


class FetchRefused(Exception):
    """The URL was not fetched (or its answer was thrown away); `code` says why."""

    def __init__(self, code: str, message: str, *, transient: bool = False) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        # True when retrying later may succeed (timeouts, resets, 5xx); a task retries only these.
        self.transient = transient


@dataclass(frozen=True)
class FetchTarget:
    """A checked URL: where to connect and what to ask for."""

    url: str
    scheme: str
    host: str  # ASCII host as it goes into the Host header and SNI
    port: int
    request_target: str  # path and query
    addresses: tuple[str, ...]  # checked IPs; the connection goes to these and nowhere else


@dataclass(frozen=True)
class PostAnswer:
    status: int
    headers: Mapping[str, str]  # names in lower case
    body: bytes  # at most the policy's max_bytes; the rest is not read


def fetch_url(url: str, *, policy: FetchPolicy = DEFAULT_POLICY) -> FetchedResource:
    """GET `url`, following at most `policy.max_redirects` redirects, each one re-checked."""
    deadline = time.monotonic() + policy.total_timeout_s
    redirects: list[str] = []
    current_url = url
    while True:
        target = resolve_target(current_url, policy=policy)
        location, resource = _fetch_hop(target, policy, deadline)
        if resource is not None:
            return FetchedResource(
                body=resource.body,
                final_url=target.url,
                content_type=resource.content_type,
                redirects=tuple(redirects),
            )
        redirects.append(target.url)
        if len(redirects) > policy.max_redirects:
            raise FetchRefused(
                "too_many_redirects", f"more than {policy.max_redirects} redirects from {url}"
            )
        current_url = urljoin(target.url, location)


def post(
    url: str,
    body: bytes,
    *,
    headers: Mapping[str, str],
    policy: FetchPolicy = DEFAULT_POLICY,
) -> PostAnswer:
    """POST ``body`` to ``url`` once, redirects not followed (a 3xx is just the answer).

    Refusals and I/O trouble raise ``FetchRefused``. Once the status line is in, trouble
    reading the answer's body is not an error: the far side has answered.
    """
    deadline = time.monotonic() + policy.total_timeout_s
    target = resolve_target(url, policy=policy)
    connection = _connect(target, policy, deadline)
    watchdog = _Watchdog(connection.sock, deadline)
    try:
        connection.request(
            "POST",
            target.request_target,
            body=body,
            headers={"User-Agent": policy.user_agent, "Connection": "close", **headers},
        )
        response = connection.getresponse()
        if watchdog.fired:  # the shutdown reads as end of headers; do not trust what came
            raise FetchRefused("timeout", "total time limit reached", transient=True)
        answered = {name.lower(): value for name, value in response.getheaders()}
        try:
            prefix = _read_capped(connection, response, policy, deadline, truncate=True)
        except (FetchRefused, http.client.HTTPException, OSError):
            prefix = b""
        return PostAnswer(status=response.status, headers=answered, body=prefix)
    except FetchRefused:
        raise
    except (TimeoutError, http.client.HTTPException, OSError) as error:
        if watchdog.fired or isinstance(error, TimeoutError):
            raise FetchRefused("timeout", f"{target.url}: {error}", transient=True) from error
        raise _refusal_for_io_error(target, error) from error
    finally:
        watchdog.cancel()
        connection.close()


def resolve_target(url: str, *, policy: FetchPolicy = DEFAULT_POLICY) -> FetchTarget:
    """Parse and check `url`, resolve its host once, and check every address it resolves to."""
    url = url.strip(" ")
    if _CONTROL_CHARACTER.search(url):
        raise FetchRefused("bad_url", "URL contains control characters")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchRefused("scheme_not_allowed", f"scheme {scheme or '(none)'!r} is not http(s)")
    if "@" in parts.netloc:
        raise FetchRefused("bad_url", "credentials (userinfo) in URLs are not allowed")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise FetchRefused("bad_url", f"bad port: {error}") from error
    host = _checked_host(parts.hostname or "")

    literal = _parse_ip_literal(host)
    if literal is not None:
        addresses: tuple[IPAddress, ...] = (literal,)
    else:
        addresses = _resolve(host, port, policy.resolver)
    for address in addresses:
        refusal = address_refusal(address, allow_loopback=policy.allow_loopback)
        if refusal:
            raise FetchRefused("address_not_allowed", f"{host} resolves to {address}: {refusal}")

    request_target = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        request_target += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return FetchTarget(
        url=parts._replace(fragment="").geturl(),
        scheme=scheme,
        host=host,
        port=port,
        request_target=request_target,
        addresses=tuple(str(address) for address in addresses),
    )


def address_refusal(address: IPAddress, *, allow_loopback: bool = False) -> str | None:
    """Why a connection to `address` is refused, or None when it is a public unicast address."""
    if address in CLOUD_METADATA_ADDRESSES:
        return "cloud metadata endpoint"
    if address.is_loopback:
        return None if allow_loopback else "loopback"
    if isinstance(address, ipaddress.IPv6Address):
        # IPv6 forms that carry an IPv4 address (mapped, 6to4) are always refused; the reason
        # names what the carried address is when that is the worse news.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            return address_refusal(embedded) or "IPv4 address in IPv6 form"
        if address.is_site_local:
            return "site-local"
    special_kinds = (
        (address.is_unspecified, "unspecified"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (address.is_private, "private"),
        (address.is_reserved, "reserved"),
    )
    for is_kind, kind in special_kinds:
        if is_kind:
            return kind
    if any(address in network for network in EXTRA_BLOCKED_NETWORKS):
        return "special-purpose range"
    if not address.is_global:
        return "not globally routable"
    return None


def _checked_host(raw_host: str) -> str:
    host = raw_host.lower()
    if not host:
        raise FetchRefused("bad_url", "URL has no host")
    if ":" in host:  # bracketed IPv6 literal
        if "%" in host:
            raise FetchRefused("bad_url", "IPv6 zone identifiers are not allowed")
        return host
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise FetchRefused("bad_url", f"bad host name {raw_host!r}") from error
    # The trailing dot of an absolute name must not reach SNI, and must not dodge the name list.
    name = host.removesuffix(".")
    if name in BLOCKED_HOSTNAMES:
        raise FetchRefused("address_not_allowed", f"{name} is a cloud metadata host")
    labels = name.split(".")
    if _parse_ip_literal(name) is None:
        if _NUMERIC_LABEL.match(labels[-1]):
            raise FetchRefused("bad_url", f"non-canonical numeric host {raw_host!r}")
        if len(name) > 253 or not all(_HOST_LABEL.match(label) for label in labels):
            raise FetchRefused("bad_url", f"bad host name {raw_host!r}")
    return name


def _parse_ip_literal(host: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        raise FetchRefused("bad_url", f"IPv4-mapped IPv6 address {host}")
    return address


def _resolve(host: str, port: int, resolver: Resolver) -> tuple[IPAddress, ...]:
    try:
        answers = resolver(host, port)
    except socket.gaierror as error:
        # EAI_AGAIN is "try again later"; NXDOMAIN and friends will not fix themselves soon.
        transient = error.errno == socket.EAI_AGAIN
        raise FetchRefused(
            "dns_error", f"cannot resolve {host}: {error}", transient=transient
        ) from error
    addresses: list[IPAddress] = []
    for answer in answers:
        sockaddr = answer[-1]
        address = ipaddress.ip_address(str(sockaddr[0]).split("%")[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise FetchRefused("dns_error", f"{host} has no addresses")
    return tuple(addresses)


@dataclass(frozen=True)
class _Body:
    body: bytes
    content_type: str


def _fetch_hop(
    target: FetchTarget, policy: FetchPolicy, deadline: float
) -> tuple[str, _Body | None]:
    """One request; returns (redirect location, None) or ("", body)."""
    connection = _connect(target, policy, deadline)
    watchdog = _Watchdog(connection.sock, deadline)
    try:
        connection.request(
            "GET",
            target.request_target,
            headers={
                "User-Agent": policy.user_agent,
                "Accept": "image/*" if policy.require_image else "*/*",
                # No compression: a gzip body could expand far past max_bytes.
                "Accept-Encoding": "identity",
                "Connection": "close",
            },
        )
        response = connection.getresponse()
        if watchdog.fired:  # the shutdown reads as end of headers; do not trust what came
            raise FetchRefused("timeout", "total time limit reached", transient=True)
        if response.status in REDIRECT_STATUSES:
            location = response.getheader("Location")
            if not location:
                raise FetchRefused("http_error", f"HTTP {response.status} without Location")
            return location, None
        if not 200 <= response.status < 300:
            raise FetchRefused(
                "http_error",
                f"HTTP {response.status} from {target.url}",
                transient=response.status in TRANSIENT_STATUSES,
            )
        content_type = (response.getheader("Content-Type") or "").strip().lower()
        if policy.require_image and not content_type.startswith("image/"):
            raise FetchRefused("not_an_image", f"content type {content_type or '(none)'!r}")
        if response.length is not None and response.length > policy.max_bytes:
            raise FetchRefused("too_large", f"Content-Length {response.length} is over the cap")
        body = _read_capped(connection, response, policy, deadline)
        if watchdog.fired:
            raise FetchRefused("timeout", "total time limit reached", transient=True)
        return "", _Body(body=body, content_type=content_type)
    except FetchRefused:
        raise
    except (TimeoutError, http.client.HTTPException, OSError) as error:
        if watchdog.fired or isinstance(error, TimeoutError):
            raise FetchRefused("timeout", f"{target.url}: {error}", transient=True) from error
        raise _refusal_for_io_error(target, error) from error
    finally:
        watchdog.cancel()
        connection.close()


def _read_capped(
    connection: http.client.HTTPConnection,
    response: http.client.HTTPResponse,
    policy: FetchPolicy,
    deadline: float,
    *,
    truncate: bool = False,
) -> bytes:
    """The body, or with ``truncate`` its first ``policy.max_bytes``; past the cap without
    ``truncate``, a refusal."""
    chunks: list[bytes] = []
    received = 0
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchRefused("timeout", "total time limit reached", transient=True)
        if connection.sock is not None:
            connection.sock.settimeout(min(policy.io_timeout_s, remaining))
        # read1 makes at most one socket read, so a slow drip cannot outlast the deadline check.
        chunk = response.read1(_READ_CHUNK)
        if not chunk:
            return b"".join(chunks)
        received += len(chunk)
        if received > policy.max_bytes:
            if truncate:
                chunks.append(chunk)
                return b"".join(chunks)[: policy.max_bytes]
            raise FetchRefused("too_large", f"body is over {policy.max_bytes} bytes")
        chunks.append(chunk)


def _connect(target: FetchTarget, policy: FetchPolicy, deadline: float) -> _PinnedConnection:
    ssl_context = None
    if target.scheme == "https":
        ssl_context = ssl.create_default_context(cafile=policy.ca_file)
    last_error: OSError | None = None
    for address in target.addresses:
        timeout = min(policy.io_timeout_s, deadline - time.monotonic())
        if timeout <= 0:
            break
        connection = _PinnedConnection(
            target.host, target.port, address=address, timeout=timeout, ssl_context=ssl_context
        )
        try:
            connection.connect()
        except OSError as error:
            connection.close()
            last_error = error
            continue
        return connection
    if last_error is None or isinstance(last_error, TimeoutError):
        raise FetchRefused("timeout", f"cannot connect to {target.url} in time", transient=True)
    raise _refusal_for_io_error(target, last_error)


def _refusal_for_io_error(target: FetchTarget, error: Exception) -> FetchRefused:
    if isinstance(error, ssl.SSLCertVerificationError):
        return FetchRefused("tls_error", f"{target.url}: {error.verify_message}")
    if isinstance(error, http.client.InvalidURL):
        return FetchRefused("bad_url", f"{target.url}: {error}")
    if isinstance(error, ConnectionError | http.client.IncompleteRead):
        # Resets, refusals and cut-off bodies are usually passing trouble on the far side.
        return FetchRefused("connection_error", f"{target.url}: {error!r}", transient=True)
    if isinstance(error, http.client.HTTPException):
        return FetchRefused("bad_response", f"{target.url}: {error!r}")
    return FetchRefused("connection_error", f"{target.url}: {error!r}", transient=True)


class _PinnedConnection(http.client.HTTPConnection):
    """HTTP(S) connection to an already-checked IP, with Host and SNI set to the name.

    Connecting by address means no second DNS lookup, so a name cannot be rebound to an
    internal address between the check and the connect.
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        address: str,
        timeout: float,
        ssl_context: ssl.SSLContext | None,
    ) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address
        self.ssl_context = ssl_context
        # http.client leaves the port out of the Host header only when it is the default.
        self.default_port = 443 if ssl_context is not None else 80

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), timeout=self.timeout)
        if self.ssl_context is not None:
            sock = self.ssl_context.wrap_socket(sock, server_hostname=self.host)
        self.sock = sock


class _Watchdog:
    """Shuts the socket at the deadline; socket timeouts alone reset on every byte received,
    so a server dripping its headers could otherwise hold a worker far past the limit."""

    def __init__(self, sock: socket.socket | None, deadline: float) -> None:
        self.fired = False
        self._sock = sock
        self._timer = threading.Timer(max(0.0, deadline - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        self.fired = True
        if self._sock is not None:
            # An OSError here means the socket is already closed: nothing left to stop.
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()
