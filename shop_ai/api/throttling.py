"""Rate limits per store credential: one noisy integration cannot starve the others."""

from __future__ import annotations

import functools
import itertools
import logging
import os
from typing import Any

import redis
from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.base import BaseCache
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from shop_ai.models import ApiKey

# Each request's entry in a window needs a member of its own: two requests may share a
# timestamp. Process id plus a counter is unique across the web processes of one host,
# and the timestamp in front keeps hosts apart in practice.
_entry_numbers = itertools.count()
logger = logging.getLogger(__name__)


@functools.cache
def throttle_cache() -> BaseCache:
    """One cache client for the whole process (the embedded mode's throttle store).

    DRF's default is Django's per-context ``cache`` proxy. Under ASGI every request runs in
    a fresh context, so each request built a new cache client. The local-memory backend is
    safe to share between threads (a lock per location).
    """
    return caches.create_connection(DEFAULT_CACHE_ALIAS)


@functools.cache
def throttle_redis() -> redis.Redis | None:
    """One Redis client (and connection pool) for the process, when Redis is configured."""
    if not settings.REDIS_URL:
        return None
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


class StoreRateThrottle(SimpleRateThrottle):
    """DRF's sliding window: at most N requests in any period of the rate's length.

    With Redis, the window is a sorted set of request times per credential, checked and
    updated in one round trip (a MULTI pipeline). DRF's own throttle reads the whole
    history through the cache, unpickles it, and writes it back pickled: two round trips
    and a tenth of an API request's CPU. Without Redis (the embedded mode) DRF's
    implementation runs on the process's local-memory cache.
    """

    scope = "store"
    # Set by SimpleRateThrottle.__init__ from the rate (None without one); its stubs omit them.
    num_requests: int | None
    duration: int | None

    def __init__(self) -> None:
        super().__init__()
        self.cache = throttle_cache()
        self._retry_after: float | None = None

    def get_cache_key(self, request: Request, view: Any) -> str:
        if isinstance(request.auth, ApiKey):
            ident = f"key:{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user:{request.user.pk}"
        else:
            ident = f"ip:{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request: Request, view: Any) -> bool:
        client = throttle_redis()
        limit, period = self.num_requests, self.duration
        if client is None or limit is None or period is None:
            return super().allow_request(request, view)
        key = self.get_cache_key(request, view)
        self.now = self.timer()
        entry = f"{self.now!r}:{os.getpid()}:{next(_entry_numbers)}"
        pipeline = client.pipeline(transaction=True)
        pipeline.zremrangebyscore(key, "-inf", self.now - period)
        pipeline.zadd(key, {entry: self.now})
        pipeline.zcard(key)
        pipeline.zrange(key, 0, 0, withscores=True)
        pipeline.expire(key, period + 1)
        try:
            _, _, count, oldest, _ = pipeline.execute()
            if count <= limit:
                return True
            # Over the limit: this request does not count, and the next one may come once
            # the oldest request in the window leaves it.
            client.zrem(key, entry)
        except redis.RedisError as exc:
            # The limit protects the service; an unreachable Redis must not take the
            # whole API down with it. Serve the request and say so in the log.
            logger.warning("API throttle skipped, Redis unavailable: %s", exc)
            return True
        self._retry_after = max(0.0, period - (self.now - oldest[0][1]))
        return False

    def wait(self) -> float | None:
        if self._retry_after is not None:
            return self._retry_after
        return super().wait()
