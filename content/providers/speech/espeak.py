"""Speech with eSpeak NG (Chinese and fallback), through the libespeak-ng in ``espeakng-loader``.

The library is driven through ctypes in synchronous mode: ``espeak_Synth`` returns once the
text is spoken, having handed every block of samples to our callback. eSpeak keeps global
state, so one process-wide lock serialises calls. No system package is needed.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from content.providers.base import ProviderError, ProviderUnavailable
from content.providers.speech.audio import Samples, trim_silence
from content.providers.speech.result import DEFAULT_SENTENCE_GAP_S, language_of
from content.providers.speech.sentence_speech import SentenceSpeech, SpokenSentences

# Constants from espeak-ng's speak_lib.h.
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000  # return an error instead of calling exit()
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
_PARAMETER_RATE = 1
_OK = 0
# eSpeak's own default pace, in words per minute, and the range it accepts.
_DEFAULT_RATE_WPM = 175
_MIN_RATE_WPM = 80
_MAX_RATE_WPM = 450

# eSpeak voices whose file names differ from the locale or language code
# (British English is the voice file "en"; Mandarin is "cmn").
_VOICE_FOR_LOCALE = {"en-gb": "en", "zh-hk": "yue", "zh-tw": "cmn"}
_VOICE_FOR_LANGUAGE = {"zh": "cmn", "en": "en-us"}

_SynthCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


@dataclass
class _Engine:
    library: ctypes.CDLL
    sample_rate: int
    callback: Any  # the ctypes callback object, kept alive as long as the library uses it
    blocks: list[Samples]


_engine: _Engine | None = None
_engine_lock = threading.Lock()


def espeak_voice_candidates(locale: str) -> list[str]:
    """Voice names to try in order: our mappings, then the locale and its language as given.

    ``zh-CN`` tries ``cmn`` first, ``en-US`` ``en-us``, ``fr-FR`` ``fr-fr`` and then ``fr``.
    """
    normalized = locale.replace("_", "-").lower()
    language = language_of(locale)
    candidates = [
        _VOICE_FOR_LOCALE.get(normalized),
        _VOICE_FOR_LANGUAGE.get(language),
        normalized,
        language,
    ]
    return list(dict.fromkeys(name for name in candidates if name))


def _start_engine(library_path: str | None, data_path: str | None) -> _Engine:
    """Load and initialise libespeak-ng once per process (the caller holds the lock)."""
    global _engine
    if _engine is not None:
        return _engine
    if library_path is None or data_path is None:
        try:
            import espeakng_loader
        except ImportError as exc:
            raise ProviderUnavailable(
                "eSpeak NG is not installed: pip install espeakng-loader."
            ) from exc
        library_path = library_path or espeakng_loader.get_library_path()
        try:
            data_path = data_path or espeakng_loader.get_data_path()
        except RuntimeError as exc:
            raise ProviderUnavailable(f"espeakng-loader has no voice data: {exc}") from exc
    try:
        library = ctypes.CDLL(library_path)
    except OSError as exc:
        raise ProviderUnavailable(f"Cannot load libespeak-ng from {library_path}: {exc}") from exc
    library.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    library.espeak_Initialize.restype = ctypes.c_int
    library.espeak_SetSynthCallback.argtypes = [_SynthCallback]
    library.espeak_SetSynthCallback.restype = None
    library.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    library.espeak_SetVoiceByName.restype = ctypes.c_int
    library.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    library.espeak_SetParameter.restype = ctypes.c_int
    library.espeak_Synth.argtypes = [
        ctypes.c_void_p,  # text
        ctypes.c_size_t,  # size in bytes, including the terminating NUL
        ctypes.c_uint,  # position
        ctypes.c_int,  # position type
        ctypes.c_uint,  # end position (0: no end)
        ctypes.c_uint,  # flags
        ctypes.c_void_p,  # unique identifier out-pointer
        ctypes.c_void_p,  # user data
    ]
    library.espeak_Synth.restype = ctypes.c_int

    sample_rate = library.espeak_Initialize(
        _AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), _INITIALIZE_DONT_EXIT
    )
    if sample_rate <= 0:
        raise ProviderUnavailable(f"eSpeak NG failed to start with voice data at {data_path}.")
    blocks: list[Samples] = []

    def collect(wav: Any, sample_count: int, _events: Any) -> int:
        if wav and sample_count > 0:
            block = np.ctypeslib.as_array(wav, shape=(sample_count,))
            blocks.append(block.astype(np.float32) / 32768.0)
        return 0  # 0: keep synthesising

    callback = _SynthCallback(collect)
    library.espeak_SetSynthCallback(callback)
    _engine = _Engine(library=library, sample_rate=sample_rate, callback=callback, blocks=blocks)
    return _engine


class EspeakSpeech(SentenceSpeech):
    """eSpeak NG text-to-speech: robotic but small, fast, and it speaks Mandarin."""

    name = "espeak"
    engine_name = "eSpeak NG"

    def __init__(
        self,
        *,
        library_path: str | None = None,
        data_path: str | None = None,
        sentence_gap_s: float = DEFAULT_SENTENCE_GAP_S,
        target_lufs: float | None = -16.0,
    ) -> None:
        super().__init__(sentence_gap_s=sentence_gap_s, target_lufs=target_lufs)
        self.library_path = library_path
        self.data_path = data_path

    def load(self) -> None:
        """Start the engine now rather than on the first call; raises ProviderUnavailable."""
        with _engine_lock:
            _start_engine(self.library_path, self.data_path)

    def speak_sentences(
        self, sentences: Sequence[str], *, locale: str, speed: float
    ) -> SpokenSentences:
        rate = min(_MAX_RATE_WPM, max(_MIN_RATE_WPM, round(_DEFAULT_RATE_WPM * speed)))
        with _engine_lock:
            engine = _start_engine(self.library_path, self.data_path)
            voice = self._select_voice(engine, locale)
            engine.library.espeak_SetParameter(_PARAMETER_RATE, rate, 0)
            clips = [(s, self._speak(engine, s)) for s in sentences]
        return SpokenSentences(
            clips=clips,
            sample_rate=engine.sample_rate,
            model=f"espeak-ng:{voice}",
            params={"rate_wpm": rate},
        )

    @staticmethod
    def _select_voice(engine: _Engine, locale: str) -> str:
        """Set the first voice eSpeak knows for ``locale`` and return its name."""
        candidates = espeak_voice_candidates(locale)
        for voice in candidates:
            if engine.library.espeak_SetVoiceByName(voice.encode()) == _OK:
                return voice
        raise ProviderError(f"eSpeak NG has no voice for locale {locale} (tried {candidates}).")

    @staticmethod
    def _speak(engine: _Engine, sentence: str) -> Samples:
        """Samples for one sentence (the caller holds the engine lock)."""
        engine.blocks.clear()
        encoded = sentence.encode("utf-8") + b"\x00"
        buffer = ctypes.create_string_buffer(encoded, len(encoded))
        status = engine.library.espeak_Synth(
            buffer, len(encoded), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
        )
        if status != _OK:
            raise ProviderError(f"eSpeak NG failed (error {status}) on: {sentence[:60]!r}")
        if not engine.blocks:
            return np.zeros(0, dtype=np.float32)
        clip = np.concatenate(engine.blocks)
        engine.blocks.clear()
        return trim_silence(clip, engine.sample_rate)
