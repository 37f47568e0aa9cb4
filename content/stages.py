"""What each generation stage reads and makes, between the database and the providers.

``StageContext`` is a snapshot of one product in one locale (facts read from the catalog
now, the brand kit, the upstream assets' bytes); ``plan_stage`` says which input hash a
stage's output would have, so unchanged work is reused; ``run_stage_outputs`` calls the
providers the registry built from settings and returns drafts for the service to save.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.storage import default_storage

from catalog import facade as catalog_facade
from catalog.models import Product
from content.layouts import BrandKit, LayoutInput, encode_png, render_title_tile
from content.providers.base import Provenance, ProviderError, ProviderUnavailable
from content.providers.registry import backend_name, get_backend, get_speech_backend
from content.providers.speech import encode_compressed, prepend_disclosure
from content.providers.text import CopyRequest
from content.providers.text.product_copy import COPY_SCHEMA_VERSION
from content.review.voice_consent import is_builtin_voice, voice_consent_required
from content.selectors import facts_for
from locales import Locale, get_locale
from shop_ai.models import Store
from trust.findings import Finding, finding_dict
from trust.grounding import Facts
from trust.labels import aigc_json, aigc_metadata, label_png, label_wav

if TYPE_CHECKING:
    from content.providers.text import TextWriter

IMAGE_LAYOUTS = ("marketplace_main", "hero_banner", "feature_card", "story_frame")


# What each stage reads from earlier stages of the same product and locale.
STAGE_READS: dict[str, tuple[str, ...]] = {
    "copy": (),
    "image": ("copy",),
    "voice": ("copy",),
    "video": ("copy", "image", "voice"),
}


def _read(name: str) -> bytes | None:
    if not name:
        return None
    with default_storage.open(name, "rb") as handle:
        data: bytes = handle.read()
    return data


@dataclass(frozen=True)
class UpstreamAsset:
    variant: str
    input_hash: str
    text: Any = None
    file_name: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def data(self) -> bytes | None:
        """The file's bytes, read on first use: a reused stage needs only the hashes."""
        return _read(self.file_name)


@dataclass(frozen=True)
class StageContext:
    product_id: int
    sku: str
    content_hash: str
    locale: str
    facts: Facts
    brand_name: str
    brand_colours: tuple[str, str, str]
    options: dict[str, Any]
    photo_name: str
    photo_hash: str
    spoken_disclosure: bool
    upstream: dict[str, list[UpstreamAsset]]
    store_id: int = 0

    @cached_property
    def photo(self) -> bytes | None:
        return _read(self.photo_name)

    @classmethod
    def build(
        cls,
        *,
        product: Product,
        store: Store,
        locale: str,
        options: dict[str, Any],
        upstream: Mapping[str, Sequence[Any]],
    ) -> StageContext:
        photo = catalog_facade.product_photo(product_id=product.pk)
        facts = catalog_facade.product_facts(store_id=store.pk, product_id=product.pk)
        if facts is None:
            raise LookupError(f"product {product.pk} is not in store {store.pk}")
        return cls(
            product_id=product.pk,
            sku=product.sku,
            content_hash=product.content_hash,
            locale=locale,
            facts=facts_for(facts),
            brand_name=product.brand or store.name,
            brand_colours=(
                store.brand_primary_colour,
                store.brand_secondary_colour,
                store.brand_accent_colour,
            ),
            options=dict(options),
            photo_name=photo.file_name if photo is not None else "",
            photo_hash=photo.sha256 if photo is not None else "",
            spoken_disclosure=locale in (store.spoken_disclosure_locales or []),
            upstream={
                kind: [
                    UpstreamAsset(
                        variant=a.variant,
                        input_hash=a.input_hash,
                        text=a.text,
                        file_name=a.file.name or "",
                        metadata=a.metadata,
                    )
                    for a in _latest_per_variant(assets)
                ]
                for kind, assets in upstream.items()
            },
            store_id=store.pk,
        )


def _latest_per_variant(assets: Sequence[Any]) -> list[Any]:
    seen: dict[str, Any] = {}
    for asset in assets:  # ordered newest version first within a variant
        seen.setdefault(asset.variant, asset)
    return list(seen.values())


@dataclass(frozen=True)
class StagePlan:
    input_hash: str
    expected: int  # how many assets the stage makes


