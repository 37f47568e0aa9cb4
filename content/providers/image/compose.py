"""Image providers: the registry the image stage picks from by ``SHOP_AI_IMAGE_PROVIDER``.

Every backend renders one named layout (``content.layouts.LAYOUTS``) for a product and
returns the image with its provenance. ``compose`` draws every layout with the Pillow
engine; ``diffusers`` and ``openai`` generate backdrops for the hero banner and the story
frame and set the real, cut-out product photo on them (the other layouts stay composed).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from PIL import Image

from content.layouts import BrandKit, LayoutInput, render_layout
from content.providers.base import Cost, Provenance, ProviderUnavailable


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
    ) -> Any: ...


class ComposeImages:
    """The Pillow layout engine: deterministic, no model, no network."""

    name = "compose"

    def render(
        self, layout: str, inp: LayoutInput, kit: BrandKit, *, subject: str = "", seed_key: str = ""
    ) -> RenderedImage:
        started = time.perf_counter()
        image = render_layout(layout, inp, kit)
        elapsed = time.perf_counter() - started
        return RenderedImage(
            image,
            Provenance(
                provider=self.name,
                model=f"layout:{layout}",
                params={"size": list(image.size)},
                cost=Cost(compute_seconds=elapsed),
                latency_s=elapsed,
            ),
        )


IMAGE_PROVIDER_NAMES = ("compose", "diffusers", "openai")


def image_provider_for(name: str, **config: Any) -> ImageProvider:
    """The image backend a setting names, built (and checked) with its keyword settings."""
    if name == "compose":
        return ComposeImages()
    # Imported here: each backend's module pulls in its own client or framework.
    if name == "diffusers":
        from content.providers.image.diffusers import DiffusersImages

        return DiffusersImages(**config)
    if name == "openai":
        from content.providers.image.openai import OpenAIImages

        return OpenAIImages(**config)
    raise ProviderUnavailable(
        f"Unknown image provider {name!r}; set SHOP_AI_IMAGE_PROVIDER to one of "
        f"{', '.join(IMAGE_PROVIDER_NAMES)}."
    )
