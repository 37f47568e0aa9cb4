"""The embedded mode's one worker runs beat too: a stage left queued with its message lost
is sent again by the reconciler and finishes, with nothing but Python (SQLite, the
folder broker)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shop_ai.management.commands.serve_embedded import WORKER_ARGS

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

# A job for one product whose stage was queued ten minutes ago; its message never reached
# the broker (as when a worker is killed holding it).
LOSE_A_MESSAGE = """
from datetime import timedelta
from django.utils import timezone
from content.models import GenerationJob, JobStatus, StageStatus
from content.services import generation_job_create
from tests.factories import make_product, make_store
store = make_store()
product = make_product(store, sku="LOST-1", photo=False)
job, _ = generation_job_create(
    store=store, product_ids=[product.pk], kinds=["copy"], locales=["en"]
)
# Drop the message queued on commit: nothing but the reconciler can start this job.
GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
job.stages.update(status=StageStatus.QUEUED, queued_at=timezone.now() - timedelta(minutes=10))
"""


def test_the_embedded_worker_reconciles_lost_work_on_its_beat(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env |= {"SHOP_AI_DATA_DIR": str(tmp_path), "SHOP_AI_RECONCILE_EVERY_S": "1"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT, timeout=120)
    subprocess.run(
        [*manage, "shell", "-c", LOSE_A_MESSAGE], env=env, check=True, cwd=ROOT, timeout=60
    )
    # The message was enqueued on commit and sits in the folder broker: remove it, so the
    # stage can only start through the reconciler.
    for message in (tmp_path / "celery" / "out").glob("*"):
        message.unlink()

    worker = subprocess.Popen(
        [sys.executable, *WORKER_ARGS],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        status = None
        while time.monotonic() < deadline:
            with sqlite3.connect(tmp_path / "shop_ai.sqlite3") as db:
                row = db.execute(
                    "SELECT j.status, s.status, s.resends FROM content_generationjob j "
                    "JOIN content_generationstage s ON s.job_id = j.id"
                ).fetchone()
            status = row
            if row[0] == "succeeded":
                break
            time.sleep(0.5)
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
    assert status == ("succeeded", "done", 1)
