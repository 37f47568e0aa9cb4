"""Benchmark live-feed fan-out: one ASGI process, the Redis channel layer, one room; JSON out.

A uvicorn process serves `/ws/live/<room>/` in production mode (PostgreSQL + Redis). This
script connects viewers in steps (default 250, 500, 1000, 2000), and at each step broadcasts
5 messages a second to the room's group for a while, the way the host runner does. Every
viewer timestamps what it receives: delivery latency percentiles, messages lost, and the
server's resident memory per connection are reported per step, with the viewer count at
which p95 first passes 500 ms (the knee).

Needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL; the defaults match `.ci/run`).
Target (issue #6): >= 2,000 viewers with p99 <= 250 ms and zero lost messages.

Run: python bench/bench_live_fanout.py [--steps 250,500,1000,2000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RATE_PER_S = 5
BENCH_DB = "shop_ai_bench"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def production_env() -> dict[str, str]:
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    return {
        **os.environ,
        "DATABASE_URL": base.rsplit("/", 1)[0] + "/" + BENCH_DB,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "DJANGO_SECRET_KEY": os.environ.get(
            "DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40
        ),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "SHOP_AI_LIVE_IN_PROCESS": "0",
    }


def prepare_database(env: dict[str, str]) -> None:
    import psycopg

    admin_url = env["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        connection.execute(f"CREATE DATABASE {BENCH_DB}")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


def seed(env: dict[str, str]) -> tuple[str, int]:
    code = (
        "from catalog import services as c; from catalog.models import Product;"
        "from livestream import services as s; from shop_ai.models import Store;"
        "st = Store.objects.create(name='Bench', slug='bench');"
        "c.products_upsert_json(store=st, items=[{'sku': 'M1', 'title': 'Mug', 'price': '9.00'}]);"
        "r = s.room_create(store=st, slug='fanout', title='Fan-out',"
        " rundown=[s.RundownSpec(product_id=Product.objects.get().pk)]);"
        "print(r.pk)"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return "fanout", int(out.stdout.strip().splitlines()[-1])


def rss_mb(pid: int) -> float:
    import psutil

    process = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [process, *process.children(recursive=True)]) / 2**20


class Viewer:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.seen: set[int] = set()


async def watch(url: str, viewer: Viewer, ready: asyncio.Event, opened: list[int]) -> None:
    import websockets

    async with websockets.connect(url, max_size=2**20, open_timeout=60) as ws:
        await ws.recv()  # hello
        opened.append(1)
        ready.set()
        async for raw in ws:
            message = json.loads(raw)
            if message.get("type") == "notice" and message.get("code", "").startswith("bench:"):
                sent_at, number = message["text"].split(":")
                viewer.latencies.append(time.time() - float(sent_at))
                viewer.seen.add(int(number))


async def broadcast(room_id: int, seconds: float, first: int) -> int:
    from channels.layers import get_channel_layer

    from livestream.protocol import feed_group

    layer = get_channel_layer()
    count = int(seconds * RATE_PER_S)
    for i in range(count):
        message = {"type": "notice", "code": "bench:tick", "text": f"{time.time()}:{first + i}"}
        await layer.group_send(feed_group(room_id), {"type": "live.message", "message": message})
        await asyncio.sleep(1 / RATE_PER_S)
    return count


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))], 4)


async def run_steps(
    port: int, slug: str, room_id: int, pid: int, args: Any
) -> list[dict[str, Any]]:
    url = f"ws://127.0.0.1:{port}/ws/live/{slug}/"
    viewers: list[Viewer] = []
    tasks: list[asyncio.Task[None]] = []
    opened: list[int] = []
    baseline = rss_mb(pid)
    results = []
    next_number = 0
    for target in args.steps:
        while len(viewers) < target:
            batch = min(100, target - len(viewers))
            for _ in range(batch):
                viewer, ready = Viewer(), asyncio.Event()
                viewers.append(viewer)
                tasks.append(asyncio.create_task(watch(url, viewer, ready, opened)))
            while len(opened) < len(viewers):
                await asyncio.sleep(0.05)
        await asyncio.sleep(1)
        connected_rss = rss_mb(pid)
        for viewer in viewers:
            viewer.latencies.clear()
            viewer.seen.clear()
        sent = await broadcast(room_id, args.seconds, next_number)
        expected = set(range(next_number, next_number + sent))
        next_number += sent
        await asyncio.sleep(2)  # let the tail arrive
        latencies = [lat for viewer in viewers for lat in viewer.latencies]
        lost = sum(len(expected - viewer.seen) for viewer in viewers)
        results.append(
            {
                "viewers": len(viewers),
                "messages_sent": sent,
                "deliveries": len(latencies),
                "lost": lost,
                "p50_ms": round(percentile(latencies, 50) * 1000, 1),
                "p95_ms": round(percentile(latencies, 95) * 1000, 1),
                "p99_ms": round(percentile(latencies, 99) * 1000, 1),
                "server_rss_mb": round(connected_rss, 1),
                "rss_per_connection_kb": round((connected_rss - baseline) * 1024 / len(viewers), 1),
            }
        )
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", default="250,500,1000,2000")
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    args.steps = [int(step) for step in args.steps.split(",")]
    env = production_env()
    prepare_database(env)
    slug, room_id = seed(env)
    os.environ.update({k: v for k, v in env.items() if k not in os.environ or k == "DATABASE_URL"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "config.asgi:application", "--port", str(port),
         "--log-level", "warning", "--ws-max-queue", "64", "--ws-per-message-deflate", "false"],
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
        results = asyncio.run(run_steps(port, slug, room_id, server.pid, args))
    finally:
        server.terminate()
        server.wait(timeout=20)
    knee = next((r["viewers"] for r in results if r["p95_ms"] > 500), None)
    print(
        json.dumps(
            {
                "benchmark": "live_fanout",
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "server": "one uvicorn process, channels_redis layer, PostgreSQL",
                "rate_per_s": RATE_PER_S,
                "seconds_per_step": args.seconds,
                "steps": results,
                "p95_over_500ms_at_viewers": knee,
                "target": {"viewers": 2000, "p99_ms": 250, "lost": 0},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
