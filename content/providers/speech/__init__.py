"""Text-to-speech: Piper (English), eSpeak NG (Chinese, fallback) and OpenAI-compatible
(``openai``) backends, and helpers.

The helpers cover what happens to speech after synthesis: loudness, a spoken AI disclosure,
WAV INFO labels and compression for delivery.
"""

from __future__ import annotations

from typing import Any

from content.providers.base import ProviderUnavailable
from content.providers.speech.audio import (
    decode_wav,
    encode_wav,
    integrated_loudness,
    limit_peaks,
    normalize_loudness,
    rms,
)
from content.providers.speech.coqui import CoquiSpeech
from content.providers.speech.disclosure import (
    DISCLOSURE_TEXT,
    disclosure_text_for,
    join_speech,
    prepend_disclosure,
)
from content.providers.speech.encode import (
    compressed_extension,
    encode_compressed,
    ffmpeg_executable,
)
from content.providers.speech.espeak import EspeakSpeech, espeak_voice_candidates
from content.providers.speech.openai_speech import OpenAISpeech
from content.providers.speech.piper import VOICE_PATH_SETTING, PiperSpeech, load_piper_voice
from content.providers.speech.result import (
    SentenceTiming,
    SpeechProvider,
    SpeechResult,
    language_of,
)
from content.providers.speech.riff import read_wav_info, riff_chunks, wav_with_info
from content.providers.speech.sentences import split_sentences

SPEECH_PROVIDERS: dict[str, type[SpeechProvider]] = {
    PiperSpeech.name: PiperSpeech,
    EspeakSpeech.name: EspeakSpeech,
    OpenAISpeech.name: OpenAISpeech,
    CoquiSpeech.name: CoquiSpeech,
}


def speech_for(name: str, **config: Any) -> SpeechProvider:
    """The speech backend called ``name``, built with ``config`` (its keyword settings)."""
    try:
        provider_class = SPEECH_PROVIDERS[name]
    except KeyError:
        raise ProviderUnavailable(
            f"Unknown speech provider {name!r}; choose one of {sorted(SPEECH_PROVIDERS)}."
        ) from None
    return provider_class(**config)


def default_speech_name(locale: str) -> str:
    """Piper speaks English (the only shipped voice); eSpeak NG covers everything else."""
    return PiperSpeech.name if language_of(locale) == "en" else EspeakSpeech.name


__all__ = [
    "DISCLOSURE_TEXT",
    "SPEECH_PROVIDERS",
    "VOICE_PATH_SETTING",
    "CoquiSpeech",
    "EspeakSpeech",
    "OpenAISpeech",
    "PiperSpeech",
    "SentenceTiming",
    "SpeechProvider",
    "SpeechResult",
    "compressed_extension",
    "decode_wav",
    "default_speech_name",
    "disclosure_text_for",
    "encode_compressed",
    "encode_wav",
    "espeak_voice_candidates",
    "ffmpeg_executable",
    "integrated_loudness",
    "join_speech",
    "language_of",
    "limit_peaks",
    "load_piper_voice",
    "normalize_loudness",
    "prepend_disclosure",
    "read_wav_info",
    "riff_chunks",
    "rms",
    "speech_for",
    "split_sentences",
    "wav_with_info",
]
