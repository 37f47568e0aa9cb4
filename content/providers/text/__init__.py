"""Text providers: product copy from catalog facts, and free text for the live host.

Writers: ``template`` (deterministic, grounded), ``local`` (SmolLM2-135M on the CPU) and
``openai`` (any OpenAI-compatible endpoint). Model-backed writers check their output and
fall back to the template writer's copy when it states what the catalog does not.
"""

from __future__ import annotations

from typing import Any

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

WRITER_NAMES = ("template", "local", "openai")


def writer_for(name: str, **config: Any) -> TextWriter:
    """The writer a setting names, built with its settings (model path, endpoint, prices)."""
    if name == "template":
        return TemplateWriter()
    if name == "local":
        # Imported here: the local writer's module is cheap, but keep the heavy paths explicit.
        from content.providers.text.local import LocalLlmWriter

        return LocalLlmWriter(**config)
    if name == "openai":
        from content.providers.text.openai_writer import OpenAIWriter

        return OpenAIWriter(**config)
    raise ValueError(f"Unknown text writer {name!r}; known: {', '.join(WRITER_NAMES)}")


__all__ = [
    "WRITER_NAMES",
    "Completion",
    "CopyParseError",
    "CopyRequest",
    "CopyResult",
    "ProductCopy",
    "Shot",
    "TemplateWriter",
    "TextWriter",
    "check_copy",
    "writer_for",
]
