"""Spec for the SSRF-safe fetcher, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import io
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from shop_ai.egress import (
    DEFAULT_POLICY,
    FetchPolicy,
    FetchRefused,
    address_refusal,
    fetch_url,
    post,
    resolve_target,
)


def _png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "red").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png_bytes()


def fake_dns(table: dict[str, list[str]]):
    """A resolver answering from `table`, in getaddrinfo's shape; it records every lookup."""
    lookups: list[str] = []

    def resolver(host: str, port: int):
        lookups.append(host)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return [
            (
                socket.AF_INET6 if ":" in ip else socket.AF_INET,
                socket.SOCK_STREAM,
                6,
                "",
                (ip, port),
            )
            for ip in table[host]
        ]

    resolver.lookups = lookups  # type: ignore[attr-defined]
    return resolver


@dataclass
class LocalServer:
    """What the test server saw: one entry per TCP connection and per request."""

    base_url: str
    port: int
    connections: list[str] = field(default_factory=list)
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, Host header)
    bodies: list[bytes] = field(default_factory=list)  # of POSTs, in order


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean

    def do_POST(self) -> None:
        self.server.seen.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        self.do_GET()  # the same routes answer

    def do_GET(self) -> None:
        seen = self.server.seen
        seen.requests.append((self.path, self.headers.get("Host", "")))
        parts = urlsplit(self.path)
        route_name = parts.path.strip("/").replace("-", "_").replace(".", "_")
        route = getattr(self, f"route_{route_name}", None)
        if route is None:
            self.send_error(404)
            return
        route(parse_qs(parts.query))

    def _send_head(self, status: int, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def route_image_png(self, query: dict[str, list[str]]) -> None:
        self._send_head(200, {"Content-Type": "image/png", "Content-Length": str(len(PNG))})
        self.wfile.write(PNG)

    def route_page(self, query: dict[str, list[str]]) -> None:
        body = b"<html>not an image</html>"
        self._send_head(200, {"Content-Type": "text/html", "Content-Length": str(len(body))})
        self.wfile.write(body)

    def route_redirect(self, query: dict[str, list[str]]) -> None:
        self._send_head(302, {"Location": query["to"][0], "Content-Length": "0"})

    def route_loop(self, query: dict[str, list[str]]) -> None:
        self._send_head(302, {"Location": "/loop", "Content-Length": "0"})

    def route_unavailable(self, query: dict[str, list[str]]) -> None:
        self.send_error(503)

    def route_missing(self, query: dict[str, list[str]]) -> None:
        self.send_error(404)

    def route_endless(self, query: dict[str, list[str]]) -> None:
        self._send_head(200, {"Content-Type": "image/png"})  # no length: read until close
        chunk = b"\0" * 16384
        while not self.server.stopping.is_set():
            self.wfile.write(chunk)

    def route_huge_length(self, query: dict[str, list[str]]) -> None:
        self._send_head(200, {"Content-Type": "image/png", "Content-Length": str(10**12)})
        self.wfile.write(PNG)
        self.server.stopping.wait(5)

    def route_slow(self, query: dict[str, list[str]]) -> None:
        self.server.stopping.wait(3)
        self.route_image_png(query)

    def route_drip(self, query: dict[str, list[str]]) -> None:
        self._send_head(200, {"Content-Type": "image/png"})
        while not self.server.stopping.wait(0.05):
            self.wfile.write(b"x")
            self.wfile.flush()

    def route_drip_headers(self, query: dict[str, list[str]]) -> None:
        self.wfile.write(b"HTTP/1.0 200 OK\r\n")
        for number in range(100):
            if self.server.stopping.wait(0.05):
                return
            self.wfile.write(f"X-Filler-{number}: x\r\n".encode())
            self.wfile.flush()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, seen: LocalServer | None = None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.stopping = threading.Event()
        self.seen = seen or LocalServer(base_url="", port=0)

    def verify_request(self, request: object, client_address: object) -> bool:
        self.seen.connections.append(str(client_address))
        return True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the fetcher hanging up mid-body is what several tests provoke


def _serve(server: _Server) -> Iterator[LocalServer]:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server.seen
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def local_server() -> Iterator[LocalServer]:
    server = _Server()
    port = server.server_address[1]
    server.seen.port = port
    server.seen.base_url = f"http://127.0.0.1:{port}"
    yield from _serve(server)


LOOPBACK_POLICY = FetchPolicy(allow_loopback=True)


# --- the happy path -------------------------------------------------------------------------


def test_fetches_an_image_from_an_allowed_host(local_server):
    resource = fetch_url(f"{local_server.base_url}/image.png", policy=LOOPBACK_POLICY)

    assert resource.body == PNG
    assert resource.content_type == "image/png"
    assert resource.final_url == f"{local_server.base_url}/image.png"
    assert resource.redirects == ()


def test_connects_to_the_checked_address_with_the_name_in_the_host_header(local_server):
    dns = fake_dns({"images.example": ["127.0.0.1"]})
    policy = FetchPolicy(allow_loopback=True, resolver=dns)

    resource = fetch_url(f"http://images.example:{local_server.port}/image.png", policy=policy)

    assert resource.body == PNG
    # One lookup, then the socket goes to that address: no second lookup to rebind.
    assert dns.lookups == ["images.example"]
    assert local_server.requests == [("/image.png", f"images.example:{local_server.port}")]


def test_follows_a_redirect_and_reports_the_chain(local_server):
    start = f"{local_server.base_url}/redirect?to=/image.png"

    resource = fetch_url(start, policy=LOOPBACK_POLICY)

    assert resource.body == PNG
    assert resource.redirects == (start,)
    assert resource.final_url == f"{local_server.base_url}/image.png"


# --- refusals before any connection ---------------------------------------------------------

SSRF_CASES = [
    ("http://127.0.0.1/", "address_not_allowed"),
    ("http://127.0.0.2:8080/x.png", "address_not_allowed"),
    ("http://localhost/", "address_not_allowed"),
    ("http://[::1]/", "address_not_allowed"),
    ("http://0.0.0.0/", "address_not_allowed"),
    ("http://[::]/", "address_not_allowed"),
    ("http://2130706433/", "bad_url"),
    ("http://0x7f.1/", "bad_url"),
    ("http://0x7f000001/", "bad_url"),
    ("http://0177.0.0.1/", "bad_url"),
    ("http://127.1/", "bad_url"),
    ("http://[::ffff:127.0.0.1]/", "bad_url"),
    ("http://[::ffff:a9fe:a9fe]/", "bad_url"),
    ("http://169.254.169.254/latest/meta-data/", "address_not_allowed"),
    ("http://[fd00:ec2::254]/latest/meta-data/", "address_not_allowed"),
    ("http://metadata.google.internal/computeMetadata/v1/", "address_not_allowed"),
    ("http://METADATA.google.internal./computeMetadata/v1/", "address_not_allowed"),
    ("http://100.100.100.200/latest/meta-data/", "address_not_allowed"),
    ("http://10.0.0.1/", "address_not_allowed"),
    ("http://172.16.5.4/", "address_not_allowed"),
    ("http://192.168.1.1/", "address_not_allowed"),
    ("http://100.64.0.1/", "address_not_allowed"),
    ("http://224.0.0.1/", "address_not_allowed"),
    ("http://255.255.255.255/", "address_not_allowed"),
    ("http://240.0.0.1/", "address_not_allowed"),
    ("http://[fe80::1]/", "address_not_allowed"),
    ("http://[fe80::1%25eth0]/", "bad_url"),
    ("http://[fc00::1]/", "address_not_allowed"),
    ("http://[ff02::1]/", "address_not_allowed"),
    ("http://[64:ff9b::7f00:1]/", "address_not_allowed"),
    ("http://[2002:7f00:1::]/", "address_not_allowed"),
    ("http://evil.example/", "address_not_allowed"),
    ("http://metadata-alias.example/", "address_not_allowed"),
    ("http://intranet.example/", "address_not_allowed"),
    ("http://v6-loopback.example/", "address_not_allowed"),
    ("http://half-evil.example/", "address_not_allowed"),
    ("http://user:pass@images.example/x.png", "bad_url"),
    ("http://images.example@127.0.0.1/", "bad_url"),
    ("http://127.0.0.1:80\\@images.example/", "bad_url"),
    ("http://images.example\t/x.png", "bad_url"),
    ("http:///x.png", "bad_url"),
    ("http://images.example:99999/", "bad_url"),
    ("file:///etc/passwd", "scheme_not_allowed"),
    ("gopher://127.0.0.1:70/_x", "scheme_not_allowed"),
    ("ftp://images.example/x.png", "scheme_not_allowed"),
    ("dict://127.0.0.1:11211/stat", "scheme_not_allowed"),
    ("//images.example/x.png", "scheme_not_allowed"),
]
SSRF_DNS = {
    "localhost": ["127.0.0.1", "::1"],
    "evil.example": ["127.0.0.1"],
    "metadata-alias.example": ["169.254.169.254"],
    "intranet.example": ["10.1.2.3"],
    "v6-loopback.example": ["::1"],
    # One public and one private answer: refusing only when all are private would let a
    # client pick the private one.
    "half-evil.example": ["93.184.216.34", "10.0.0.1"],
    "images.example": ["93.184.216.34"],
}


@pytest.fixture
def no_connections(monkeypatch):
    attempts: list[object] = []

    def refuse(address: object, *args: object, **kwargs: object) -> socket.socket:
        attempts.append(address)
        raise AssertionError(f"the fetcher tried to connect to {address}")

    monkeypatch.setattr(socket, "create_connection", refuse)
    return attempts


@pytest.mark.parametrize(("url", "code"), SSRF_CASES)
def test_refuses_ssrf_urls_without_connecting(url, code, no_connections):
    policy = FetchPolicy(resolver=fake_dns(SSRF_DNS))

    with pytest.raises(FetchRefused) as refused:
        fetch_url(url, policy=policy)

    assert refused.value.code == code
    assert refused.value.transient is False
    assert no_connections == []


def test_default_policy_refuses_loopback_and_the_server_sees_nothing(local_server):
    with pytest.raises(FetchRefused) as refused:
        fetch_url(f"{local_server.base_url}/image.png")

    assert refused.value.code == "address_not_allowed"
    assert local_server.connections == []


def test_name_resolving_to_loopback_is_refused_by_default_policy(local_server):
    policy = replace(DEFAULT_POLICY, resolver=fake_dns({"evil.example": ["127.0.0.1"]}))

    with pytest.raises(FetchRefused, match="loopback"):
        fetch_url(f"http://evil.example:{local_server.port}/image.png", policy=policy)

    assert local_server.connections == []


def test_allow_loopback_opens_loopback_only():
    for address in ("10.0.0.1", "169.254.169.254", "192.168.0.1", "fc00::1", "100.64.1.1"):
        assert resolve_refusal(address, allow_loopback=True) is not None
    assert resolve_refusal("127.0.0.1", allow_loopback=True) is None
    assert resolve_refusal("::1", allow_loopback=True) is None
    assert resolve_refusal("93.184.216.34") is None
    assert resolve_refusal("2606:4700:4700::1111") is None


def resolve_refusal(address: str, *, allow_loopback: bool = False) -> str | None:
    import ipaddress

    return address_refusal(ipaddress.ip_address(address), allow_loopback=allow_loopback)


def test_resolved_target_keeps_the_name_for_sni_and_the_address_for_the_socket():
    policy = FetchPolicy(resolver=fake_dns({"cdn.example": ["93.184.216.34"]}))

    target = resolve_target("HTTPS://CDN.Example./a b/ü.png?x=1#frag", policy=policy)

    assert target.host == "cdn.example"
    assert target.addresses == ("93.184.216.34",)
    assert target.port == 443
    assert target.request_target == "/a%20b/%C3%BC.png?x=1"


def test_unresolvable_name_is_a_permanent_dns_error():
    with pytest.raises(FetchRefused) as refused:
        fetch_url("http://nowhere.example/x.png", policy=FetchPolicy(resolver=fake_dns({})))

    assert refused.value.code == "dns_error"
    assert refused.value.transient is False


# --- redirects ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "destination",
    [
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://10.0.0.7/admin",
        "http://0x7f.1/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://rebound.example/",
        "file:///etc/passwd",
    ],
)
def test_every_redirect_hop_is_checked_again(local_server, destination):
    dns = fake_dns({"rebound.example": ["10.9.8.7"]})
    policy = FetchPolicy(allow_loopback=True, resolver=dns)

    with pytest.raises(FetchRefused) as refused:
        fetch_url(f"{local_server.base_url}/redirect?to={destination}", policy=policy)

    assert refused.value.code in {"address_not_allowed", "bad_url", "scheme_not_allowed"}
    # Only the first hop reached the server; the redirect target was never contacted.
    assert len(local_server.connections) == 1


