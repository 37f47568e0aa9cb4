"""A real embedded server and Debian's Chromium, driven by Playwright, for the browser tests.

The server is what `make demo` runs: `serve_embedded` (uvicorn with Channels and the
in-process live host, plus a Celery worker over the folder broker) on SQLite, in a data
folder of its own, so it shares nothing with the test database or the developer's `var/`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "var" / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
# Without the networking flags Chromium keeps dialling Google's hosts, which this closed
# network refuses; the sandbox needs user namespaces that root in a container lacks.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SELLER = "demo"  # seed_demo's owner login
PASSWORD = "browser-journey-pw-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _embedded_env(data_dir: Path) -> dict[str, str]:
    """The embedded mode: no database or Redis URL, everything under `data_dir`."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SHOP_AI_MEDIA_ROOT", "DJANGO_DEBUG"}
    }
    env["SHOP_AI_DATA_DIR"] = str(data_dir)
    # The same moviepy render at a quarter of the pixels: the video stage takes ~4 s, not ~16.
    env["SHOP_AI_VIDEO_SIZE"] = "360x640"
    env["PYTHONUNBUFFERED"] = "1"
    return env


@dataclass
class Server:
    url: str
    log: Path


@pytest.fixture
def embedded_server(tmp_path: Path) -> Iterator[Server]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    env = _embedded_env(tmp_path / "data")
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "seed_demo", "--password", PASSWORD],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    port = _free_port()
    log = ARTIFACTS / "server.log"
    with log.open("wb") as out:
        # A session of its own, so the worker that serve_embedded starts can be ended with it.
        process = subprocess.Popen(
            [*manage, "serve_embedded", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)  # noqa: S310 - loopback
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"serve_embedded did not come up; see {log}")
                time.sleep(0.25)
        yield Server(url=url, log=log)
    finally:
        process.send_signal(signal.SIGTERM)  # uvicorn exits, then stops its worker
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
        # Whatever is left of the group (the worker, if serve_embedded died first).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@dataclass
class Browser:
    """One Chromium profile; every page it opens reports console errors and page errors."""

    context: Any
    problems: list[str] = field(default_factory=list)
    shots: int = 0

    def watch(self, page: Any) -> None:
        def on_console(message: Any) -> None:
            if message.type == "error":
                source = message.location.get("url") or page.url
                self.problems.append(f"console error from {source}: {message.text}")

        page.on("console", on_console)
        page.on(
            "pageerror", lambda error: self.problems.append(f"page error on {page.url}: {error}")
        )

    def screenshot(self, page: Any, name: str) -> Path:
        """Save a numbered screenshot, and fail if the browser complained so far."""
        self.shots += 1
        path = ARTIFACTS / f"{self.shots:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert not self.problems, f"the browser reported errors before {path.name}: {self.problems}"
        return path


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: `make browser` installs Debian's package.")
        pytest.skip("Chromium is missing: run `make browser` (Debian's package, as root).")
    from playwright.sync_api import sync_playwright

    for old in ARTIFACTS.glob("*.png"):
        old.unlink()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    profile = tmp_path / "chromium-profile"
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            args=CHROMIUM_ARGS,
            headless=True,
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(15_000)
        driven = Browser(context=context)
        context.on("page", driven.watch)  # pages opened later, such as the viewer's tab
        for page in context.pages:
            driven.watch(page)
        try:
            yield driven
        finally:
            context.close()
    shutil.rmtree(profile, ignore_errors=True)
