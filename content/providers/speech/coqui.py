"""Speech with Coqui TTS (the maintained `coqui-tts` package, imported as ``TTS``) from an
operator's model files: a checkpoint (the ``model_path`` option, ``SHOP_AI_COQUI_MODEL_PATH``
in the environment) and its config (``config_path``, ``SHOP_AI_COQUI_CONFIG_PATH``), loaded by
path and never downloaded.

``coqui-tts`` is not in requirements.txt: it needs ``torchaudio`` (and ``torchcodec``) built
for the installed torch, and PyPI's ``torchaudio`` is a CUDA build that does not load
against the CPU torch this project pins. So the package is imported lazily and a worker
without it fails at start-up with the install step in the message.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from content.providers.base import OptionProblem, ProviderError, ProviderUnavailable
from content.providers.speech.audio import trim_silence
from content.providers.speech.result import DEFAULT_SENTENCE_GAP_S, language_of
from content.providers.speech.sentence_speech import SentenceSpeech, SpokenSentences

MODEL_PATH_SETTING = "SHOP_AI_COQUI_MODEL_PATH"
CONFIG_PATH_SETTING = "SHOP_AI_COQUI_CONFIG_PATH"
COQUI_REQUIREMENT = "coqui-tts==0.28.0"
INSTALL_STEP = (
    f"pip install {COQUI_REQUIREMENT} together with torchaudio and torchcodec builds that "
    "load against the installed torch (PyPI's torchaudio is a CUDA build; a CPU torch needs "
    "the CPU torchaudio wheel for the same torch version)"
)


@dataclass(frozen=True)
class CoquiFiles:
    """Where the operator's model is: the checkpoint (a file or a folder) and its config."""

    model_path: Path
    config_path: Path


def check_files(model_path: str | Path | None, config_path: str | Path | None) -> CoquiFiles:
    """The model files, or ProviderUnavailable naming the setting that points nowhere."""
    if not model_path:
        raise ProviderUnavailable(
            f"The coqui speech provider needs a model: set {MODEL_PATH_SETTING} to a Coqui "
            f"TTS checkpoint (model.pth or its folder) and {CONFIG_PATH_SETTING} to its "
            "config.json."
        )
    model = Path(model_path).expanduser()
    if not model.exists():
        raise ProviderUnavailable(
            f"Coqui model missing: {model}. Set {MODEL_PATH_SETTING} to a Coqui TTS checkpoint."
        )
    # A checkpoint folder carries its config; a bare checkpoint file needs the setting.
    if config_path:
        config = Path(config_path).expanduser()
    else:
        config = (model if model.is_dir() else model.parent) / "config.json"
    if not config.is_file():
        raise ProviderUnavailable(
            f"Coqui config missing: {config}. Set {CONFIG_PATH_SETTING} to the model's config.json."
        )
    return CoquiFiles(model, config)


def import_synthesizer() -> Any:
    """Coqui's ``Synthesizer`` class, or ProviderUnavailable with the install step."""
    try:
        from TTS.utils.synthesizer import Synthesizer
    except (ImportError, OSError) as exc:
        # OSError: torchaudio is installed but its compiled library does not load (a CUDA
        # build next to a CPU torch, or one built for another torch version).
        raise ProviderUnavailable(
            f"The coqui speech provider cannot import coqui-tts ({type(exc).__name__}: {exc}). "
            f"Install it: {INSTALL_STEP}."
        ) from exc
    return Synthesizer


@dataclass
class LoadedVoice:
    synthesizer: Any
    # Synthesis changes the model's length scale for a call, so calls take turns.
    lock: threading.Lock


_voices: dict[tuple[Path, Path], LoadedVoice] = {}
_voices_lock = threading.Lock()


def load_coqui_voice(files: CoquiFiles) -> LoadedVoice:
    """The model in ``files``, loaded on first use on the CPU and then shared in-process."""
    key = (files.model_path.resolve(), files.config_path.resolve())
    with _voices_lock:
        voice = _voices.get(key)
        if voice is not None:
            return voice
        synthesizer_class = import_synthesizer()
        # Coqui resolves some model parts through the hub by name; never let it try.
        os.environ["HF_HUB_OFFLINE"] = "1"
        try:
            synthesizer = synthesizer_class(
                tts_checkpoint=str(files.model_path),
                tts_config_path=str(files.config_path),
                use_cuda=False,
            )
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ProviderUnavailable(
                f"Could not load the Coqui model {files.model_path} with {files.config_path}: "
                f"{exc}. Check {MODEL_PATH_SETTING} and {CONFIG_PATH_SETTING}."
            ) from exc
        voice = LoadedVoice(synthesizer, threading.Lock())
        _voices[key] = voice
        return voice


