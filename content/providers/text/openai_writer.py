"""The OpenAI-compatible writer: any chat-completions endpoint (OpenAI, vLLM, Ollama,
DashScope, DeepSeek) through the ``openai`` client, streamed, checked, with the template
writer as fallback."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any

from content.providers.base import (
    Cost,
    OptionProblem,
    Provenance,
    ProviderError,
    ProviderUnavailable,
)
from content.providers.text.product_copy import Completion, CopyRequest, CopyResult
from content.providers.text.prompting import chat_messages, result_from_output
from content.providers.text.template import TemplateWriter

_THOUSAND = Decimal(1000)


class OpenAIWriter:
    """Copy from a chat model behind an OpenAI-compatible API."""

    name = "openai"

    @classmethod
    def check_options(cls, options: Mapping[str, Any]) -> list[OptionProblem]:
        """What the start-up check reports: a model left empty (set OPENAI_MODEL)."""
        if "model" in options and not str(options["model"] or "").strip():
            return [OptionProblem("model", "the openai writer needs a model; set OPENAI_MODEL.")]
        return []

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str = "",
        model: str,
        price_per_1k_input_tokens: Decimal | str | float = Decimal(0),
        price_per_1k_output_tokens: Decimal | str | float = Decimal(0),
        timeout_s: float = 60.0,
        # The whole schema-2 copy, shot list included, is ~500 tokens in English, more in Chinese.
        max_tokens: int = 1200,
        temperature: float = 0.2,
        json_mode: bool = True,
        stream: bool = True,
        # The pipeline retries transient errors with backoff; the client should not as well.
        max_retries: int = 0,
    ) -> None:
        try:
            import openai
        except ImportError:
            raise ProviderUnavailable(
                "The openai text writer needs the Python package 'openai' (see requirements.txt)."
            ) from None
        if not model:
            raise ProviderUnavailable("The openai text writer needs a model name.")
        self.model = model
        self.price_in = Decimal(str(price_per_1k_input_tokens))
        self.price_out = Decimal(str(price_per_1k_output_tokens))
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.json_mode = json_mode
        self.stream = stream
        # Local servers (vLLM, Ollama) take any key; the client insists on one.
        self.client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",
            timeout=timeout_s,
            max_retries=max_retries,
        )
        self.template = TemplateWriter()

    def write(self, request: CopyRequest) -> CopyResult:
        started = time.perf_counter()
        messages = chat_messages(request)
        extra = {"response_format": {"type": "json_object"}} if self.json_mode else {}
        text, input_tokens, output_tokens = self._chat(messages, self.max_tokens, None, extra)
        provenance = self._provenance(messages, input_tokens, output_tokens, started)
        return result_from_output(request, text, provenance=provenance, template=self.template)

    def complete(
        self,
        prompt: str,
        *,
        max_new_tokens: int = 200,
        on_token: Callable[[str], None] | None = None,
        system: str | None = None,
    ) -> Completion:
        """Free text for a user prompt (a live answer), streamed piece by piece to `on_token`."""
        started = time.perf_counter()
        messages = [{"role": "system", "content": system}] if system else []
        messages.append({"role": "user", "content": prompt})
        text, input_tokens, output_tokens = self._chat(messages, max_new_tokens, on_token, {})
        return Completion(
            text=text.strip(),
            provenance=self._provenance(messages, input_tokens, output_tokens, started),
        )

    def _provenance(
        self, messages: list[dict[str, str]], input_tokens: int, output_tokens: int, started: float
    ) -> Provenance:
        money = (input_tokens * self.price_in + output_tokens * self.price_out) / _THOUSAND
        latency = time.perf_counter() - started
        return Provenance(
            provider=self.name,
            model=self.model,
            prompt="\n\n".join(f"[{m['role']}]\n{m['content']}" for m in messages),
            params={
                "temperature": self.temperature,
                "max_tokens": self.max_tokens,
                "json_mode": self.json_mode,
                "stream": self.stream,
            },
            cost=Cost(
                input_tokens=input_tokens,
                output_tokens=output_tokens,
                compute_seconds=latency,
                money_usd=money,
            ),
            latency_s=latency,
        )

    def _chat(
        self,
        messages: list[dict[str, str]],
        max_tokens: int,
        on_token: Callable[[str], None] | None,
        extra: dict[str, Any],
    ) -> tuple[str, int, int]:
        """(text, input tokens, output tokens); API failures become ProviderError."""
        import openai

        arguments: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": self.temperature,
            **extra,
        }
        try:
            if not self.stream:
                response = self.client.chat.completions.create(**arguments)
                message = response.choices[0].message if response.choices else None
                text = (message.content if message is not None else None) or ""
                if on_token is not None and text:
                    on_token(text)
                usage = response.usage
                return text, _tokens(usage, "prompt_tokens"), _tokens(usage, "completion_tokens")
            chunks = self.client.chat.completions.create(
                **arguments, stream=True, stream_options={"include_usage": True}
            )
            return _read_stream(chunks, on_token)
        except (openai.APITimeoutError, openai.APIConnectionError) as error:
            raise ProviderError(f"{self.model}: {error}", transient=True) from error
        except openai.APIStatusError as error:
            transient = error.status_code >= 500 or error.status_code in {408, 409, 429}
            raise ProviderError(
                f"{self.model}: HTTP {error.status_code}: {error.message}", transient=transient
            ) from error
        except openai.APIError as error:  # a stream that broke off mid-way
            raise ProviderError(f"{self.model}: {error}", transient=True) from error


def _tokens(usage: Any, field: str) -> int:
    return int(getattr(usage, field, 0) or 0) if usage is not None else 0


def _read_stream(
    chunks: Iterable[Any], on_token: Callable[[str], None] | None
) -> tuple[str, int, int]:
    parts: list[str] = []
    input_tokens = output_tokens = 0
    for chunk in chunks:
        for choice in chunk.choices or []:
            piece = choice.delta.content if choice.delta is not None else None
            if piece:
                parts.append(piece)
                if on_token is not None:
                    on_token(piece)
        if chunk.usage is not None:  # the last chunk, when the server reports usage
            input_tokens = _tokens(chunk.usage, "prompt_tokens")
            output_tokens = _tokens(chunk.usage, "completion_tokens")
    return "".join(parts), input_tokens, output_tokens
