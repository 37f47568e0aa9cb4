"""Benchmark the text writers, printed as JSON.

Measures the local writer's first load (GGUF conversion into a fresh cache dir), a cached
load (a fresh process's start once the cache exists), seconds per product and tokens per
second for the local model, how often its copy fell back to the template, and seconds per
product for the template writer.

Run: python bench/bench_text.py [--products N] [--template-products N] [--max-new-tokens N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content.providers.text import CopyRequest, TemplateWriter
from content.providers.text.local import LocalLlmWriter, forget_loaded_models, load_model
from trust.grounding import Facts

PRODUCTS = ["Coffee Mug", "Water Bottle", "Tote Bag", "Desk Lamp", "Phone Case", "Tea Set"]
MATERIALS = ["ceramic", "stainless steel", "100% cotton", "bamboo", "silicone", "glass"]
COLORS = [["white", "blue"], ["black", "silver", "red"], ["natural"], ["green", "grey"]]


def catalog(count: int) -> list[Facts]:
    """Deterministic products with prices, discounts, materials, variants and stock."""
    facts = []
    for n in range(count):
        price = Decimal(9 + n % 40) + Decimal("0.99")
        facts.append(
            Facts(
                title=f"{MATERIALS[n % 6].title()} {PRODUCTS[(n // 6) % 6]}",
                price=price,
                currency="USD",
                brand="Acme",
                category="Home",
                compare_at_price=price + 10 if n % 3 == 0 else None,
                stock=(n % 15) + 1,
                attributes={"material": MATERIALS[n % 6], "capacity": f"{300 + 50 * (n % 5)} ml"},
                variant_options={"color": COLORS[n % 4]},
            )
        )
    return facts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=4, help="products for the local model")
    parser.add_argument("--template-products", type=int, default=200)
    parser.add_argument("--max-new-tokens", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        cache_dir = Path(scratch) / "smollm2-135m"
        started = time.perf_counter()
        first = load_model(cache_dir=cache_dir)
        first_load_s = time.perf_counter() - started
        forget_loaded_models()
        started = time.perf_counter()
        load_model(cache_dir=cache_dir)
        cached_load_s = time.perf_counter() - started

        writer = LocalLlmWriter(cache_dir=cache_dir, max_new_tokens=args.max_new_tokens)
        local_seconds, tokens, compute, fell_back, reasons = [], 0, 0.0, 0, []
        for facts in catalog(args.products):
            started = time.perf_counter()
            result = writer.write(CopyRequest(facts, "en", "Shop Co"))
            local_seconds.append(time.perf_counter() - started)
            tokens += result.provenance.cost.output_tokens
            compute += result.provenance.cost.compute_seconds
            fell_back += result.fell_back
            reasons.append(result.fallback_reason[:120])

    template = TemplateWriter()
    template_seconds = []
    for index, facts in enumerate(catalog(args.template_products)):
        locale = "en" if index % 2 == 0 else "zh-CN"
        started = time.perf_counter()
        template.write(CopyRequest(facts, locale, "Shop Co"))  # type: ignore[arg-type]
        template_seconds.append(time.perf_counter() - started)

    print(
        json.dumps(
            {
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                "first_load_s_with_conversion": round(first_load_s, 2),
                "first_load_converted": first.converted,
                "cached_load_s": round(cached_load_s, 2),
                "local": {
                    "products": args.products,
                    "max_new_tokens": args.max_new_tokens,
                    "seconds_per_product_mean": round(statistics.mean(local_seconds), 2),
                    "seconds_per_product_max": round(max(local_seconds), 2),
                    "output_tokens_per_s": round(tokens / compute, 1) if compute else None,
                    "fell_back": fell_back,
                    "fallback_reasons": reasons,
                },
                "template": {
                    "products": args.template_products,
                    "seconds_per_product_mean": round(statistics.mean(template_seconds), 4),
                    "seconds_per_product_p95": round(
                        statistics.quantiles(template_seconds, n=20)[-1], 4
                    ),
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
