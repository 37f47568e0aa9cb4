"""Text-to-speech: Piper (English), eSpeak NG (Chinese, fallback), Coqui (operator models)
and OpenAI-compatible (``openai``) backends, and helpers.

``SHOP_AI_PROVIDERS["speech"]`` chooses a backend per locale; ``content.providers.registry``
builds it. The local engines share ``SentenceSpeech``. The helpers cover what happens to
speech after synthesis: loudness, a spoken AI disclosure, WAV INFO labels and compression.
"""

from __future__ import annotations

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
from content.providers.speech.sentence_speech import SentenceSpeech, SpokenSentences
from content.providers.speech.sentences import speech_locale, split_sentences

__all__ = [
    "VOICE_PATH_SETTING",
    "CoquiSpeech",
    "EspeakSpeech",
    "OpenAISpeech",
    "PiperSpeech",
    "SentenceSpeech",
    "SentenceTiming",
    "SpeechProvider",
    "SpeechResult",
    "SpokenSentences",
    "compressed_extension",
    "decode_wav",
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
    "speech_locale",
    "split_sentences",
    "wav_with_info",
]
