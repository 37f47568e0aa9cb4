"""Import benchmark: a 100,000-product Shopify CSV into PostgreSQL, then the same file again.

Prints JSON. Targets (issue #3): first import <= 10 s wall and <= 300 MB peak RSS, re-import
<= 5 s with zero product writes, and >= 20x faster than a naive per-row save() loop on a
5,000-product sample.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/bench_import.py

The benchmark creates (and drops afterwards) its own database, ``shop_ai_bench``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Variant SKU",
    "Variant Price", "Variant Compare At Price", "Variant Inventory Qty", "Image Src",
    "Image Position", "Image Alt Text", "Status",
]  # fmt: skip
SIZES = ("S", "M", "L")


def shopify_csv(products: int, variants: int = 3) -> bytes:
    """A realistic export: every product has sizes as variants and two images."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n in range(products):
        handle = f"tee-{n:06d}"
        for v in range(variants):
            first = v == 0
            image = f"https://cdn.example.com/p/{n}/{v}.jpg" if v < 2 else ""
            writer.writerow(
                [
                    handle,
                    f"Organic cotton tee {n}" if first else "",
                    f"<p>Soft <b>organic cotton</b> tee, style {n}. Relaxed fit.</p>"
                    if first
                    else "",
                    "Acme Apparel" if first else "",
                    "T-Shirts" if first else "",
                    "cotton, summer, basics" if first else "",
                    "TRUE" if first else "",
                    "Size" if first else "",
                    SIZES[v % 3],
                    "Color" if first else "",
                    "Black",
                    f"{handle}-{SIZES[v % 3]}",
                    f"{19 + n % 7}.99",
                    f"{29 + n % 7}.99",
                    (n * 7 + v) % 50,
                    image,
                    v + 1 if image else "",
                    "Front" if image else "",
                    "active" if first else "",
                ]
            )
    return out.getvalue().encode()


def peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=5_000)
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    bench_url = base_url.rsplit("/", 1)[0] + "/shop_ai_bench"
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shop_ai.settings")
    import psycopg

    with psycopg.connect(base_url, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS shop_ai_bench")
        admin.execute("CREATE DATABASE shop_ai_bench")
    try:
        report = run(args.products, args.sample)
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(base_url, autocommit=True) as admin:
            admin.execute("DROP DATABASE IF EXISTS shop_ai_bench")
    print(json.dumps(report, indent=2))


def run(products: int, sample: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from catalog import services
    from catalog.models import Product

    # Measure the import alone: image fetching is queued work with its own tasks.
    services.enqueue_on_commit = lambda *args, **kwargs: None
    from shop_ai.services import store_create

    data = shopify_csv(products)
    rss_before = peak_rss_mb()
    store = store_create(name="Bench", slug="bench")

    def import_once() -> tuple[float, object]:
        job = services.import_create(store=store, upload=SimpleUploadedFile("export.csv", data))
        started = time.perf_counter()
        finished = services.import_run(job_id=job.pk)
        return time.perf_counter() - started, finished

    first_s, first = import_once()
    rss_after_first = peak_rss_mb()
    again_s, again = import_once()

    # Parsing alone (after the imports, so it does not raise their peak RSS): the rest of
    # an import's time is the database work.
    from catalog.formats import content_hash, parse_catalog

    started = time.perf_counter()
    parsed = parse_catalog(data)
    for record in parsed.records:
        content_hash(record)
    parse_s = time.perf_counter() - started
    del parsed

    # Naive baseline on a sample: parse the same way, then one save() per row.
    sample_data = shopify_csv(sample)
    naive_store = store_create(name="Naive", slug="naive")
    started = time.perf_counter()
    for record in parse_catalog(sample_data).records:
        product = Product(
            store=naive_store,
            sku=record.sku,
            title=record.title,
            description_html=record.description_html,
            description_text=record.description_text,
            brand=record.brand,
            category=record.category,
            price=record.price,
            currency=record.currency,
            compare_at_price=record.compare_at_price,
            stock=record.stock,
            attributes=record.attributes,
            tags=record.tags,
            content_hash=content_hash(record),
        )
        product.save()
        for i, variant in enumerate(record.variants):
            product.variants.create(
                store=naive_store,
                sku=variant.sku,
                title=variant.title,
                options=variant.options,
                price=variant.price,
                compare_at_price=variant.compare_at_price,
                stock=variant.stock,
                position=i,
            )
        for ref in record.image_refs:
            product.images.create(store=naive_store, source=ref.url_or_path, position=ref.position)
    naive_s = time.perf_counter() - started
    fast_store = store_create(name="Fast", slug="fast")
    job = services.import_create(store=fast_store, upload=SimpleUploadedFile("s.csv", sample_data))
    started = time.perf_counter()
    services.import_run(job_id=job.pk)
    fast_s = time.perf_counter() - started

    return {
        "benchmark": "catalog_import_shopify_csv",
        "database": "postgresql",
        "products": products,
        "csv_rows": products * 3,
        "file_mb": round(len(data) / 1e6, 1),
        "first_import": {
            "seconds": round(first_s, 2),
            "status": first.status,  # type: ignore[attr-defined]
            "error": first.error_message,  # type: ignore[attr-defined]
            "created": first.created_count,  # type: ignore[attr-defined]
            "products_per_s": round(products / first_s),
            "peak_rss_mb": rss_after_first,
            "rss_before_import_mb": rss_before,
            "parse_and_hash_seconds": round(parse_s, 2),
            "database_seconds": round(first_s - parse_s, 2),
        },
        "reimport_unchanged": {
            "seconds": round(again_s, 2),
            "created": again.created_count,  # type: ignore[attr-defined]
            "updated": again.updated_count,  # type: ignore[attr-defined]
            "unchanged": again.unchanged_count,  # type: ignore[attr-defined]
        },
        "naive_vs_bulk_sample": {
            "products": sample,
            "naive_save_loop_s": round(naive_s, 2),
            "bulk_import_s": round(fast_s, 2),
            "speedup": round(naive_s / fast_s, 1),
        },
        "total_products_in_db": Product.objects.count(),
    }


if __name__ == "__main__":
    main()
