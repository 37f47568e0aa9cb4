"""The `diffusers` image provider: scenes generated from operator weights behind the product.

A diffusion pipeline the operator put on disk (``SHOP_AI_DIFFUSERS_MODEL_PATH``, loaded with
``DiffusionPipeline.from_pretrained(path, local_files_only=True)``, never from a hub) paints
an empty backdrop for the hero banner and the story frame; the product itself is never
generated: its real photo is cut out by the compose engine and set on the scene with the
headline, price and AI label. The marketplace main image (pure white by marketplace rules)
and the feature card stay with the compose engine. Seeds derive from the product and layout,
so the same product gets the same scene on every run.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter

from content.layouts.canvas import Box, contact_shadow, fit_within, paste_centred
from content.layouts.colors import RGB, WHITE, readable_on, with_alpha
from content.layouts.components import (
    build_offer_burst,
    build_price_tag,
    draw_brand_mark,
    draw_cta_band,
)
from content.layouts.cutout import cut_out_product_cached
from content.layouts.inputs import BrandKit, LayoutInput
from content.layouts.labels import stamp_ai_label
from content.layouts.layouts import HERO_SIZE, STORY_SIZE, draw_hero_copy
from content.layouts.text import FittedText, draw_text_block, fit_text
from content.providers.base import Cost, Provenance, ProviderError, ProviderUnavailable
from content.providers.image.compose import ComposeImages, RenderedImage

MODEL_PATH_SETTING = "SHOP_AI_DIFFUSERS_MODEL_PATH"
DEFAULT_STEPS = 25
DEFAULT_GUIDANCE = 7.0
# The longer side of a generated scene; the layout's canvas is filled by scaling it up, and a
# backdrop behind a sharp product loses nothing by being soft.
DEFAULT_SIZE = 768
# Latent sizes must divide evenly through the VAE and the denoiser's patches: 16 px suits
# Stable Diffusion (8), SDXL (8), SD3 and Flux (16).
SIZE_MULTIPLE = 16
NEGATIVE_PROMPT = (
    "text, letters, words, watermark, logo, signature, people, person, hands, "
    "product, packaging, clutter, blurry, low quality, distorted"
)
# Only these layouts carry a generated scene; the others are rendered by the compose engine.
SCENE_LAYOUTS = ("hero_banner", "story_frame")


def scene_seed(*, base_seed: int, key: str) -> int:
    """A seed that depends only on the operator's base seed and ``key`` (product + layout)."""
    digest = hashlib.sha256(f"{base_seed}:{key}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def scene_size(canvas: tuple[int, int], long_side: int) -> tuple[int, int]:
    """The generation size for a canvas: its aspect ratio with ``long_side`` pixels on the
    longer side, both sides rounded to a multiple of ``SIZE_MULTIPLE``."""
    width, height = canvas
    scale = long_side / max(width, height)

    def rounded(side: int) -> int:
        return max(SIZE_MULTIPLE, round(side * scale / SIZE_MULTIPLE) * SIZE_MULTIPLE)

    return rounded(width), rounded(height)


def colour_name(colour: RGB) -> str:
    """A plain word for a brand colour, since prompts understand "navy" better than hex."""
    r, g, b = (c / 255 for c in colour)
    high, low = max(r, g, b), min(r, g, b)
    lightness = (high + low) / 2
    chroma = high - low
    if chroma < 0.12:
        if lightness > 0.85:
            return "white"
        if lightness < 0.18:
            return "black"
        return "light grey" if lightness > 0.55 else "grey"
    if high == r:
        hue = (60 * (g - b) / chroma) % 360
    elif high == g:
        hue = 60 * (b - r) / chroma + 120
    else:
        hue = 60 * (r - g) / chroma + 240
    names = (
        (15, "red"), (40, "orange"), (65, "yellow"), (160, "green"), (195, "teal"),
        (255, "blue"), (290, "purple"), (335, "pink"), (360, "red"),
    )  # fmt: skip
    name = next(n for limit, n in names if hue < limit)
    if name == "orange" and lightness > 0.7:
        return "beige"
    if lightness < 0.3:
        return f"dark {name}" if name != "blue" else "navy"
    return f"pale {name}" if lightness > 0.78 else name


def scene_prompt(*, subject: str, kit: BrandKit, layout: str) -> str:
    """What to paint: an empty, softly lit set that suits the product and the brand colours.

    The product is composited afterwards, so the prompt asks for a surface and space, never
    for the product (a generated product would show things the catalog does not sell).
    """
    framing = (
        "wide shot, empty space on the left"
        if layout == "hero_banner"
        else "vertical composition, empty pedestal in the centre"
    )
    palette = f"{colour_name(kit.primary)} and {colour_name(kit.secondary)} tones"
    what = subject.strip() or "a consumer product"
    return (
        f"empty product photography set for {what}, clean surface in the foreground, "
        f"{framing}, soft studio lighting, shallow depth of field, {palette}, "
        "minimal, high quality, no text"
    )


# --- loading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedPipeline:
    pipeline: Any
    device: str
    call_parameters: frozenset[str]


# One pipeline per directory, device and process: loading takes seconds to minutes and GBs.
_PIPELINES: dict[tuple[str, str], LoadedPipeline] = {}
_PIPELINES_LOCK = threading.Lock()


def check_model_dir(model_path: str | Path | None) -> Path:
    """The pipeline directory, or ProviderUnavailable naming the setting to set."""
    if not model_path:
        raise ProviderUnavailable(
            f"The diffusers image provider needs model weights: set {MODEL_PATH_SETTING} to a "
            "local diffusers pipeline directory (the folder with model_index.json)."
        )
    model_dir = Path(model_path).expanduser()
    if not (model_dir / "model_index.json").is_file():
        raise ProviderUnavailable(
            f"No diffusers pipeline at {model_dir} (model_index.json missing). Set "
            f"{MODEL_PATH_SETTING} to a pipeline saved with save_pretrained()."
        )
    return model_dir


def _resolve_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


def load_pipeline(model_dir: Path, *, device: str = "auto") -> LoadedPipeline:
    """The pipeline in ``model_dir``, loaded on first use and then shared in-process."""
    model_dir = check_model_dir(model_dir).resolve()
    # Never reach the Hugging Face hub: weights, configs and tokenizers come from this folder.
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        import torch
        from diffusers import DiffusionPipeline
        from diffusers.utils import logging as diffusers_logging
    except ImportError as exc:
        raise ProviderUnavailable(
            f"The diffusers image provider needs the packages diffusers and torch: {exc}. "
            "Install them (see requirements.txt)."
        ) from exc
    resolved = _resolve_device(device)
    key = (str(model_dir), resolved)
    with _PIPELINES_LOCK:
        loaded = _PIPELINES.get(key)
        if loaded is not None:
            return loaded
        diffusers_logging.disable_progress_bar()
        # Half precision halves memory and time on a GPU; CPUs compute float16 slowly.
        dtype = torch.float16 if resolved.startswith("cuda") else torch.float32
        try:
            pipeline = DiffusionPipeline.from_pretrained(
                str(model_dir), local_files_only=True, dtype=dtype
            )
        except (OSError, ValueError, TypeError, KeyError) as exc:
            raise ProviderUnavailable(
                f"Could not load the diffusers pipeline at {model_dir}: {exc}. "
                f"Check {MODEL_PATH_SETTING}."
            ) from exc
        pipeline = pipeline.to(resolved)
        pipeline.set_progress_bar_config(disable=True)
        parameters = frozenset(inspect.signature(pipeline.__call__).parameters)
        loaded = LoadedPipeline(pipeline=pipeline, device=resolved, call_parameters=parameters)
        _PIPELINES[key] = loaded
        return loaded


# --- the provider --------------------------------------------------------------------------


@dataclass(frozen=True)
class Scene:
    """A generated backdrop and how it was made."""

    image: Image.Image
    prompt: str
    seed: int
    seconds: float


class DiffusersImages:
    """Marketing images whose hero banner and story frame stand on generated scenes.

    Construction checks the weights folder (so a misconfigured worker fails at start-up
    naming the setting); the pipeline itself loads on the first scene.
    """

    name = "diffusers"

    def __init__(
        self,
        *,
        model_path: str | Path | None = None,
        steps: int = DEFAULT_STEPS,
        guidance: float = DEFAULT_GUIDANCE,
        size: int = DEFAULT_SIZE,
        seed: int = 0,
        device: str = "auto",
        negative_prompt: str = NEGATIVE_PROMPT,
    ) -> None:
        self.model_dir = check_model_dir(model_path or os.environ.get(MODEL_PATH_SETTING))
        if steps < 1:
            raise ValueError(f"steps must be at least 1, got {steps}")
        if size < SIZE_MULTIPLE:
            raise ValueError(f"size must be at least {SIZE_MULTIPLE} pixels, got {size}")
        self.steps = steps
        self.guidance = guidance
        self.size = size
        self.seed = seed
        self.device = device
        self.negative_prompt = negative_prompt

    @property
    def model_name(self) -> str:
        return self.model_dir.name

    def loaded(self) -> LoadedPipeline:
        return load_pipeline(self.model_dir, device=self.device)

    def generate_scene(self, *, prompt: str, width: int, height: int, seed: int) -> Scene:
        """One backdrop of exactly ``width`` x ``height`` pixels, reproducible from ``seed``."""
        if width % SIZE_MULTIPLE or height % SIZE_MULTIPLE:
            raise ValueError(f"scene sides must be multiples of {SIZE_MULTIPLE}: {width}x{height}")
        import torch

        loaded = self.loaded()
        # A CPU generator gives the same noise whatever device denoises it.
        generator = torch.Generator(device="cpu").manual_seed(seed)
        arguments: dict[str, Any] = {
            "prompt": prompt,
            "num_inference_steps": self.steps,
            "guidance_scale": self.guidance,
            "width": width,
            "height": height,
            "generator": generator,
            "output_type": "pil",
        }
        if self.negative_prompt and "negative_prompt" in loaded.call_parameters:
            arguments["negative_prompt"] = self.negative_prompt
        started = time.perf_counter()
        try:
            with torch.inference_mode():
                output = loaded.pipeline(**arguments)
        except torch.cuda.OutOfMemoryError as exc:
            raise ProviderError(f"The GPU ran out of memory: {exc}", transient=True) from exc
        except RuntimeError as exc:
            raise ProviderError(f"The diffusion pipeline failed: {exc}") from exc
        image = output.images[0].convert("RGB")
        if image.size != (width, height):
            # Some pipelines round the size to their own grid; the layout expects ours.
            image = image.resize((width, height), Image.Resampling.LANCZOS)
        return Scene(image, prompt, seed, time.perf_counter() - started)

    def render(
        self, layout: str, inp: LayoutInput, kit: BrandKit, *, subject: str, seed_key: str
    ) -> RenderedImage:
        """The finished ``layout`` image. ``subject`` (the product's category or title) goes
        into the prompt; ``seed_key`` (product and layout) makes the scene reproducible."""
        if layout not in SCENE_LAYOUTS:
            return ComposeImages().render(layout, inp, kit)
        started = time.perf_counter()
        canvas_size = SCENE_RENDERERS[layout][0]
        width, height = scene_size(canvas_size, self.size)
        prompt = scene_prompt(subject=subject, kit=kit, layout=layout)
        seed = scene_seed(base_seed=self.seed, key=seed_key)
        scene = self.generate_scene(prompt=prompt, width=width, height=height, seed=seed)
        image = render_scene_layout(layout, scene.image, inp, kit)
        elapsed = time.perf_counter() - started
        params: dict[str, Any] = {
            "layout": layout,
            "size": list(image.size),
            "scene_size": [width, height],
            "steps": self.steps,
            "guidance": self.guidance,
            "seed": seed,
            "negative_prompt": self.negative_prompt,
        }
        return RenderedImage(
            image,
            Provenance(
                provider=self.name,
                model=self.model_name,
                prompt=prompt,
                params=params,
                cost=Cost(compute_seconds=elapsed),
                latency_s=elapsed,
            ),
        )


# --- composition: the scene behind the product and the copy --------------------------------


def cover(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """Scale ``image`` to fill ``size`` and crop the overflow evenly (CSS ``cover``).

    Upscaled scenes are blurred in proportion, which reads as depth of field and hides the
    upscaling instead of showing soft pixels next to the sharp product.
    """
    scale = max(size[0] / image.width, size[1] / image.height)
    scaled = image.resize(
        (max(size[0], round(image.width * scale)), max(size[1], round(image.height * scale))),
        Image.Resampling.LANCZOS,
    )
    left, top = (scaled.width - size[0]) // 2, (scaled.height - size[1]) // 2
    cropped = scaled.crop((left, top, left + size[0], top + size[1]))
    if scale > 1.5:
        cropped = cropped.filter(ImageFilter.GaussianBlur(min(6.0, scale - 1)))
    return cropped


def scrim(
    size: tuple[int, int],
    colour: RGB,
    *,
    start_alpha: int,
    hold: float,
    fade_to: float,
    vertical: bool,
) -> Image.Image:
    """A layer of ``colour`` at ``start_alpha`` from the left (or top) edge to ``hold`` of the
    width (or height), fading out by ``fade_to``: keeps the copy readable on any scene."""
    length = size[1] if vertical else size[0]
    solid, end = round(length * hold), max(1, round(length * fade_to))
    fade = max(1, end - solid)
    values = [start_alpha] * solid
    values += [round(start_alpha * (1 - i / fade) ** 1.5) for i in range(fade)]
    strip = Image.new("L", (length, 1), 0)
    strip.putdata(values + [0] * (length - len(values)))
    mask = (
        strip.transpose(Image.Transpose.ROTATE_270).resize(size) if vertical else strip.resize(size)
    )
    layer = Image.new("RGBA", size, (*colour, 255))
    layer.putalpha(mask)
    return layer


def _fit(
    text: str,
    kit: BrandKit,
    inp: LayoutInput,
    *,
    box: tuple[int, int],
    sizes: tuple[int, int],
    max_lines: int,
    weight: int,
) -> FittedText:
    return fit_text(
        text,
        box_width=box[0],
        box_height=box[1],
        max_size=sizes[0],
        min_size=sizes[1],
        max_lines=max_lines,
        weight=weight,
        family=kit.font_family,
        locale=inp.locale,
        balance=True,
    )


def _paste_sticker(canvas: Image.Image, sticker: Image.Image, left: int, top: int) -> Box:
    left = min(max(left, 0), canvas.width - sticker.width)
    top = min(max(top, 0), canvas.height - sticker.height)
    canvas.alpha_composite(sticker, (left, top))
    return (left, top, left + sticker.width, top + sticker.height)


def _place_product(
    canvas: Image.Image, inp: LayoutInput, centre: tuple[int, int], box: tuple[int, int]
) -> Box:
    product = fit_within(cut_out_product_cached(inp.product_photo), *box)
    half_w, half_h = product.width // 2, product.height // 2
    # A darker contact shadow than on flat colour: a photographic scene has its own shading.
    contact_shadow(
        canvas,
        (centre[0] - half_w, centre[1] - half_h, centre[0] + half_w, centre[1] + half_h),
        strength=140,
    )
    return paste_centred(canvas, product, centre)


def render_scene_hero(scene: Image.Image, inp: LayoutInput, kit: BrandKit) -> Image.Image:
    """1920x1080: the scene, a brand-coloured scrim under the copy on the left, the product
    standing on the right."""
    canvas = cover(scene, HERO_SIZE).convert("RGBA")
    canvas.alpha_composite(
        scrim(HERO_SIZE, kit.primary, start_alpha=225, hold=0.4, fade_to=0.66, vertical=False)
    )
    ink = readable_on(kit.primary, kit.text)
    product_box = _place_product(canvas, inp, (1410, 580), (760, 800))

    draw_hero_copy(canvas, inp, kit, ink=ink, product_box=product_box)
    return canvas.convert("RGB")


def render_scene_story(scene: Image.Image, inp: LayoutInput, kit: BrandKit) -> Image.Image:
    """1080x1920: the scene, a scrim of the brand background under the headline, the product
    in the middle, then price, offer and the call-to-action band."""
    width, height = STORY_SIZE
    margin = 80
    canvas = cover(scene, STORY_SIZE).convert("RGBA")
    canvas.alpha_composite(
        scrim(STORY_SIZE, kit.background, start_alpha=230, hold=0.3, fade_to=0.46, vertical=True)
    )
    ink = readable_on(kit.background, kit.text)
    label = stamp_ai_label(
        canvas, inp.ai_label_text, corner="top-right", family=kit.font_family, locale=inp.locale
    )
    header_mid = (label.pill[1] + label.pill[3]) // 2
    draw_brand_mark(
        canvas,
        logo=kit.logo,
        brand_name=inp.brand_name,
        box=(margin, header_mid - 24, label.pill[0] - 40, header_mid + 24),
        colour=ink,
        family=kit.font_family,
        locale=inp.locale,
    )
    draw = ImageDraw.Draw(canvas)
    top = label.pill[3] + 70
    headline = _fit(
        inp.headline,
        kit,
        inp,
        box=(width - 2 * margin, 400),
        sizes=(116, 60),
        max_lines=3,
        weight=800,
    )
    draw_text_block(draw, headline, left=margin, top=top, fill=ink)
    top += headline.height
    if inp.subheadline:
        sub = _fit(
            inp.subheadline,
            kit,
            inp,
            box=(width - 2 * margin, 150),
            sizes=(50, 30),
            max_lines=2,
            weight=400,
        )
        top += 36
        draw_text_block(draw, sub, left=margin, top=top, fill=with_alpha(ink, 210))
        top += sub.height

    cta_box = (margin, height - 230, width - margin, height - 100)
    tag = (
        build_price_tag(
            price=inp.price_text,
            compare_at=inp.compare_at_text,
            height=128,
            fill=kit.accent,
            text_colour=readable_on(kit.accent, kit.text),
            family=kit.font_family,
            locale=inp.locale,
        )
        if inp.price_text
        else None
    )
    tag_top = cta_box[1] - 60 - (tag.height if tag else 0)
    product_top, product_bottom = top + 50, tag_top - 40
    room = product_bottom - product_top
    centre = (width // 2, (product_top + product_bottom) // 2)
    product_box = _place_product(canvas, inp, centre, (round(width * 0.72), round(room * 0.9)))
    if tag:
        _paste_sticker(canvas, tag, (width - tag.width) // 2, tag_top)
    if inp.offer_badge_text:
        burst = build_offer_burst(
            inp.offer_badge_text,
            diameter=260,
            fill=kit.primary,
            text_colour=readable_on(kit.primary, WHITE),
            family=kit.font_family,
            locale=inp.locale,
        )
        _paste_sticker(canvas, burst, product_box[2] - 150, product_box[1] - 60)
    draw_cta_band(
        canvas,
        inp.cta,
        box=cta_box,
        fill=kit.primary,
        text_colour=readable_on(kit.primary, WHITE),
        family=kit.font_family,
        locale=inp.locale,
    )
    return canvas.convert("RGB")


SCENE_RENDERERS: dict[
    str, tuple[tuple[int, int], Callable[[Image.Image, LayoutInput, BrandKit], Image.Image]]
] = {
    "hero_banner": (HERO_SIZE, render_scene_hero),
    "story_frame": (STORY_SIZE, render_scene_story),
}


def render_scene_layout(
    layout: str, scene: Image.Image, inp: LayoutInput, kit: BrandKit
) -> Image.Image:
    """Compose ``layout`` over ``scene`` (any size: it is scaled to cover the canvas)."""
    try:
        _, renderer = SCENE_RENDERERS[layout]
    except KeyError:
        raise KeyError(f"no scene layout {layout!r}; scene layouts: {SCENE_LAYOUTS}") from None
    return renderer(scene, inp, kit)
