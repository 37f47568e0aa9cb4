"""Audio helpers: loudness matches ffmpeg's EBU R128 meter, peaks are limited, WAV INFO labels
round-trip, and compressed files carry the right codec, duration and tags."""

from __future__ import annotations

import json
import re
import subprocess
import wave
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest

from content.providers.speech import (
    decode_wav,
    encode_compressed,
    encode_wav,
    ffmpeg_executable,
    integrated_loudness,
    limit_peaks,
    normalize_loudness,
    read_wav_info,
    riff_chunks,
    wav_with_info,
)

RATE = 22050


def tone(frequency: float, seconds: float, amplitude: float) -> np.ndarray:
    t = np.arange(round(seconds * RATE)) / RATE
    return (amplitude * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def ffmpeg_report(path: Path, *args: str) -> str:
    """What ffmpeg prints about a file (stderr), optionally after running a filter."""
    command = [ffmpeg_executable(), "-hide_banner", "-nostats", "-i", str(path), *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=60).stderr


def ffmpeg_integrated_lufs(wav: bytes, tmp_path: Path) -> float:
    path = tmp_path / "measure.wav"
    path.write_bytes(wav)
    report = ffmpeg_report(path, "-af", "ebur128", "-f", "null", "-")
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", report)[-1])


def ffmpeg_duration_s(report: str) -> float:
    found = re.search(r"Duration: (\d+):(\d+):([\d.]+)", report)
    assert found is not None, report
    hours, minutes, seconds = found.groups()
    return int(hours) * 3600 + int(minutes) * 60 + float(seconds)


def test_normalised_test_tone_reads_minus_16_lufs_on_ffmpeg_meter(tmp_path):
    quiet = np.concatenate([tone(1000, 3.0, 0.02), np.zeros(RATE, dtype=np.float32)])

    loud = normalize_loudness(quiet, RATE, target_lufs=-16.0)

    assert ffmpeg_integrated_lufs(encode_wav(loud, RATE), tmp_path) == pytest.approx(-16, abs=1)
    assert integrated_loudness(loud, RATE) == pytest.approx(-16, abs=0.1)


def test_k_weighting_agrees_with_ffmpeg_on_low_and_high_tones(tmp_path):
    # K-weighting cuts 40 Hz and lifts 4 kHz, so a plain RMS meter would misread both.
    for frequency in (40, 4000):
        signal = tone(frequency, 2.0, 0.3)
        ours = integrated_loudness(signal, RATE)
        assert ours == pytest.approx(
            ffmpeg_integrated_lufs(encode_wav(signal, RATE), tmp_path), abs=0.3
        )
    assert (
        integrated_loudness(tone(40, 2.0, 0.3), RATE)
        < integrated_loudness(tone(4000, 2.0, 0.3), RATE) - 3
    )


def test_gating_ignores_long_silence():
    speech_like = tone(500, 2.0, 0.1)
    padded = np.concatenate([speech_like, np.zeros(10 * RATE, dtype=np.float32)])

    assert integrated_loudness(padded, RATE) == pytest.approx(
        integrated_loudness(speech_like, RATE), abs=0.5
    )


def test_silence_is_minus_infinity_and_left_alone():
    nothing = np.zeros(RATE, dtype=np.float32)

    assert integrated_loudness(nothing, RATE) == float("-inf")
    assert np.array_equal(normalize_loudness(nothing, RATE), nothing)


def test_limiter_keeps_peaks_under_the_ceiling_without_touching_quiet_parts():
    signal = np.concatenate([tone(300, 1.0, 0.2), tone(300, 0.05, 1.6), tone(300, 1.0, 0.2)])

    limited = limit_peaks(signal, RATE, ceiling=0.9)

    assert float(np.abs(limited).max()) <= 0.9 + 1e-6
    assert np.allclose(limited[: RATE // 2], signal[: RATE // 2])
    assert np.allclose(limited[-RATE // 2 :], signal[-RATE // 2 :])


def test_wav_round_trips_through_the_wave_module():
    signal = tone(440, 0.5, 0.5)

    wav = encode_wav(signal, RATE)
    with wave.open(BytesIO(wav)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, RATE)
        assert reader.getnframes() == signal.size
    decoded, rate = decode_wav(wav)
    assert rate == RATE
    assert np.allclose(decoded, signal, atol=1 / 32767)


def test_wav_info_chunk_round_trips_and_ffmpeg_reads_the_comment(tmp_path):
    aigc = json.dumps(
        {"AIGC": {"Label": "1", "ContentProducer": "shop-ai", "备注": "AI生成"}}, ensure_ascii=False
    )
    wav = encode_wav(tone(440, 0.3, 0.3), RATE)

    labelled = wav_with_info(wav, {"ICMT": aigc, "ISFT": "shop-ai"})

    assert read_wav_info(labelled) == {"ICMT": aigc, "ISFT": "shop-ai"}
    ids = [chunk_id for chunk_id, _ in riff_chunks(labelled)]
    assert ids == [b"fmt ", b"LIST", b"data"]
    # The audio is untouched and standard readers still open the file.
    assert decode_wav(labelled)[0].tolist() == decode_wav(wav)[0].tolist()
    path = tmp_path / "labelled.wav"
    path.write_bytes(labelled)
    assert "shop-ai" in ffmpeg_report(path)
    assert '"Label": "1"' in ffmpeg_report(path)


def test_writing_info_again_replaces_the_old_fields():
    wav = wav_with_info(encode_wav(tone(440, 0.1, 0.3), RATE), {"ICMT": "old", "INAM": "x"})

    relabelled = wav_with_info(wav, {"ICMT": "new"})

    assert read_wav_info(relabelled) == {"ICMT": "new"}
    assert [cid for cid, _ in riff_chunks(relabelled)].count(b"LIST") == 1


def test_wav_info_rejects_malformed_field_ids():
    with pytest.raises(ValueError, match="four uppercase"):
        wav_with_info(encode_wav(tone(440, 0.1, 0.3), RATE), {"comment": "x"})


@pytest.mark.parametrize(
    ("codec", "suffix", "codec_name"),
    [("aac", "m4a", "Audio: aac"), ("opus", "ogg", "Audio: opus")],
)
def test_compressed_speech_has_the_codec_duration_and_tags(tmp_path, codec, suffix, codec_name):
    wav = encode_wav(tone(440, 2.0, 0.3), RATE)

    compressed = encode_compressed(wav, codec=codec, metadata={"comment": "AIGC label"})

    assert 0 < len(compressed) < len(wav) / 4
    path = tmp_path / f"speech.{suffix}"
    path.write_bytes(compressed)
    report = ffmpeg_report(path)
    assert codec_name in report
    assert ffmpeg_duration_s(report) == pytest.approx(2.0, abs=0.1)
    assert "AIGC label" in report


def test_unknown_codec_is_refused():
    with pytest.raises(ValueError, match="codec"):
        encode_compressed(b"RIFF", codec="mp3")  # type: ignore[arg-type]
