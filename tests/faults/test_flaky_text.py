"""A flaky OpenAI-compatible text endpoint (HTTP 500 on about half the requests): copy
still completes, through retries with backoff and jitter inside each attempt and a few
attempts per stage; a dead endpoint fails the stage after exactly that many calls."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from config.celery import app as celery_app
from content.models import Asset, GenerationJob, JobStatus, StageStatus
from content.providers.text import CopyRequest
from content.providers.text.template import TemplateWriter
from content.selectors import facts_for
from content.services import MAX_STAGE_ATTEMPTS, generation_job_create
from tests.factories import catalog_product, make_product, make_store
from tests.providers import use_provider

pytestmark = pytest.mark.django_db
RETRIES_PER_ATTEMPT = 4


@dataclass
class ChatEndpoint:
    """Answers POST /v1/chat/completions, streamed or not, with ``reply``; ``fails(n)``
    says whether request number ``n`` (from 0) gets an HTTP 500 instead."""

    fails: Callable[[int], bool]
    replies: dict[str, str] = field(default_factory=dict)  # by a line of the prompt
    base_url: str = ""
    requests: int = 0
    errors: int = 0
    streamed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _handler(endpoint: ChatEndpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the openai client expects

        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with endpoint.lock:
                number = endpoint.requests
                endpoint.requests += 1
                failing = self.path == "/v1/chat/completions" and endpoint.fails(number)
                endpoint.errors += failing
                endpoint.streamed += bool(body.get("stream")) and not failing
            prompt = "\n".join(m["content"] for m in body["messages"]) + "\n"
            reply = next((r for key, r in endpoint.replies.items() if key in prompt), "")
            if self.path != "/v1/chat/completions":
                self._json(404, {"error": {"message": "no such route"}})
            elif failing:
                self._json(500, {"error": {"message": "upstream overloaded", "type": "server"}})
            elif body.get("stream"):
                self._stream(body, reply)
            else:
                usage = {"prompt_tokens": 300, "completion_tokens": 200, "total_tokens": 500}
                message = {"role": "assistant", "content": reply}
                choice = {"index": 0, "message": message, "finish_reason": "stop"}
                self._json(200, {**self._envelope("chat.completion"), "choices": [choice],
                                 "usage": usage})  # fmt: skip

        def _envelope(self, kind: str) -> dict:
            return {"id": "chatcmpl-flaky", "object": kind, "created": 0, "model": "flaky-1"}

        def _stream(self, body: dict, text: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = self._envelope("chat.completion.chunk")
            for start in range(0, len(text), 40):
                delta = {"index": 0, "delta": {"content": text[start : start + 40]}}
                self._event({**chunk, "choices": [delta]})
            self._event({**chunk, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
            if body.get("stream_options", {}).get("include_usage"):
                usage = {"prompt_tokens": 300, "completion_tokens": 200, "total_tokens": 500}
                self._event({**chunk, "choices": [], "usage": usage})
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

        def _event(self, payload: dict) -> None:
            self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())

        def _json(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[int], bool]], ChatEndpoint]]:
    servers: list[_Server] = []

    def start(fails: Callable[[int], bool]) -> ChatEndpoint:
        endpoint = ChatEndpoint(fails=fails)
        server = _Server(("127.0.0.1", 0), _handler(endpoint))
        endpoint.base_url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
        servers.append(server)
        return endpoint

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _use(settings, endpoint: ChatEndpoint, **options: Any) -> None:
    use_provider(
        settings,
        "text",
        "openai",
        base_url=endpoint.base_url,
        api_key="test-key",
        model="flaky-1",
        timeout_s=5.0,
        **options,
    )
    settings.SHOP_AI_PROVIDER_RETRIES = RETRIES_PER_ATTEMPT
    settings.SHOP_AI_RETRY_BACKOFF_S = 0.002  # the schedule's shape, not its length
    celery_app.conf.task_eager_propagates = False  # a failed stage is recorded, not raised


def _names(count: int) -> list[str]:
    """Distinct made-up product names (equal products would share their assets)."""
    syllables = ["ka", "lo", "mi", "ru", "te"]
    words = [(a + b + c).title() for a in syllables for b in syllables for c in syllables]
    return [f"{word} stoneware mug" for word in words[:count]]


def _job(count: int, endpoint: ChatEndpoint, capture) -> GenerationJob:
    store = make_store()
    products = [
        make_product(store, sku=f"FLAKY-{n:03d}", photo=False, title=name)
        for n, name in enumerate(_names(count))
    ]
    # The model's replies: grounded copy for each product, found by its name in the prompt.
    for product in products:
        request = CopyRequest(
            facts_for(catalog_product(product)), "en", product.brand, sku=product.sku
        )
        copy = TemplateWriter().compose(request).to_dict()
        endpoint.replies[f"product: {product.title}\n"] = json.dumps(copy, ensure_ascii=False)
    with capture(execute=True):
        job, _ = generation_job_create(
            store=store, product_ids=[p.pk for p in products], kinds=["copy"], locales=["en"]
        )
    job.refresh_from_db()
    return job


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.slow
def test_half_the_requests_failing_still_completes_99_percent_of_products(
    settings, serve, django_capture_on_commit_callbacks
):
    chance = random.Random(20240607)
    endpoint = serve(lambda _n: chance.random() < 0.5)
    _use(settings, endpoint)

    job = _job(100, endpoint, django_capture_on_commit_callbacks)

    stages = list(job.stages.all())
    done = [s for s in stages if s.status == StageStatus.DONE]  # none reused: all differ
    assert len(done) >= 99, {s.status: s.error for s in stages if s not in done}
    assert job.status in {JobStatus.SUCCEEDED, JobStatus.PARTIAL}
    # The endpoint really failed about half the time, and the copy kept is the model's.
    assert 0.4 < endpoint.errors / endpoint.requests < 0.6
    assert endpoint.requests - endpoint.errors == len(done)  # one good answer per product
    assert endpoint.streamed == len(done)
    copies = Asset.objects.filter(job=job, kind="copy")
    assert copies.count() == len(done)
    assert {a.provider for a in copies} == {"openai"}
    assert not any(a.metadata["fell_back"] for a in copies)
    # Most stages recovered inside their first attempt; the unlucky few (five 500s in a row)
    # in a later one, and none needed more than the three a stage gets.
    attempts = [s.attempts for s in stages]
    assert attempts.count(1) >= 90
    assert max(attempts) <= MAX_STAGE_ATTEMPTS


def test_a_non_streaming_endpoint_recovers_the_same_way(
    settings, serve, django_capture_on_commit_callbacks
):
    endpoint = serve(lambda n: n % 3 != 2)  # two failures, then an answer
    _use(settings, endpoint, stream=False)

    job = _job(3, endpoint, django_capture_on_commit_callbacks)

    assert job.status == JobStatus.SUCCEEDED
    assert (endpoint.requests, endpoint.errors, endpoint.streamed) == (9, 6, 0)
    assert {s.attempts for s in job.stages.all()} == {1}


def test_retries_run_out_in_one_attempt_and_the_next_attempt_recovers(
    settings, serve, django_capture_on_commit_callbacks
):
    tries_per_attempt = RETRIES_PER_ATTEMPT + 1
    endpoint = serve(lambda n: n < tries_per_attempt)  # the whole first attempt fails
    _use(settings, endpoint)

    job = _job(1, endpoint, django_capture_on_commit_callbacks)

    stage = job.stages.get()
    assert (stage.status, stage.attempts) == (StageStatus.DONE, 2)
    assert endpoint.requests == tries_per_attempt + 1
    assert job.status == JobStatus.SUCCEEDED


def test_an_endpoint_that_never_recovers_fails_the_stage_after_three_attempts(
    settings, serve, django_capture_on_commit_callbacks
):
    endpoint = serve(lambda _n: True)
    _use(settings, endpoint)

    job = _job(1, endpoint, django_capture_on_commit_callbacks)

    stage = job.stages.get()
    assert stage.status == StageStatus.FAILED
    assert stage.attempts == MAX_STAGE_ATTEMPTS
    assert "HTTP 500" in stage.error
    assert endpoint.requests == MAX_STAGE_ATTEMPTS * (RETRIES_PER_ATTEMPT + 1)  # 15, no more
    assert job.status == JobStatus.FAILED
    assert not Asset.objects.filter(job=job).exists()
