"""The one way the pipeline and the live room obtain a generation backend.

``SHOP_AI_PROVIDERS`` has Django's shape (like ``CACHES``): per modality a ``BACKEND`` (the
dotted path of a class) and the ``OPTIONS`` it is built with as keyword arguments; speech
has one entry per locale, ``"default"`` serving the rest. Each backend is built once per
process and shared (an OpenAI client costs ~100 ms to build, a model loader more; every
backend is safe to share across threads), and forgotten when the setting changes, as tests
do with ``override_settings``. ``content.providers.checks`` validates the same entries at
start-up without building them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

from django.conf import settings
from django.utils.module_loading import import_string

from content.providers.base import ProviderUnavailable

if TYPE_CHECKING:
    from content.providers.embeddings import EmbeddingProvider
    from content.providers.image import ImageProvider
    from content.providers.speech import SpeechProvider
    from content.providers.text import TextWriter

SETTING = "SHOP_AI_PROVIDERS"
MODALITIES = ("text", "image", "speech", "embeddings")
# Modalities configured per locale, with this alias for locales without their own entry.
PER_LOCALE = frozenset({"speech"})
DEFAULT_ALIAS = "default"
ENTRY_KEYS = frozenset({"BACKEND", "OPTIONS"})

Modality = Literal["text", "image", "embeddings"]


def language_of(locale: str) -> str:
    """The language subtag of a locale tag ("zh-CN" and "zh_Hans" give "zh")."""
    # Not speech.result's twin by import: that would load every speech backend at start-up.
    return locale.replace("_", "-").split("-", 1)[0].lower()


def setting_path(*keys: str) -> str:
    """How an operator finds an entry: ``SHOP_AI_PROVIDERS["speech"]["zh-CN"]["OPTIONS"]``."""
    return SETTING + "".join(f"[{key!r}]" for key in keys).replace("'", '"')


@dataclass(frozen=True)
class BackendEntry:
    """One configured backend: where it is set, the class's dotted path, its options."""

    keys: tuple[str, ...]  # ("speech", "zh-CN"): the entry's place in SHOP_AI_PROVIDERS
    backend: str
    options: Mapping[str, Any]

    @property
    def setting(self) -> str:
        return setting_path(*self.keys)


def configured() -> Mapping[str, Any]:
    value = getattr(settings, SETTING, None)
    if not isinstance(value, Mapping):
        raise ProviderUnavailable(f"{SETTING} must be a dict of modality to backend entry.")
    return value


def entry_from(keys: tuple[str, ...], raw: Any) -> BackendEntry:
    """A ``BackendEntry`` from its raw setting, or ProviderUnavailable naming what is wrong."""
    where = setting_path(*keys)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("BACKEND"), str):
        raise ProviderUnavailable(f'{where} must be a dict with a "BACKEND" dotted path.')
    options = raw.get("OPTIONS", {})
    if not isinstance(options, Mapping):
        raise ProviderUnavailable(f'{where}["OPTIONS"] must be a dict of keyword arguments.')
    return BackendEntry(keys, raw["BACKEND"], options)


def speech_alias(locale: str, aliases: Mapping[str, Any] | None = None) -> str:
    """Which speech entry speaks ``locale``: its own, its language's, else ``"default"``."""
    aliases = aliases if aliases is not None else _modality("speech")
    if locale in aliases:
        return locale
    language = language_of(locale)
    for alias in aliases:
        if alias != DEFAULT_ALIAS and language_of(alias) == language:
            return alias
    if DEFAULT_ALIAS in aliases:
        return DEFAULT_ALIAS
    raise ProviderUnavailable(
        f"No speech backend for locale {locale!r}: add {setting_path('speech', locale)} "
        f"or {setting_path('speech', DEFAULT_ALIAS)}."
    )


def _modality(modality: str) -> Any:
    try:
        return configured()[modality]
    except KeyError:
        raise ProviderUnavailable(f"No {modality} backend: set {setting_path(modality)}.") from None


