"""Encoded product videos: what ffmpeg reads back from the MP4 each writer produces."""

from __future__ import annotations

import io
import json
import re
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from content.providers.video import (
    VideoFrames,
    VideoResult,
    VideoSpec,
    compose_product_video,
    plan_timeline,
)
from content.providers.video.writers import ffmpeg_exe

AIGC = json.dumps({"AIGC": {"Label": "1", "ContentProducer": "shop-ai"}})
RATE = 22050
VOICE_HZ = 1000.0
MUSIC_HZ = 300.0
VOICE_S = 2.0


def photo_bytes(colour: tuple[int, int, int]) -> bytes:
    img = Image.new("RGB", (300, 400), (234, 234, 236))
    ImageDraw.Draw(img).rounded_rectangle((90, 80, 210, 360), radius=24, fill=colour)
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def wav_bytes(samples: np.ndarray, rate: int = RATE) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes((samples * 32767).astype("<i2").tobytes())
    return out.getvalue()


def tone(hz: float, seconds: float, *, starts_at: float = 0.0, rate: int = RATE) -> np.ndarray:
    """A sine of `hz`, silent before `starts_at`."""
    t = np.arange(round(seconds * rate)) / rate
    return np.where(t >= starts_at, 0.3 * np.sin(2 * np.pi * hz * t), 0.0)


def small_spec(**overrides: object) -> VideoSpec:
    """A 3 s thumbnail video: 2 s of voice (quiet for its first second) + a 1 s end card."""
    fields: dict[str, object] = {
        "product_images": [photo_bytes((200, 40, 48)), photo_bytes((40, 120, 200))],
        "sentences": [("The first sentence", 0.0, 1.0), ("Then a second one", 1.0, 2.0)],
        "voice_wav": wav_bytes(tone(VOICE_HZ, VOICE_S, starts_at=1.0)),
        "background_music_wav": wav_bytes(tone(MUSIC_HZ, 1.0)),
        "title": "Aurora bottle",
        "price_text": "$29",
        "end_card_text": "Free shipping",
        "primary_color": "#4A90C2",
        "secondary_color": "#7FB3D5",
        "size": (180, 320),
        "min_duration_s": 1.0,
        "end_card_s": 1.0,
        "opening_label_s": 1.0,
        "metadata": {"comment": AIGC},
    }
    fields.update(overrides)
    return VideoSpec(**fields)  # type: ignore[arg-type]


def probe(mp4: Path) -> str:
    """ffmpeg's description of the file (it exits 1: no output file was asked for)."""
    return subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(mp4)], capture_output=True, text=True
    ).stderr


def probed_duration(info: str) -> float:
    match = re.search(r"Duration: (\d+):(\d+):([\d.]+)", info)
    assert match, info
    hours, minutes, seconds = match.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def frame_at(mp4: Path, t: float) -> Image.Image:
    target = mp4.with_name(f"frame_{t}.png")
    command = [ffmpeg_exe(), "-y", "-loglevel", "error", "-ss", str(t), "-i", str(mp4)]
    subprocess.run([*command, "-frames:v", "1", str(target)], check=True)
    return Image.open(target).convert("RGB")


def decoded_audio(mp4: Path) -> np.ndarray:
    command = [ffmpeg_exe(), "-loglevel", "error", "-i", str(mp4), "-ac", "1", "-ar", "44100"]
    raw = subprocess.run([*command, "-f", "f32le", "-"], capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<f4")


def amplitude_at(samples: np.ndarray, hz: float, start: float, end: float) -> float:
    """The amplitude of one frequency over a window (a single-bin Fourier projection)."""
    window = samples[round(start * 44100) : round(end * 44100)]
    t = np.arange(len(window)) / 44100
    return float(2 * np.abs(np.mean(window * np.exp(-2j * np.pi * hz * t))))


@pytest.fixture(scope="module", params=["ffmpeg", "moviepy"])
def encoded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[VideoSpec, VideoResult, Path]:
    spec = small_spec()
    result = compose_product_video(spec, writer=request.param)
    path = tmp_path_factory.mktemp(request.param) / "video.mp4"
    path.write_bytes(result.mp4)
    return spec, result, path


def test_mp4_is_browser_playable_h264_and_aac_with_the_aigc_tag(
    encoded: tuple[VideoSpec, VideoResult, Path],
) -> None:
    _, result, path = encoded
    info = probe(path)
    assert re.search(r"Video: h264 \((High|Main)\)", info), info
    assert "yuv420p" in info
    assert "180x320" in info
    assert "Audio: aac" in info
    assert f"comment         : {AIGC}" in info
    # faststart: the index comes before the media data, so playback starts at once.
    assert result.mp4.index(b"moov") < result.mp4.index(b"mdat")
    decode = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-f", "null", "-"],
        capture_output=True,
        text=True,
    )
    assert decode.returncode == 0
    assert decode.stderr == ""


