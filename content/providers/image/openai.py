"""The `openai` image provider: backdrops from an Images API, the real product set on them.

The hero banner and the story frame stand on a scene generated through the ``openai``
client (``images.generate``, any endpoint speaking that API: the ``base_url``, ``api_key``
and ``model`` options, from ``OPENAI_BASE_URL``, ``OPENAI_API_KEY`` and ``OPENAI_IMAGE_MODEL``
in settings). As with the diffusers provider, the backend only paints: the prompt asks for
an empty set and never for the product, whose cut-out photo the layout engine composites
(``compose.BackdropImages``), so no image shows a product the catalog does not sell.
The marketplace main image (pure white by marketplace rules) and the feature card stay
composed. Scenes are not seeded (the API has no seed), so a regenerated scene differs; the
stage's input hash reuses the first one until the product changes.
"""

from __future__ import annotations

import base64
import binascii
import io
import urllib.request
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from PIL import Image, UnidentifiedImageError

from content.providers.base import Cost, OptionProblem, ProviderError, ProviderUnavailable
from content.providers.image.compose import Backdrop, BackdropImages
from content.providers.openai_client import endpoint_problems, openai_client, provider_error

MODEL_SETTING = "OPENAI_IMAGE_MODEL"
DEFAULT_MODEL = "gpt-image-1"
# Sizes gpt-image-1 accepts; dall-e-3 wants 1792x1024 and 1024x1792 (set them in options).
LANDSCAPE_SIZE = "1536x1024"
PORTRAIT_SIZE = "1024x1536"
# A scene is a few MB; a reply far larger is not an image we asked for.
MAX_IMAGE_BYTES = 32 * 1024 * 1024
_FORMATS = frozenset({"PNG", "JPEG", "WEBP"})


class OpenAIImages(BackdropImages):
    """Marketing images whose hero banner and story frame stand on API-generated scenes.

    Construction checks the endpoint, key and model (so a misconfigured worker fails at
    start-up naming the setting); nothing is called until the first render.
    """

    name = "openai"

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        model: str = DEFAULT_MODEL,
        price_per_image: Decimal | str | float = Decimal(0),
        landscape_size: str = LANDSCAPE_SIZE,
        portrait_size: str = PORTRAIT_SIZE,
        quality: str | None = None,
        # dall-e models answer with URLs unless asked for "b64_json"; gpt-image-1 refuses
        # the parameter and always sends base64.
        response_format: str | None = None,
        timeout_s: float = 120.0,
        max_retries: int = 0,
    ) -> None:
        if not model:
            raise ProviderUnavailable(f"The openai image backend needs {MODEL_SETTING} set.")
        self.client = openai_client(
            backend="image",
            base_url=base_url,
            api_key=api_key,
            timeout_s=timeout_s,
            max_retries=max_retries,
        )
        self.model = model
        self.price_per_image = Decimal(str(price_per_image))
        self.sizes = {"hero_banner": landscape_size, "story_frame": portrait_size}
        self.quality = quality
        self.response_format = response_format
        self.timeout_s = timeout_s

    def generate_scene(self, *, prompt: str, size: str) -> tuple[Image.Image, dict[str, Any]]:
        """One backdrop from the API, and what the reply said about it (revised prompt,
        token usage). API failures become ProviderError, transient ones marked so."""
        import openai

        arguments: dict[str, Any] = {"model": self.model, "prompt": prompt, "n": 1, "size": size}
        if self.quality:
            arguments["quality"] = self.quality
        if self.response_format:
            arguments["response_format"] = self.response_format
        try:
            response = self.client.images.generate(**arguments)
        except openai.APIError as error:
            raise provider_error(error, model=self.model) from error
        if not response.data:
            raise ProviderError(f"{self.model}: the reply holds no image.")
        item = response.data[0]
        if item.b64_json:
            try:
                data = base64.b64decode(item.b64_json, validate=True)
            except (binascii.Error, ValueError) as error:
                raise ProviderError(f"{self.model}: the image is not valid base64.") from error
        elif item.url:
            data = self._download(item.url)
        else:
            raise ProviderError(f"{self.model}: the reply holds neither image data nor a URL.")
        details: dict[str, Any] = {}
        if item.revised_prompt:
            details["revised_prompt"] = item.revised_prompt
        usage = getattr(response, "usage", None)
        details["input_tokens"] = int(getattr(usage, "input_tokens", 0) or 0)
        details["output_tokens"] = int(getattr(usage, "output_tokens", 0) or 0)
        return _open_image(data, model=self.model), details

    def _download(self, url: str) -> bytes:
        if not url.startswith(("https://", "http://")):
            raise ProviderError(f"{self.model}: the image URL is not http(s): {url[:80]}")
        try:
            with urllib.request.urlopen(url, timeout=self.timeout_s) as reply:  # noqa: S310
                data: bytes = reply.read(MAX_IMAGE_BYTES + 1)
        except OSError as error:  # URLError, timeouts and HTTP errors are all OSErrors
            raise ProviderError(
                f"{self.model}: fetching the image failed: {error}", transient=True
            ) from error
        if len(data) > MAX_IMAGE_BYTES:
            raise ProviderError(f"{self.model}: the image is over {MAX_IMAGE_BYTES} bytes.")
        return data

    @classmethod
    def check_options(cls, options: Mapping[str, Any]) -> list[OptionProblem]:
        return endpoint_problems(options, backend="image", named={"model": MODEL_SETTING})

    @property
    def model_name(self) -> str:
        return self.model

    def paint_backdrop(
        self, layout: str, *, canvas: tuple[int, int], prompt: str, seed_key: str
    ) -> Backdrop:
        """The scene at the size configured for ``layout``'s orientation (no seed: the API
        has none)."""
        size = self.sizes[layout]
        scene, details = self.generate_scene(prompt=prompt, size=size)
        params: dict[str, Any] = {
            "scene_size": list(scene.size),
            "requested_size": size,
            **({"quality": self.quality} if self.quality else {}),
            **(
                {"revised_prompt": details["revised_prompt"]} if "revised_prompt" in details else {}
            ),
        }
        cost = Cost(
            input_tokens=details["input_tokens"],
            output_tokens=details["output_tokens"],
            money_usd=self.price_per_image,
        )
        return Backdrop(scene, prompt, params, cost)


def _open_image(data: bytes, *, model: str) -> Image.Image:
    """The decoded scene, or ProviderError when the bytes are not a PNG, JPEG or WebP."""
    if len(data) > MAX_IMAGE_BYTES:
        raise ProviderError(f"{model}: the image is over {MAX_IMAGE_BYTES} bytes.")
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in _FORMATS:
            raise ProviderError(f"{model}: expected a PNG, JPEG or WebP image, got {image.format}.")
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise ProviderError(f"{model}: the reply is not a readable image: {error}") from error
    return image.convert("RGB")