def test_redirect_loop_stops_after_max_redirects(local_server):
    with pytest.raises(FetchRefused) as refused:
        fetch_url(f"{local_server.base_url}/loop", policy=LOOPBACK_POLICY)

    assert refused.value.code == "too_many_redirects"
    assert len(local_server.requests) == LOOPBACK_POLICY.max_redirects + 1


# --- caps and answers -----------------------------------------------------------------------


def test_body_over_the_cap_is_abandoned_while_streaming(local_server):
    policy = FetchPolicy(allow_loopback=True, max_bytes=100_000)

    with pytest.raises(FetchRefused) as refused:
        fetch_url(f"{local_server.base_url}/endless", policy=policy)

    assert refused.value.code == "too_large"
    assert refused.value.transient is False


def test_content_length_over_the_cap_is_refused_before_reading(local_server):
    started = time.monotonic()

    with pytest.raises(FetchRefused) as refused:
        fetch_url(f"{local_server.base_url}/huge-length", policy=LOOPBACK_POLICY)

    assert refused.value.code == "too_large"
    assert "Content-Length" in refused.value.message
    assert time.monotonic() - started < 1


def test_server_that_does_not_answer_times_out_as_transient(local_server):
    policy = FetchPolicy(allow_loopback=True, io_timeout_s=0.2)

    with pytest.raises(FetchRefused) as refused:
        fetch_url(f"{local_server.base_url}/slow", policy=policy)

    assert refused.value.code == "timeout"
    assert refused.value.transient is True


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_slow_drip_cannot_outlast_the_total_time_limit(local_server, path):
    # Each byte arrives well within io_timeout_s; only the total limit can stop this.
    policy = FetchPolicy(allow_loopback=True, io_timeout_s=5, total_timeout_s=0.4)
    started = time.monotonic()

    with pytest.raises(FetchRefused) as refused:
        fetch_url(f"{local_server.base_url}{path}", policy=policy)

    assert refused.value.code == "timeout"
    assert refused.value.transient is True
    assert time.monotonic() - started < 1.5


