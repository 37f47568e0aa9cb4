"""The host's fact index: ids and unit vectors searched by cosine similarity (plain numpy).

What fills it is any embedder with a ``dim`` and an ``embed(texts)`` returning one unit row
per text (content's embeddings backend, reached through ``content.facade``).
"""

from __future__ import annotations

import json
import struct
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

FloatMatrix = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Turns texts into unit-length float32 vectors, one row per text."""

    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> FloatMatrix: ...


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
