"""Turn a product image's source (a URL or a ZIP member) into a checked file and thumbnail."""

from __future__ import annotations

import logging
import zipfile
import zlib

from catalog.image_safety import UnsafeImage, inspect_and_thumbnail
from catalog.models import ImageStatus, ImportJob, ProductImage
from catalog.services import image_mark, pending_images
from shop_ai.egress import FetchRefused, fetch_url

logger = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 20 * 1024 * 1024
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


IMAGE_BATCH = 50
# What zipfile raises for a damaged member (ValueError: a negative seek from a lying offset).
_DAMAGED_MEMBER = (
    zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError, ValueError, RuntimeError
)  # fmt: skip


def process_image_batch(job: ImportJob, *, after_pk: int = 0) -> int | None:
    """Process the next batch of the import's pending images; the cursor for the batch
    after it, or None when none are left."""
    batch = list(pending_images(job, after_pk=after_pk, limit=IMAGE_BATCH))
    for image in batch:
        process_image(image=image, job=job)
    return batch[-1].pk if len(batch) == IMAGE_BATCH else None


def process_image(*, image: ProductImage, job: ImportJob) -> ProductImage:
    try:
        data = _image_bytes(image, job)
        info, thumbnail = inspect_and_thumbnail(data, max_bytes=MAX_IMAGE_BYTES)
    except (FetchRefused, UnsafeImage) as exc:
        return image_mark(
            image=image, status=ImageStatus.FAILED, error=f"{exc.code}: {exc.message}"
        )
    twin = (
        ProductImage.objects.filter(store_id=image.store_id, sha256=info.sha256)
        .exclude(file="")
        .first()
    )
    if twin is not None:
        # Same bytes already stored for this store: point at them instead of a second copy.
        image.file, image.thumbnail = twin.file, twin.thumbnail
        image.sha256, image.width, image.height = info.sha256, info.width, info.height
        return image_mark(image=image, status=ImageStatus.READY)
    return image_mark(
        image=image,
        status=ImageStatus.READY,
        data=data,
        thumbnail=thumbnail,
        sha256=info.sha256,
        width=info.width,
        height=info.height,
        extension=EXTENSIONS.get(info.format, "img"),
    )


def _image_bytes(image: ProductImage, job: ImportJob) -> bytes:
    if image.source.startswith(("http://", "https://")):
        return fetch_url(image.source).body
    if not job.file:
        raise UnsafeImage("not_an_image", "The image is not a URL and the import has no ZIP.")
    try:
        with job.file.open("rb") as handle, zipfile.ZipFile(handle) as archive:
            try:
                info = archive.getinfo(image.source)
            except KeyError:
                raise UnsafeImage("not_an_image", f"{image.source} is not in the ZIP.") from None
            if info.file_size > MAX_IMAGE_BYTES:
                raise UnsafeImage("too_large", f"{image.source} is larger than the image limit.")
            with archive.open(info) as member:
                return member.read(MAX_IMAGE_BYTES + 1)
    except UnsafeImage:
        raise
    # The catalog file in the same ZIP was readable, but this member may still be damaged
    # (a broken local header, bad compressed data): that fails this image, not the batch.
    except _DAMAGED_MEMBER as exc:
        message = f"{image.source} cannot be read from the ZIP ({exc})."
        raise UnsafeImage("corrupt", message) from None
