"""The API's rate limit: a sliding window per credential, in Redis or in local memory."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from shop_ai.api import throttling
from shop_ai.api.throttling import StoreRateThrottle


class _ClockedThrottle(StoreRateThrottle):
    """Two requests a minute, one fixed credential, and a clock the test sets."""

    rate = "2/min"

    def __init__(self, key: str, clock: list[float]) -> None:
        super().__init__()
        self._key, self._clock = key, clock
        self.timer = lambda: self._clock[0]

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self._key


@pytest.fixture(params=["redis", "local_memory"])
def store_kind(request: pytest.FixtureRequest, settings: Any) -> Iterator[str]:
    if request.param == "redis" and not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    if request.param == "local_memory":
        settings.REDIS_URL = ""
    throttling.throttle_redis.cache_clear()
    yield request.param
    throttling.throttle_redis.cache_clear()


def _allowed(key: str, clock: list[float], at: float) -> tuple[bool, float | None]:
    clock[0] = at
    throttle = _ClockedThrottle(key, clock)  # DRF builds one per request
    allowed = throttle.allow_request(request=None, view=None)  # type: ignore[arg-type]
    return allowed, None if allowed else throttle.wait()


def test_window_allows_the_rate_and_refuses_the_rest(store_kind: str):
    key, clock = f"throttle_test_{uuid.uuid4().hex}", [0.0]
    assert _allowed(key, clock, 1000.0) == (True, None)
    assert _allowed(key, clock, 1010.0) == (True, None)
    allowed, wait = _allowed(key, clock, 1020.0)
    assert not allowed
    assert wait is not None
    assert 0 < wait <= 60


def test_refused_requests_do_not_count_and_the_window_slides(store_kind: str):
    key, clock = f"throttle_test_{uuid.uuid4().hex}", [0.0]
    assert _allowed(key, clock, 1000.0)[0]
    assert _allowed(key, clock, 1030.0)[0]
    for at in (1031.0, 1040.0, 1050.0):
        assert not _allowed(key, clock, at)[0]
    # The first request left the window at 1060; the refused ones never entered it.
    assert _allowed(key, clock, 1061.0)[0]
    assert not _allowed(key, clock, 1062.0)[0]


@pytest.fixture
def redis_store(settings: Any) -> Iterator[None]:
    if not settings.REDIS_URL:
        pytest.skip("needs REDIS_URL")
    throttling.throttle_redis.cache_clear()
    yield
    throttling.throttle_redis.cache_clear()


@pytest.mark.usefixtures("redis_store")
def test_redis_tells_a_refused_client_when_the_oldest_request_leaves():
    key, clock = f"throttle_test_{uuid.uuid4().hex}", [0.0]
    _allowed(key, clock, 1000.0)
    _allowed(key, clock, 1030.0)
    allowed, wait = _allowed(key, clock, 1045.0)
    assert not allowed
    assert wait == pytest.approx(15.0)


@pytest.mark.usefixtures("redis_store")
def test_the_redis_window_expires_with_its_period():
    key, clock = f"throttle_test_{uuid.uuid4().hex}", [0.0]
    _allowed(key, clock, 1000.0)
    client = throttling.throttle_redis()
    assert client is not None
    ttl = client.ttl(key)
    assert isinstance(ttl, int)
    assert 0 < ttl <= 61


def test_an_unreachable_redis_lets_requests_through(settings: Any, caplog: Any):
    """The limit protects the service; it must not take the API down when Redis is gone."""
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    throttling.throttle_redis.cache_clear()
    try:
        key, clock = f"throttle_test_{uuid.uuid4().hex}", [0.0]
        results = [_allowed(key, clock, 1000.0 + n) for n in range(3)]
    finally:
        throttling.throttle_redis.cache_clear()
    assert results == [(True, None)] * 3
    assert "Redis unavailable" in caplog.text