@dataclass(frozen=True)
class AssetDraft:
    variant: str
    provenance: Provenance
    text: Any = None
    data: bytes | None = None
    extension: str = ""
    mime_type: str = ""
    extra_data: bytes | None = None
    extra_extension: str = ""
    findings: list[dict[str, Any]] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)


def _hash(parts: dict[str, Any]) -> str:
    payload = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _upstream_hashes(ctx: StageContext, kind: str) -> list[str]:
    return sorted(a.input_hash for a in ctx.upstream.get(kind, []))


def provider_settings() -> dict[str, str]:
    """The configured backends' short names ("template", "piper"), which input hashes carry."""
    return {
        "text": backend_name("text"),
        "image": backend_name("image"),
        "speech_en": backend_name("speech", "en"),
        "speech_zh": backend_name("speech", "zh-CN"),
        "video_size": settings.SHOP_AI_VIDEO_SIZE,
    }


def plan_stage(stage: str, ctx: StageContext) -> StagePlan:
    chosen = provider_settings()
    base = {"stage": stage, "locale": ctx.locale, "product": ctx.content_hash, "v": 1}
    if stage == "copy":
        # The copy's schema version: copy cached before new fields existed is written again.
        parts = {**base, "provider": chosen["text"], "options": ctx.options,
                 "schema": COPY_SCHEMA_VERSION}  # fmt: skip
        return StagePlan(_hash(parts), 1)
    if stage == "image":
        parts = {**base, "copy": _upstream_hashes(ctx, "copy"), "photo": ctx.photo_hash,
                 "brand": [ctx.brand_name, *ctx.brand_colours]}  # fmt: skip
        if chosen["image"] != "compose":  # only then, so compose images keep their hashes
            parts["provider"] = chosen["image"]
        return StagePlan(_hash(parts), len(IMAGE_LAYOUTS))
    if stage == "voice":
        speech = backend_name("speech", ctx.locale)
        parts = {**base, "copy": _upstream_hashes(ctx, "copy"), "provider": speech,
                 "speed": ctx.options.get("voice_speed", 1.0),
                 "disclosure": ctx.spoken_disclosure}  # fmt: skip
        if voice := str(ctx.options.get("voice") or "").strip():
            # Only when chosen, so existing hashes stay the same; a job that chooses a voice
            # runs the stage (and its consent check) instead of reusing another job's audio.
            parts["voice"] = voice
        return StagePlan(_hash(parts), 1)
    if stage == "video":
        parts = {**base, "image": _upstream_hashes(ctx, "image"),
                 "voice": _upstream_hashes(ctx, "voice"), "size": chosen["video_size"],
                 "brand": [ctx.brand_name, *ctx.brand_colours]}  # fmt: skip
        return StagePlan(_hash(parts), 1)
    raise ValueError(f"unknown stage {stage}")


def run_stage_outputs(stage: str, ctx: StageContext) -> list[AssetDraft]:
    runners = {"copy": _run_copy, "image": _run_images, "voice": _run_voice, "video": _run_video}
    return runners[stage](ctx)


def _copy_of(ctx: StageContext) -> dict[str, Any]:
    copies = ctx.upstream.get("copy", [])
    if not copies or not isinstance(copies[0].text, dict):
        raise ProviderError("The copy for this product and locale is missing.")
    return copies[0].text


def _money(locale: Locale, amount: Decimal | None, currency: str) -> str | None:
    # The locale's one formatter, as the copy and the host use it, so images and video say
    # the price the same way.
    return None if amount is None else locale.format_money(amount, currency)


# --- stages: each calls the providers and describes its outputs ---------------------------


def text_writer() -> TextWriter:
    """The configured writer, built once per process by the provider registry."""
    return get_backend("text")


def _run_copy(ctx: StageContext) -> list[AssetDraft]:

    writer = text_writer()
    result = writer.write(
        CopyRequest(
            facts=ctx.facts,
            locale=ctx.locale,
            brand_name=ctx.brand_name,
            sku=ctx.sku,
        )
    )
    findings = [finding_dict(f) for f in result.findings]
    metadata = {"fell_back": result.fell_back, "fallback_reason": result.fallback_reason}
    return [
        AssetDraft(
            variant="",
            provenance=result.provenance,
            text=result.copy.to_dict(),
            mime_type="application/json",
            findings=findings,
            metadata=metadata,
        )
    ]


