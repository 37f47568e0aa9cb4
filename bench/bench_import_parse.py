"""Benchmark catalog parsing: 100,000-row Shop AI CSV and Shopify CSV, generated in memory.

Prints one JSON line per case: {"case", "rows", "products", "input_mb", "seconds",
"hash_seconds", "rows_per_s", "peak_rss_mb", "peak_rss_before_parse_mb"}; "seconds" is
parse_catalog alone, "hash_seconds" content_hash over all records (an import needs both).
Each case runs in its own process so peak RSS is that case's alone.
Usage: python bench/bench_import_parse.py [--rows N] [--case native_csv|shopify_csv]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalog.formats import content_hash, parse_catalog

CASES = ("native_csv", "shopify_csv")
SIZES = ("S", "M", "L", "XL")


def native_csv(rows: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["sku", "title", "description", "brand", "category", "price", "currency",
         "compare_at_price", "stock", "tags", "image_urls", "attributes"]
    )  # fmt: skip
    for n in range(rows):
        writer.writerow(
            [
                f"SKU-{n:06d}",
                f"Stainless steel bottle {n} 保温杯 750 ml",
                f"<p>Double-wall insulated bottle number {n}.</p><ul><li>Keeps cold 24 h</li>"
                "<li>BPA free</li></ul>",
                "Acme",
                "Home > Kitchen > Bottles",
                f"{10 + n % 90}.{n % 100:02d}",
                "USD",
                f"{120 + n % 90}.00",
                str(n % 500),
                "bottle, steel, outdoor",
                f"https://cdn.example.com/p/{n}.jpg|https://cdn.example.com/p/{n}-2.jpg",
                "material=stainless steel;capacity=750 ml;color=blue",
            ]
        )
    return buffer.getvalue().encode()


def shopify_csv(rows: int) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ["Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Published",
         "Option1 Name", "Option1 Value", "Variant SKU", "Variant Price",
         "Variant Compare At Price", "Variant Inventory Qty", "Image Src", "Image Position",
         "Image Alt Text", "Status"]
    )  # fmt: skip
    for n in range(rows):
        product, size_index = divmod(n, len(SIZES))
        first = size_index == 0
        writer.writerow(
            [
                f"tee-{product}",
                f"Organic cotton tee {product}" if first else "",
                "<p>Soft organic cotton, relaxed fit.</p>" if first else "",
                "Acme" if first else "",
                "Shirts" if first else "",
                "cotton, summer" if first else "",
                "TRUE" if first else "",
                "Size" if first else "",
                SIZES[size_index],
                f"TEE-{product}-{SIZES[size_index]}",
                f"{19 + size_index}.99",
                "29.99",
                str(n % 40),
                f"https://cdn.example.com/tee/{product}-{size_index}.jpg",
                str(size_index + 1),
                "Tee photo",
                "active" if first else "",
            ]
        )
    return buffer.getvalue().encode()


def run_case(case: str, rows: int) -> dict[str, object]:
    data = native_csv(rows) if case == "native_csv" else shopify_csv(rows)
    before_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.perf_counter()
    result = parse_catalog(data, filename=f"{case}.csv")
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    for record in result.records:
        content_hash(record)
    hash_seconds = time.perf_counter() - started
    if result.errors:
        raise SystemExit(f"{case}: unexpected errors, first: {result.errors[0]}")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "case": case,
        "rows": result.counts.rows,
        "products": result.counts.products,
        "input_mb": round(len(data) / 2**20, 1),
        "seconds": round(seconds, 3),
        "hash_seconds": round(hash_seconds, 3),
        "rows_per_s": round(result.counts.rows / seconds),
        "peak_rss_mb": round(peak_kb / 1024, 1),
        "peak_rss_before_parse_mb": round(before_kb / 1024, 1),  # generating the input
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--case", choices=CASES)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.rows)))
        return
    for case in CASES:
        subprocess.run(
            [sys.executable, __file__, "--case", case, "--rows", str(args.rows)], check=True
        )


if __name__ == "__main__":
    main()
