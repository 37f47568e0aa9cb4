"""The speech interface: what a backend takes and returns, and how sentence clips become one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from content.providers.base import Provenance
from content.providers.speech.audio import Samples, silence

# Pause between sentences; backends trim their own so every voice paces the same.
DEFAULT_SENTENCE_GAP_S = 0.25
MIN_SPEED = 0.5
MAX_SPEED = 2.0


@dataclass(frozen=True)
class SentenceTiming:
    """When one sentence is heard, for captions: ``start_s`` to ``end_s`` of the audio."""

    text: str
    start_s: float
    end_s: float


@dataclass(frozen=True)
class SpeechResult:
    """Spoken audio as a 16-bit PCM mono WAV, with per-sentence timings and provenance."""

    wav: bytes
    sample_rate: int
    duration_s: float
    sentences: list[SentenceTiming]
    provenance: Provenance


@runtime_checkable
class SpeechProvider(Protocol):
    """A text-to-speech backend. ``locale`` is a BCP 47 tag such as ``en-US`` or ``zh-CN``;
    ``speed`` 1.25 speaks a quarter faster than the voice's natural pace."""

    name: str

    def synthesize(self, text: str, *, locale: str, speed: float = 1.0) -> SpeechResult: ...


def language_of(locale: str) -> str:
    """The language subtag of a locale: ``zh-CN`` and ``zh_Hans`` give ``zh``."""
    return locale.replace("_", "-").split("-", 1)[0].lower()


def check_speed(speed: float) -> None:
    if not MIN_SPEED <= speed <= MAX_SPEED:
        raise ValueError(f"speed must be between {MIN_SPEED} and {MAX_SPEED}, got {speed}")


def join_sentence_clips(
    clips: list[tuple[str, Samples]], sample_rate: int, *, gap_s: float = DEFAULT_SENTENCE_GAP_S
) -> tuple[Samples, list[SentenceTiming]]:
    """One track from per-sentence clips with ``gap_s`` of silence between them.

    Each timing spans its own clip, so the first starts at 0 and the last ends with the track.
    Empty clips (a sentence the voice had nothing to say for) are skipped.
    """
    parts: list[Samples] = []
    timings: list[SentenceTiming] = []
    cursor = 0
    gap = silence(gap_s, sample_rate)
    for text, clip in clips:
        if clip.size == 0:
            continue
        if parts:
            parts.append(gap)
            cursor += gap.size
        parts.append(clip)
        timings.append(
            SentenceTiming(
                text=text,
                start_s=cursor / sample_rate,
                end_s=(cursor + clip.size) / sample_rate,
            )
        )
        cursor += clip.size
    track = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
    return track.astype(np.float32), timings
