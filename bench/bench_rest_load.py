"""Benchmark the REST API under an open-loop load: one uvicorn process, PostgreSQL, Redis; JSON out.

The script makes its own database (``bench_rest``), seeds one store with a read-scoped API
key, 2,000 products (3 variants and 3 image rows each) and 6,000 approved assets, then
starts ONE uvicorn process in production mode (DEBUG off, PostgreSQL, Redis cache for the
throttle, the HTTPS redirect on; the client says ``X-Forwarded-Proto: https`` as the TLS
proxy in front of it would). It drives a mix of product list (cursor pages, a search, a
category filter), product detail and asset list (all, by product, by kind) at a FIXED
arrival rate: requests are sent on schedule whether or not earlier ones have answered
(open loop), and each latency is counted from the moment the request was due, so a server
that falls behind shows its queueing instead of slowing the generator down. (Locust is not
used for that reason: its users wait for each answer, a closed loop that hides queueing.)

Each step runs ``--seconds`` at one rate (default 50, 100, 150, 200, 300, 400 requests/s)
and reports p50/p95/p99 latency, errors, achieved throughput, the server's and the
generator's CPU; the knee is the first rate where p95 passes 100 ms, errors pass 1 % or
the achieved rate falls below 95 % of the offered one. Stepping stops once p95 passes 1 s.
Queries per request (Django's CaptureQueriesContext, in-process test client) are
reported too, to catch N+1 regressions.

The generator runs on the same machine as the server and PostgreSQL and shares its cores;
figures are noisy when anything else runs there. Target (issue #7): p95 <= 100 ms at 50/s.

Every step also reports the PostgreSQL sessions opened per request and the most
connections open at once (sampled every 0.25 s); a step stops sending once it sees more
than 50, so the run does not exhaust a PostgreSQL shared with other work.
BENCH_SETTINGS_MODULE runs the server (and the seeding) with another settings module, to
compare a change.

The API throttle stays on, but its rate is lifted to 1000/s so it never answers 429 here;
its Redis round trip is still paid. Redis database 14 keeps its keys apart from tests.

Run: .venv/bin/python bench/bench_rest_load.py [--rates 50,100,150,200,300,400] [--seconds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import random
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_DB = "bench_rest"
TARGET_P95_MS = 100.0
REQUEST_TIMEOUT_S = 10.0
MAX_CONNECTIONS = 512
MAX_DB_CONNECTIONS = 50
NOUNS = ("mug", "bowl", "plate", "kettle", "lamp", "vase", "tee", "hoodie", "scarf", "tote")
ADJECTIVES = ("stoneware", "linen", "organic", "recycled", "hand-made", "matte", "glazed")
CATEGORIES = ("Home > Kitchen", "Home > Decor", "Apparel > Tops", "Apparel > Accessories")
BRANDS = tuple(f"Brand {n}" for n in range(10))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_env() -> dict[str, str]:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    env = {
        **os.environ,
        "DATABASE_URL": base.rsplit("/", 1)[0] + "/" + BENCH_DB,
        "REDIS_URL": redis.rsplit("/", 1)[0] + "/14",
        "DJANGO_SECRET_KEY": os.environ.get(
            "DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40
        ),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "SHOP_AI_API_RATE": "1000/s",
        "SHOP_AI_LIVE_IN_PROCESS": "0",
        "SHOP_AI_LOG_LEVEL": "WARNING",
    }
    # Production defaults: DEBUG off and the HTTPS redirect on, whatever the shell says.
    for relaxed in ("DJANGO_DEBUG", "DJANGO_SECURE_SSL_REDIRECT"):
        env.pop(relaxed, None)
    env["DJANGO_SETTINGS_MODULE"] = os.environ.get("BENCH_SETTINGS_MODULE", "config.settings")
    return env


def prepare_database(env: dict[str, str]) -> None:
    import psycopg

    admin_url = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {BENCH_DB}")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def drop_database(env: dict[str, str]) -> None:
    import psycopg

    admin_url = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def product_item(n: int) -> dict[str, Any]:
    noun, adjective = NOUNS[n % len(NOUNS)], ADJECTIVES[n % len(ADJECTIVES)]
    sku = f"BENCH-{n:05d}"
    return {
        "sku": sku,
        "title": f"{adjective.title()} {noun} no. {n}",
        "description": (
            f"<p>A {adjective} {noun} for every day. "
            + "Made to last, easy to care for, and good to look at. " * 8
            + "</p><ul><li>Dishwasher safe</li><li>Gift boxed</li></ul>"
        ),
        "brand": BRANDS[n % len(BRANDS)],
        "category": CATEGORIES[n % len(CATEGORIES)],
        "price": f"{10 + n % 90}.00",
        "compare_at_price": f"{20 + n % 90}.00",
        "stock": n % 7 * 5,
        "tags": [noun, adjective, "bench"],
        "attributes": {"material": adjective, "colour": "blue", "care": "hand wash"},
        "image_urls": [f"https://cdn.example.com/bench/{sku}-{i}.jpg" for i in range(3)],
        "variants": [
            {"sku": f"{sku}-{size}", "title": size, "options": {"size": size}, "price": "12.00"}
            for size in ("S", "M", "L")
        ],
    }


def seed(products: int) -> dict[str, Any]:
    """One store, its API key, the catalog through the import service, then image files and
    approved assets as the workers would leave them (rows only; no file is read)."""
    from django.db import connection
    from django.db.models import CharField, Value
    from django.db.models.functions import Cast, Concat

    from catalog import services as catalog_services
    from catalog.models import ImageStatus, Product, ProductImage
    from content.models import Asset, AssetKind, ReviewState
    from shop_ai import services as tenancy
    from shop_ai.models import Scope

    store = tenancy.store_create(name="Bench store", slug="bench")
    raw_key = tenancy.api_key_create(store=store, name="bench", scope=Scope.READ).raw_key
    for start in range(0, products, 500):
        items = [product_item(n) for n in range(start, min(products, start + 500))]
        _, errors = catalog_services.products_upsert_json(store=store, items=items)
        if errors:
            raise SystemExit(f"seed rejected: {errors[:3]}")
    image_name = Concat(Value("products/bench-"), Cast("id", CharField()), Value(".jpg"))
    ProductImage.objects.filter(store=store).update(
        status=ImageStatus.READY,
        file=image_name,
        thumbnail=Concat(Value("products/thumbs/bench-"), Cast("id", CharField()), Value(".jpg")),
        width=1200,
        height=1200,
        sha256="0" * 64,
    )
    copy_text = {
        "headline": "Made to last",
        "short_description": "A good thing for every day. " * 4,
        "bullets": ["Dishwasher safe", "Gift boxed", "Hand glazed"],
        "long_description": "Long copy. " * 60,
        "video_script": ["Meet it.", "Use it.", "Love it."],
    }
    kinds = (
        (AssetKind.COPY, "", "application/json"),
        (AssetKind.IMAGE, "hero", "image/png"),
        (AssetKind.VIDEO, "", "video/mp4"),
    )
    assets = []
    for product in Product.objects.filter(store=store).only("pk", "content_hash"):
        for kind, variant, mime in kinds:
            assets.append(
                Asset(
                    store=store,
                    product=product,
                    kind=kind,
                    variant=variant,
                    locale="en",
                    text=copy_text if kind == AssetKind.COPY else None,
                    file="" if kind == AssetKind.COPY else f"assets/{product.pk}-{kind}.bin",
                    mime_type=mime,
                    provider="template" if kind == AssetKind.COPY else "compose",
                    model_name="bench",
                    prompt="A long prompt the API does not return. " * 20,
                    params={"layout": variant or "default"},
                    input_hash=hashlib.sha256(f"{product.pk}:{kind}".encode()).hexdigest(),
                    product_content_hash=product.content_hash,
                    findings=[],
                    metadata={"width": 1080, "height": 1920},
                    review_state=ReviewState.APPROVED,
                )
            )
    Asset.objects.bulk_create(assets, batch_size=1000)
    # A live database has been analysed by autovacuum; a fresh one has no statistics and
    # PostgreSQL would plan the asset list as a 6,000-row join (60 ms instead of 0.3 ms).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    product_ids = list(Product.objects.filter(store=store).values_list("pk", flat=True))
    return {"raw_key": raw_key, "product_ids": product_ids, "assets": len(assets)}


def count_queries(raw_key: str, paths: dict[str, str]) -> dict[str, int]:
    """Queries each endpoint runs, through the whole middleware and DRF stack."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}", HTTP_X_FORWARDED_PROTO="https")
    counts = {}
    for name, path in paths.items():
        client.get(path)  # the first call may touch the key's last-used time
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}: {response.content[:300]!r}")
        counts[name] = len(captured.captured_queries)
    return counts


