"""Workers SIGKILLed in the middle of a stage, for real: Celery worker processes on Redis
against the PostgreSQL test database. Every job still finishes, every asset exists once,
nothing is left running; a stage that kills its worker every time is dead-lettered.

bench/bench_faults.py runs the same storm at full size (20 products, 10 kills).
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app
from content.models import GenerationJob, GenerationStage, JobStatus, StageStatus
from content.services import MAX_STAGE_ATTEMPTS, generation_job_create
from shop_ai.models import Store
from tests.factories import make_product, make_store
from tests.faults.harness import (
    Cluster,
    database_url,
    fault_env,
    kill_workers_mid_stage,
    outcome,
    purge_queues,
    wait_until_finished,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis and PostgreSQL (production)"),
    pytest.mark.django_db(transaction=True),  # the workers must see the rows
]


@pytest.fixture
def cluster_for(settings, tmp_path: Path) -> Iterator:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: the workers share the test database")
    settings.MEDIA_ROOT = tmp_path / "media"  # where make_product puts the photos
    env = fault_env(
        database_url=database_url(connection.settings_dict),
        redis_url=settings.REDIS_URL,
        data_dir=tmp_path,
        media_root=tmp_path / "media",
    )
    celery_app.conf.task_always_eager = False  # this process publishes to Redis too
    clusters: list[Cluster] = []

    def make(**fields) -> Cluster:
        cluster = Cluster(env=env | fields.pop("env", {}), log_dir=tmp_path, **fields)
        clusters.append(cluster)
        return cluster

    yield make
    for cluster in clusters:
        cluster.stop()
    purge_queues(celery_app)


def _products(count: int, prefix: str) -> tuple[Store, list[int]]:
    store = make_store()
    # Titles differ: equal products would share their assets and skip the runs.
    names = ["Alder", "Birch", "Cedar", "Damson", "Elm", "Fir", "Gorse", "Hazel"]
    ids = [
        make_product(store, sku=f"{prefix}-{n:02d}", title=f"{names[n]} stoneware mug").pk
        for n in range(count)
    ]
    return store, ids


def test_killed_workers_lose_no_job_and_duplicate_no_asset(cluster_for):
    started = time.monotonic()
    cluster = cluster_for()
    cluster.start_beat()  # the reconciler, every second here
    for _ in range(2):
        cluster.start_worker()
    store, product_ids = _products(4, "KILL")
    job, _ = generation_job_create(
        store=store, product_ids=product_ids, kinds=["copy", "image", "voice"], locales=["en"]
    )

    deadline = started + 150
    killed = kill_workers_mid_stage(
        cluster, celery_app, job_ids=[job.pk], kills=3, gap_s=3.0, deadline=deadline,
        rng=random.Random(7),
    )  # fmt: skip
    finished = wait_until_finished([job.pk], deadline=deadline)

    report = outcome([job.pk])
    assert finished, (report, cluster.tail())
    assert killed.kills == 3, (killed, report)
    assert report["jobs_terminal"] == 1
    assert report["stuck"] == 0
    assert report["duplicates"] == 0
    assert report["missing"] == 0
    assert report["assets"] == 4 * (1 + 4 + 1)
    assert report["dead_lettered"] == 0
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, (report, cluster.tail())
    # Each killed stage finished; those killed before they committed (all but a kill that
    # lands between the commit and the task's return) ran again as a second attempt. A
    # rerun that finds its asset already written (killed after the write, before the stage
    # was marked) ends `reused`, not done twice.
    hit = GenerationStage.objects.filter(pk__in=killed.killed_stages)
    assert {s.status for s in hit} <= {StageStatus.DONE, StageStatus.REUSED}
    assert {s.attempts for s in hit} <= {1, 2}
    assert report["rerun_stages"] >= 2, report


def test_a_stage_that_kills_its_worker_every_time_is_dead_lettered(cluster_for):
    cluster = cluster_for(
        env={"FAULTS_DOOMED_SKU": "DOOMED-00"},
        worker_command=("-m", "tests.faults.self_killing_worker"),
    )
    cluster.start_worker()  # no beat: Celery's own redelivery is what repeats the run
    store = make_store()
    # Different titles: equal products would share (reuse) one copy and skip the run.
    doomed = make_product(store, sku="DOOMED-00", photo=False, title="Doomed mug")
    healthy = make_product(store, sku="HEALTHY-00", photo=False, title="Healthy mug")
    job, _ = generation_job_create(
        store=store, product_ids=[doomed.pk, healthy.pk], kinds=["copy"], locales=["en"]
    )

    finished = wait_until_finished([job.pk], deadline=time.monotonic() + 90)

    job.refresh_from_db()
    rows = list(GenerationStage.objects.filter(job=job).values())
    assert finished, (rows, cluster.tail())
    assert job.status == JobStatus.PARTIAL, f"{rows}\n{cluster.tail()}"
    lost = GenerationStage.objects.get(job=job, product=doomed)
    assert lost.status == StageStatus.FAILED
    assert lost.attempts == MAX_STAGE_ATTEMPTS  # three runs started, a fourth refused
    assert lost.error.startswith(f"Dead-lettered after {MAX_STAGE_ATTEMPTS} attempts")
    assert GenerationStage.objects.get(job=job, product=healthy).status == StageStatus.DONE
    # The worker itself survived: its pool replaced each killed child.
    assert all(process.poll() is None for process in cluster.workers.values())
    assert GenerationJob.objects.get(pk=job.pk).finished_at is not None
