"""Benchmark the video composer: render seconds and video seconds per wall second, as JSON.

Renders a 20 s 720x1280 24 fps product short from three drawn product photos, a
synthetic voice (a syllable-rhythm tone, 18.5 s) and a music bed, with each writer.

Run: python bench/bench_video.py [--writer ffmpeg|moviepy|both] [--save PATH] [--frames DIR]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content.providers.video import VideoFrames, VideoSpec, compose_product_video, plan_timeline
from content.providers.video.writers import ffmpeg_exe

SENTENCES_EN = (
    ("Meet the Aurora bottle: cold for 24 hours, hot for 12.", 0.2, 3.6),
    ("Double-wall steel keeps every sip just right.", 3.9, 7.2),
    ("Leak-proof lid, one-hand flip, fits every cup holder.", 7.5, 11.2),
    ("Pick from three colours that match your day.", 11.5, 14.8),
    ("Grab yours today and save 25 percent.", 15.1, 18.3),
)


def studio_photo(body: tuple[int, int, int], size: tuple[int, int] = (1200, 1500)) -> bytes:
    """A bottle-shaped product on a light studio backdrop."""
    width, height = size
    img = Image.new("RGB", size, (234, 234, 236))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle(
        (width * 0.3, height * 0.25, width * 0.7, height * 0.9), radius=width // 12, fill=body
    )
    draw.rectangle((width * 0.42, height * 0.14, width * 0.58, height * 0.27), fill=body)
    draw.rounded_rectangle(
        (width * 0.4, height * 0.08, width * 0.6, height * 0.16), radius=20, fill=(30, 30, 36)
    )
    draw.rectangle((width * 0.33, height * 0.5, width * 0.67, height * 0.62), fill=(240, 240, 242))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=90)
    return out.getvalue()


def lifestyle_photo(size: tuple[int, int] = (1500, 1200)) -> bytes:
    """A busy scene with no uniform backdrop: the composer shows it full-bleed."""
    width, height = size
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:height, 0:width]
    base = np.stack(
        [
            120 + 80 * np.sin(x / 90.0),
            140 + 60 * np.cos(y / 70.0),
            110 + 50 * np.sin((x + y) / 130.0),
        ],
        axis=-1,
    )
    noise = rng.normal(0, 12, base.shape)
    img = Image.fromarray(np.clip(base + noise, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img)
    draw.rounded_rectangle(
        (width * 0.4, height * 0.3, width * 0.6, height * 0.85), radius=40, fill=(30, 90, 160)
    )
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=88)
    return out.getvalue()


def wav_bytes(samples: np.ndarray, rate: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return out.getvalue()


def synthetic_voice(sentences: tuple[tuple[str, float, float], ...], rate: int = 22050) -> bytes:
    """A 180 Hz tone in 5 Hz syllables while each sentence is spoken, silence between."""
    length = sentences[-1][2] + 0.2
    t = np.arange(round(length * rate)) / rate
    speaking = np.zeros_like(t)
    for _, start, end in sentences:
        speaking[(t >= start) & (t < end)] = 1.0
    syllables = 0.55 + 0.45 * np.sin(2 * np.pi * 5 * t) ** 2
    tone = np.sin(2 * np.pi * 180 * t) + 0.4 * np.sin(2 * np.pi * 360 * t)
    return wav_bytes(0.35 * tone * syllables * speaking, rate)


def synthetic_music(seconds: float = 8.0, rate: int = 44100) -> bytes:
    """Two alternating chords: a loopable music bed."""
    t = np.arange(round(seconds * rate)) / rate
    chord_a = sum(np.sin(2 * np.pi * f * t) for f in (261.6, 329.6, 392.0))
    chord_b = sum(np.sin(2 * np.pi * f * t) for f in (220.0, 277.2, 329.6))
    music = np.where((t // 2) % 2 == 0, chord_a, chord_b) / 3
    return wav_bytes(0.5 * music, rate)


def demo_spec(**overrides: object) -> VideoSpec:
    fields: dict[str, object] = {
        "product_images": [
            studio_photo((200, 40, 48)),
            studio_photo((40, 120, 200)),
            lifestyle_photo(),
        ],
        "sentences": SENTENCES_EN,
        "voice_wav": synthetic_voice(SENTENCES_EN),
        "background_music_wav": synthetic_music(),
        "title": "Aurora Insulated Bottle 750 ml",
        "price_text": "$29.99",
        "compare_at_text": "$39.99",
        "offer_badge_text": "25% OFF",
        "end_card_text": "Free shipping on orders over $35",
        "cta_text": "Shop now",
        "primary_color": "#1F3A5F",
        "secondary_color": "#3C6E91",
        "accent_color": "#F2A541",
        "metadata": {"comment": json.dumps({"AIGC": {"Label": "1", "ContentProducer": "shop-ai"}})},
    }
    fields.update(overrides)
    return VideoSpec(**fields)  # type: ignore[arg-type]


def save_frames(spec: VideoSpec, mp4: Path, directory: Path, times: list[float]) -> list[str]:
    """Extract frames from the encoded file, so what is saved is what viewers see."""
    directory.mkdir(parents=True, exist_ok=True)
    saved = []
    for t in times:
        target = directory / f"frame_{t:05.2f}s.png"
        command = [ffmpeg_exe(), "-y", "-loglevel", "error", "-ss", f"{t}", "-i", str(mp4)]
        subprocess.run([*command, "-frames:v", "1", str(target)], check=True)
        saved.append(str(target))
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writer", choices=["ffmpeg", "moviepy", "both"], default="both")
    parser.add_argument("--size", default="720x1280")
    parser.add_argument("--save", type=Path, help="write the (last) MP4 here")
    parser.add_argument("--frames", type=Path, help="extract a few frames as PNG here")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.split("x"))
    spec = demo_spec(size=(width, height))
    writers = ["ffmpeg", "moviepy"] if args.writer == "both" else [args.writer]

    # Frame function alone: pre-render time and ms per frame, no encoder.
    timeline = plan_timeline(SENTENCES_EN[-1][2] + 0.2, spec)
    start = time.perf_counter()
    frames = VideoFrames(spec, timeline)
    prerender_s = time.perf_counter() - start
    sample = [i / spec.fps for i in range(0, timeline.frame_count, 4)]
    start = time.perf_counter()
    for t in sample:
        frames.make_frame(t)
    frame_ms = (time.perf_counter() - start) * 1000 / len(sample)

    report: dict[str, object] = {
        "size": args.size,
        "fps": spec.fps,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "prerender_s": round(prerender_s, 3),
        "frame_ms": round(frame_ms, 2),
    }
    result = None
    for writer in writers:
        result = compose_product_video(spec, writer=writer)
        report[writer] = {
            "video_s": round(result.duration_s, 3),
            "render_s": round(result.render_seconds, 2),
            "video_s_per_wall_s": round(result.duration_s / result.render_seconds, 2),
            "mp4_bytes": len(result.mp4),
        }
    if result is not None and args.save:
        args.save.write_bytes(result.mp4)
        if args.frames:
            report["frames"] = save_frames(
                spec, args.save, args.frames, [0.5, 2.6, 6.0, 13.0, 19.3]
            )
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
