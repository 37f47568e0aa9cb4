"""The video composer's plan, soundtrack and frames, checked without encoding."""

from __future__ import annotations

import io
import wave

import numpy as np
import pytest
from PIL import Image, ImageDraw

from content.providers.base import ProviderError
from content.providers.video import VideoFrames, VideoSpec, plan_opening_label, plan_timeline
from content.providers.video.audio import (
    DUCKED_MUSIC_GAIN,
    MUSIC_GAIN,
    SAMPLE_RATE,
    build_soundtrack,
    ducking_gain,
    read_wav,
)
from content.providers.video.frames import fill_frame


def photo_bytes(colour: tuple[int, int, int] = (200, 40, 48)) -> bytes:
    """A small product (a rounded block) on a light studio backdrop."""
    img = Image.new("RGB", (300, 400), (234, 234, 236))
    ImageDraw.Draw(img).rounded_rectangle((90, 80, 210, 360), radius=24, fill=colour)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def spec_for(**overrides: object) -> VideoSpec:
    fields: dict[str, object] = {"product_images": [b"not decoded by the planner"]}
    fields.update(overrides)
    return VideoSpec(**fields)  # type: ignore[arg-type]


def test_duration_is_the_voice_plus_the_end_card() -> None:
    timeline = plan_timeline(16.0, spec_for())
    assert timeline.duration_s == pytest.approx(17.5)
    assert timeline.frame_count == 17.5 * 24
    assert timeline.end_card_start_s == pytest.approx(16.0)


def test_short_voice_is_padded_to_15_s_by_holding_the_end_card() -> None:
    timeline = plan_timeline(5.0, spec_for())
    assert timeline.duration_s == pytest.approx(15.0)
    assert timeline.end_card_start_s == pytest.approx(5.0)


def test_long_voice_is_cut_at_30_s_and_the_end_card_keeps_its_time() -> None:
    timeline = plan_timeline(29.4, spec_for())
    assert timeline.duration_s == pytest.approx(30.0)
    assert timeline.end_card_start_s == pytest.approx(28.5)


def test_silent_video_lasts_the_requested_time_within_the_range() -> None:
    assert plan_timeline(None, spec_for(duration_s=20.0)).duration_s == pytest.approx(20.0)
    assert plan_timeline(None, spec_for(duration_s=45.0)).duration_s == pytest.approx(30.0)


def test_images_share_the_video_and_overlap_for_crossfades() -> None:
    timeline = plan_timeline(None, spec_for(duration_s=18.0, product_images=[b"a", b"b", b"c"]))
    starts = [start for start, _ in timeline.image_spans]
    ends = [end for _, end in timeline.image_spans]
    assert starts[0] == 0.0
    assert ends[-1] == pytest.approx(18.0)
    assert all(ends[i] > starts[i + 1] for i in range(2))


def test_image_weights_time_each_image_like_its_shot() -> None:
    spec = spec_for(duration_s=20.0, product_images=[b"a", b"b"], image_weights=[3.0, 1.0])

    (first_start, first_end), (second_start, second_end) = plan_timeline(None, spec).image_spans

    # Three quarters, then one quarter, overlapping by the crossfade around the cut at 15 s.
    assert (first_start, second_end) == (0.0, pytest.approx(20.0))
    assert (first_end + second_start) / 2 == pytest.approx(15.0)


