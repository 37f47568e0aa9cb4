"""The soundtrack: read 16-bit WAVs, duck background music under the voice and mix to stereo."""

from __future__ import annotations

import io
import wave

import numpy as np
import numpy.typing as npt

from content.providers.base import ProviderError

SAMPLE_RATE = 44100
FloatArray = npt.NDArray[np.float32]

# Music sits well under a voice: full level when nobody speaks, ~-13 dB under speech.
MUSIC_GAIN = 0.45
DUCKED_MUSIC_GAIN = 0.1
# The voice counts as speaking when its 20 ms RMS passes about -34 dBFS.
VOICE_THRESHOLD_RMS = 0.02
_ENVELOPE_WINDOW_S = 0.02
# Duck fast, recover slowly, and hold through the short pauses between words so the
# music does not pump.
_ATTACK_S = 0.04
_RELEASE_S = 0.3
_HOLD_S = 0.2
_MUSIC_FADE_IN_S = 0.3
_MUSIC_FADE_OUT_S = 1.0


def read_wav(data: bytes, *, what: str = "audio") -> tuple[FloatArray, int]:
    """Decode a 16-bit PCM WAV into mono float samples in [-1, 1] and its sample rate."""
    try:
        with wave.open(io.BytesIO(data)) as wav:
            if wav.getsampwidth() != 2:
                raise ProviderError(
                    f"the {what} WAV must be 16-bit PCM, got {8 * wav.getsampwidth()}-bit"
                )
            channels, rate = wav.getnchannels(), wav.getframerate()
            raw = wav.readframes(wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise ProviderError(f"the {what} is not a readable 16-bit PCM WAV: {exc}") from exc
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples[: len(samples) // channels * channels].reshape(-1, channels).mean(axis=1)
    return samples.astype(np.float32), rate


def resample(samples: FloatArray, rate: int, target: int = SAMPLE_RATE) -> FloatArray:
    """Linear-interpolation resampling: enough for speech and music beds in a short video."""
    if rate == target or len(samples) == 0:
        return samples
    count = round(len(samples) * target / rate)
    positions = np.arange(count, dtype=np.float64) * (rate / target)
    return np.interp(positions, np.arange(len(samples)), samples).astype(np.float32)


def fit_length(samples: FloatArray, count: int, *, loop: bool = False) -> FloatArray:
    """Cut or pad with silence (or repeat, for music) to exactly `count` samples."""
    if len(samples) >= count:
        return samples[:count]
    if loop and len(samples):
        return np.tile(samples, -(-count // len(samples)))[:count]
    return np.concatenate([samples, np.zeros(count - len(samples), dtype=np.float32)])


def voice_activity(voice: FloatArray, rate: int = SAMPLE_RATE) -> npt.NDArray[np.bool_]:
    """Per 20 ms window: is the voice speaking (RMS above the threshold)?"""
    window = max(1, round(rate * _ENVELOPE_WINDOW_S))
    count = len(voice) // window
    if count == 0:
        return np.zeros(0, dtype=bool)
    frames = voice[: count * window].reshape(count, window).astype(np.float64)
    rms = np.sqrt(np.mean(frames * frames, axis=1))
    return np.asarray(rms > VOICE_THRESHOLD_RMS)


def ducking_gain(voice: FloatArray, rate: int = SAMPLE_RATE) -> FloatArray:
    """Per-sample music gain: MUSIC_GAIN in silence, DUCKED_MUSIC_GAIN while the voice speaks."""
    window = max(1, round(rate * _ENVELOPE_WINDOW_S))
    active = voice_activity(voice, rate)
    hold = round(_HOLD_S / _ENVELOPE_WINDOW_S)
    targets = np.where(active, DUCKED_MUSIC_GAIN, MUSIC_GAIN)
    attack = 1 - np.exp(-_ENVELOPE_WINDOW_S / _ATTACK_S)
    release = 1 - np.exp(-_ENVELOPE_WINDOW_S / _RELEASE_S)
    gains = np.empty(len(targets), dtype=np.float64)
    level, since_active = MUSIC_GAIN, hold + 1
    # A one-pole follower per window; a few thousand steps even for a 30 s video.
    for i, target in enumerate(targets):
        since_active = 0 if active[i] else since_active + 1
        if since_active <= hold:
            target = DUCKED_MUSIC_GAIN
        level += (target - level) * (attack if target < level else release)
        gains[i] = level
    if len(gains) == 0:
        return np.full(len(voice), MUSIC_GAIN, dtype=np.float32)
    centres = (np.arange(len(gains)) + 0.5) * window
    return np.interp(np.arange(len(voice)), centres, gains).astype(np.float32)


def _fades(count: int, rate: int) -> FloatArray:
    envelope = np.ones(count, dtype=np.float32)
    fade_in = min(count, round(_MUSIC_FADE_IN_S * rate))
    fade_out = min(count, round(_MUSIC_FADE_OUT_S * rate))
    if fade_in:
        envelope[:fade_in] *= np.linspace(0, 1, fade_in, dtype=np.float32)
    if fade_out:
        envelope[count - fade_out :] *= np.linspace(1, 0, fade_out, dtype=np.float32)
    return envelope


def build_soundtrack(
    voice: FloatArray | None, music: FloatArray | None, duration_s: float
) -> FloatArray:
    """The final stereo track at SAMPLE_RATE, exactly `duration_s` long, shape (n, 2).

    Voice and music arrive mono at SAMPLE_RATE. The music loops to length, ducks under
    the voice and fades at both ends; the mix is scaled down only if it would clip.
    """
    count = round(duration_s * SAMPLE_RATE)
    mix = np.zeros(count, dtype=np.float32)
    spoken = fit_length(voice, count) if voice is not None else mix.copy()
    mix += spoken
    if music is not None and len(music):
        bed = fit_length(music, count, loop=True)
        mix += bed * ducking_gain(spoken) * _fades(count, SAMPLE_RATE)
    peak = float(np.max(np.abs(mix))) if count else 0.0
    if peak > 0.98:
        mix *= 0.98 / peak
    return np.stack([mix, mix], axis=1)
