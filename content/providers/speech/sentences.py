"""The sentences speech and captions are cut into: the locale's own splitter (``locales``).

Speech backends take BCP 47 tags as players send them ("en-US", "zh_Hans"); a tag that is
not a registered locale is served by the registered locale of its language, then by the
default locale, so a voice never fails for want of a sentence splitter.
"""

from __future__ import annotations

from locales import DEFAULT_LOCALE, Locale, find_locale, get_locale


def speech_locale(code: str | Locale) -> Locale:
    """The registered ``Locale`` for a speech locale tag, by code, then language, then default."""
    return find_locale(code) or get_locale(DEFAULT_LOCALE)


def split_sentences(text: str, locale: str | Locale = DEFAULT_LOCALE) -> list[str]:
    """The sentences of ``text`` in order, stripped, punctuation kept, as ``locale`` splits them.

    Line breaks always end a sentence (product copy is often one claim per line).
    """
    return speech_locale(locale).split_sentences(text)
