"""What other apps may ask of content: approved copy to speak, and the backends a live room uses.

The live room reaches content only through here (and content's models for foreign keys):
approved copy comes back frozen, and speech and embeddings backends come from the one
provider registry, so a room and the pipeline share one process-wide instance of each.
"""

from __future__ import annotations

from collections.abc import Iterable

from content.models import Asset
from content.providers.embeddings import EmbeddingProvider
from content.providers.registry import get_backend, get_speech_backend
from content.providers.speech import SpeechProvider, split_sentences

__all__ = [
    "EmbeddingProvider",
    "SpeechProvider",
    "approved_copy_lines",
    "embeddings_backend",
    "speech_backend",
    "split_sentences",
]


def approved_copy_lines(
    *, store_id: int, product_ids: Iterable[int], locale: str
) -> dict[int, tuple[str, ...]]:
    """The bullets of each product's newest approved copy in ``locale``, for the live host.

    Only approved copy may be spoken (the trust layer's rule); a product without any has no
    lines here and the host talks from catalog facts alone.
    """
    lines: dict[int, tuple[str, ...]] = {}
    approved = Asset.objects.filter(
        store_id=store_id,
        product_id__in=list(product_ids),
        kind="copy",
        locale=locale,
        review_state="approved",
    ).order_by("product_id", "-version", "-created_at")
    for asset in approved.only("product_id", "text"):
        if asset.product_id in lines or not isinstance(asset.text, dict):
            continue
        bullets = asset.text.get("bullets") or []
        lines[asset.product_id] = tuple(str(line) for line in bullets if str(line).strip())
    return lines


def speech_backend(locale: str, *, backend: str = "") -> SpeechProvider:
    """The process's speech backend for a locale (``SHOP_AI_PROVIDERS["speech"]``)."""
    return get_speech_backend(locale, backend=backend)


def embeddings_backend() -> EmbeddingProvider:
    """The process's embeddings backend (``SHOP_AI_PROVIDERS["embeddings"]``)."""
    return get_backend("embeddings")