PHOTO_MISSING_MESSAGES = {
    "en": "This product has no usable photo, so its images were designed from text alone. "
    "Add a product photo: shoppers trust what they can see, and the images and the video "
    "will be made again with it.",
    "zh-CN": "该商品没有可用的商品图，图片仅由文字设计生成。"  # noqa: RUF001
    "请上传商品实拍图：买家更信任看得见的商品，图片和视频将据此重新生成。",  # noqa: RUF001
}


def photo_missing_finding(locale: Locale) -> dict[str, Any]:
    """The review finding on each image of a product without a photo (a warning, not a block)."""
    message = PHOTO_MISSING_MESSAGES.get(locale.code, PHOTO_MISSING_MESSAGES["en"])
    return finding_dict(
        Finding(
            rule_id="photo_missing",
            severity="warning",
            start=0,
            end=0,
            excerpt="",
            message=message,
        )
    )


def _brand_kit(ctx: StageContext) -> BrandKit:
    primary, secondary, accent = ctx.brand_colours
    return BrandKit(
        primary_color=primary, secondary_color=secondary, accent_color=accent, locale=ctx.locale
    )


def _layout_input(ctx: StageContext, copy: dict[str, Any]) -> LayoutInput:
    """What the layouts set: the copy's lines, the facts' prices, and the photo if any."""
    facts = ctx.facts
    locale = get_locale(ctx.locale)
    percent = locale.discount_percent(facts.price, facts.compare_at_price)
    return LayoutInput(
        product_photo=ctx.photo,
        headline=str(copy.get("headline", facts.title))[:80],
        subheadline=str(copy.get("short_description", ""))[:140],
        features=tuple(str(b)[:60] for b in copy.get("bullets", [])[:3]),
        price_text=_money(locale, facts.price, facts.currency) or "",
        compare_at_text=_money(locale, facts.compare_at_price, facts.currency),
        offer_badge_text=f"-{percent}%" if percent else None,
        brand_name=ctx.brand_name,
        locale=ctx.locale,
        ai_label=locale.phrases("labels")["ai_label"],
    )


def _run_images(ctx: StageContext) -> list[AssetDraft]:

    # Without a usable photo every layout is designed from type (content.layouts.typographic)
    # and carries a warning, so the seller still gets a pack and learns a photo would help.
    findings = [] if ctx.photo is not None else [photo_missing_finding(get_locale(ctx.locale))]
    copy = _copy_of(ctx)
    kit = _brand_kit(ctx)
    facts = ctx.facts
    inp = _layout_input(ctx, copy)
    backend = get_backend("image")
    drafts = []
    for layout in IMAGE_LAYOUTS:
        started = time.perf_counter()
        rendered = backend.render(
            layout, inp, kit, subject=facts.category or facts.title, seed_key=f"{ctx.sku}:{layout}"
        )
        image = rendered.image
        aigc = aigc_metadata(producer="Shop AI", produce_id=f"{ctx.sku}:{layout}:{ctx.locale}")
        png = label_png(encode_png(image, text_chunks={}), aigc)
        elapsed = time.perf_counter() - started
        drafts.append(
            AssetDraft(
                variant=layout,
                provenance=dataclasses.replace(rendered.provenance, latency_s=elapsed),
                data=png,
                extension="png",
                mime_type="image/png",
                findings=list(findings),
                metadata={
                    "width": image.size[0],
                    "height": image.size[1],
                    "aigc": aigc,
                    "design": "photo" if ctx.photo is not None else "typographic",
                },
            )
        )
    return drafts


def _run_voice(ctx: StageContext) -> list[AssetDraft]:

    if voice := str(ctx.options.get("voice") or "").strip():
        _check_voice(ctx, voice)
    copy = _copy_of(ctx)
    script = " ".join(str(s) for s in copy.get("video_script", [])) or str(copy["headline"])
    speaker = get_speech_backend(ctx.locale)
    result = speaker.synthesize(
        script, locale=ctx.locale, speed=float(ctx.options.get("voice_speed", 1.0))
    )
    if ctx.spoken_disclosure:
        result = prepend_disclosure(result, provider=speaker, locale=ctx.locale)
    aigc = aigc_metadata(producer="Shop AI", produce_id=f"{ctx.sku}:voice:{ctx.locale}")
    wav = label_wav(result.wav, aigc)
    sentences = [
        {"text": s.text, "start": round(s.start_s, 3), "end": round(s.end_s, 3)}
        for s in result.sentences
    ]
    return [
        AssetDraft(
            variant="",
            provenance=result.provenance,
            data=wav,
            extension="wav",
            mime_type="audio/wav",
            extra_data=encode_compressed(result.wav),
            extra_extension="m4a",
            metadata={"duration_s": result.duration_s, "sentences": sentences, "aigc": aigc},
        )
    ]


