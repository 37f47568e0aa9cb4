"""The sentences speech and captions are cut into: the locale's own splitter (``locales``).

Speech backends take BCP 47 tags as players send them ("en-US", "zh_Hans"); a tag that is
not a registered locale is served by the registered locale of its language, then by the
default locale, so a voice never fails for want of a sentence splitter.
"""

from __future__ import annotations

from content.providers.speech.result import language_of
from locales import DEFAULT_LOCALE, Locale, UnknownLocale, get_locale, registered_locales


def speech_locale(code: str | Locale) -> Locale:
    """The registered ``Locale`` for a speech locale tag, by code, then language, then default."""
    try:
        return get_locale(code)
    except UnknownLocale:
        pass
    language = language_of(str(code))
    for locale in registered_locales():
        if locale.language == language:
            return locale
    return get_locale(DEFAULT_LOCALE)


def split_sentences(text: str, locale: str | Locale = DEFAULT_LOCALE) -> list[str]:
    """The sentences of ``text`` in order, stripped, punctuation kept, as ``locale`` splits them.

    Line breaks always end a sentence (product copy is often one claim per line).
    """
    return speech_locale(locale).split_sentences(text)
