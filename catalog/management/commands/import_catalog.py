"""Import a catalog file into a store from the command line, synchronously."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from catalog import services
from catalog.images import process_image_batch
from catalog.models import ImageStatus, ImportJob, ImportPolicy, ProductImage
from shop_ai.errors import DomainError
from shop_ai.models import Store


class Command(BaseCommand):
    help = "Import a product catalog file (CSV, XML, TSV, JSON, JSON Lines or ZIP) into a store."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--store", required=True, help="The store's slug.")
        parser.add_argument("--format", default="auto", choices=["auto", *services.IMPORT_FORMATS])
        parser.add_argument("--policy", default="skip_invalid", choices=ImportPolicy.values)
        parser.add_argument("--json", action="store_true", help="Print a JSON summary.")

    def handle(self, *args: Any, **options: Any) -> None:
        store = Store.objects.filter(slug=options["store"]).first()
        if store is None:
            raise CommandError(f"No store with slug '{options['store']}'.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        try:
            job = services.import_create(
                store=store,
                upload=upload,
                requested_format=options["format"],
                policy=options["policy"],
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        # The command waits for its own job, images included, instead of leaving it to a worker.
        finished = services.import_run(job_id=job.pk) or job
        images = process_all_images(finished)
        errors = list(finished.row_errors.values("row_number", "column", "value", "message")[:50])
        summary = {
            "import_id": finished.pk,
            "status": finished.status,
            "format": finished.detected_format,
            "rows": finished.rows_seen,
            "created": finished.created_count,
            "updated": finished.updated_count,
            "unchanged": finished.unchanged_count,
            "rejected": finished.rejected_count,
            "error_code": finished.error_code,
            "error_message": finished.error_message,
            "seconds": finished.seconds,
            "images": images,
            "errors": errors,
        }
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
        else:
            self.stdout.write(
                f"{finished.status}: {finished.created_count} new, {finished.updated_count} "
                f"updated, {finished.unchanged_count} unchanged, {finished.rejected_count} "
                f"rejected in {finished.seconds} s"
            )
            for error in errors:
                self.stdout.write(
                    f"  row {error['row_number']} {error['column']}: {error['message']}"
                )
        if finished.status in {"rejected", "failed"}:
            raise CommandError(finished.error_message or finished.status)


def process_all_images(job: ImportJob) -> dict[str, int]:
    """Fetch and check every pending image of the import; counts by outcome."""
    cursor: int | None = 0
    while cursor is not None:
        cursor = process_image_batch(job, after_pk=cursor)
    ready = ProductImage.objects.filter(import_job=job, status=ImageStatus.READY).count()
    failed = ProductImage.objects.filter(import_job=job, status=ImageStatus.FAILED).count()
    return {"ready": ready, "failed": failed}
