"""Spoken AI disclosure: a short sentence said before the content, timings shifted after it."""

from __future__ import annotations

import dataclasses

import numpy as np

from content.providers.speech.audio import decode_wav, encode_wav, resample_linear, silence
from content.providers.speech.result import SentenceTiming, SpeechProvider, SpeechResult
from content.providers.speech.sentences import speech_locale
from locales import DEFAULT_LOCALE, Locale, get_locale

DEFAULT_DISCLOSURE_GAP_S = 0.4


def disclosure_text_for(locale: str | Locale) -> str:
    """The spoken disclosure for a locale: the ``voice_disclosure`` of its "labels" phrasebook,
    the default locale's where the tag's language has no locale or the locale no such text."""
    for candidate in (speech_locale(locale), get_locale(DEFAULT_LOCALE)):
        text = candidate.phrasebooks.get("labels", {}).get("voice_disclosure")
        if text:
            return str(text)
    raise KeyError(f"no voice_disclosure in the labels phrasebook of {DEFAULT_LOCALE!r}")


def prepend_disclosure(
    result: SpeechResult,
    *,
    provider: SpeechProvider,
    locale: str,
    text: str | None = None,
    gap_s: float = DEFAULT_DISCLOSURE_GAP_S,
) -> SpeechResult:
    """``result`` with a spoken disclosure in front, said by ``provider`` in ``locale``.

    The disclosure's sentences come first in ``sentences`` (captions show it too) and every
    content timing moves later by the disclosure's length plus ``gap_s``. The provenance
    stays the content's, with the disclosure text recorded and its compute cost added.
    """
    disclosure_text = text or disclosure_text_for(locale)
    disclosure = provider.synthesize(disclosure_text, locale=locale)
    return join_speech(disclosure, result, gap_s=gap_s, disclosure_text=disclosure_text)


def join_speech(
    first: SpeechResult, second: SpeechResult, *, gap_s: float, disclosure_text: str = ""
) -> SpeechResult:
    """``first`` then ``second`` as one track at ``second``'s sample rate."""
    sample_rate = second.sample_rate
    first_samples, first_rate = decode_wav(first.wav)
    second_samples, _ = decode_wav(second.wav)
    first_samples = resample_linear(first_samples, first_rate, sample_rate)
    gap = silence(gap_s, sample_rate)
    offset = (first_samples.size + gap.size) / sample_rate
    track = np.concatenate([first_samples, gap, second_samples])
    first_scale = first_samples.size / sample_rate / first.duration_s if first.duration_s else 1.0
    timings = [
        SentenceTiming(s.text, s.start_s * first_scale, s.end_s * first_scale)
        for s in first.sentences
    ] + [SentenceTiming(s.text, s.start_s + offset, s.end_s + offset) for s in second.sentences]
    provenance = second.provenance
    params = dict(provenance.params)
    if disclosure_text:
        params["disclosure"] = disclosure_text
    return SpeechResult(
        wav=encode_wav(track, sample_rate),
        sample_rate=sample_rate,
        duration_s=track.size / sample_rate,
        sentences=timings,
        provenance=dataclasses.replace(
            provenance,
            params=params,
            cost=provenance.cost + first.provenance.cost,
            latency_s=provenance.latency_s + first.provenance.latency_s,
        ),
    )
