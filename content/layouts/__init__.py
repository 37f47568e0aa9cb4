"""The `compose` image provider's layout engine: product cut-out, text setting and layouts.

Plain Python and Pillow, no network, deterministic. Fonts come from the PyPI packages
`noto-cjk-sans-otc` (CJK + Latin) and `fontpkg-noto-sans` (Latin, variable weight).
"""

from content.layouts.cutout import cut_out_product
from content.layouts.encode import encode_jpeg, encode_png
from content.layouts.fonts import FONT_FAMILIES, FontMissingError
from content.layouts.inputs import BrandKit, LayoutInput
from content.layouts.labels import default_ai_label, plan_ai_label
from content.layouts.layouts import (
    LAYOUTS,
    LayoutSpec,
    render_feature_card,
    render_hero_banner,
    render_layout,
    render_marketplace_main,
    render_story_frame,
)
from content.layouts.text import fit_text, wrap_text
from content.layouts.typographic import render_title_tile, render_typographic

__all__ = [
    "FONT_FAMILIES",
    "LAYOUTS",
    "BrandKit",
    "FontMissingError",
    "LayoutInput",
    "LayoutSpec",
    "cut_out_product",
    "default_ai_label",
    "encode_jpeg",
    "encode_png",
    "fit_text",
    "plan_ai_label",
    "render_feature_card",
    "render_hero_banner",
    "render_layout",
    "render_marketplace_main",
    "render_story_frame",
    "render_title_tile",
    "render_typographic",
    "wrap_text",
]
