"""The diffusers image provider against a real pipeline: a tiny Stable Diffusion with random
weights is built here, saved with ``save_pretrained`` and loaded back by path, offline; its
scenes are real PNGs of the asked size, reproducible per product and layout, and the
finished hero banner and story frame show the real product on the generated scene."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw

from content.layouts import BrandKit, LayoutInput, encode_png
from content.layouts.layouts import HERO_SIZE, STORY_SIZE
from content.models import Asset
from content.providers.base import ProviderUnavailable
from content.providers.image.compose import SCENE_LAYOUTS, colour_name, cover
from content.providers.image.diffusers import (
    MODEL_PATH_SETTING,
    DiffusersImages,
    scene_seed,
    scene_size,
)
from content.stages import StageContext, plan_stage, run_stage_outputs
from tests.conftest import Actor
from tests.content.providers.test_text_copy import GOOD
from tests.factories import make_product
from tests.providers import use_provider

PRODUCT_RED = (200, 40, 48)
KIT = BrandKit(primary_color="#1F3A5F", secondary_color="#3C6E91", accent_color="#F2A541")


def _clip_byte_vocab() -> dict[str, int]:
    """A CLIP vocabulary of single bytes only (GPT-2's byte-to-unicode table), no merges:
    enough for the tokenizer to encode any prompt, and buildable without a download."""
    printable = [*range(ord("!"), ord("~") + 1), *range(0xA1, 0xAC + 1), *range(0xAE, 0xFF + 1)]
    codes = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    chars = [chr(code) for code in codes]
    vocab = {char: index for index, char in enumerate(chars)}
    for char in chars:
        vocab[f"{char}</w>"] = len(vocab)
    for special in ("<|startoftext|>", "<|endoftext|>"):
        vocab[special] = len(vocab)
    return vocab


def build_tiny_pipeline(target: Path) -> Path:
    """A Stable Diffusion pipeline a few hundred KB in size, random weights, saved to disk."""
    import torch
    from diffusers import (
        AutoencoderKL,
        DDIMScheduler,
        StableDiffusionPipeline,
        UNet2DConditionModel,
    )
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=8,
        in_channels=4,
        out_channels=4,
        block_out_channels=(8, 16),
        layers_per_block=1,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=16,
        attention_head_dim=2,
        norm_num_groups=4,
    )
    # Four blocks make the VAE downsample 8x, like Stable Diffusion's.
    vae = AutoencoderKL(
        in_channels=3,
        out_channels=3,
        block_out_channels=(8, 8, 16, 16),
        down_block_types=("DownEncoderBlock2D",) * 4,
        up_block_types=("UpDecoderBlock2D",) * 4,
        latent_channels=4,
        norm_num_groups=4,
        sample_size=64,
    )
    vocab = _clip_byte_vocab()
    text_encoder = CLIPTextModel(
        CLIPTextConfig(
            vocab_size=len(vocab),
            hidden_size=16,
            intermediate_size=32,
            num_attention_heads=2,
            num_hidden_layers=2,
            max_position_embeddings=77,
            bos_token_id=vocab["<|startoftext|>"],
            eos_token_id=vocab["<|endoftext|>"],
            pad_token_id=vocab["<|endoftext|>"],
        )
    )
    tokenizer = CLIPTokenizer(vocab=vocab, merges=[], model_max_length=77)
    pipeline: Any = StableDiffusionPipeline(
        unet=unet,
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        scheduler=DDIMScheduler(clip_sample=False, steps_offset=1),
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipeline.save_pretrained(target)
    return target


def studio_photo() -> bytes:
    """A red product on a light-grey studio backdrop, as sellers upload them."""
    img = Image.new("RGB", (600, 800), (232, 232, 234))
    ImageDraw.Draw(img).rounded_rectangle((160, 150, 440, 700), radius=40, fill=PRODUCT_RED)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_pipeline(tmp_path_factory.mktemp("weights") / "tiny-sd")


@pytest.fixture(scope="module")
def provider(model_dir: Path) -> DiffusersImages:
    return DiffusersImages(model_path=model_dir, steps=3, guidance=5.0, size=64, seed=7)


@pytest.fixture(scope="module")
def layout_input() -> LayoutInput:
    return LayoutInput(
        product_photo=studio_photo(),
        headline="Travel kettle that boils in three minutes",
        subheadline="Half a litre, folds flat into any bag.",
        price_text="$39.00",
        compare_at_text="$49.00",
        offer_badge_text="-20%",
        brand_name="Kettlo",
        locale="en",
    )


def close_to(pixel: Any, colour: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], colour, strict=True))


# --- configuration ---------------------------------------------------------------------------


def test_without_a_model_path_it_refuses_to_start_naming_the_setting(monkeypatch):
    monkeypatch.delenv(MODEL_PATH_SETTING, raising=False)
    with pytest.raises(ProviderUnavailable, match=MODEL_PATH_SETTING):
        DiffusersImages()


def test_a_folder_without_a_pipeline_is_refused_naming_the_setting(tmp_path):
    with pytest.raises(ProviderUnavailable, match=rf"model_index\.json.*{MODEL_PATH_SETTING}"):
        DiffusersImages(model_path=tmp_path)


def test_the_environment_is_read_by_settings_not_the_backend(monkeypatch, model_dir):
    monkeypatch.setenv(MODEL_PATH_SETTING, str(model_dir))
    with pytest.raises(ProviderUnavailable, match=MODEL_PATH_SETTING):
        DiffusersImages()


def test_scene_sizes_keep_the_layout_aspect_on_the_model_grid():
    assert scene_size(HERO_SIZE, 768) == (768, 432)
    assert scene_size(STORY_SIZE, 768) == (432, 768)
    assert scene_size((1080, 1080), 100) == (96, 96)


def test_seeds_are_fixed_per_product_and_layout():
    hero = scene_seed(base_seed=0, key="SKU-1:hero_banner")
    assert hero == scene_seed(base_seed=0, key="SKU-1:hero_banner")
    assert hero != scene_seed(base_seed=0, key="SKU-1:story_frame")
    assert hero != scene_seed(base_seed=0, key="SKU-2:hero_banner")
    assert hero != scene_seed(base_seed=1, key="SKU-1:hero_banner")


def test_brand_colours_are_named_for_the_prompt():
    assert colour_name((31, 58, 95)) == "navy"
    assert colour_name((242, 165, 65)) == "orange"
    assert colour_name((250, 250, 250)) == "white"
    assert colour_name((40, 140, 60)) == "green"


# --- generation --------------------------------------------------------------------------------


def test_scene_is_a_png_of_the_requested_size_and_reproducible(provider):
    first = provider.generate_scene(prompt="empty studio set", width=128, height=64, seed=3)
    again = provider.generate_scene(prompt="empty studio set", width=128, height=64, seed=3)
    other = provider.generate_scene(prompt="empty studio set", width=128, height=64, seed=4)

    decoded = Image.open(io.BytesIO(encode_png(first.image)))
    assert decoded.format == "PNG"
    assert decoded.size == (128, 64)
    pixels = np.asarray(first.image, dtype=np.int16)
    assert pixels.std() > 1  # random weights paint noise, not a blank
    assert np.array_equal(pixels, np.asarray(again.image, dtype=np.int16))
    assert not np.array_equal(pixels, np.asarray(other.image, dtype=np.int16))


def test_scene_sides_off_the_grid_are_refused(provider):
    with pytest.raises(ValueError, match="multiples of 16"):
        provider.generate_scene(prompt="set", width=100, height=64, seed=0)


@pytest.mark.parametrize(
    ("layout", "size", "product_centre", "scene_point"),
    [
        ("hero_banner", HERO_SIZE, (1410, 580), (1880, 1050)),
        ("story_frame", STORY_SIZE, None, (20, 1300)),
    ],
)
def test_layout_shows_the_real_product_on_the_generated_scene(
    provider, layout_input, layout, size, product_centre, scene_point
):
    rendered = provider.render(
        layout, layout_input, KIT, subject="electric kettle", seed_key=f"SKU-1:{layout}"
    )
    image = rendered.image
    decoded = Image.open(io.BytesIO(encode_png(image)))
    assert decoded.size == size
    assert decoded.mode == "RGB"

    # The product is the real photo's cut-out: its red body stands in the frame.
    red = np.all(np.abs(np.asarray(image, dtype=np.int16) - PRODUCT_RED) <= 12, axis=-1)
    assert red.sum() > 0.03 * size[0] * size[1]
    if product_centre is not None:
        assert close_to(image.getpixel(product_centre), PRODUCT_RED)

    # Away from copy and product, the background is the generated scene, pixel for pixel.
    provenance = rendered.provenance
    width, height = provenance.params["scene_size"]
    scene = provider.generate_scene(
        prompt=provenance.prompt, width=width, height=height, seed=provenance.params["seed"]
    )
    expected = cover(scene.image, size).getpixel(scene_point)
    assert isinstance(expected, tuple)
    assert close_to(image.getpixel(scene_point), expected, tolerance=2)

    assert provenance.provider == "diffusers"
    assert provenance.model == "tiny-sd"
    assert "electric kettle" in provenance.prompt
    assert provenance.params["seed"] == scene_seed(base_seed=7, key=f"SKU-1:{layout}")
    assert provenance.params["steps"] == 3
    assert provenance.cost.compute_seconds > 0


def test_the_marketplace_image_stays_pure_white_from_the_compose_engine(provider, layout_input):
    assert "marketplace_main" not in SCENE_LAYOUTS
    rendered = provider.render(
        "marketplace_main", layout_input, KIT, subject="kettle", seed_key="SKU-1:main"
    )
    assert rendered.provenance.provider == "compose"
    assert rendered.image.getpixel((5, 5)) == (255, 255, 255)


# --- the image stage, chosen by settings --------------------------------------------------


def _context_with_copy(actor: Actor) -> StageContext:
    product = make_product(actor.store)
    copy = Asset.objects.create(
        store=actor.store, product=product, kind="copy", locale="en", provider="template",
        input_hash="d" * 64, product_content_hash=product.content_hash, text=dict(GOOD),
    )  # fmt: skip
    return StageContext.build(product=product, store=actor.store, locale="en", options={},
                              upstream={"copy": [copy]})  # fmt: skip


@pytest.mark.django_db
def test_the_image_stage_uses_the_diffusers_backend_from_settings(
    alice: Actor, settings, model_dir
):
    use_provider(settings, "image", "diffusers", model_path=str(model_dir), steps=2, size=64,
                 seed=1)  # fmt: skip
    ctx = _context_with_copy(alice)
    assert plan_stage("image", ctx).input_hash != _compose_hash(ctx, settings)

    drafts = run_stage_outputs("image", ctx)

    assert {d.variant: d.provenance.provider for d in drafts} == {
        "marketplace_main": "compose",
        "hero_banner": "diffusers",
        "feature_card": "compose",
        "story_frame": "diffusers",
    }
    story = next(d for d in drafts if d.variant == "story_frame")
    assert story.data is not None
    assert Image.open(io.BytesIO(story.data)).size == STORY_SIZE
    assert story.provenance.params["seed"] == scene_seed(base_seed=1, key=f"{ctx.sku}:story_frame")


def _compose_hash(ctx: StageContext, settings) -> str:
    diffusers = settings.SHOP_AI_PROVIDERS
    use_provider(settings, "image", "compose")
    try:
        return plan_stage("image", ctx).input_hash
    finally:
        settings.SHOP_AI_PROVIDERS = diffusers


@pytest.mark.django_db
def test_the_image_stage_without_weights_fails_naming_the_setting(alice: Actor, settings):
    use_provider(settings, "image", "diffusers", model_path=None)
    ctx = _context_with_copy(alice)
    with pytest.raises(ProviderUnavailable, match=MODEL_PATH_SETTING):
        run_stage_outputs("image", ctx)
