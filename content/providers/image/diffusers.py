"""The `diffusers` image provider: scenes generated from operator weights behind the product.

A diffusion pipeline the operator put on disk (the ``model_path`` option, loaded with
``DiffusionPipeline.from_pretrained(path, local_files_only=True)``, never from a hub) only
paints an empty backdrop for the hero banner and the story frame; the product itself is
never generated: the layout engine (``compose.BackdropImages``) cuts out its real photo and
sets it on the scene with the headline, price and AI label. The marketplace main image
(pure white by marketplace rules) and the feature card stay with the compose engine. Seeds
derive from the product and layout, so the same product gets the same scene on every run.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from content.providers.base import OptionProblem, ProviderError, ProviderUnavailable
from content.providers.image.compose import Backdrop, BackdropImages

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


class DiffusersImages(BackdropImages):
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
        self.model_dir = check_model_dir(model_path)
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

    @classmethod
    def check_options(cls, options: Mapping[str, Any]) -> list[OptionProblem]:
        """What the start-up check reports: weights that are not there."""
        try:
            check_model_dir(options.get("model_path"))
        except ProviderUnavailable as exc:
            return [OptionProblem("model_path", str(exc))]
        return []

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

    def paint_backdrop(
        self, layout: str, *, canvas: tuple[int, int], prompt: str, seed_key: str
    ) -> Backdrop:
        """The scene for ``canvas``'s aspect ratio, seeded from the product and layout."""
        width, height = scene_size(canvas, self.size)
        seed = scene_seed(base_seed=self.seed, key=seed_key)
        scene = self.generate_scene(prompt=prompt, width=width, height=height, seed=seed)
        params: dict[str, Any] = {
            "scene_size": [width, height],
            "steps": self.steps,
            "guidance": self.guidance,
            "seed": seed,
            "negative_prompt": self.negative_prompt,
        }
        return Backdrop(scene.image, prompt, params)
