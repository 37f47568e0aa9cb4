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


def _get(
    application: Any, path: str, headers: tuple[tuple[bytes, bytes], ...] = ()
) -> tuple[int, dict[bytes, bytes], bytes]:
    path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "headers": [(b"host", b"testserver"), *headers],
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


@pytest.mark.django_db(transaction=True)  # the request runs on another thread's connection
def test_a_streamed_response_comes_through_whole():
    """The product export streams its CSV through the sync chain and Django's ASGI send."""
    from tests.conftest import make_actor
    from tests.factories import make_product

    actor = make_actor(name="Streaming Shop")
    for n in range(3):
        make_product(actor.store, f"SKU-{n}", photo=False)
    status, headers, body = _get(
        SyncChainASGIHandler(),
        "/api/v1/products/export.csv",
        ((b"authorization", f"Bearer {actor.read_key}".encode()),),
    )
    assert status == 200
    assert headers[b"Content-Type"].startswith(b"text/csv")
    lines = body.decode().splitlines()
    assert lines[0].startswith("sku,title")
    assert sorted(line.split(",")[0] for line in lines[1:]) == ["SKU-0", "SKU-1", "SKU-2"]
