"""The live host's voice and where its audio goes: the registry's speech backend, per sentence."""

from __future__ import annotations

import re

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from content import facade as content_facade
from trust.labels import aigc_metadata, label_wav

# A room whose voice is one of these names speaks with that engine; any other voice (or
# none) speaks with the backend SHOP_AI_PROVIDERS["speech"] configures for the room's locale.
SPEECH_BACKENDS = {
    "piper": "content.providers.speech.piper.PiperSpeech",
    "espeak": "content.providers.speech.espeak.EspeakSpeech",
}
SAFE_NAME = re.compile(r"[^A-Za-z0-9_./-]")


class RoomVoice:
    """Speaks one room's lines sentence by sentence, so audio starts before a reply ends.

    Each sentence becomes its own WAV carrying the AIGC implicit label, like every other
    file we produce.
    """

    def __init__(self, *, locale: str, backend: str = "", room_slug: str = "") -> None:
        self.locale = locale
        # The same backend, with the same OPTIONS, as the pipeline's voice stage.
        self.provider = content_facade.speech_backend(
            locale, backend=SPEECH_BACKENDS.get(backend, "")
        )
        self.aigc = aigc_metadata(producer="Shop AI", produce_id=f"live:{room_slug or 'room'}")

    def warm_up(self) -> None:
        """Load the voice now, not on the first viewer's question."""
        self.render("Hello." if not self.locale.startswith("zh") else "你好。")

    def sentences(self, text: str) -> list[str]:
        return content_facade.split_sentences(text, self.locale) or [text]

    def render(self, sentence: str) -> tuple[bytes, float]:
        result = self.provider.synthesize(sentence, locale=self.locale)
        return label_wav(result.wav, self.aigc), result.duration_s


class MediaAudioStore:
    """Audio clips in the project's media storage; returns the URL players fetch."""

    def save(self, name: str, data: bytes) -> str:
        saved = default_storage.save(SAFE_NAME.sub("_", name), ContentFile(data))
        return str(default_storage.url(saved))