def test_duration_is_the_voice_plus_the_end_card(
    encoded: tuple[VideoSpec, VideoResult, Path],
) -> None:
    _, result, path = encoded
    assert result.duration_s == pytest.approx(3.0)
    assert probed_duration(probe(path)) == pytest.approx(2.0 + 1.0, abs=0.2)
    assert (result.width, result.height, result.fps) == (180, 320, 24)
    assert result.provenance.params["duration_s"] == 3.0


def test_opening_label_is_on_screen_in_the_first_second_only(
    encoded: tuple[VideoSpec, VideoResult, Path],
) -> None:
    spec, _, path = encoded
    pill = VideoFrames(spec, plan_timeline(VOICE_S, spec)).opening_label_plan.pill
    early = np.asarray(frame_at(path, 0.5).crop(pill).convert("L"))
    later = np.asarray(frame_at(path, 1.5).crop(pill).convert("L"))
    # The label is a dark pill with white lettering; later the light brand gradient shows.
    assert (early < 80).mean() > 0.3
    assert (early > 200).mean() > 0.05
    assert (later < 80).mean() < 0.05


def test_captions_change_between_sentences(encoded: tuple[VideoSpec, VideoResult, Path]) -> None:
    spec, _, path = encoded
    frames = VideoFrames(spec, plan_timeline(VOICE_S, spec))
    boxes = [caption.box for caption in frames.captions if caption]
    band = (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )
    first = np.asarray(frame_at(path, 0.6).crop(band).convert("L")) > 200
    second = np.asarray(frame_at(path, 1.6).crop(band).convert("L")) > 200
    assert first.mean() > 0.03
    assert second.mean() > 0.03
    assert (first ^ second).mean() > 0.05


def test_music_is_ducked_under_the_voice(encoded: tuple[VideoSpec, VideoResult, Path]) -> None:
    _, _, path = encoded
    audio = decoded_audio(path)
    music_alone = amplitude_at(audio, MUSIC_HZ, 0.45, 0.95)
    music_under_voice = amplitude_at(audio, MUSIC_HZ, 1.4, 1.9)
    assert amplitude_at(audio, VOICE_HZ, 1.4, 1.9) > 0.2
    assert music_under_voice < music_alone / 3


def test_silent_video_lasts_the_requested_time(tmp_path: Path) -> None:
    spec = small_spec(voice_wav=None, background_music_wav=None, duration_s=1.5, size=(90, 160))
    result = compose_product_video(spec)
    path = tmp_path / "silent.mp4"
    path.write_bytes(result.mp4)
    assert probed_duration(probe(path)) == pytest.approx(1.5, abs=0.2)
    audio = decoded_audio(path)
    assert float(np.max(np.abs(audio))) < 1e-3


@pytest.mark.slow
def test_default_range_pads_a_short_voice_to_15_s_at_720x1280(tmp_path: Path) -> None:
    spec = small_spec(size=(720, 1280), min_duration_s=15.0, end_card_s=1.5, opening_label_s=2.0)
    result = compose_product_video(spec)
    path = tmp_path / "full.mp4"
    path.write_bytes(result.mp4)
    info = probe(path)
    assert "720x1280" in info
    assert probed_duration(info) == pytest.approx(15.0, abs=0.2)
