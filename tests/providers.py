"""Tests choose generation backends through SHOP_AI_PROVIDERS, as operators do."""

from __future__ import annotations

import copy
from typing import Any

BACKENDS: dict[str, dict[str, str]] = {
    "text": {
        "template": "content.providers.text.TemplateWriter",
        "local": "content.providers.text.local.LocalLlmWriter",
        "openai": "content.providers.text.openai_writer.OpenAIWriter",
    },
    "image": {
        "compose": "content.providers.image.compose.ComposeImages",
        "diffusers": "content.providers.image.diffusers.DiffusersImages",
        "openai": "content.providers.image.openai.OpenAIImages",
    },
    "speech": {
        "piper": "content.providers.speech.piper.PiperSpeech",
        "espeak": "content.providers.speech.espeak.EspeakSpeech",
        "coqui": "content.providers.speech.coqui.CoquiSpeech",
        "openai": "content.providers.speech.openai_speech.OpenAISpeech",
    },
    "embeddings": {"minilm": "content.providers.embeddings.MiniLmEmbeddings"},
}


def entry(modality: str, name: str, **options: Any) -> dict[str, Any]:
    return {"BACKEND": BACKENDS[modality][name], "OPTIONS": options}


def use_provider(
    settings: Any, modality: str, name: str, *, locale: str | None = None, **options: Any
) -> None:
    """Configure ``modality`` (speech: for ``locale``) to backend ``name`` with ``options``.

    The setting is replaced, not edited in place, so Django's ``setting_changed`` fires and
    the registry forgets the backends it built.
    """
    providers = copy.deepcopy(settings.SHOP_AI_PROVIDERS)
    if locale is None:
        providers[modality] = entry(modality, name, **options)
    else:
        providers[modality][locale] = entry(modality, name, **options)
    settings.SHOP_AI_PROVIDERS = providers
