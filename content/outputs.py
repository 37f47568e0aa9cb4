"""How content resources are written out: each declared once, as an output table.

Each table makes the resource's serializer (the API schema) and its fast row writer (see
``shop_ai.outputs``); webhook payloads use them too, so an event carries what the API shows.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rest_framework import serializers

from content.models import Asset, AssetKind
from content.providers.text import product_copy as copy_schema
from shop_ai.outputs import DATETIME, FLOAT, MEDIA_URL, MediaUrlField, Out, OutputTable, decimal

MICRO_DOLLAR = Decimal("0.000001")  # money_usd's six places


def _served_text(row: dict[str, Any]) -> Any:
    text = row["text"]
    if (
        row["kind"] == AssetKind.COPY
        and isinstance(text, dict)
        and all(name in text for name in copy_schema.CORE_FIELDS)
    ):
        # Copy stored before schema 2 is served with the new fields empty, not missing.
        return {**copy_schema.EXTRA_FIELD_DEFAULTS, **text}
    return text


def _is_stale(row: dict[str, Any]) -> bool:
    # The product changed since the asset was made from it.
    return bool(row["product_content_hash"] != row["product__content_hash"])


ASSET = OutputTable(
    [
        Out("id"),
        Out("product", column="product_id"),
        Out("job", column="job_id"),
        Out("kind"),
        Out("variant"),
        Out("locale"),
        Out("version"),
        Out("text", compute=_served_text, columns=("kind", "text")),
        Out("url", MediaUrlField("file"), column="file",
            write=MEDIA_URL),
        Out("extra_url", MediaUrlField("extra_file"),
            column="extra_file", write=MEDIA_URL),
        Out("mime_type"),
        Out("provider"),
        Out("model_name"),
        Out("params"),
        Out("input_hash"),
        Out("tokens_in"),
        Out("tokens_out"),
        Out("compute_seconds", write=FLOAT),
        Out("money_usd", write=decimal(MICRO_DOLLAR)),
        Out("latency_s", write=FLOAT),
        Out("findings"),
        Out("metadata"),
        Out("review_state"),
        Out("is_stale", serializers.BooleanField(read_only=True), compute=_is_stale,
            columns=("product_content_hash", "product__content_hash")),
        Out("created_at", write=DATETIME),
    ]
)  # fmt: skip

AssetSerializer = ASSET.serializer("AssetSerializer", Asset)

# The columns the asset list reads as rows (``product__content_hash`` for is_stale).
ASSET_COLUMNS = ASSET.columns


def asset_outputs(rows: list[dict[str, Any]], *, request: Any = None) -> list[dict[str, Any]]:
    """AssetSerializer's output for rows of ASSET_COLUMNS; URLs absolute with a request.

    A list page of model instances through DRF's fields, with a urljoin and an absolute
    URI built per file, cost most of the asset list's CPU; rows cost a fraction.
    """
    return ASSET.write(rows, absolute=request.build_absolute_uri if request is not None else None)