def _check_voice(ctx: StageContext, voice: str) -> None:
    """A voice made from a person's needs their recorded consent in this store (issue #5).

    Checked when the voice would be spoken, so revoking a consent stops the next job.
    """

    voice_consent_required(store=Store.objects.get(pk=ctx.store_id), voice=voice)
    if not is_builtin_voice(voice):
        # Consent is the guard, not the feature: no provider clones voices yet, and speaking
        # with another voice than the one chosen would mislead the reviewer.
        raise ProviderUnavailable(f"No speech provider can speak the custom voice {voice!r} yet.")


def video_images(
    shots: Sequence[Mapping[str, Any]], photo: bytes | None, composed: Mapping[str, bytes]
) -> tuple[list[bytes], list[float]]:
    """The pictures the video walks through, with how long each stays: the shot list's.

    A shot's source is the product photo or a composed image; a source that is missing
    falls back to the photo, then the marketplace image. Neighbouring shots of the same
    picture merge into one longer stay. Without a shot list (copy from before schema 2)
    the video shows the photo, or the marketplace image, throughout.
    """
    fallback = photo or composed.get("marketplace_main")
    images: list[bytes] = []
    weights: list[float] = []
    for shot in shots:
        source = shot.get("source", "")
        picture = photo if source == "product_photo" else composed.get(source)
        picture = picture or fallback
        seconds = float(shot.get("duration_s") or 0)
        if picture is None or seconds <= 0:
            continue
        if images and images[-1] is picture:
            weights[-1] += seconds
        else:
            images.append(picture)
            weights.append(seconds)
    if not images and fallback is not None:
        return [fallback], [1.0]
    return images, weights


def _run_video(ctx: StageContext) -> list[AssetDraft]:
    # Lazy: the composer loads OpenCV (about 24 MB), which web processes never need.
    from content.providers.video import VideoSpec, compose_product_video

    composed = {a.variant: a.data for a in ctx.upstream.get("image", []) if a.data}
    copy = _copy_of(ctx)
    photo = ctx.photo
    if photo is None:
        # The title tile stands where the photo would (its hash is in the image stage's, which
        # this stage's input hash includes), so a photo arriving later remakes the video too.
        photo = encode_png(render_title_tile(_layout_input(ctx, copy), _brand_kit(ctx)))
    images, weights = video_images(copy.get("shot_list") or [], photo, composed)
    voices = ctx.upstream.get("voice", [])
    if not images or not voices or not voices[0].data:
        raise ProviderError("The video needs the product's images and voice first.")
    width, height = (int(n) for n in settings.SHOP_AI_VIDEO_SIZE.split("x"))
    facts = ctx.facts
    locale = get_locale(ctx.locale)
    aigc = aigc_metadata(producer="Shop AI", produce_id=f"{ctx.sku}:video:{ctx.locale}")
    primary, secondary, accent = ctx.brand_colours
    script = [str(line) for line in copy.get("video_script", [])]
    spec = VideoSpec(
        product_images=images,
        image_weights=weights,
        sentences=[(s["text"], s["start"], s["end"]) for s in voices[0].metadata["sentences"]],
        voice_wav=voices[0].data,
        title=facts.title,
        price_text=_money(locale, facts.price, facts.currency) or "",
        compare_at_text=_money(locale, facts.compare_at_price, facts.currency),
        end_card_text=script[-1] if script else facts.title,
        primary_color=primary,
        secondary_color=secondary,
        accent_color=accent,
        locale=ctx.locale,
        ai_label=locale.phrases("labels")["ai_label"],
        size=(width, height),
        metadata={"comment": aigc_json(aigc)},
    )
    result = compose_product_video(spec)
    return [
        AssetDraft(
            variant="",
            provenance=result.provenance,
            data=result.mp4,
            extension="mp4",
            mime_type="video/mp4",
            metadata={
                "duration_s": result.duration_s,
                "width": result.width,
                "height": result.height,
                "render_seconds": result.render_seconds,
                "aigc": aigc,
            },
        )
    ]
