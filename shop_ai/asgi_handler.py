"""Django's ASGI handler with the middleware chain run in one thread hop.

Django's own ASGIHandler loads the middleware in async mode. Ours are all sync (ours and
WhiteNoise are sync-only, the rest are MiddlewareMixin), so in async mode a request
bounces between the event loop and the worker thread: into the thread for the sync
chain, back to the loop for the innermost async handler (async_to_sync), into the thread
again for each `process_view` and once more for the view. Each hop is a future, a
context copy and two thread wake-ups; under load they were about a third of the web
process's CPU per API request.

Here the chain is loaded in sync mode, as under WSGI, and the whole of it (middleware,
view, response rendering) runs in one `sync_to_async` call on the request's
thread-sensitive executor. Everything else (reading the body, signals, streaming the
response, disconnects) is Django's ASGI handler unchanged. An async view would still
work: the sync chain calls it through async_to_sync, as WSGI does; we have none.
"""

from __future__ import annotations

import gc
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponseBase
from django.urls import get_resolver


class SyncChainASGIHandler(ASGIHandler):
    def __init__(self) -> None:
        # Not super().__init__(): that loads the chain in async mode (all it does besides).
        self.load_middleware(is_async=False)

    async def get_response_async(self, request: HttpRequest) -> HttpResponseBase:
        # BaseHandler.get_response: the sync chain, the request closer, error logging.
        response: Any = await sync_to_async(self.get_response, thread_sensitive=True)(request)
        return response


def freeze_loaded_objects() -> None:
    """Load the URL configuration (and with it every view module), then move every object
    alive so far out of the garbage collector's reach.

    A loaded web process holds about 120,000 container objects that live as long as it
    does: modules, classes, URL patterns. Each full collection walked all of them, 56 ms
    here, during which no request was served: a request that arrived then waited, which
    dominated the REST benchmark's p95. Frozen objects are never scanned again (they are
    not freed either, which they never would be).
    """
    get_resolver().url_patterns  # noqa: B018 (imports the URLconf and the views)
    gc.collect()
    gc.freeze()
