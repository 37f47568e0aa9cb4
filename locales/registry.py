"""The locales the project knows, by code: built-ins plus any a deployment or test registers."""

from __future__ import annotations

from locales.en import EN
from locales.locale import Locale
from locales.zh_cn import ZH_CN

DEFAULT_LOCALE = "en"
# The built-in languages, in the order forms and the API list them.
LOCALE_CODES: tuple[str, ...] = (EN.code, ZH_CN.code)

_LOCALES: dict[str, Locale] = {EN.code: EN, ZH_CN.code: ZH_CN}


class UnknownLocale(ValueError):
    """A locale code no registered ``Locale`` answers to."""


def get_locale(code: str | Locale) -> Locale:
    """The ``Locale`` for a stored code ("en", "zh-CN"); a ``Locale`` passes through."""
    if isinstance(code, Locale):
        return code
    try:
        return _LOCALES[code]
    except KeyError:
        raise UnknownLocale(
            f"unsupported locale {code!r}; choose one of {sorted(_LOCALES)}"
        ) from None


def find_locale(tag: str | Locale) -> Locale | None:
    """The registered ``Locale`` a BCP 47 tag names: the exact code first ("zh-CN"), else the
    first locale of its language ("en-US" -> en; "zh", "zh_Hans" -> zh-CN); None if neither.
    """
    if isinstance(tag, Locale):
        return tag
    if tag in _LOCALES:
        return _LOCALES[tag]
    language = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return next((known for known in _LOCALES.values() if known.language == language), None)


def register_locale(locale: Locale, *, replace: bool = False) -> Locale:
    """Make ``locale`` available to every feature by its code."""
    if locale.code in _LOCALES and not replace:
        raise ValueError(f"locale {locale.code!r} is already registered")
    _LOCALES[locale.code] = locale
    return locale


def unregister_locale(code: str) -> None:
    """Forget a registered locale (tests that define their own clean up with this)."""
    if code in LOCALE_CODES:
        raise ValueError(f"the built-in locale {code!r} cannot be unregistered")
    _LOCALES.pop(code, None)


def registered_locales() -> tuple[Locale, ...]:
    return tuple(_LOCALES.values())
