"""Text providers: product copy from catalog facts, and free text for the live host.

Writers: ``template`` (deterministic, grounded), ``local`` (SmolLM2-135M on the CPU) and
``openai`` (any OpenAI-compatible endpoint). Model-backed writers check their output and
fall back to the template writer's copy when it states what the catalog does not.
``SHOP_AI_PROVIDERS["text"]`` chooses one; ``content.providers.registry`` builds it.
"""

from __future__ import annotations

from content.providers.text.product_copy import (
    Completion,
    CopyParseError,
    CopyRequest,
    CopyResult,
    ProductCopy,
    Shot,
    TextWriter,
    check_copy,
)
from content.providers.text.template import TemplateWriter

__all__ = [
    "Completion",
    "CopyParseError",
    "CopyRequest",
    "CopyResult",
    "ProductCopy",
    "Shot",
    "TemplateWriter",
    "TextWriter",
    "check_copy",
]
