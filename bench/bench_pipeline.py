"""Content-pack pipeline benchmark on the embedded defaults: prints JSON.

Imports the demo catalog into a fresh SQLite data dir, generates the full pack (copy,
four images, voice, 720x1280 video) for each product synchronously, then generates again
to time the cached rerun (every stage reused, no model call).

    .venv/bin/python bench/bench_pipeline.py [--text-provider template|local]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKUS = ["MUG-STONE-350", "LAMP-BRASS-01", "TEE-ORGANIC", "BOTTLE-STEEL-750"]


WHOLE_JOB_RERUN = """
import json, time
from catalog.models import Product
from content import services
from content.models import GenerationStage
from config.celery import app
from shop_ai.models import Store

store = Store.objects.get(slug="demo")
ids = list(Product.objects.filter(store=store, sku__in=SKUS).values_list("pk", flat=True))
app.conf.task_always_eager = True
started = time.perf_counter()
job, _ = services.generation_job_create(
    store=store, product_ids=ids, kinds=["copy", "image", "voice", "video"], locales=["en"]
)
seconds = time.perf_counter() - started
statuses = sorted(set(GenerationStage.objects.filter(job=job).values_list("status", flat=True)))
print(json.dumps({"products": len(ids), "seconds": round(seconds, 3),
                  "seconds_per_product": round(seconds / len(ids), 3),
                  "stage_statuses": statuses}))
"""


# Each product's pack as one job in a single process, as a worker runs them: a model is
# loaded by the first (so its figure includes the load) and kept for the rest.
PACKS_IN_ONE_PROCESS = """
import json, time
from catalog.models import Product
from content import services
from content.models import GenerationStage
from config.celery import app
from shop_ai.models import Store

store = Store.objects.get(slug="demo")
app.conf.task_always_eager = True
packs = []
for sku in SKUS:
    product = Product.objects.get(store=store, sku=sku)
    started = time.perf_counter()
    job, _ = services.generation_job_create(
        store=store, product_ids=[product.pk], kinds=["copy", "image", "voice", "video"],
        locales=["en"],
    )
    job.refresh_from_db()
    stages = {s.stage: s.seconds for s in GenerationStage.objects.filter(job=job)}
    packs.append({"sku": sku, "seconds": round(time.perf_counter() - started, 2),
                  "stages": stages, "status": job.status})
print(json.dumps(packs))
"""


def manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return done.stdout


def demo_store(data_dir: str, text_provider: str) -> dict[str, str]:
    """The embedded mode in `data_dir` with the demo store and catalog: its environment."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {"SHOP_AI_DATA_DIR": data_dir, "SHOP_AI_TEXT_PROVIDER": text_provider}
    env["SHOP_AI_LOG_LEVEL"] = "WARNING"
    manage(env, "migrate", "-v0")
    manage(env, "seed_demo")
    manage(env, "import_catalog", str(ROOT / "demo" / "demo_catalog.zip"), "--store", "demo")
    return env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--text-provider", default="template")
    parser.add_argument(
        "--one-process",
        action="store_true",
        help="only the packs, each a job in one process as a worker runs them",
    )
    args = parser.parse_args()
    if args.one_process:
        one_process(args.text_provider)
        return
    with tempfile.TemporaryDirectory() as data_dir:
        env = demo_store(data_dir, args.text_provider)
        packs, cached = [], []
        for sku in SKUS:
            started = time.perf_counter()
            report = json.loads(manage(env, "generate", "--store", "demo", "--sku", sku, "--json"))
            packs.append((time.perf_counter() - started, report))
            started = time.perf_counter()
            again = json.loads(manage(env, "generate", "--store", "demo", "--sku", sku, "--json"))
            cached.append((time.perf_counter() - started, again))
        # The whole job again, in one process: what "cached rerun <= 1 s per product" means
        # for a seller who re-runs a job (no Django start-up per product).
        code = f"SKUS = {SKUS!r}\n{WHOLE_JOB_RERUN}"
        whole_job = json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])
    stage_seconds: dict[str, list[float]] = {}
    for _, report in packs:
        for stage in report["stages"]:
            stage_seconds.setdefault(stage["stage"], []).append(stage["seconds"] or 0.0)
    print(
        json.dumps(
            {
                "benchmark": "content_pack_pipeline",
                "text_provider": args.text_provider,
                "products": len(SKUS),
                "statuses": [r["status"] for _, r in packs],
                "pack_seconds_wall_incl_process_start": [round(s, 2) for s, _ in packs],
                "pack_seconds_median": round(statistics.median(s for s, _ in packs), 2),
                "stage_seconds_median": {
                    k: round(statistics.median(v), 2) for k, v in stage_seconds.items()
                },
                "cached_rerun_seconds_wall": [round(s, 2) for s, _ in cached],
                "cached_rerun_stage_statuses": sorted(
                    {st["status"] for _, r in cached for st in r["stages"]}
                ),
                "cached_rerun_stage_seconds_max": max(
                    st["seconds"] or 0.0 for _, r in cached for st in r["stages"]
                ),
                "cached_whole_job_rerun": whole_job,
            },
            indent=2,
        )
    )


def one_process(text_provider: str) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        env = demo_store(data_dir, text_provider)
        code = f"SKUS = {SKUS!r}\n{PACKS_IN_ONE_PROCESS}"
        packs = json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])
    warm = [pack["seconds"] for pack in packs[1:]]
    print(
        json.dumps(
            {
                "benchmark": "content_pack_pipeline_one_process",
                "text_provider": text_provider,
                "first_pack_seconds_incl_model_load": packs[0]["seconds"],
                "warm_pack_seconds": warm,
                "warm_pack_seconds_median": round(statistics.median(warm), 2),
                "packs": packs,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
