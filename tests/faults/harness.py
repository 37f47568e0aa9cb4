"""Real Celery workers and beat against PostgreSQL and Redis, and a killer that SIGKILLs a
worker in the middle of a stage: shared by tests/faults and bench/bench_faults.py."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from django.db.models import Count

from content.models import (
    TERMINAL_JOB_STATUSES,
    Asset,
    GenerationJob,
    GenerationStage,
    StageStatus,
)
from content.services import MAX_STAGE_ATTEMPTS

ROOT = Path(__file__).resolve().parents[2]
# How many assets a finished stage leaves (one per image layout).
ASSETS_PER_STAGE = {"copy": 1, "image": 4, "voice": 1, "video": 1}
IN_FLIGHT = [StageStatus.PENDING, StageStatus.QUEUED, StageStatus.RUNNING]


def database_url(settings_dict: Mapping[str, Any]) -> str:
    """A DATABASE_URL for a PostgreSQL connection's settings (e.g. the test database)."""
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


def fault_env(
    *,
    database_url: str,
    redis_url: str,
    data_dir: Path,
    media_root: Path,
    heartbeat_s: float = 1.0,
    lost_after_s: float = 4.0,
    queued_resend_s: float = 10.0,
    reconcile_every_s: float = 1.0,
) -> dict[str, str]:
    """The environment for workers and beat: the production mode, with the liveness
    timings shortened so a lost stage is found in seconds rather than minutes."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOP_AI_")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.setdefault("DJANGO_SECRET_KEY", "faults-only-secret-key-not-for-production-0123456789ab")
    env.setdefault("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,testserver")
    env |= {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SHOP_AI_DATA_DIR": str(data_dir),
        "SHOP_AI_MEDIA_ROOT": str(media_root),
        "SHOP_AI_TEXT_PROVIDER": "template",
        "SHOP_AI_STAGE_HEARTBEAT_S": str(heartbeat_s),
        "SHOP_AI_STAGE_LOST_AFTER_S": str(lost_after_s),
        "SHOP_AI_STAGE_QUEUED_RESEND_S": str(queued_resend_s),
        "SHOP_AI_RECONCILE_EVERY_S": str(reconcile_every_s),
        "SHOP_AI_LOG_LEVEL": "WARNING",
    }
    return env


@dataclass
class Cluster:
    """Worker processes, each in a process group of its own (so a SIGKILL takes its pool
    child too, as when a machine dies), and optionally one beat."""

    env: dict[str, str]
    log_dir: Path
    # The command after `python`; a test may swap in a launcher that patches a fault in.
    worker_command: tuple[str, ...] = ("-m", "celery", "-A", "config", "worker")
    workers: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    beat: subprocess.Popen[bytes] | None = None
    started: int = 0
    _logs: list[TextIO] = field(default_factory=list)

    def _spawn(self, name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = (self.log_dir / f"{name}.log").open("w")
        self._logs.append(log)
        return subprocess.Popen(
            command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def start_worker(self) -> str:
        self.started += 1
        hostname = f"faults-w{self.started}@localhost"
        self.workers[hostname] = self._spawn(
            f"worker-{self.started}",
            [sys.executable, *self.worker_command, "--pool=prefork", "--concurrency=1",
             f"--hostname={hostname}", "--loglevel=WARNING", "--without-gossip",
             "--without-mingle"],
        )  # fmt: skip
        return hostname

    def start_beat(self) -> None:
        self.beat = self._spawn(
            "beat", [sys.executable, "-m", "celery", "-A", "config", "beat", "--loglevel=WARNING"]
        )

    def kill(self, hostname: str) -> None:
        """SIGKILL the worker and its pool child: no shutdown, no message handed back."""
        process = self.workers.pop(hostname)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self) -> None:
        processes = [*self.workers.values(), *([self.beat] if self.beat else [])]
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=30)
        self.workers.clear()
        self.beat = None
        for log in self._logs:
            log.close()

    def tail(self, lines: int = 40) -> str:
        """The end of every log, for a failing assertion's message."""
        parts = []
        for path in sorted(self.log_dir.glob("*.log")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(parts)


def worker_running(
    app: Any, stage_ids: Iterable[int], hostnames: Iterable[str]
) -> tuple[str, int] | None:
    """(worker, stage) for a live worker whose pool is running one of these stages now."""
    wanted = set(stage_ids)
    names = list(hostnames)
    inspect = app.control.inspect(destination=names, timeout=1.0, limit=len(names))
    active = inspect.active() or {}
    for hostname, tasks in active.items():
        for task in tasks:
            args = task.get("args") or []
            if task.get("name") == "content.run_stage" and args and args[0] in wanted:
                return str(hostname), int(args[0])
    return None


@dataclass
class KillLog:
    kills: int = 0
    killed_stages: list[int] = field(default_factory=list)


def kill_workers_mid_stage(
    cluster: Cluster,
    app: Any,
    *,
    job_ids: list[int],
    kills: int,
    gap_s: float,
    deadline: float,
    rng: random.Random,
) -> KillLog:
    """SIGKILL the worker running a stage ``kills`` times, ``gap_s`` apart, starting a new
    worker after each kill; stops early when the jobs finish or the deadline passes.

    Only a stage on its first attempt is a victim, so no stage is lost three times here
    (that dead-letter path has a test of its own) and every job can still succeed.
    """
    log = KillLog()
    last_kill = time.monotonic()
    while log.kills < kills and time.monotonic() < deadline:
        time.sleep(0.25)
        if (
            not GenerationJob.objects.filter(pk__in=job_ids)
            .exclude(status__in=TERMINAL_JOB_STATUSES)
            .exists()
        ):
            break
        if time.monotonic() - last_kill < gap_s:
            continue
        # Mid-render: started a moment ago and still running.
        running = list(
            GenerationStage.objects.filter(
                job_id__in=job_ids, status=StageStatus.RUNNING, attempts__lt=2
            ).values_list("pk", flat=True)
        )
        if not running:
            continue
        rng.shuffle(running)
        found = worker_running(app, running, cluster.workers)
        if found is None:
            continue
        hostname, stage_id = found
        # The inspection took a moment: kill only if the stage is still mid-run.
        if not GenerationStage.objects.filter(pk=stage_id, status=StageStatus.RUNNING).exists():
            continue
        cluster.kill(hostname)
        log.kills += 1
        log.killed_stages.append(stage_id)
        cluster.start_worker()
        last_kill = time.monotonic()
    return log


def wait_until_finished(job_ids: list[int], *, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if (
            not GenerationJob.objects.filter(pk__in=job_ids)
            .exclude(status__in=TERMINAL_JOB_STATUSES)
            .exists()
        ):
            return True
        time.sleep(0.5)
    return False


def outcome(job_ids: list[int]) -> dict[str, Any]:
    """What an operator would check after the storm: jobs finished, work neither stuck nor
    lost nor done twice."""
    jobs = GenerationJob.objects.filter(pk__in=job_ids)
    stages = GenerationStage.objects.filter(job_id__in=job_ids)
    product_ids = set(stages.values_list("product_id", flat=True))
    assets = Asset.objects.filter(product_id__in=product_ids)
    duplicates = (
        assets.values("product_id", "kind", "variant", "locale")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count()
    )
    per_output = {
        (row["product_id"], row["kind"], row["locale"]): row["n"]
        for row in assets.values("product_id", "kind", "locale").annotate(n=Count("id"))
    }
    missing = sum(
        1
        for stage in stages.filter(status__in=[StageStatus.DONE, StageStatus.REUSED])
        if per_output.get((stage.product_id, stage.stage, stage.locale), 0)
        != ASSETS_PER_STAGE[stage.stage]
    )
    dead_lettered = stages.filter(
        status=StageStatus.FAILED, error__startswith="Dead-lettered"
    ).count()
    return {
        "jobs": jobs.count(),
        "jobs_terminal": jobs.filter(status__in=TERMINAL_JOB_STATUSES).count(),
        "job_statuses": sorted(jobs.values_list("status", flat=True)),
        "stages": stages.count(),
        "stage_statuses": dict(
            stages.values_list("status").annotate(n=Count("id")).order_by("status")
        ),
        "stuck": stages.filter(status__in=IN_FLIGHT).count(),
        "assets": assets.count(),
        "duplicates": duplicates,
        "missing": missing,
        "dead_lettered": dead_lettered,
        "max_attempts": max(stages.values_list("attempts", flat=True), default=0),
        "rerun_stages": stages.filter(attempts__gt=1).count(),
        "attempt_limit": MAX_STAGE_ATTEMPTS,
    }


def purge_queues(app: Any) -> None:
    """Drop messages left in the broker (copies the reconciler sent, say), so a later test's
    worker does not meet them; a stray copy would be harmless, but noisy."""
    with app.connection_for_write() as connection:
        channel = connection.default_channel
        for queue in ("celery", "maintenance"):
            channel.queue_purge(queue)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PrivateRedis:
    """A redis-server of a test's own, on a free port and keeping nothing on disk, that the
    test may SIGKILL and start again on the same port: a restart forgets every key (queued
    messages, unacknowledged deliveries, channel-layer groups). The shared Redis other
    tests use is never touched."""

    log_dir: Path
    port: int = field(default_factory=free_port)
    binary: str = "/usr/bin/redis-server"
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.starts += 1
        log = self.log_dir / f"redis-{self.port}-{self.starts}.log"
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.log_dir), "--logfile", str(log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server on port {self.port} did not start; see {log}")
            time.sleep(0.02)

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self) -> None:
        """SIGKILL: no save, no goodbye to the clients."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def restart(self, *, down_s: float = 1.0) -> None:
        self.kill()
        time.sleep(down_s)
        self.start()


@contextmanager
def private_redis(log_dir: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(log_dir=log_dir)
    server.start()
    try:
        yield server
    finally:
        server.kill()
