"""``Locale``: everything the project needs to know to write and speak one language."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from locales import money, sentences
from locales.scripts import CJK_CHAR

# A feature's phrases in one language: the host's line templates, the copy writer's
# sentence patterns, the label texts. Each feature documents the keys it reads.
Phrasebook = Mapping[str, Any]

_LATIN_WORD = re.compile(r"[A-Za-z0-9']+")


@dataclass(frozen=True)
class Locale:
    """One language as the writers, the host, answers, labels and grounding use it.

    Built-in locales live in ``locales/en`` and ``locales/zh_cn``; a new language is one
    more ``Locale`` passed to ``register_locale``, with no edit anywhere else.
    """

    code: str  # BCP 47, as stored on rooms and assets: "en", "zh-CN"
    language: str  # the bare language: "en", "zh"
    name: str  # as a prompt names it: "English", "Simplified Chinese (简体中文)"
    # Speaking rate: Latin words and Han characters per second of speech.
    words_per_second: float
    chars_per_second: float
    # Joiners for a spoken or written list: ("、", "和") gives "红、蓝和绿".
    list_joiners: tuple[str, str]
    # False where words are not separated by spaces (Chinese, Japanese).
    spaces_between_words: bool = True
    phrasebooks: Mapping[str, Phrasebook] = field(default_factory=dict)
    currency_symbols: Mapping[str, str] = field(default_factory=lambda: money.CURRENCY_SYMBOLS)
    splitter: Callable[[str], list[str]] = sentences.split_sentences

    def format_money(self, amount: Decimal | int | str, currency: str) -> str:
        return money.format_money(amount, currency, symbols=self.currency_symbols)

    def format_number(self, value: Decimal | int, *, grouping: bool = False) -> str:
        return money.format_number(value, grouping=grouping)

    def discount_percent(
        self, price: Decimal | int | str | None, compare_at: Decimal | int | str | None
    ) -> int | None:
        return money.discount_percent(price, compare_at)

    def split_sentences(self, text: str) -> list[str]:
        return self.splitter(text)

    def speaking_seconds(self, text: str) -> float:
        """Estimated time to say ``text``, mixed scripts included; never under 0.6 s."""
        han = len(CJK_CHAR.findall(text))
        words = len(_LATIN_WORD.findall(CJK_CHAR.sub(" ", text)))
        return max(0.6, han / self.chars_per_second + words / self.words_per_second)

    def join(self, items: Sequence[str]) -> str:
        """ "a", "a and b", "a, b and c" in this language's list style."""
        comma, last = self.list_joiners
        if len(items) <= 1:
            return "".join(items)
        return f"{comma.join(items[:-1])}{last}{items[-1]}"

    def join_words(self, left: str, right: str) -> str:
        """Two phrases side by side ("Acme" and "Mug", "小米" and "手环"): a space where the
        language puts one between words, else only between two Latin words ("Acme Mug")."""
        if not left or not right:
            return left or right
        if self.spaces_between_words or (_is_latin_end(left) and right[0].isascii()):
            return f"{left} {right}"
        return f"{left}{right}"

    def phrases(self, feature: str) -> Phrasebook:
        """The phrasebook of one feature ("host", "copy", "labels", ...)."""
        try:
            return self.phrasebooks[feature]
        except KeyError:
            raise KeyError(
                f"locale {self.code!r} has no {feature!r} phrasebook; "
                f"it has {sorted(self.phrasebooks)}"
            ) from None

    def __str__(self) -> str:
        return self.code


def _is_latin_end(text: str) -> bool:
    return text[-1].isascii() and text[-1].isalnum()