def test_non_image_content_type_is_refused(local_server):
    with pytest.raises(FetchRefused) as refused:
        fetch_url(f"{local_server.base_url}/page", policy=LOOPBACK_POLICY)

    assert refused.value.code == "not_an_image"


def test_non_image_content_type_is_allowed_when_the_policy_does_not_require_images(
    local_server,
):
    policy = FetchPolicy(allow_loopback=True, require_image=False)

    resource = fetch_url(f"{local_server.base_url}/page", policy=policy)

    assert resource.content_type == "text/html"


@pytest.mark.parametrize(("path", "transient"), [("/unavailable", True), ("/missing", False)])
def test_http_errors_say_whether_a_retry_can_help(local_server, path, transient):
    with pytest.raises(FetchRefused) as refused:
        fetch_url(f"{local_server.base_url}{path}", policy=LOOPBACK_POLICY)

    assert refused.value.code == "http_error"
    assert refused.value.transient is transient


def test_refused_connection_is_transient():
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        closed_port = placeholder.getsockname()[1]

    with pytest.raises(FetchRefused) as refused:
        fetch_url(f"http://127.0.0.1:{closed_port}/x.png", policy=LOOPBACK_POLICY)

    assert refused.value.code == "connection_error"
    assert refused.value.transient is True


# --- POST (webhook deliveries) ---------------------------------------------------------------


