"""The video walks through the pictures the copy's shot list names, for as long as it says."""

from __future__ import annotations

from content.stages import video_images

PHOTO, MAIN, CARD, BANNER, STORY = b"photo", b"main", b"card", b"banner", b"story"
COMPOSED = {
    "marketplace_main": MAIN,
    "feature_card": CARD,
    "hero_banner": BANNER,
    "story_frame": STORY,
}


def shot(source: str, seconds: float) -> dict[str, object]:
    return {"description": f"{source} shot", "source": source, "duration_s": seconds}


def test_each_shot_shows_its_source_for_its_duration():
    shots = [
        shot("product_photo", 4.0),
        shot("feature_card", 3.5),
        shot("hero_banner", 3.0),
        shot("story_frame", 4.0),
        shot("marketplace_main", 3.0),
    ]

    assert video_images(shots, PHOTO, COMPOSED) == (
        [PHOTO, CARD, BANNER, STORY, MAIN],
        [4.0, 3.5, 3.0, 4.0, 3.0],
    )


def test_neighbouring_shots_of_one_picture_merge_into_one_longer_stay():
    shots = [shot("product_photo", 4.0), shot("product_photo", 2.0), shot("feature_card", 3.0)]

    assert video_images(shots, PHOTO, COMPOSED) == ([PHOTO, CARD], [6.0, 3.0])


def test_a_missing_source_falls_back_to_the_photo_then_the_marketplace_image():
    shots = [shot("product_photo", 4.0), shot("story_frame", 3.0)]

    assert video_images(shots, None, {"marketplace_main": MAIN}) == ([MAIN], [7.0])
    assert video_images(shots, PHOTO, {}) == ([PHOTO], [7.0])


def test_copy_without_a_shot_list_shows_the_photo_throughout():
    assert video_images([], PHOTO, COMPOSED) == ([PHOTO], [1.0])
    assert video_images([], None, COMPOSED) == ([MAIN], [1.0])
    assert video_images([], None, {}) == ([], [])