def test_a_banner_is_shown_whole_over_a_blur_and_a_portrait_photo_fills_the_frame() -> None:
    banner = Image.new("RGB", (1600, 900), (20, 90, 200))
    ImageDraw.Draw(banner).rectangle((0, 0, 80, 900), fill=(250, 250, 250))  # its left edge
    portrait = Image.new("RGB", (900, 1600), (20, 90, 200))

    shown = np.asarray(fill_frame(banner, (180, 320)))
    filled = np.asarray(fill_frame(portrait, (180, 320)))

    # Contained at 94% of the width: the banner's white left edge sits a few px in.
    assert (shown[160, 6:12] > 200).all(), "the banner's left edge is not cropped away"
    assert (shown[160, :4] < 150).all(), "the margin beside it is the dimmed blur"
    assert (filled == (20, 90, 200)).all(), "a near-frame shape is cropped to fill, no blur"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"image_weights": [1.0, 2.0]}, "one positive weight per product image"),
        ({"image_weights": [0.0]}, "one positive weight per product image"),
        ({"product_images": []}, "product image"),
        ({"size": (721, 1280)}, "even"),
        ({"primary_color": "blue"}, "hex colour"),
        ({"metadata": {"bad key=": "x"}}, "metadata key"),
        ({"locale": "fr"}, "locale"),
        ({"sentences": [("late", 3.0, 2.0)]}, "timings"),
    ],
)
def test_spec_rejects_bad_input(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        spec_for(**overrides)


def test_music_is_ducked_while_the_voice_speaks() -> None:
    t = np.arange(3 * SAMPLE_RATE) / SAMPLE_RATE
    voice = np.where((t >= 1.0) & (t < 2.0), 0.3 * np.sin(2 * np.pi * 200 * t), 0.0)
    gain = ducking_gain(voice.astype(np.float32))
    before, during, after = gain[int(0.5 * SAMPLE_RATE)], gain[int(1.5 * SAMPLE_RATE)], gain[-1]
    assert before == pytest.approx(MUSIC_GAIN, rel=0.01)
    assert during == pytest.approx(DUCKED_MUSIC_GAIN, rel=0.05)
    # It recovers once the voice has been quiet for a while.
    assert after > 0.9 * MUSIC_GAIN


def test_soundtrack_is_stereo_exactly_the_video_length_and_never_clips() -> None:
    loud = np.ones(SAMPLE_RATE, dtype=np.float32) * 0.9
    music = np.ones(SAMPLE_RATE // 2, dtype=np.float32) * 0.9
    track = build_soundtrack(loud, music, 2.5)
    assert track.shape == (round(2.5 * SAMPLE_RATE), 2)
    assert float(np.max(np.abs(track))) <= 0.98 + 1e-6
    # The voice ends after 1 s, the music loops on under it to the end (fading out).
    assert float(np.abs(track[int(1.5 * SAMPLE_RATE), 0])) > 0.2


def test_only_16_bit_pcm_wav_is_accepted() -> None:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(8000)
        wav.writeframes(bytes(800))
    with pytest.raises(ProviderError, match="16-bit"):
        read_wav(out.getvalue())
    with pytest.raises(ProviderError, match="WAV"):
        read_wav(b"RIFF nonsense")


@pytest.mark.parametrize(("locale", "text"), [("en", "AI-generated"), ("zh-CN", "AI生成")])
def test_opening_label_text_is_at_least_5_percent_of_the_width(locale: str, text: str) -> None:
    spec = spec_for(locale=locale, ai_label=text)
    plan = plan_opening_label(spec)
    assert plan.text_height >= 0.05 * spec.width
    # Centred near the top.
    left, top, right, _ = plan.pill
    assert abs((left + right) / 2 - spec.width / 2) <= 1
    assert top < spec.height * 0.15


@pytest.fixture(scope="module")
def small_frames() -> VideoFrames:
    spec = VideoSpec(
        product_images=[photo_bytes(), photo_bytes((40, 120, 200))],
        sentences=[("First line here", 0.0, 1.0), ("Then another one", 1.2, 2.0)],
        duration_s=3.0,
        min_duration_s=1.0,
        end_card_s=1.0,
        opening_label_s=1.0,
        title="Bottle",
        price_text="$9",
        size=(180, 320),
        primary_color="#4A90C2",
        secondary_color="#7FB3D5",
    )
    return VideoFrames(spec, plan_timeline(None, spec))


def test_caption_follows_the_sentence_timings(small_frames: VideoFrames) -> None:
    assert small_frames.caption_index(0.5) == 0
    # Held through the short pause before the next sentence.
    assert small_frames.caption_index(1.1) == 0
    assert small_frames.caption_index(1.5) == 1
    assert small_frames.caption_index(2.6) is None


def test_corner_label_is_on_every_frame(small_frames: VideoFrames) -> None:
    left, top, right, bottom = small_frames.corner_label_plan.pill
    for t in (0.0, 1.5, 2.9):
        region = np.asarray(small_frames.render(t).crop((left, top, right, bottom)).convert("L"))
        assert (region < 80).mean() > 0.3, t  # the dark pill
        assert (region > 200).mean() > 0.03, t  # its white text


def test_frames_are_rgb_arrays_of_the_video_size(small_frames: VideoFrames) -> None:
    frame = small_frames.make_frame(1.0)
    assert frame.shape == (320, 180, 3)
    assert frame.dtype == np.uint8