def test_post_sends_the_body_to_the_checked_address_with_the_name_in_the_host_header(
    local_server,
):
    dns = fake_dns({"hooks.example": ["127.0.0.1"]})
    policy = FetchPolicy(allow_loopback=True, resolver=dns, require_image=False)

    answer = post(
        f"http://hooks.example:{local_server.port}/page",
        b'{"type":"ping"}',
        headers={"Content-Type": "application/json"},
        policy=policy,
    )

    assert answer.status == 200
    assert answer.headers["content-type"] == "text/html"
    assert answer.body == b"<html>not an image</html>"
    assert local_server.bodies == [b'{"type":"ping"}']
    assert local_server.requests == [("/page", f"hooks.example:{local_server.port}")]


def test_post_never_follows_a_redirect(local_server):
    answer = post(
        f"{local_server.base_url}/redirect?to=http://169.254.169.254/latest/",
        b"{}",
        headers={},
        policy=LOOPBACK_POLICY,
    )

    assert answer.status == 302
    assert answer.headers["location"] == "http://169.254.169.254/latest/"
    assert len(local_server.requests) == 1


@pytest.mark.parametrize(("url", "code"), SSRF_CASES)
def test_post_refuses_ssrf_urls_without_connecting(url, code, no_connections):
    with pytest.raises(FetchRefused) as refused:
        post(url, b"{}", headers={}, policy=FetchPolicy(resolver=fake_dns(SSRF_DNS)))

    assert refused.value.code == code
    assert no_connections == []


