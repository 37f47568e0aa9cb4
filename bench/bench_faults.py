"""Worker-kill storm at full size, against real PostgreSQL, Redis, Celery workers and beat:
prints JSON.

A generation job for 20 products (copy, images, voice, video) runs on two workers while
one running a stage is SIGKILLed 10 times (its process group, as when a machine dies; a
new worker is started each time). Beat runs the reconciler every 2 s. Beside it, a job for
one more product whose stages kill their own worker every time (patched in by
tests/faults/self_killing_worker.py) must be dead-lettered. Reported: jobs finished and
lost, stuck stages, duplicate or missing assets, dead-lettered stages, time.

    .venv/bin/python bench/bench_faults.py [--products 20] [--kills 10] [--jobs 1]

With `--kills 0 --no-doomed` it is the plain load run of issue #4: 20 products through
two worker processes, no error, and the peak RSS of each worker (its process with its
pool child, sampled every 0.2 s) against the 2.5 GB target.

Needs PostgreSQL (DATABASE_URL's server, default postgres://postgres@127.0.0.1:5432/) and
Redis (REDIS_URL, default redis://127.0.0.1:6379/0); it creates and drops a database of
its own.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = "shop_ai_bench_faults"
NAMES = [
    "Alder", "Birch", "Cedar", "Damson", "Elm", "Fir", "Gorse", "Hazel", "Ivy", "Juniper",
    "Kapok", "Larch", "Maple", "Nutmeg", "Oak", "Pine", "Quince", "Rowan", "Sage", "Teak",
    "Umber", "Vetch", "Willow", "Yew", "Zelkova",
]  # fmt: skip


def _admin(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(sql)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=20)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--gap-s", type=float, default=8.0, help="least time between kills")
    parser.add_argument("--kinds", default="copy,image,voice,video")
    parser.add_argument("--timeout-s", type=float, default=1200)
    parser.add_argument("--no-doomed", action="store_true", help="leave out the doomed job")
    args = parser.parse_args()

    server = urlsplit(os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/")
    admin_url = urlunsplit(server._replace(path="/postgres"))
    bench_url = urlunsplit(server._replace(path=f"/{BENCH_DB}"))
    redis_url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    try:
        _admin(admin_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        _admin(admin_url, f'CREATE DATABASE "{BENCH_DB}"')
    except Exception as error:  # no server: say so in the output, as the other benches do
        print(json.dumps({"benchmark": "faults_worker_kill", "skipped": str(error)}))
        return
    with tempfile.TemporaryDirectory() as scratch:
        try:
            report = _run(args, Path(scratch), bench_url, redis_url)
        finally:
            _admin(admin_url, f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    print(json.dumps(report, indent=2))


def _run(args: argparse.Namespace, scratch: Path, database: str, redis_url: str) -> dict:
    media = scratch / "media"
    # This process is a Django process of the same deployment as the workers.
    os.environ |= {
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
        "SHOP_AI_DATA_DIR": str(scratch),
        "SHOP_AI_MEDIA_ROOT": str(media),
        "SHOP_AI_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    os.environ.setdefault(
        "DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789"
    )
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"],
        cwd=ROOT, env=os.environ, check=True,
    )  # fmt: skip
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from config.celery import app
    from content.services import generation_job_create
    from tests.factories import make_product, make_store
    from tests.faults import harness

    store = make_store()
    product_ids = [
        make_product(store, sku=f"BENCH-{n:03d}", title=f"{NAMES[n % len(NAMES)]} mug {n}").pk
        for n in range(args.products)
    ]
    kinds = args.kinds.split(",")
    doomed = None if args.no_doomed else make_product(store, sku="DOOMED-000", title="Doomed mug")
    env = harness.fault_env(
        database_url=database,
        redis_url=redis_url,
        data_dir=scratch,
        media_root=media,
        heartbeat_s=2.0,
        lost_after_s=8.0,
        queued_resend_s=30.0,
        reconcile_every_s=2.0,
    )
    cluster = harness.Cluster(
        env=env | {"FAULTS_DOOMED_SKU": "DOOMED-000"},
        log_dir=scratch,
        worker_command=("-m", "tests.faults.self_killing_worker"),
    )
    harness.purge_queues(app)
    started = time.monotonic()
    deadline = started + args.timeout_s
    try:
        cluster.start_beat()
        cluster.start_worker()
        cluster.start_worker()
        job_ids = [
            generation_job_create(
                store=store, product_ids=product_ids[n :: args.jobs], kinds=kinds, locales=["en"]
            )[0].pk
            for n in range(args.jobs)
        ]
        doomed_ids = [
            generation_job_create(
                store=store, product_ids=[doomed.pk], kinds=["copy"], locales=["en"]
            )[0].pk
            for doomed in [doomed]
            if doomed is not None
        ]
        sampler = RssSampler(cluster)
        sampler.start()
        killed = harness.kill_workers_mid_stage(
            cluster, app, job_ids=job_ids, kills=args.kills, gap_s=args.gap_s,
            deadline=deadline, rng=random.Random(11),
        )  # fmt: skip
        harness.wait_until_finished(job_ids + doomed_ids, deadline=deadline)
        wall = time.monotonic() - started
        sampler.stop()
        result = harness.outcome(job_ids)
        doomed_result = harness.outcome(doomed_ids) if doomed_ids else None
    finally:
        cluster.stop()
        harness.purge_queues(app)
    return {
        "benchmark": "faults_worker_kill",
        "products": args.products,
        "kinds": kinds,
        "workers": 2,
        "kills": killed.kills,
        "killed_mid_stage": result["rerun_stages"],
        "jobs_lost": result["jobs"] - result["jobs_terminal"],
        **result,
        "doomed_job": doomed_result
        and {
            "job_statuses": doomed_result["job_statuses"],
            "dead_lettered": doomed_result["dead_lettered"],
            "max_attempts": doomed_result["max_attempts"],
            "stuck": doomed_result["stuck"],
        },
        "wall_s": round(wall, 1),
        "peak_rss_mb_per_worker": sampler.peaks_mb(),
        "rss_target_mb": 2500,
    }


class RssSampler(threading.Thread):
    """The highest RSS each worker reached: its main process plus its pool children."""

    def __init__(self, cluster: object) -> None:
        super().__init__(daemon=True)
        self.cluster = cluster
        self.peaks: dict[str, int] = {}
        self._done = threading.Event()

    def run(self) -> None:
        import psutil

        while not self._done.wait(0.2):
            for hostname, popen in list(self.cluster.workers.items()):  # type: ignore[attr-defined]
                try:
                    root = psutil.Process(popen.pid)
                    tree = [root, *root.children(recursive=True)]
                    rss = sum(process.memory_info().rss for process in tree)
                except psutil.Error:
                    continue  # killed or exiting between two samples
                self.peaks[hostname] = max(self.peaks.get(hostname, 0), rss)

    def stop(self) -> None:
        self._done.set()
        self.join()

    def peaks_mb(self) -> dict[str, float]:
        return {name: round(rss / 2**20, 1) for name, rss in sorted(self.peaks.items())}


if __name__ == "__main__":
    main()
