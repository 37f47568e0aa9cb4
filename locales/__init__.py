"""Languages the project writes and speaks: one ``Locale`` per language, found by its code.

Plain Python, no Django. Writers, the host engine, answers, labels and grounding take a
``Locale`` (never a bare string); what differs between languages lives here, not in them.
"""

from locales.locale import Locale, Phrasebook
from locales.money import discount_percent, format_money, format_number
from locales.registry import (
    DEFAULT_LOCALE,
    LOCALE_CODES,
    UnknownLocale,
    find_locale,
    get_locale,
    register_locale,
    registered_locales,
    unregister_locale,
)
from locales.scripts import CJK_CHAR, CJK_RUN, cjk_count, has_cjk

__all__ = [
    "CJK_CHAR",
    "CJK_RUN",
    "DEFAULT_LOCALE",
    "LOCALE_CODES",
    "Locale",
    "Phrasebook",
    "UnknownLocale",
    "cjk_count",
    "discount_percent",
    "find_locale",
    "format_money",
    "format_number",
    "get_locale",
    "has_cjk",
    "register_locale",
    "registered_locales",
    "unregister_locale",
]