def test_post_reads_no_more_of_the_answer_than_the_cap(local_server):
    policy = FetchPolicy(allow_loopback=True, max_bytes=1000)

    started = time.monotonic()
    answer = post(f"{local_server.base_url}/endless", b"{}", headers={}, policy=policy)

    assert answer.status == 200
    assert len(answer.body) == 1000
    assert time.monotonic() - started < 2


def test_post_cannot_outlast_the_total_time_limit(local_server):
    policy = FetchPolicy(allow_loopback=True, io_timeout_s=5, total_timeout_s=0.4)

    started = time.monotonic()
    with pytest.raises(FetchRefused) as refused:
        post(f"{local_server.base_url}/drip-headers", b"{}", headers={}, policy=policy)

    assert time.monotonic() - started < 2
    assert refused.value.code == "timeout"
    assert refused.value.transient is True


def test_post_to_a_closed_port_is_a_transient_connection_error():
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        closed_port = placeholder.getsockname()[1]

    with pytest.raises(FetchRefused) as refused:
        post(f"http://127.0.0.1:{closed_port}/in", b"{}", headers={}, policy=LOOPBACK_POLICY)

    assert refused.value.code == "connection_error"
    assert refused.value.transient is True


# --- HTTPS ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl command not available")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-nodes", "-days", "1"),
            *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-subj", "/CN=images.test", "-addext", "subjectAltName=DNS:images.test"),
            *("-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(certificate) -> Iterator[LocalServer]:
    cert, key = certificate
    server = _Server()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    server.seen.port = server.server_address[1]
    yield from _serve(server)


def test_https_verifies_the_certificate_against_the_name_not_the_address(tls_server, certificate):
    dns = fake_dns({"images.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    policy = FetchPolicy(allow_loopback=True, resolver=dns, ca_file=str(certificate[0]))

    resource = fetch_url(f"https://images.test:{tls_server.port}/image.png", policy=policy)
    with pytest.raises(FetchRefused) as refused:
        fetch_url(f"https://other.test:{tls_server.port}/image.png", policy=policy)

    assert resource.body == PNG
    assert tls_server.requests == [("/image.png", f"images.test:{tls_server.port}")]
    assert refused.value.code == "tls_error"
    assert refused.value.transient is False
