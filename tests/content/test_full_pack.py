"""A whole content pack through the real backends: template copy, compose images, Piper
or eSpeak voice, moviepy video. Slow (a few seconds of rendering) but it is the product."""

from __future__ import annotations

import io
import json
import re
import subprocess
import wave

import numpy as np
import pytest
from django.core.management import call_command

from content.models import Asset
from tests.conftest import Actor
from tests.factories import make_product
from tests.providers import use_provider
from trust.labels import read_mp4_aigc, read_wav_aigc

# The command commits like production does, so the test database must too.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


@pytest.fixture(autouse=True)
def _small_video(settings, tmp_path):
    use_provider(settings, "text", "template")
    settings.SHOP_AI_VIDEO_SIZE = "360x640"
    settings.MEDIA_ROOT = tmp_path


def _ffmpeg_report(path: str) -> str:
    from imageio_ffmpeg import get_ffmpeg_exe

    done = subprocess.run(
        [get_ffmpeg_exe(), "-hide_banner", "-i", path], capture_output=True, text=True
    )
    return done.stderr


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_generate_command_makes_a_playable_pack(alice: Actor, locale: str):
    product = make_product(alice.store)
    out = io.StringIO()
    call_command(
        "generate", "--store", alice.store.slug, "--sku", product.sku, "--locale", locale,
        "--json", stdout=out,
    )  # fmt: skip
    summary = json.loads(out.getvalue())
    assert summary["status"] == "succeeded", summary
    assert [s["stage"] for s in summary["stages"]] == ["copy", "image", "voice", "video"]

    voice = Asset.objects.get(product=product, kind="voice", locale=locale)
    with wave.open(voice.file.path) as wav:
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)
        assert wav.getnframes() / wav.getframerate() > 2
    assert np.sqrt(np.mean((samples / 32768.0) ** 2)) > 0.02  # not silent
    assert read_wav_aigc(voice.file.read()) is not None  # AI label in WAV INFO
    assert voice.extra_file.name.endswith(".m4a")
    first_line = voice.metadata["sentences"][0]["text"]
    if locale == "zh-CN":  # the store default opens Chinese voice tracks with a disclosure
        assert "人工智能" in first_line
    else:
        assert "AI" not in first_line

    video = Asset.objects.get(product=product, kind="video", locale=locale)
    report = _ffmpeg_report(video.file.path)
    assert "Video: h264" in report
    assert "yuv420p" in report
    assert "Audio: aac" in report
    assert "360x640" in report
    duration = re.search(r"Duration: 00:00:(\d+\.\d+)", report)
    assert duration is not None
    assert 15 <= float(duration.group(1)) <= 30.5
    assert read_mp4_aigc(video.file.path) is not None


def test_a_rerun_reuses_the_pack_without_calling_models(alice: Actor):
    product = make_product(alice.store)
    args = ("generate", "--store", alice.store.slug, "--sku", product.sku, "--json")
    call_command(*args, stdout=io.StringIO())
    out = io.StringIO()
    call_command(*args, stdout=out)
    stages = json.loads(out.getvalue())["stages"]
    assert {s["status"] for s in stages} == {"reused"}
    assert all(s["seconds"] < 1 for s in stages)
