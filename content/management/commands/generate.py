"""Generate a product's content pack synchronously and print the assets."""

from __future__ import annotations

import json
from typing import Any

from celery import current_app as celery_app
from django.core.management.base import BaseCommand, CommandError

from catalog.models import Product
from content import services
from content.models import Asset, GenerationStage
from shop_ai.errors import DomainError
from shop_ai.models import Store


class Command(BaseCommand):
    help = "Generate content for one product now, without a worker, and print the assets."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--store", required=True, help="The store's slug.")
        parser.add_argument("--sku", required=True)
        parser.add_argument("--kinds", default="copy,image,voice,video")
        parser.add_argument("--locale", default="en", choices=services.LOCALES)
        parser.add_argument("--json", action="store_true", help="Print JSON.")

    def handle(self, *args: Any, **options: Any) -> None:
        store = Store.objects.filter(slug=options["store"]).first()
        if store is None:
            raise CommandError(f"No store with slug '{options['store']}'.")
        product = Product.objects.filter(store=store, sku=options["sku"]).first()
        if product is None:
            raise CommandError(f"No product with SKU '{options['sku']}' in {store.slug}.")
        # Run every task inline, in dependency order, instead of handing them to a worker.
        celery_app.conf.task_always_eager = True
        try:
            job, _ = services.generation_job_create(
                store=store,
                product_ids=[product.pk],
                kinds=options["kinds"].split(","),
                locales=[options["locale"]],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        finally:
            celery_app.conf.task_always_eager = False
        job.refresh_from_db()
        rows: list[dict[str, Any]] = [
            {
                "stage": s.stage,
                "status": s.status,
                "seconds": s.seconds,
                "error": s.error,
                "assets": [
                    {
                        "kind": a.kind,
                        "variant": a.variant,
                        "path": a.file.path if a.file else None,
                        "provider": a.provider,
                        "model": a.model_name,
                        "seconds": round(a.latency_s, 2),
                    }
                    for a in Asset.objects.filter(
                        product=product, kind=s.stage, locale=s.locale, job=job
                    )
                ],
            }
            for s in GenerationStage.objects.filter(job=job).order_by("pk")
        ]
        if options["json"]:
            self.stdout.write(json.dumps({"job": job.pk, "status": job.status, "stages": rows}))
            return
        self.stdout.write(f"job {job.pk}: {job.status}")
        for row in rows:
            self.stdout.write(
                f"  {row['stage']:<6} {row['status']:<8} {row['seconds']} s {row['error']}"
            )
            for asset in row["assets"]:
                self.stdout.write(
                    f"      {asset['kind']}/{asset['variant'] or '-'} {asset['path']}"
                )