# --- The HTTP/1.1 client: keep-alive connections, parsed by httptools (uvicorn's parser) ----


class _Response:
    def __init__(self) -> None:
        self.done = False
        self.size = 0

    def on_body(self, body: bytes) -> None:
        self.size += len(body)

    def on_message_complete(self) -> None:
        self.done = True


class Client:
    def __init__(self, port: int, raw_key: str) -> None:
        self.port = port
        self.head = (
            f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {raw_key}\r\n"
            "X-Forwarded-Proto: https\r\nAccept: application/json\r\n\r\n"
        ).encode()
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []
        self.slots = asyncio.Semaphore(MAX_CONNECTIONS)

    async def get(self, path: str) -> tuple[int, int]:
        """GET ``path``: the status and the body's size."""
        import httptools

        async with self.slots:
            if self.idle:
                reader, writer = self.idle.pop()
            else:
                reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            try:
                writer.write(b"GET " + path.encode() + b" HTTP/1.1\r\n" + self.head)
                response = _Response()
                parser = httptools.HttpResponseParser(response)
                while not response.done:
                    data = await reader.read(65536)
                    if not data:
                        raise ConnectionError("the server closed the connection")
                    parser.feed_data(data)
            except BaseException:
                writer.close()
                raise
            if parser.should_keep_alive():
                self.idle.append((reader, writer))
            else:
                writer.close()
            return parser.get_status_code(), response.size

    def close_idle(self) -> None:
        while self.idle:
            self.idle.pop()[1].close()


