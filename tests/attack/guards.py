"""What an attack test watches: outbound connections, wall time, and peak memory.

`SocketGuard` wraps `socket.socket.connect` (which `socket.create_connection` and every
HTTP client end in): a connection to anything but the test's own infrastructure is
recorded and refused before a packet leaves, so a test can assert that the code under
test never tried to reach an internal address. `measure` reports wall time, the peak of
Python allocations (tracemalloc) and, on Linux, the growth of the process's peak resident
memory, which also counts what C extensions (Pillow, expat, zlib) allocate.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

MiB = 1024 * 1024


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def infrastructure_ports() -> set[int]:
    """Ports of the database and Redis the test settings use (PostgreSQL and Redis in CI)."""
    ports: set[int] = set()
    database = settings.DATABASES["default"]
    if database.get("PORT"):
        ports.add(int(database["PORT"]))
    redis_url = getattr(settings, "REDIS_URL", "")
    if redis_url:
        ports.add(urlsplit(redis_url).port or 6379)
    return ports


@dataclass
class SocketGuard:
    """Records every connect; refuses all but loopback infrastructure and allowed ports."""

    allowed_ports: set[int] = field(default_factory=infrastructure_ports)
    attempts: list[Any] = field(default_factory=list)
    refused: list[Any] = field(default_factory=list)

    def allow(self, port: int) -> None:
        """Let connections to a loopback port through (the test's own HTTP server)."""
        self.allowed_ports.add(port)

    def check(self, address: Any) -> None:
        self.attempts.append(address)
        if isinstance(address, (str, bytes)):
            return  # a Unix socket: local by construction
        host, port = str(address[0]), int(address[1])
        if _is_loopback(host) and port in self.allowed_ports:
            return
        self.refused.append(address)
        raise ConnectionRefusedError(f"attack test: connection to {address!r} refused")


@contextmanager
def guarded_sockets(monkeypatch: Any) -> Iterator[SocketGuard]:
    guard = SocketGuard()
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def connect(sock: socket.socket, address: Any) -> None:
        guard.check(address)
        real_connect(sock, address)

    def connect_ex(sock: socket.socket, address: Any) -> int:
        guard.check(address)
        return real_connect_ex(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    yield guard


@dataclass
class Usage:
    seconds: float = 0.0
    traced_peak_bytes: int = 0
    rss_growth_bytes: int | None = None  # None where the kernel cannot reset the peak

    def describe(self) -> str:
        rss = "n/a" if self.rss_growth_bytes is None else f"{self.rss_growth_bytes / MiB:.0f} MiB"
        return (
            f"{self.seconds:.2f} s, traced peak {self.traced_peak_bytes / MiB:.0f} MiB, "
            f"peak RSS growth {rss}"
        )


_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_kib(key: str) -> int | None:
    with suppress(OSError):
        for line in _STATUS.read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def _reset_peak_rss() -> bool:
    # Writing 5 resets VmHWM (the peak resident set) to the current RSS (Linux 4.0+).
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return _status_kib("VmHWM") is not None


@contextmanager
def measure() -> Iterator[Usage]:
    usage = Usage()
    can_reset = _reset_peak_rss()
    rss_before = _status_kib("VmRSS") if can_reset else None
    already_tracing = tracemalloc.is_tracing()
    if already_tracing:
        tracemalloc.reset_peak()
    else:
        tracemalloc.start()
    started = time.perf_counter()
    try:
        yield usage
    finally:
        usage.seconds = time.perf_counter() - started
        usage.traced_peak_bytes = tracemalloc.get_traced_memory()[1]
        if not already_tracing:
            tracemalloc.stop()
        peak = _status_kib("VmHWM") if can_reset else None
        if rss_before is not None and peak is not None:
            usage.rss_growth_bytes = max(0, peak - rss_before) * 1024
