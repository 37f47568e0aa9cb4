"""The OpenAI-compatible writer against a real HTTP server speaking the chat completions API."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from content.providers.base import ProviderError
from content.providers.registry import get_backend
from content.providers.text import CopyRequest
from content.providers.text.openai_writer import OpenAIWriter
from tests.content.providers.test_text_copy import GOOD
from tests.content.providers.text_facts import MUG
from tests.providers import use_provider

REQUEST = CopyRequest(MUG, "en", "Shop Co", sku="MUG-1")


@dataclass
class Reply:
    content: str = ""
    status: int = 200
    delay_s: float = 0.0


@dataclass
class FakeChatServer:
    """Replies are queued by the test; requests are recorded for it to inspect."""

    replies: deque[Reply] = field(default_factory=deque)
    requests: list[dict] = field(default_factory=list)
    base_url: str = ""


def _handler(state: FakeChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output quiet
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append({"path": self.path, **body})
            reply = state.replies.popleft()
            time.sleep(reply.delay_s)
            if reply.status != 200:
                self._send_json(reply.status, {"error": {"message": "upstream overloaded"}})
            elif body.get("stream"):
                self._stream(reply.content, body)
            else:
                self._send_json(200, self._completion(reply.content))

        def _completion(self, content: str) -> dict:
            return {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "created": 0,
                "model": "fake-model",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 120, "completion_tokens": 80, "total_tokens": 200},
            }

        def _stream(self, content: str, body: dict) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            pieces = [content[i : i + 7] for i in range(0, len(content), 7)]
            for piece in pieces:
                self._event(self._chunk([{"index": 0, "delta": {"content": piece}}]))
            self._event(self._chunk([{"index": 0, "delta": {}, "finish_reason": "stop"}]))
            if body.get("stream_options", {}).get("include_usage"):
                usage = {"prompt_tokens": 120, "completion_tokens": 80, "total_tokens": 200}
                self._event({**self._chunk([]), "usage": usage})
            self.wfile.write(b"data: [DONE]\n\n")

        def _chunk(self, choices: list) -> dict:
            return {
                "id": "chatcmpl-1",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": "fake-model",
                "choices": choices,
            }

        def _event(self, payload: dict) -> None:
            self.wfile.write(f"data: {json.dumps(payload)}\n\n".encode())
            self.wfile.flush()

        def _send_json(self, status: int, payload: dict) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the timeout test hangs up on purpose; the broken pipe is expected


@pytest.fixture(scope="module")
def server() -> Iterator[FakeChatServer]:
    state = FakeChatServer()
    httpd = QuietServer(("127.0.0.1", 0), _handler(state))
    state.base_url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield state
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def chat(server: FakeChatServer) -> FakeChatServer:
    server.replies.clear()
    server.requests.clear()
    return server


def writer(chat: FakeChatServer, **options: object) -> OpenAIWriter:
    return OpenAIWriter(
        base_url=chat.base_url,
        api_key="test-key",
        model="fake-model",
        price_per_1k_input_tokens="0.5",
        price_per_1k_output_tokens="1.5",
        **{"timeout_s": 2.0, **options},  # type: ignore[arg-type]
    )


def test_streamed_grounded_copy_is_kept_with_token_cost(chat):
    chat.replies.append(Reply(json.dumps(GOOD)))

    result = writer(chat).write(REQUEST)

    assert not result.fell_back
    assert result.copy.headline == "Ceramic Coffee Mug"
    cost = result.provenance.cost
    assert (cost.input_tokens, cost.output_tokens) == (120, 80)
    assert cost.money_usd == Decimal("0.18")  # 120 * 0.5/1k + 80 * 1.5/1k
    sent = chat.requests[0]
    assert sent["path"] == "/v1/chat/completions"
    assert sent["stream"] is True
    assert sent["response_format"] == {"type": "json_object"}
    assert "$12.99 (was $19.99, 35% off)" in sent["messages"][1]["content"]


def test_non_streaming_endpoint_gives_the_same_copy(chat):
    chat.replies.append(Reply(f"```json\n{json.dumps(GOOD)}\n```"))

    result = writer(chat, stream=False, json_mode=False).write(REQUEST)

    assert not result.fell_back
    assert result.provenance.cost.output_tokens == 80
    assert "response_format" not in chat.requests[0]


def test_an_invented_price_falls_back_to_the_template_with_the_finding(chat):
    invented = {**GOOD, "bullets": ["Made of 100% ceramic", "Holds 350 ml", "Only $7.99 today"]}
    chat.replies.append(Reply(json.dumps(invented)))

    result = writer(chat).write(REQUEST)

    assert result.fell_back
    assert "$7.99" in result.fallback_reason
    assert [(f.rule_id, f.excerpt) for f in result.findings] == [
        ("grounding.unsupported_number", "$7.99")
    ]
    assert "$7.99" not in result.copy.as_text()
    assert result.copy.validate(MUG) == []


def test_complete_streams_tokens_as_they_arrive(chat):
    chat.replies.append(Reply("Yes, it holds 350 ml."))
    pieces: list[str] = []

    completion = writer(chat).complete("How much does it hold?", on_token=pieces.append)

    assert len(pieces) > 1
    assert "".join(pieces) == completion.text == "Yes, it holds 350 ml."


def test_server_errors_are_transient_provider_errors(chat):
    chat.replies.append(Reply(status=503))

    with pytest.raises(ProviderError) as raised:
        writer(chat).write(REQUEST)

    assert raised.value.transient
    assert "503" in str(raised.value)


def test_client_errors_are_not_transient(chat):
    chat.replies.append(Reply(status=400))

    with pytest.raises(ProviderError) as raised:
        writer(chat).write(REQUEST)

    assert not raised.value.transient


def test_a_slow_server_times_out_as_a_transient_error(chat):
    chat.replies.append(Reply(json.dumps(GOOD), delay_s=0.6))

    with pytest.raises(ProviderError) as raised:
        writer(chat, timeout_s=0.2).write(REQUEST)

    assert raised.value.transient


def test_the_registry_builds_the_openai_writer(chat, settings):
    use_provider(settings, "text", "openai", base_url=chat.base_url, model="fake-model")
    built = get_backend("text")

    assert isinstance(built, OpenAIWriter)
    assert built.model == "fake-model"
