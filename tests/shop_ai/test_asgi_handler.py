"""The web process's HTTP handler: Django's ASGI handler with a sync middleware chain."""

from __future__ import annotations

import asyncio
import gc
import json
import threading
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from django.http import HttpRequest, HttpResponse

from shop_ai.asgi_handler import SyncChainASGIHandler, freeze_loaded_objects


def _get(application: Any, path: str) -> tuple[int, dict[bytes, bytes], bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def exchange() -> tuple[int, dict[bytes, bytes], bytes]:
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(5)
        body = b""
        while True:
            message = await communicator.receive_output(5)
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        return start["status"], dict(start["headers"]), body

    return asyncio.run(exchange())


def test_the_middleware_chain_is_loaded_sync():
    handler = SyncChainASGIHandler()
    chain = handler._middleware_chain  # type: ignore[attr-defined]
    assert not asyncio.iscoroutinefunction(chain)


@pytest.mark.django_db
def test_a_request_runs_middleware_and_view_on_one_thread(monkeypatch):
    """Every layer of the chain and the view share the request's one worker thread."""
    seen: list[int] = []
    handler = SyncChainASGIHandler()
    inner = handler._middleware_chain  # type: ignore[attr-defined]

    def chain(request: HttpRequest) -> HttpResponse:
        seen.append(threading.get_ident())
        response = inner(request)
        seen.append(threading.get_ident())
        return response

    monkeypatch.setattr(handler, "_middleware_chain", chain)
    status, headers, body = _get(handler, "/api/v1/no-such-thing/")
    assert status == 404
    assert json.loads(body)["error"]["code"] == "not_found"
    assert headers[b"X-Content-Type-Options"] == b"nosniff"  # SecurityMiddleware ran
    assert len(set(seen)) == 1
    assert seen[0] != threading.get_ident()  # not the event loop's thread


def test_freezing_takes_loaded_objects_out_of_collections():
    before = gc.get_freeze_count()
    try:
        freeze_loaded_objects()
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