def entry(modality: str, alias: str | None = None) -> BackendEntry:
    """The configured entry of a modality (and, for speech, of a locale)."""
    raw = _modality(modality)
    if modality not in PER_LOCALE:
        return entry_from((modality,), raw)
    if not isinstance(raw, Mapping):
        raise ProviderUnavailable(f"{setting_path(modality)} must be a dict of locale to entry.")
    name = speech_alias(alias or DEFAULT_ALIAS, raw)
    return entry_from((modality, name), raw[name])


def backend_class(item: BackendEntry) -> type[Any]:
    """The class an entry names, or ProviderUnavailable naming its BACKEND setting."""
    try:
        found = import_string(item.backend)
    except ImportError as exc:
        raise ProviderUnavailable(
            f'{item.setting}["BACKEND"]: cannot import {item.backend!r} ({exc}).'
        ) from exc
    if not isinstance(found, type):
        raise ProviderUnavailable(f'{item.setting}["BACKEND"]: {item.backend!r} is not a class.')
    return found


def build(item: BackendEntry) -> Any:
    """A new backend from an entry; a backend that cannot start says which entry to fix."""
    cls = backend_class(item)
    try:
        return cls(**item.options)
    except ProviderUnavailable as exc:
        raise ProviderUnavailable(f"{item.setting}: {exc}") from exc
    except (TypeError, ValueError) as exc:
        raise ProviderUnavailable(f'{item.setting}["OPTIONS"]: {exc}') from exc


# --- built once per process -------------------------------------------------------------------

_built: dict[tuple[str, ...], Any] = {}
# Held while building, so two threads asking at once build a backend once, not twice.
_lock = threading.RLock()


def _shared(keys: tuple[str, ...], make: Callable[[], Any]) -> Any:
    backend = _built.get(keys)
    if backend is not None:
        return backend
    with _lock:
        backend = _built.get(keys)
        if backend is None:
            backend = make()
            _built[keys] = backend
        return backend


@overload
def get_backend(modality: Literal["text"]) -> TextWriter: ...
@overload
def get_backend(modality: Literal["image"]) -> ImageProvider: ...
@overload
def get_backend(modality: Literal["embeddings"]) -> EmbeddingProvider: ...
def get_backend(modality: Modality) -> Any:
    """The process's backend for a modality configured once (text, image, embeddings)."""
    if modality in PER_LOCALE or modality not in MODALITIES:
        raise ValueError(f"get_backend takes one of text, image, embeddings, not {modality!r}")
    return _shared((modality,), lambda: build(entry(modality)))


def get_speech_backend(locale: str, *, backend: str = "") -> SpeechProvider:
    """The process's speech backend for ``locale``.

    ``backend`` (a dotted class path) asks for that class instead, as a live room that names
    its voice engine does; it gets the OPTIONS of the locale's entry when that entry is the
    same class, else of another speech entry of that class, else none.
    """
    item = entry("speech", locale)
    if backend and backend != item.backend:
        item = _speech_entry_of_class(backend, prefer=item)
    found: SpeechProvider = _shared((*item.keys, item.backend), lambda: build(item))
    return found


def _speech_entry_of_class(backend: str, *, prefer: BackendEntry) -> BackendEntry:
    aliases = _modality("speech")
    for alias, raw in aliases.items():
        if isinstance(raw, Mapping) and raw.get("BACKEND") == backend:
            return entry_from(("speech", alias), raw)
    return BackendEntry(prefer.keys, backend, {})


def backend_name(modality: str, alias: str | None = None) -> str:
    """The configured backend's short ``name`` ("template", "piper"), without building it:
    stage input hashes carry it, so work is redone when the backend changes."""
    return str(getattr(backend_class(entry(modality, alias)), "name", ""))


def reset_backends() -> None:
    """Forget every built backend; the next request builds from the settings of then."""
    with _lock:
        _built.clear()


def reset_on_setting_change(*, setting: str, **_: Any) -> None:
    """``setting_changed`` receiver: a new SHOP_AI_PROVIDERS means new backends."""
    if setting == SETTING:
        reset_backends()