class DatabaseWatch:
    """PostgreSQL's view of the bench database: sessions opened, connections open."""

    def __init__(self, url: str) -> None:
        import psycopg

        self.connection = psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True)
        self.peak = 0

    def sessions(self) -> int:
        row = self.connection.execute(
            "SELECT sessions FROM pg_stat_database WHERE datname = %s", [BENCH_DB]
        ).fetchone()
        return int(row[0]) if row else 0

    def connections(self) -> int:
        row = self.connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [BENCH_DB]
        ).fetchone()
        return int(row[0]) if row else 0

    async def watch(self) -> None:
        self.peak = 0
        while True:
            now = await asyncio.get_running_loop().run_in_executor(None, self.connections)
            self.peak = max(self.peak, now)
            await asyncio.sleep(0.25)

    @property
    def too_many(self) -> bool:
        # PostgreSQL allows 100 connections by default, shared with everything else on it.
        return self.peak > MAX_DB_CONNECTIONS


def percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))], 1)


def cpu_seconds(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


async def run_step(
    client: Client,
    db: DatabaseWatch,
    rate: float,
    seconds: float,
    pick: Callable[[], tuple[str, str]],
    pid: int,
) -> dict[str, Any]:
    import httptools
    import psutil

    loop = asyncio.get_running_loop()
    samples: list[tuple[str, float, bool]] = []
    errors: dict[str, int] = {}
    lags: list[float] = []
    finished: list[float] = []

    async def one(name: str, path: str, due: float) -> None:
        ok = False
        try:
            status, _ = await asyncio.wait_for(client.get(path), REQUEST_TIMEOUT_S)
            ok = status == 200
            if not ok:
                errors[str(status)] = errors.get(str(status), 0) + 1
        except (OSError, TimeoutError, httptools.HttpParserError) as exc:
            errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
        now = loop.time()
        finished.append(now)
        samples.append((name, (now - due) * 1000, ok))

    count = int(rate * seconds)
    sessions = db.sessions()
    watching = asyncio.create_task(db.watch())
    server_cpu, own_cpu, system_cpu = cpu_seconds(pid), time.process_time(), psutil.cpu_times()
    start = loop.time() + 0.05
    tasks = []
    for i in range(count):
        if db.too_many:
            break  # stop sending: the step is reported with what was sent
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        lags.append((loop.time() - due) * 1000)
        name, path = pick()
        tasks.append(asyncio.create_task(one(name, path, due)))
    await asyncio.gather(*tasks)
    sent = len(tasks)
    elapsed = max(finished) - start
    watching.cancel()
    opened = db.sessions() - sessions
    system_after = psutil.cpu_times()
    busy = sum(
        getattr(system_after, field) - getattr(system_cpu, field)
        for field in ("user", "system", "nice", "irq", "softirq")
        if hasattr(system_after, field)
    )
    server_cores = (cpu_seconds(pid) - server_cpu) / elapsed
    own_cores = (time.process_time() - own_cpu) / elapsed
    latencies = [ms for _, ms, _ in samples]
    ok_count = sum(1 for _, _, ok in samples if ok)
    by_endpoint = {}
    for endpoint in sorted({name for name, _, _ in samples}):
        mine = [ms for name, ms, _ in samples if name == endpoint]
        by_endpoint[endpoint] = {
            "requests": len(mine),
            "p50_ms": percentile(mine, 50),
            "p95_ms": percentile(mine, 95),
        }
    return {
        "offered_rps": rate,
        "requests": sent,
        "achieved_rps": round(ok_count / elapsed, 1),
        "errors": sum(errors.values()),
        "errors_by_kind": errors,
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "p99_ms": percentile(latencies, 99),
        "max_ms": percentile(latencies, 100),
        "by_endpoint": by_endpoint,
        "server_cpu_cores": round(server_cores, 2),
        "server_cpu_ms_per_request": round(server_cores * elapsed / sent * 1000, 2),
        "generator_cpu_cores": round(own_cores, 2),
        # PostgreSQL, Redis and anything else running on the machine.
        "other_cpu_cores": round(busy / elapsed - server_cores - own_cores, 2),
        "dispatch_lag_p99_ms": percentile(lags, 99),
        "db_sessions_opened_per_request": round(opened / sent, 2),
        "db_connections_max": db.peak,
        "stopped_early": None if sent == count else f"over {MAX_DB_CONNECTIONS} db connections",
    }


def request_mix(
    product_ids: list[int], pages: list[str], rng: random.Random
) -> Callable[[], tuple[str, str]]:
    """Product list 40 %, product detail 40 %, asset list 20 %."""

    def list_path() -> str:
        choice = rng.random()
        if choice < 0.4:
            return rng.choice(pages)
        if choice < 0.7:
            return f"/api/v1/products/?q={rng.choice(NOUNS)}&in_stock=true&page_size=20"
        category = rng.choice(CATEGORIES).split(" > ")[0]
        return f"/api/v1/products/?category={category}&ordering=-price&page_size=20"

    def asset_path() -> str:
        choice = rng.random()
        if choice < 0.5:
            return "/api/v1/assets/?page_size=50"
        if choice < 0.75:
            return f"/api/v1/assets/?product={rng.choice(product_ids)}"
        return "/api/v1/assets/?kind=image&page_size=50"

    def pick() -> tuple[str, str]:
        roll = rng.random()
        if roll < 0.4:
            return "product_list", list_path()
        if roll < 0.8:
            return "product_detail", f"/api/v1/products/{rng.choice(product_ids)}/"
        return "asset_list", asset_path()

    return pick


def cursor_pages(port: int, raw_key: str, pages: int) -> list[str]:
    """The first ``pages`` pages of the product list, as a client paging through would ask."""
    from urllib.parse import urlsplit

    paths = ["/api/v1/products/?page_size=50"]
    while len(paths) < pages:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{paths[-1]}",
            headers={"Authorization": f"Bearer {raw_key}", "X-Forwarded-Proto": "https"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our server
            following = json.loads(response.read())["next"]
        if not following:
            break
        parts = urlsplit(following)
        paths.append(f"{parts.path}?{parts.query}")
    return paths


def knee_of(steps: list[dict[str, Any]]) -> float | None:
    for step in steps:
        slow = (step["p95_ms"] or 0) > TARGET_P95_MS
        failing = step["errors"] > 0.01 * step["requests"]
        behind = step["achieved_rps"] < 0.95 * step["offered_rps"]
        if slow or failing or behind:
            return float(step["offered_rps"])
    return None


async def drive(port: int, raw_key: str, product_ids: list[int], pid: int, args: Any) -> Any:
    client = Client(port, raw_key)
    db = DatabaseWatch(os.environ["DATABASE_URL"])
    pages = cursor_pages(port, raw_key, 10)
    pick = request_mix(product_ids, pages, random.Random(7))
    # Warm-up: imports, the connection pools and PostgreSQL's caches; not reported.
    await run_step(client, db, 20, 5, pick, pid)
    steps = []
    for rate in args.rates:
        client.close_idle()
        await asyncio.sleep(1)
        step = await run_step(client, db, rate, args.seconds, pick, pid)
        steps.append(step)
        print(json.dumps({k: v for k, v in step.items() if k != "by_endpoint"}), file=sys.stderr)
        # Past 1 s the server is saturated; past MAX_DB_CONNECTIONS the run would starve
        # everything else on this PostgreSQL.
        if (step["p95_ms"] or 0) > 1000 or db.too_many:
            break
    client.close_idle()
    return steps


def run_loop(coroutine: Any) -> Any:
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        return runner.run(coroutine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rates", default="50,100,150,200,300,400")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--keep-db", action="store_true", help=f"leave {BENCH_DB} for a look")
    args = parser.parse_args()
    args.rates = [float(rate) for rate in args.rates.split(",")]
    env = production_env()
    began = time.monotonic()
    prepare_database(env)
    os.environ.clear()
    os.environ.update(env)
    import django

    django.setup()
    seeded = seed(args.products)
    seed_s = time.monotonic() - began
    some_product = seeded["product_ids"][len(seeded["product_ids"]) // 2]
    queries = count_queries(
        seeded["raw_key"],
        {
            "product_list": "/api/v1/products/?page_size=50",
            "product_search": "/api/v1/products/?q=mug&in_stock=true&page_size=20",
            "product_detail": f"/api/v1/products/{some_product}/",
            "asset_list": "/api/v1/assets/?page_size=50",
            "asset_list_by_product": f"/api/v1/assets/?product={some_product}",
        },
    )
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "config.asgi:application", "--port", str(port),
         "--workers", "1", "--log-level", "warning", "--no-access-log",
         "--timeout-keep-alive", "60"],
        cwd=ROOT,
        env=env,
    )  # fmt: skip
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        steps = run_loop(drive(port, seeded["raw_key"], seeded["product_ids"], server.pid, args))
    finally:
        server.terminate()
        server.wait(timeout=20)
        if not args.keep_db:
            drop_database(env)
    at_50 = next((step for step in steps if step["offered_rps"] == 50), None)
    print(
        json.dumps(
            {
                "benchmark": "rest_load",
                "machine": {
                    "cpus": os.cpu_count(),
                    "python": platform.python_version(),
                    "note": "the load generator, PostgreSQL and Redis share these cores with "
                    "the server (and with anything else running); figures are noisy",
                },
                "server": "one uvicorn process (1 worker), DEBUG off, PostgreSQL, Redis cache",
                "settings": env["DJANGO_SETTINGS_MODULE"],
                "generator": "open loop: fixed arrival rate, latency from each request's due "
                "time; asyncio + httptools, keep-alive, same machine",
                "seeded": {
                    "products": len(seeded["product_ids"]),
                    "variants_per_product": 3,
                    "images_per_product": 3,
                    "assets": seeded["assets"],
                    "seconds": round(seed_s, 1),
                },
                "mix": {"product_list": 0.4, "product_detail": 0.4, "asset_list": 0.2},
                "queries_per_request": queries,
                "seconds_per_step": args.seconds,
                "steps": steps,
                # The step offered 50/s, wherever it sits in --rates (None if none did).
                "at_50_rps": at_50
                and {
                    "p95_ms": at_50["p95_ms"],
                    "meets_target": (at_50["p95_ms"] or 0) <= TARGET_P95_MS
                    and at_50["errors"] == 0,
                },
                "knee_rps": knee_of(steps),
                "knee_rule": "first rate with p95 > 100 ms, errors > 1 % or achieved < 95 % "
                "of offered",
                "target": {"rps": 50, "p95_ms": TARGET_P95_MS},
                "rerun": ".venv/bin/python bench/bench_rest_load.py",
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
