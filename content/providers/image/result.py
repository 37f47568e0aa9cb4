"""The image interface: what a backend takes and returns (plain Python)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from PIL import Image

from content.layouts import BrandKit, LayoutInput
from content.providers.base import Provenance


@dataclass(frozen=True)
class RenderedImage:
    """One finished marketing image and the provenance to record on its asset."""

    image: Image.Image
    provenance: Provenance


class ImageProvider(Protocol):
    """Renders `layout` for a product. `subject` (category or title) may go into a prompt;
    `seed_key` (product and layout) keeps seeded backends reproducible."""

    name: str

    def render(
        self, layout: str, inp: LayoutInput, kit: BrandKit, *, subject: str, seed_key: str
    ) -> RenderedImage: ...
