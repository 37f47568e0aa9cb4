"""A photo that arrives later changes the image and video input hashes, never copy or voice,
so only what is drawn from the photo is made again."""

from __future__ import annotations

from content.stages import StageContext, UpstreamAsset, plan_stage
from tests.content.providers.text_facts import MUG
from tests.providers import use_provider


def _context(photo_hash: str, upstream: dict[str, list[UpstreamAsset]]) -> StageContext:
    return StageContext(
        product_id=1, sku="MUG-1", content_hash="c" * 64, locale="en", facts=MUG,
        brand_name="Acme", brand_colours=("#111111", "#222222", "#333333"), options={},
        photo_name="", photo_hash=photo_hash, spoken_disclosure=False, upstream=upstream,
    )  # fmt: skip


def _hashes(photo_hash: str) -> dict[str, str]:
    """Each stage's input hash, planned in order with the upstream each one would read."""
    upstream: dict[str, list[UpstreamAsset]] = {}
    hashes = {}
    for stage in ("copy", "image", "voice", "video"):
        hashes[stage] = plan_stage(stage, _context(photo_hash, dict(upstream))).input_hash
        upstream[stage] = [UpstreamAsset(variant="", input_hash=hashes[stage])]
    return hashes


def test_a_new_photo_changes_the_image_and_video_hashes_only(settings):
    use_provider(settings, "text", "template")
    use_provider(settings, "image", "compose")
    without, with_photo, other_photo = _hashes(""), _hashes("a" * 64), _hashes("b" * 64)

    for changed in (with_photo, other_photo):
        assert changed["copy"] == without["copy"]
        assert changed["voice"] == without["voice"]
        assert changed["image"] != without["image"]
        assert changed["video"] != without["video"]
    assert with_photo["image"] != other_photo["image"]
    assert with_photo["video"] != other_photo["video"]
