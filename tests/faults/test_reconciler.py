"""Lost generation work, in the database: the reconciler sends it again or fails it, and a
stage is started at most three times (fast: no broker, tasks run inline)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from config.celery import app as celery_app
from content.models import Asset, GenerationJob, GenerationStage, JobStatus, StageStatus
from content.services import (
    MAX_STAGE_ATTEMPTS,
    backoff_delay,
    generation_job_create,
    stages_reconcile,
)
from content.tasks import MAX_STAGE_RETRIES, reconcile_stuck_jobs, run_stage
from tests.factories import make_product, make_store
from tests.providers import use_provider

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings, tmp_path):
    use_provider(settings, "text", "template")
    settings.MEDIA_ROOT = tmp_path
    settings.SHOP_AI_STAGE_LOST_AFTER_S = 90
    settings.SHOP_AI_STAGE_QUEUED_RESEND_S = 120


def _copy_job(count: int = 1) -> GenerationJob:
    """A copy-only job whose first message was lost: its stages are still pending."""
    store = make_store()
    products = [make_product(store, sku=f"SKU-{n}", photo=False) for n in range(count)]
    job, _ = generation_job_create(
        store=store, product_ids=[p.pk for p in products], kinds=["copy"], locales=["en"]
    )
    return job


def _set(stage: GenerationStage, **fields) -> GenerationStage:
    GenerationStage.objects.filter(pk=stage.pk).update(**fields)
    stage.refresh_from_db()
    return stage


def _ago(seconds: float):
    return timezone.now() - timedelta(seconds=seconds)


def test_a_running_stage_whose_worker_vanished_is_sent_again_and_finishes(
    django_capture_on_commit_callbacks,
):
    job = _copy_job()
    stage = _set(
        job.stages.get(),
        status=StageStatus.RUNNING,
        attempts=1,
        task_id="lost-task",
        started_at=_ago(300),
        heartbeat_at=_ago(100),
    )
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)

    with django_capture_on_commit_callbacks(execute=True):
        report = stages_reconcile()

    assert report.resent_running == 1
    stage.refresh_from_db()
    assert stage.status == StageStatus.DONE
    assert stage.attempts == 2
    assert stage.resends == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert Asset.objects.filter(job=job, kind="copy").count() == 1


def test_a_running_stage_with_a_fresh_heartbeat_is_left_alone(django_capture_on_commit_callbacks):
    job = _copy_job()
    stage = _set(
        job.stages.get(),
        status=StageStatus.RUNNING,
        attempts=1,
        task_id="live-task",
        started_at=_ago(20 * 60),  # a long render, still beating
        heartbeat_at=_ago(10),
    )

    with django_capture_on_commit_callbacks(execute=True) as sent:
        report = stages_reconcile()

    assert report.resent_running == report.dead_lettered == 0
    assert sent == []
    stage.refresh_from_db()
    assert (stage.status, stage.attempts) == (StageStatus.RUNNING, 1)


def test_a_run_past_the_hard_time_limit_is_lost_even_if_it_beats(
    django_capture_on_commit_callbacks,
):
    job = _copy_job()
    stage = _set(
        job.stages.get(),
        status=StageStatus.RUNNING,
        attempts=1,
        started_at=_ago(django_settings.CELERY_TASK_TIME_LIMIT + 120),
        heartbeat_at=_ago(5),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert stages_reconcile().resent_running == 1

    stage.refresh_from_db()
    assert stage.status == StageStatus.DONE


def test_a_lost_stage_out_of_attempts_is_dead_lettered_and_the_job_ends(
    django_capture_on_commit_callbacks,
):
    job = _copy_job()
    stage = _set(
        job.stages.get(),
        status=StageStatus.RUNNING,
        attempts=MAX_STAGE_ATTEMPTS,
        started_at=_ago(600),
        heartbeat_at=_ago(600),
    )
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)

    with django_capture_on_commit_callbacks(execute=True):
        report = stages_reconcile()

    assert (report.dead_lettered, report.resent_running) == (1, 0)
    stage.refresh_from_db()
    assert stage.status == StageStatus.FAILED
    assert stage.error.startswith("Dead-lettered after 3 attempts")
    assert "worker was lost" in stage.error
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.error_message == stage.error
    assert not Asset.objects.filter(job=job).exists()


def test_a_queued_stage_is_sent_again_later_and_later(django_capture_on_commit_callbacks):
    job = _copy_job(2)
    waiting, fresh = job.stages.order_by("pk")
    sent_at = _ago(130)
    _set(waiting, status=StageStatus.QUEUED, queued_at=sent_at)
    _set(fresh, status=StageStatus.QUEUED, queued_at=_ago(30))

    # Capture only: the copies stay in the "broker", as if the workers were all busy.
    with django_capture_on_commit_callbacks(execute=False) as sent:
        first = stages_reconcile()
    assert (first.resent_queued, len(sent)) == (1, 1)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.resends) == (StageStatus.QUEUED, 1)

    # The next copy waits twice as long: not at +130 s, but after +240 s.
    assert waiting.queued_at is not None
    later = waiting.queued_at + timedelta(seconds=130)
    with django_capture_on_commit_callbacks(execute=False) as sent:
        assert stages_reconcile(now=later).resent_queued == 1  # only `fresh` is due now
    fresh.refresh_from_db()
    waiting.refresh_from_db()
    assert (fresh.resends, waiting.resends) == (1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        report = stages_reconcile(now=later + timedelta(seconds=120))
    assert report.resent_queued == 1  # `waiting` (240 s); `fresh` waits until 240 s too
    waiting.refresh_from_db()
    assert waiting.resends == 2
    assert waiting.status == StageStatus.DONE  # this copy reached a worker


def test_an_unfinished_job_with_nothing_in_flight_is_advanced(django_capture_on_commit_callbacks):
    job = _copy_job()  # its advance_job message never ran: the stage is still pending

    with django_capture_on_commit_callbacks(execute=True):
        report = stages_reconcile()

    assert report.jobs_advanced == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.stages.get().status == StageStatus.DONE
    # Everything is finished: the next run has nothing to do.
    with django_capture_on_commit_callbacks(execute=True) as sent:
        assert stages_reconcile().as_dict() == {
            "resent_running": 0, "resent_queued": 0, "dead_lettered": 0, "jobs_advanced": 0,
        }  # fmt: skip
    assert sent == []


def test_the_periodic_task_reports_what_it_did(django_capture_on_commit_callbacks):
    job = _copy_job()
    _set(job.stages.get(), status=StageStatus.QUEUED, queued_at=_ago(500))

    with django_capture_on_commit_callbacks(execute=True):
        result = reconcile_stuck_jobs.delay().get()

    assert result["resent_queued"] == 1
    assert job.stages.get().status == StageStatus.DONE


def test_beat_runs_the_reconciler_every_minute():
    entry = celery_app.conf.beat_schedule["reconcile-stuck-jobs"]
    assert entry["task"] == reconcile_stuck_jobs.name
    assert entry["schedule"] == 60.0


# --- at most three starts -----------------------------------------------------------------


def test_a_redelivered_run_is_a_new_attempt_until_the_third(django_capture_on_commit_callbacks):
    """A worker killed under a run leaves the stage running; Celery redelivers the same
    message (same task id). Here each redelivery is played in-process."""
    job = _copy_job()
    stage = _set(
        job.stages.get(),
        status=StageStatus.RUNNING,
        attempts=MAX_STAGE_ATTEMPTS - 1,
        task_id="killed-twice",
        started_at=_ago(1),
        heartbeat_at=_ago(1),
    )

    with django_capture_on_commit_callbacks(execute=True):
        run_stage.apply(args=(stage.pk,), task_id="killed-twice")

    stage.refresh_from_db()
    assert (stage.status, stage.attempts) == (StageStatus.DONE, MAX_STAGE_ATTEMPTS)


def test_a_fourth_delivery_dead_letters_the_stage(django_capture_on_commit_callbacks):
    job = _copy_job()
    stage = _set(
        job.stages.get(),
        status=StageStatus.RUNNING,
        attempts=MAX_STAGE_ATTEMPTS,
        task_id="killed-thrice",
        started_at=_ago(1),
        heartbeat_at=_ago(1),
    )
    GenerationJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)

    with django_capture_on_commit_callbacks(execute=True):
        result = run_stage.apply(args=(stage.pk,), task_id="killed-thrice")

    assert result.get() == StageStatus.FAILED
    stage.refresh_from_db()
    assert stage.attempts == MAX_STAGE_ATTEMPTS  # refused: no fourth run
    assert stage.error.startswith("Dead-lettered after 3 attempts")
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert not Asset.objects.filter(job=job).exists()


def test_a_copy_of_the_message_leaves_a_live_run_alone(django_capture_on_commit_callbacks):
    job = _copy_job()
    stage = _set(
        job.stages.get(),
        status=StageStatus.RUNNING,
        attempts=1,
        task_id="the-live-run",
        started_at=_ago(30),
        heartbeat_at=_ago(5),
    )

    with django_capture_on_commit_callbacks(execute=True):
        assert run_stage.apply(args=(stage.pk,), task_id="a-copy").get() == StageStatus.RUNNING

    stage.refresh_from_db()
    assert (stage.status, stage.attempts, stage.task_id) == (
        StageStatus.RUNNING, 1, "the-live-run",
    )  # fmt: skip

    # Once the live run's heartbeat is stale, a copy takes over as the next attempt.
    _set(stage, heartbeat_at=_ago(200))
    with django_capture_on_commit_callbacks(execute=True):
        assert run_stage.apply(args=(stage.pk,), task_id="a-copy").get() == StageStatus.DONE
    stage.refresh_from_db()
    assert stage.attempts == 2


def test_celery_retries_fit_in_the_stage_attempts():
    assert run_stage.max_retries == MAX_STAGE_RETRIES == MAX_STAGE_ATTEMPTS - 1


def test_backoff_doubles_with_jitter_and_a_cap():
    lowest = [backoff_delay(n, base_s=1, rand=lambda: 0.0) for n in range(1, 9)]
    highest = [backoff_delay(n, base_s=1, rand=lambda: 1.0) for n in range(1, 9)]
    assert lowest == [0.5, 1, 2, 4, 8, 16, 30, 30]
    assert highest == [1, 2, 4, 8, 16, 32, 60, 60]
    spread = {round(backoff_delay(3, base_s=1), 6) for _ in range(50)}
    assert len(spread) > 40  # jittered, not one fixed delay
    assert all(2 <= d <= 4 for d in spread)
