"""Both run modes start for real: the embedded server with SQLite, and production settings."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app as celery_app
from shop_ai.tasks import ping

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _embedded_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["SHOP_AI_DATA_DIR"] = str(data_dir)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return env


def _get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _get_json_with(url: str, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own server
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - our own server
        return response.status, json.loads(response.read())


def test_embedded_mode_serves_healthz_with_nothing_but_python(tmp_path: Path):
    env = _embedded_env(tmp_path)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT, timeout=120)
    seeded = subprocess.run(
        [*manage, "seed_demo"], env=env, check=True, cwd=ROOT, capture_output=True, text=True
    ).stdout
    subprocess.run(
        [*manage, "import_catalog", str(ROOT / "demo" / "demo_catalog.zip"), "--store", "demo"],
        env=env,
        check=True,
        cwd=ROOT,
        timeout=120,
    )
    port = _free_port()
    server = subprocess.Popen(
        [*manage, "serve_embedded", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, body = _get_json(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        assert status == 200, body
        assert body["mode"] == "embedded"
        assert all(check["ok"] for check in body["checks"].values())
        key = seeded.split("api key:")[1].strip()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/store/", headers={"Authorization": f"Bearer {key}"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            assert json.loads(response.read())["slug"] == "demo"
        assert (tmp_path / "shop_ai.sqlite3").exists()
        # The worker beside the server consumes the folder broker: a generation job
        # started over the API runs its stages there and finishes.
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        with urllib.request.urlopen(
            urllib.request.Request(
                f"http://127.0.0.1:{port}/api/v1/products/?q=MUG", headers=headers
            ),
            timeout=5,
        ) as response:
            product = json.loads(response.read())["results"][0]
        assert {image["status"] for image in product["images"]} == {"ready"}
        payload = json.dumps({"products": [product["id"]], "kinds": ["image"]}).encode()
        started = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/v1/generation-jobs/", data=payload, headers=headers
        )
        with urllib.request.urlopen(started, timeout=10) as response:  # noqa: S310
            job_id = json.loads(response.read())["id"]
        deadline = time.monotonic() + 90
        while True:
            status, job = _get_json_with(
                f"http://127.0.0.1:{port}/api/v1/generation-jobs/{job_id}/", headers
            )
            if job["status"] in {"succeeded", "failed", "partial"} or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert job["status"] == "succeeded", job
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def test_production_settings_pass_check_deploy():
    env = dict(
        os.environ,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DJANGO_SECRET_KEY="x" * 20 + "a-long-random-production-secret-key-0123456789",
        DJANGO_ALLOWED_HOSTS="shop.example.com",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://shop.example.com",
    )
    for relaxed_for_tests in ("DJANGO_DEBUG", "DJANGO_SECURE_SSL_REDIRECT"):
        env.pop(relaxed_for_tests, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = dict(os.environ, DATABASE_URL="postgres://postgres@127.0.0.1:5432/test")
    env.pop("DJANGO_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.skipif(not settings.REDIS_URL, reason="needs the Redis broker (production mode)")
def test_a_real_worker_consumes_tasks_from_redis():
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-l", "WARNING"],
        cwd=ROOT,
        env=dict(os.environ),
        start_new_session=True,
    )
    celery_app.conf.task_always_eager = False
    try:
        assert ping.delay("hello").get(timeout=60) == "hello"
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=30)