class CoquiSpeech(SentenceSpeech):
    """Coqui TTS from operator files, sentence by sentence so captions get exact timings.

    ``speaker`` names a voice of a multi-speaker model (the first is used when unset);
    ``language`` overrides the locale's language for multilingual models.
    """

    name = "coqui"
    engine_name = "Coqui"

    def __init__(
        self,
        *,
        model_path: str | Path | None = None,
        config_path: str | Path | None = None,
        speaker: str | None = None,
        language: str | None = None,
        sentence_gap_s: float = DEFAULT_SENTENCE_GAP_S,
        target_lufs: float | None = -16.0,
    ) -> None:
        super().__init__(sentence_gap_s=sentence_gap_s, target_lufs=target_lufs)
        # Checked now, so a worker configured for coqui without files fails at start-up.
        self.files = check_files(model_path, config_path)
        self.speaker = speaker
        self.language = language

    @classmethod
    def check_options(cls, options: Mapping[str, Any]) -> list[OptionProblem]:
        """What the start-up check reports: model files that are not there."""
        try:
            check_files(options.get("model_path"), options.get("config_path"))
        except ProviderUnavailable as exc:
            option = "config_path" if "config" in str(exc).split(":")[0].lower() else "model_path"
            return [OptionProblem(option, str(exc))]
        return []

    def load(self) -> LoadedVoice:
        """Load (or fetch from the process cache) the model; raises ProviderUnavailable."""
        return load_coqui_voice(self.files)

    @property
    def model_name(self) -> str:
        path = self.files.model_path
        return path.name if path.is_dir() else path.parent.name or path.stem

    def speak_sentences(
        self, sentences: Sequence[str], *, locale: str, speed: float
    ) -> SpokenSentences:
        voice = self.load()
        synthesizer = voice.synthesizer
        model = synthesizer.tts_model
        speaker = self.speaker or _first_name(getattr(model, "speaker_manager", None), "speaker")
        language = (
            self.language or language_of(locale)
            if _count(getattr(model, "language_manager", None), "language") > 1
            else None
        )
        sample_rate = int(synthesizer.output_sample_rate)
        clips = []
        with voice.lock, _speed(model, speed):
            for sentence in sentences:
                try:
                    wav = synthesizer.tts(
                        sentence,
                        speaker_name=speaker,
                        language_name=language,
                        split_sentences=False,
                    )
                except (RuntimeError, ValueError, KeyError, IndexError) as exc:
                    # IndexError: text ids beyond the model's embedding (config and
                    # checkpoint disagree on the character set).
                    raise ProviderError(f"Coqui could not speak {sentence!r}: {exc}") from exc
                clip = np.asarray(wav, dtype=np.float32).reshape(-1)
                clips.append((sentence, trim_silence(clip, sample_rate)))
        return SpokenSentences(
            clips=clips,
            sample_rate=sample_rate,
            model=self.model_name,
            params={"speaker": speaker, "language": language},
        )


@contextmanager
def _speed(model: Any, speed: float) -> Iterator[None]:
    """Speak ``speed`` times faster for the duration of the block.

    VITS-family models stretch durations by ``length_scale`` (the inverse of speed); a model
    without one can only speak at its own pace.
    """
    if speed == 1.0:
        yield
        return
    if not hasattr(model, "length_scale"):
        raise ProviderError(
            f"This Coqui model ({type(model).__name__}) has no length scale; "
            "it can only speak at speed 1.0."
        )
    natural = model.length_scale
    model.length_scale = natural / speed
    try:
        yield
    finally:
        model.length_scale = natural


def _count(manager: Any, kind: str) -> int:
    return int(getattr(manager, f"num_{kind}s", 0) or 0) if manager is not None else 0


def _first_name(manager: Any, kind: str) -> str | None:
    """The first voice of a multi-speaker model, so an unset speaker still speaks."""
    if _count(manager, kind) <= 1:
        return None
    names = getattr(manager, f"{kind}_names", None) or []
    return str(names[0]) if names else None
