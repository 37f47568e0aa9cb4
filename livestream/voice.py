"""The live host's voice and where its audio goes: content's speech providers, per sentence."""

from __future__ import annotations

import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from content.providers.speech import default_speech_name, speech_for, split_sentences
from trust.labels import aigc_metadata, label_wav

# Piper voices end with this; a voice name such as "piper" or "espeak" picks the backend.
SPEECH_BACKENDS = ("piper", "espeak")
SAFE_NAME = re.compile(r"[^A-Za-z0-9_./-]")


class RoomVoice:
    """Speaks one room's lines sentence by sentence, so audio starts before a reply ends.

    Each sentence becomes its own WAV carrying the AIGC implicit label, like every other
    file we produce.
    """

    def __init__(self, *, locale: str, backend: str = "", room_slug: str = "") -> None:
        self.locale = locale
        name = backend if backend in SPEECH_BACKENDS else default_speech_name(locale)
        self.provider = speech_for(name)
        self.aigc = aigc_metadata(producer="Shop AI", produce_id=f"live:{room_slug or 'room'}")

    def warm_up(self) -> None:
        """Load the voice now, not on the first viewer's question."""
        self.render("Hello." if not self.locale.startswith("zh") else "你好。")

    def sentences(self, text: str) -> list[str]:
        return split_sentences(text) or [text]

    def render(self, sentence: str) -> tuple[bytes, float]:
        result = self.provider.synthesize(sentence, locale=self.locale)
        return label_wav(result.wav, self.aigc), result.duration_s


class MediaAudioStore:
    """Audio clips in the project's media storage; returns the URL players fetch."""

    def save(self, name: str, data: bytes) -> str:
        saved = default_storage.save(SAFE_NAME.sub("_", name), ContentFile(data))
        return str(default_storage.url(saved))
