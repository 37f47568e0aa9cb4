"""Speech through an OpenAI-compatible ``audio.speech`` endpoint, one request per sentence.

Sentence timings are measured, not estimated: each sentence is synthesized on its own (up
to ``max_parallel`` requests at once), trimmed of the voice's own pauses and joined with the
same gap as Piper and eSpeak, so a caption starts and ends exactly with its sentence. This
costs the same characters as one request for the whole text (the API bills characters) and
takes about as long as the longest sentence, not their sum.

``speed`` is sent to the API when it is not 1.0: ``tts-1`` and ``tts-1-hd`` honour it; OpenAI
documents that ``gpt-4o-mini-tts`` does not, and there only the pauses between sentences
scale. The WAV replies may come with streaming headers (sizes of 0xFFFFFFFF); they are read
to the end of the data actually received.
"""

from __future__ import annotations

import struct
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import numpy as np

from content.providers.base import (
    Cost,
    OptionProblem,
    Provenance,
    ProviderError,
    ProviderUnavailable,
)
from content.providers.openai_client import endpoint_problems, openai_client, provider_error
from content.providers.speech.audio import (
    Samples,
    encode_wav,
    normalize_loudness,
    resample_linear,
    trim_silence,
)
from content.providers.speech.result import (
    DEFAULT_SENTENCE_GAP_S,
    SpeechResult,
    check_speed,
    join_sentence_clips,
)
from content.providers.speech.sentences import split_sentences

MODEL_SETTING = "OPENAI_SPEECH_MODEL"
VOICE_SETTING = "OPENAI_SPEECH_VOICE"
DEFAULT_MODEL = "gpt-4o-mini-tts"
DEFAULT_VOICE = "alloy"
_THOUSAND = Decimal(1000)
_INT16_MAX = 32767.0
_WAVE_FORMAT_PCM = 1
_WAVE_FORMAT_EXTENSIBLE = 0xFFFE


