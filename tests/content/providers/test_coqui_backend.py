"""The coqui speech provider: operator files are checked at start-up naming the settings,
a missing coqui-tts fails naming the install step, and, where coqui-tts imports, a tiny
randomly initialised VITS saved to disk speaks real, timed, loudness-normalised WAV."""

from __future__ import annotations

import wave
from io import BytesIO
from pathlib import Path

import pytest

from content.providers.base import ProviderUnavailable
from content.providers.registry import get_speech_backend
from content.providers.speech import (
    SpeechProvider,
    decode_wav,
    integrated_loudness,
    rms,
)
from content.providers.speech.coqui import (
    CONFIG_PATH_SETTING,
    INSTALL_STEP,
    MODEL_PATH_SETTING,
    CoquiSpeech,
    import_synthesizer,
)
from tests.providers import use_provider

TEXT = "Meet the travel kettle. It boils half a litre in three minutes!"


@pytest.fixture(autouse=True)
def _no_operator_settings(monkeypatch):
    monkeypatch.delenv(MODEL_PATH_SETTING, raising=False)
    monkeypatch.delenv(CONFIG_PATH_SETTING, raising=False)


def coqui_available() -> str | None:
    """None when coqui-tts imports, else the provider's own reason (the install step)."""
    try:
        import_synthesizer()
    except ProviderUnavailable as exc:
        return str(exc)
    return None


def model_files(folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    model, config = folder / "model.pth", folder / "config.json"
    model.write_bytes(b"checkpoint")
    config.write_text("{}")
    return model, config


# --- configuration (needs no coqui-tts) --------------------------------------------------------


def test_without_a_model_it_refuses_to_start_naming_the_setting():
    with pytest.raises(ProviderUnavailable, match=MODEL_PATH_SETTING):
        CoquiSpeech()


def test_a_model_path_that_points_nowhere_is_refused(tmp_path):
    with pytest.raises(ProviderUnavailable, match=rf"missing.*{MODEL_PATH_SETTING}"):
        CoquiSpeech(model_path=tmp_path / "gone.pth")


def test_a_checkpoint_without_its_config_names_the_config_setting(tmp_path):
    model = tmp_path / "model.pth"
    model.write_bytes(b"checkpoint")
    with pytest.raises(ProviderUnavailable, match=CONFIG_PATH_SETTING):
        CoquiSpeech(model_path=model)


def test_a_checkpoint_folder_carries_its_config(tmp_path):
    model, config = model_files(tmp_path / "voice-a")
    provider = CoquiSpeech(model_path=tmp_path / "voice-a")
    assert provider.files.config_path == config
    assert provider.model_name == "voice-a"
    assert CoquiSpeech(model_path=model, config_path=config).files.model_path == model


def test_the_environment_is_read_by_settings_not_the_backend(monkeypatch, tmp_path):
    model, config = model_files(tmp_path / "voice-b")
    monkeypatch.setenv(MODEL_PATH_SETTING, str(model))
    monkeypatch.setenv(CONFIG_PATH_SETTING, str(config))
    with pytest.raises(ProviderUnavailable, match=MODEL_PATH_SETTING):
        CoquiSpeech()


def test_the_registry_builds_it_for_a_locale(tmp_path, settings):
    model, config = model_files(tmp_path / "voice-c")
    use_provider(settings, "speech", "coqui", locale="zh-CN", model_path=str(model),
                 config_path=str(config))  # fmt: skip
    provider = get_speech_backend("zh-CN")
    assert isinstance(provider, CoquiSpeech)
    assert isinstance(provider, SpeechProvider)
    assert provider.files.model_path == model
    use_provider(settings, "speech", "coqui", locale="zh-CN")
    with pytest.raises(ProviderUnavailable, match=r'SHOP_AI_PROVIDERS\["speech"\]\["zh-CN"\]'):
        get_speech_backend("zh-CN")


def test_without_coqui_tts_loading_names_the_install_step(tmp_path):
    if coqui_available() is None:
        pytest.skip("coqui-tts is installed here; its absence cannot be shown")
    model, config = model_files(tmp_path / "voice-d")
    with pytest.raises(ProviderUnavailable) as raised:
        CoquiSpeech(model_path=model, config_path=config).synthesize(TEXT, locale="en-US")
    assert INSTALL_STEP in str(raised.value)
    assert "pip install coqui-tts==" in str(raised.value)


# --- real synthesis (needs coqui-tts) --------------------------------------------------------


def build_tiny_vits(folder: Path) -> Path:
    """A VITS of ~250k random parameters over plain letters (no phonemizer), saved to disk."""
    import torch
    from TTS.config.shared_configs import BaseAudioConfig
    from TTS.tts.configs.shared_configs import CharactersConfig
    from TTS.tts.configs.vits_config import VitsArgs, VitsConfig
    from TTS.tts.models.vits import Vits

    args = VitsArgs(
        hidden_channels=16,
        hidden_channels_ffn_text_encoder=32,
        num_heads_text_encoder=2,
        num_layers_text_encoder=1,
        resblock_type_decoder="2",
        resblock_kernel_sizes_decoder=[3],
        resblock_dilation_sizes_decoder=[[1, 3]],
        upsample_rates_decoder=[8, 8, 4],
        upsample_initial_channel_decoder=16,
        upsample_kernel_sizes_decoder=[16, 16, 8],
        num_layers_flow=1,
        num_layers_posterior_encoder=1,
        use_sdp=False,
        dropout_p_duration_predictor=0.0,
        init_discriminator=False,
    )
    characters = CharactersConfig(
        characters_class="TTS.tts.utils.text.characters.Graphemes",
        pad="_",
        eos="",
        bos="",
        blank="<BLNK>",
        characters="abcdefghijklmnopqrstuvwxyz",
        punctuations=" !,.?'-",
        phonemes=None,
        is_unique=True,
        is_sorted=True,
    )
    config = VitsConfig(
        model_args=args,
        audio=BaseAudioConfig(sample_rate=16000, hop_length=256, win_length=1024, fft_size=1024),
        use_phonemes=False,
        text_cleaner="basic_cleaners",
        characters=characters,
        add_blank=True,
    )
    torch.manual_seed(0)
    model = Vits(config)
    folder.mkdir(parents=True, exist_ok=True)
    torch.save({"model": model.state_dict(), "config": config.to_dict()}, folder / "model.pth")
    config.save_json(str(folder / "config.json"))
    return folder


@pytest.mark.slow
def test_a_tiny_vits_speaks_timed_normalised_sentences(tmp_path):
    reason = coqui_available()
    if reason is not None:
        pytest.skip(reason)
    folder = build_tiny_vits(tmp_path / "tiny-vits")
    provider = CoquiSpeech(model_path=folder / "model.pth", config_path=folder / "config.json")

    result = provider.synthesize(TEXT, locale="en-US")

    with wave.open(BytesIO(result.wav)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth()) == (1, 2)
        assert reader.getframerate() == result.sample_rate == 16000
        assert reader.getnframes() / reader.getframerate() == pytest.approx(result.duration_s)
    samples, rate = decode_wav(result.wav)
    assert rms(samples) > 0.02
    assert integrated_loudness(samples, rate) == pytest.approx(-16, abs=1)
    assert [s.text for s in result.sentences] == [
        "Meet the travel kettle.",
        "It boils half a litre in three minutes!",
    ]
    first, second = result.sentences
    assert first.start_s == 0
    assert first.end_s < second.start_s
    assert second.end_s == pytest.approx(result.duration_s)
    assert result.provenance.provider == "coqui"
    assert result.provenance.model == "tiny-vits"
