"""The provider registry: SHOP_AI_PROVIDERS built from today's environment variables, each
backend built once per process and rebuilt when the setting changes, and a system check that
names the entry to fix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from content.providers.checks import check_providers
from content.providers.embeddings import MiniLmEmbeddings
from content.providers.image import ComposeImages
from content.providers.registry import (
    backend_name,
    get_backend,
    get_speech_backend,
    reset_backends,
    setting_path,
)
from content.providers.speech import EspeakSpeech, PiperSpeech
from content.providers.text import TemplateWriter
from tests.providers import entry, use_provider

ROOT = Path(__file__).resolve().parents[3]


def _messages() -> list[str]:
    return [m.msg for m in check_providers()]


def test_the_default_settings_pass_the_check():
    assert check_providers() == []


def test_the_defaults_are_the_embedded_backends():
    assert isinstance(get_backend("text"), TemplateWriter)
    assert isinstance(get_backend("image"), ComposeImages)
    assert isinstance(get_backend("embeddings"), MiniLmEmbeddings)
    assert isinstance(get_speech_backend("en"), PiperSpeech)
    assert isinstance(get_speech_backend("zh-CN"), EspeakSpeech)
    assert [backend_name("text"), backend_name("image")] == ["template", "compose"]


def test_a_backend_is_built_once_per_process_even_from_many_threads(settings):
    use_provider(settings, "speech", "espeak", locale="en", sentence_gap_s=0.3)
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(get_speech_backend("en")))
               for _ in range(8)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len({id(backend) for backend in seen}) == 1
    reset_backends()
    assert get_speech_backend("en") is not seen[0]


def test_a_changed_setting_builds_new_backends(settings):
    first = get_speech_backend("zh-CN")
    use_provider(settings, "speech", "espeak", locale="zh-CN", sentence_gap_s=0.5)

    second = get_speech_backend("zh-CN")

    assert second is not first
    assert isinstance(second, EspeakSpeech)
    assert second.sentence_gap_s == 0.5


def test_a_locale_without_its_own_entry_is_served_by_its_language_then_the_default():
    assert get_speech_backend("en-GB") is get_speech_backend("en")
    assert isinstance(get_speech_backend("fr"), EspeakSpeech)


def test_a_room_naming_its_engine_gets_that_engines_configured_options(settings):
    use_provider(settings, "speech", "espeak", locale="zh-CN", sentence_gap_s=0.4)
    backend = get_speech_backend("en", backend=entry("speech", "espeak")["BACKEND"])

    assert isinstance(backend, EspeakSpeech)
    assert backend.sentence_gap_s == 0.4


def test_settings_map_todays_environment_variables(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOP_AI_", "OPENAI_"))}
    env |= {
        "SHOP_AI_DATA_DIR": str(tmp_path),
        "SHOP_AI_TEXT_PROVIDER": "openai",
        "OPENAI_BASE_URL": "http://llm.local/v1",
        "OPENAI_MODEL": "qwen",
        "SHOP_AI_IMAGE_PROVIDER": "diffusers",
        "SHOP_AI_DIFFUSERS_MODEL_PATH": "/weights/sd",
        "SHOP_AI_DIFFUSERS_STEPS": "8",
        "SHOP_AI_SPEECH_PROVIDER_ZH": "coqui",
        "SHOP_AI_COQUI_MODEL_PATH": "/voices/zh",
        "SHOP_AI_EMBEDDINGS_MODEL_PATH": "/models/minilm",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.SHOP_AI_PROVIDERS))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout  # fmt: skip
    providers = json.loads(out)

    assert providers["text"]["BACKEND"] == "content.providers.text.openai_writer.OpenAIWriter"
    assert providers["text"]["OPTIONS"]["base_url"] == "http://llm.local/v1"
    assert providers["text"]["OPTIONS"]["model"] == "qwen"
    assert providers["image"]["BACKEND"].endswith("diffusers.DiffusersImages")
    assert providers["image"]["OPTIONS"]["model_path"] == "/weights/sd"
    assert providers["image"]["OPTIONS"]["steps"] == 8
    assert providers["speech"]["en"]["BACKEND"].endswith("piper.PiperSpeech")
    assert providers["speech"]["zh-CN"]["BACKEND"].endswith("coqui.CoquiSpeech")
    assert providers["speech"]["zh-CN"]["OPTIONS"]["model_path"] == "/voices/zh"
    assert providers["embeddings"]["OPTIONS"] == {"model_path": "/models/minilm"}


# --- the system check ------------------------------------------------------------------------


def test_missing_weights_of_a_local_backend_are_named_by_their_option(settings, tmp_path):
    use_provider(settings, "speech", "coqui", locale="zh-CN", model_path=str(tmp_path / "gone"))

    messages = _messages()

    where = 'SHOP_AI_PROVIDERS["speech"]["zh-CN"]["OPTIONS"]["model_path"]'
    assert setting_path("speech", "zh-CN", "OPTIONS", "model_path") == where
    assert len(messages) == 1
    assert messages[0].startswith(where)


def test_manage_py_check_reports_a_misconfigured_provider_by_its_setting(settings, tmp_path):
    use_provider(settings, "image", "diffusers", model_path=str(tmp_path))

    with pytest.raises(SystemCheckError, match=r'SHOP_AI_PROVIDERS\["image"\]\["OPTIONS"\]'):
        call_command("check")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"video": entry("image", "compose")}, 'SHOP_AI_PROVIDERS["video"]: unknown modality'),
        ({"text": {"BACKEND": "content.providers.text.Nope"}},
         'SHOP_AI_PROVIDERS["text"]["BACKEND"]: cannot import'),
        ({"text": {"BACKEND": "content.providers.text.TemplateWriter", "OPTIONS": {"x": 1}}},
         'SHOP_AI_PROVIDERS["text"]["OPTIONS"]["x"]: TemplateWriter takes no option'),
        ({"text": entry("text", "openai", base_url="http://x/v1")},
         'SHOP_AI_PROVIDERS["text"]["OPTIONS"]["model"]: OpenAIWriter needs this option'),
        ({"image": {"BACKEND": "content.providers.image.ComposeImages", "OPTIONS": []}},
         'SHOP_AI_PROVIDERS["image"]["OPTIONS"] must be a dict'),
        ({"embeddings": entry("embeddings", "minilm", model_path="/nowhere")},
         'SHOP_AI_PROVIDERS["embeddings"]["OPTIONS"]["model_path"]: No sentence-transformers'),
        ({"speech": {"xx": entry("speech", "espeak"), "default": entry("speech", "espeak")}},
         'SHOP_AI_PROVIDERS["speech"]["xx"]: no registered locale speaks'),
        ({"image": entry("image", "openai", base_url="", api_key="sk")},
         'SHOP_AI_PROVIDERS["image"]["OPTIONS"]["base_url"]: the openai image backend needs it; '
         "set OPENAI_BASE_URL"),
        ({"text": entry("text", "openai", model="")},
         'SHOP_AI_PROVIDERS["text"]["OPTIONS"]["model"]: the openai writer needs a model'),
        ({"speech": {"en": entry("speech", "piper")}},
         """SHOP_AI_PROVIDERS["speech"]: nothing speaks 'zh-CN'"""),
    ],
)  # fmt: skip
def test_each_misconfiguration_names_the_setting_to_fix(settings, change, named):
    settings.SHOP_AI_PROVIDERS = {**settings.SHOP_AI_PROVIDERS, **change}

    messages = _messages()

    assert any(m.startswith(named) for m in messages), messages