class OpenAISpeech:
    """Text-to-speech from an OpenAI-compatible endpoint (OpenAI, or a local server)."""

    name = "openai"

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        model: str = DEFAULT_MODEL,
        voice: str = DEFAULT_VOICE,
        instructions: str = "",
        price_per_1k_chars: Decimal | str | float = Decimal(0),
        sentence_gap_s: float = DEFAULT_SENTENCE_GAP_S,
        target_lufs: float | None = -16.0,
        max_parallel: int = 4,
        timeout_s: float = 60.0,
        max_retries: int = 0,
    ) -> None:
        if not model:
            raise ProviderUnavailable(f"The openai speech backend needs {MODEL_SETTING} set.")
        if not voice:
            raise ProviderUnavailable(f"The openai speech backend needs {VOICE_SETTING} set.")
        self.client = openai_client(
            backend="speech",
            base_url=base_url,
            api_key=api_key,
            timeout_s=timeout_s,
            max_retries=max_retries,
        )
        self.model = model
        self.voice = voice
        self.instructions = instructions
        self.price_per_1k_chars = Decimal(str(price_per_1k_chars))
        self.sentence_gap_s = sentence_gap_s
        self.target_lufs = target_lufs
        self.max_parallel = max(1, max_parallel)

    @classmethod
    def check_options(cls, options: Mapping[str, Any]) -> list[OptionProblem]:
        named = {"model": MODEL_SETTING, "voice": VOICE_SETTING}
        return endpoint_problems(options, backend="speech", named=named)

    def synthesize(self, text: str, *, locale: str, speed: float = 1.0) -> SpeechResult:
        check_speed(speed)
        sentences = split_sentences(text, locale)
        if not sentences:
            raise ProviderError("Nothing to say: the text has no words.")
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=min(self.max_parallel, len(sentences))) as pool:
            spoken = list(pool.map(lambda sentence: self._speak(sentence, speed), sentences))
        sample_rate = spoken[0][1]
        clips = [
            (sentence, trim_silence(resample_linear(samples, rate, sample_rate), sample_rate))
            for sentence, (samples, rate) in zip(sentences, spoken, strict=True)
        ]
        samples, timings = join_sentence_clips(
            clips, sample_rate, gap_s=self.sentence_gap_s / speed
        )
        if not timings:
            raise ProviderError(f"{self.model} returned only silence for the text.")
        if self.target_lufs is not None:
            samples = normalize_loudness(samples, sample_rate, target_lufs=self.target_lufs)
        elapsed = time.perf_counter() - started
        characters = sum(len(sentence) for sentence in sentences)
        params: dict[str, Any] = {
            "locale": locale,
            "voice": self.voice,
            "speed": speed,
            "requests": len(sentences),
            "sentence_gap_s": self.sentence_gap_s / speed,
            "target_lufs": self.target_lufs,
            "timings": "per-sentence requests",
        }
        if self.instructions:
            params["instructions"] = self.instructions
        return SpeechResult(
            wav=encode_wav(samples, sample_rate),
            sample_rate=sample_rate,
            duration_s=samples.size / sample_rate,
            sentences=timings,
            provenance=Provenance(
                provider=self.name,
                model=self.model,
                prompt=text,
                params=params,
                cost=Cost(
                    input_tokens=characters,  # the API bills characters; they stand in here
                    compute_seconds=elapsed,
                    money_usd=characters * self.price_per_1k_chars / _THOUSAND,
                ),
                latency_s=elapsed,
            ),
        )

    def _speak(self, sentence: str, speed: float) -> tuple[Samples, int]:
        import openai

        arguments: dict[str, Any] = {
            "model": self.model,
            "voice": self.voice,
            "input": sentence,
            "response_format": "wav",
        }
        if speed != 1.0:
            arguments["speed"] = speed
        if self.instructions:
            arguments["instructions"] = self.instructions
        try:
            response = self.client.audio.speech.create(**arguments)
            data = response.read()
        except openai.APIError as error:
            raise provider_error(error, model=self.model) from error
        try:
            return read_pcm_wav(data)
        except ValueError as error:
            raise ProviderError(f"{self.model}: the reply is not a usable WAV: {error}") from error


def read_pcm_wav(data: bytes) -> tuple[Samples, int]:
    """Mono float samples and the sample rate of a 16-bit PCM WAV.

    Unlike the ``wave`` module this accepts the streaming form servers send (RIFF and data
    sizes of 0 or 0xFFFFFFFF, the data running to the end of the file) and a final odd byte.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise ValueError("not a RIFF/WAVE file")
    offset = 12
    channels = sample_rate = bits = 0
    while offset + 8 <= len(data):
        chunk_id = data[offset : offset + 4]
        (size,) = struct.unpack_from("<I", data, offset + 4)
        body = offset + 8
        if chunk_id == b"fmt ":
            if size < 16 or body + 16 > len(data):
                raise ValueError("the fmt chunk is truncated")
            audio_format, channels, sample_rate, _, _, bits = struct.unpack_from(
                "<HHIIHH", data, body
            )
            if audio_format not in (_WAVE_FORMAT_PCM, _WAVE_FORMAT_EXTENSIBLE) or bits != 16:
                raise ValueError(f"expected 16-bit PCM, got format {audio_format}, {bits} bits")
        elif chunk_id == b"data":
            if not channels or not sample_rate:
                raise ValueError("the data chunk comes before the fmt chunk")
            end = len(data) if size in (0, 0xFFFFFFFF) else min(len(data), body + size)
            frame = 2 * channels
            usable = (end - body) // frame * frame
            pcm = np.frombuffer(data[body : body + usable], dtype="<i2").astype(np.float32)
            samples = pcm / _INT16_MAX
            if channels > 1:
                samples = samples.reshape(-1, channels).mean(axis=1)
            return samples.astype(np.float32), sample_rate
        offset = body + size + (size & 1)
    raise ValueError("no data chunk")
