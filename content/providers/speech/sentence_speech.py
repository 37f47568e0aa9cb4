"""The base of the local speech engines: speak a text sentence by sentence, then one result.

Piper, eSpeak NG and Coqui differ only in how one sentence becomes samples. Everything
around that is shared here: the speed check, splitting by the locale's own rules, the
measured gap between sentences (so captions start and end exactly with their sentence),
loudness, the WAV and the provenance.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from content.providers.base import Cost, Provenance, ProviderError
from content.providers.speech.audio import Samples, encode_wav, normalize_loudness
from content.providers.speech.result import (
    DEFAULT_SENTENCE_GAP_S,
    SpeechResult,
    check_speed,
    join_sentence_clips,
)
from content.providers.speech.sentences import split_sentences


@dataclass(frozen=True)
class SpokenSentences:
    """What an engine made of the sentences: one trimmed clip each, at ``sample_rate``.

    ``model`` goes into the provenance, ``params`` beside the shared ones (locale, speed,
    gap, loudness) so each engine records its own knobs (rate, length scale, speaker).
    """

    clips: list[tuple[str, Samples]]
    sample_rate: int
    model: str
    params: dict[str, Any] = field(default_factory=dict)


class SentenceSpeech:
    """A local text-to-speech engine that speaks one sentence at a time.

    Subclasses set ``name`` and ``engine_name`` (for messages) and implement
    ``speak_sentences``; ``synthesize`` is the ``SpeechProvider`` method.
    """

    name = "sentence-speech"
    engine_name = "The speech engine"

    def __init__(
        self, *, sentence_gap_s: float = DEFAULT_SENTENCE_GAP_S, target_lufs: float | None = -16.0
    ) -> None:
        self.sentence_gap_s = sentence_gap_s
        self.target_lufs = target_lufs

    def speak_sentences(
        self, sentences: Sequence[str], *, locale: str, speed: float
    ) -> SpokenSentences:
        raise NotImplementedError

    def synthesize(self, text: str, *, locale: str, speed: float = 1.0) -> SpeechResult:
        check_speed(speed)
        sentences = split_sentences(text, locale)
        if not sentences:
            raise ProviderError("Nothing to say: the text has no words.")
        started = time.perf_counter()
        spoken = self.speak_sentences(sentences, locale=locale, speed=speed)
        sample_rate = spoken.sample_rate
        gap_s = self.sentence_gap_s / speed
        samples, timings = join_sentence_clips(spoken.clips, sample_rate, gap_s=gap_s)
        if not timings:
            raise ProviderError(f"{self.engine_name} produced no audio for the text.")
        if self.target_lufs is not None:
            samples = normalize_loudness(samples, sample_rate, target_lufs=self.target_lufs)
        elapsed = time.perf_counter() - started
        params: dict[str, Any] = {
            "locale": locale,
            "speed": speed,
            **spoken.params,
            "sentence_gap_s": gap_s,
            "target_lufs": self.target_lufs,
        }
        return SpeechResult(
            wav=encode_wav(samples, sample_rate),
            sample_rate=sample_rate,
            duration_s=samples.size / sample_rate,
            sentences=timings,
            provenance=Provenance(
                provider=self.name,
                model=spoken.model,
                prompt=text,
                params=params,
                cost=Cost(compute_seconds=elapsed),
                latency_s=elapsed,
            ),
        )
