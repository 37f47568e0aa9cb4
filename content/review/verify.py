"""Verify a media file: its AIGC label, watermark and Content Credentials, and the asset named."""

from __future__ import annotations

import io
import tempfile
import warnings
from typing import Any

from content.layouts.layouts import FEATURE_CARD_SIZE, HERO_SIZE, MARKETPLACE_SIZE, STORY_SIZE
from content.models import Asset
from shop_ai.errors import DomainError
from shop_ai.models import Store
from trust.content_credentials import (
    ContentCredentialsError,
    local_trust_anchor,
    read_credentials,
)
from trust.labels import (
    LabelingError,
    read_jpeg_aigc,
    read_mp4_aigc,
    read_png_aigc,
    read_wav_aigc,
)
from trust.watermark import MIN_SIDE, read_asset_id

MAX_VERIFY_BYTES = 25 * 1024 * 1024
# Larger images are not decoded for the watermark: a small file can hold a huge image.
MAX_IMAGE_PIXELS = 40_000_000
# The sizes our layouts are rendered at: a resized copy is scaled back to the matching
# one before reading the watermark (see trust.watermark.read_asset_id).
LAYOUT_SIZES = (MARKETPLACE_SIZE, HERO_SIZE, FEATURE_CARD_SIZE, STORY_SIZE)
IMAGE_TYPES = ("image/png", "image/jpeg")


def detect_media_type(data: bytes) -> str | None:
    """The MIME type from the file's first bytes (PNG, JPEG, WAV or MP4); None otherwise.

    The bytes decide, never the name or the client's Content-Type: both are the sender's.
    """
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:4] == b"RIFF" and data[8:12] == b"WAVE":
        return "audio/wav"
    if data[4:8] == b"ftyp":
        return "video/mp4"
    return None


def verify_file(*, store: Store, data: bytes, filename: str) -> dict[str, Any]:
    """What ``data`` says about where it came from, as far as ``store`` may know.

    The AIGC label is read from the format's metadata, C2PA Content Credentials from their
    manifest; images are also read for the watermark. An asset id found in the watermark
    (or in a manifest we signed) is looked up in ``store`` only: another store's asset is
    reported exactly like an id that does not exist.
    """
    if len(data) > MAX_VERIFY_BYTES:
        raise DomainError(
            f"The file is larger than {MAX_VERIFY_BYTES // (1024 * 1024)} MB.",
            code="file_too_large",
            status=413,
        )
    media_type = detect_media_type(data)
    if media_type is None:
        raise DomainError(
            "Send a PNG, JPEG, WAV or MP4 file.",
            code="unsupported_media",
            details={"accepted": ["image/png", "image/jpeg", "audio/wav", "video/mp4"]},
        )
    notes: list[str] = []
    aigc = _read_label(media_type, data, notes)
    watermark: dict[str, Any] = {"checked": False, "present": False, "asset_id": None}
    if media_type in IMAGE_TYPES:
        watermark = _read_watermark(data, notes)
    credentials = _read_content_credentials(media_type, data, notes)
    asset_id = watermark["asset_id"]
    if asset_id is None and credentials and credentials["validation_state"] == "Trusted":
        # Only a manifest we signed names an asset; anyone can sign one that says anything.
        asset_id = credentials["asset_id"]
    asset = None
    if asset_id is not None:
        asset = Asset.objects.select_related("product").filter(store=store, pk=asset_id).first()
    return {
        "filename": filename[:255],
        "media_type": media_type,
        "size_bytes": len(data),
        "aigc_label": aigc,
        "watermark": watermark,
        "content_credentials": credentials,
        "asset_found": asset is not None,
        "asset": _asset_summary(asset) if asset is not None else None,
        "notes": notes,
    }


def _read_label(media_type: str, data: bytes, notes: list[str]) -> dict[str, str] | None:
    try:
        if media_type == "image/png":
            return read_png_aigc(data)
        if media_type == "image/jpeg":
            return read_jpeg_aigc(data)
        if media_type == "audio/wav":
            return read_wav_aigc(data)
        # ffmpeg reads from a path; the temporary file goes when the block ends.
        with tempfile.NamedTemporaryFile(suffix=".mp4") as handle:
            handle.write(data)
            handle.flush()
            return read_mp4_aigc(handle.name, timeout_s=30)
    except (ValueError, UnicodeDecodeError) as exc:
        notes.append(f"The metadata could not be read: {exc}.")
    except LabelingError as exc:  # LabelingUnavailable too: no ffmpeg to read it with
        notes.append(f"The video's metadata could not be read: {exc}")
    return None


def _read_content_credentials(
    media_type: str, data: bytes, notes: list[str]
) -> dict[str, Any] | None:
    from django.conf import settings

    try:
        anchor = local_trust_anchor(settings.DATA_DIR / "c2pa")
        return read_credentials(data, mime_type=media_type, trust_anchor_pem=anchor)
    except (ContentCredentialsError, ValueError) as exc:
        notes.append(f"The Content Credentials could not be read: {exc}")
    return None


def _read_watermark(data: bytes, notes: list[str]) -> dict[str, Any]:
    from PIL import Image, UnidentifiedImageError

    result: dict[str, Any] = {"checked": False, "present": False, "asset_id": None}
    try:
        with warnings.catch_warnings():
            # Pillow warns about very large images; the pixel cap below refuses them.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
                if width * height > MAX_IMAGE_PIXELS:
                    notes.append("The image is too large to check for a watermark.")
                    return result
                if min(width, height) < MIN_SIDE:
                    notes.append(
                        f"Images under {MIN_SIDE} px on a side carry no watermark; not checked."
                    )
                    return result
                image.load()
                asset_id = read_asset_id(image, original_sizes=LAYOUT_SIZES)
    except (OSError, UnidentifiedImageError, Image.DecompressionBombError, ValueError) as exc:
        notes.append(f"The image could not be decoded: {exc}.")
        return result
    return {"checked": True, "present": asset_id is not None, "asset_id": asset_id}


def _asset_summary(asset: Asset) -> dict[str, Any]:
    return {
        "id": asset.pk,
        "kind": asset.kind,
        "variant": asset.variant,
        "locale": asset.locale,
        "product_sku": asset.product.sku,
        "review_state": asset.review_state,
        "created_at": asset.created_at,
    }
