"""Image providers: the layout engine (``compose``) and the AI backends that paint its backdrops.

Every backend renders one named layout (``content.layouts.LAYOUTS``) for a product and
returns the image with its provenance. ``compose`` draws every layout with the Pillow
engine; ``diffusers`` and ``openai`` only paint backdrops for the hero banner and the story
frame, on which the same engine sets the real, cut-out product photo (the other layouts stay
composed). ``SHOP_AI_PROVIDERS["image"]`` chooses one; ``content.providers.registry`` builds it.
"""

from content.providers.image.compose import Backdrop, BackdropImages, ComposeImages
from content.providers.image.result import ImageProvider, RenderedImage

__all__ = ["Backdrop", "BackdropImages", "ComposeImages", "ImageProvider", "RenderedImage"]
