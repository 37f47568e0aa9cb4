"""Which rundown product a viewer names, by SKU or title words ("the tote bag", "杯子")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from livestream.host.state import RundownItem
from locales.scripts import CJK_RUN

LATIN_WORD = re.compile(r"[A-Za-z0-9']+")
STOPWORDS = frozenset(
    {"the", "and", "for", "with", "this", "that", "set", "pack", "new", "one", "of", "in"}
)


@dataclass(frozen=True)
class _ProductIndex:
    """Words that identify a rundown product when a viewer names it."""

    product_id: int
    sku: str
    words: frozenset[str]
    # The title's last word ("mug" in "Ceramic Travel Mug") names the product on its own when
    # no other rundown title shares it; empty when it is shared or missing.
    head: str
    bigrams: frozenset[str]

    @classmethod
    def build_all(cls, rundown: Sequence[RundownItem]) -> list[_ProductIndex]:
        titled = [(item, _title_words(item.title)) for item in rundown]
        heads = [words[-1] if words else "" for _, words in titled]
        return [
            cls(
                product_id=item.product_id,
                sku=item.sku.casefold(),
                words=frozenset(words),
                head=head if heads.count(head) == 1 else "",
                bigrams=frozenset(
                    run[i : i + 2]
                    for run in CJK_RUN.findall(item.title)
                    for i in range(len(run) - 1)
                ),
            )
            for (item, words), head in zip(titled, heads, strict=True)
        ]

    def score(self, text: str) -> float:
        """How clearly `text` names this product: 0 for not at all, 2 for its SKU."""
        lowered = text.casefold()
        sku_pattern = r"(?<![\w-])" + re.escape(self.sku) + r"(?![\w-])"
        if len(self.sku) >= 3 and re.search(sku_pattern, lowered):
            return 2.0
        said = set(LATIN_WORD.findall(lowered))
        said |= {word[:-1] for word in said if word.endswith("s")}  # "mugs" names a mug
        hits = len(self.words & said)
        score = 0.0
        if hits >= 2 or (hits == 1 and (len(self.words) == 1 or self.head in said)):
            score = hits / len(self.words)
        cjk_hits = sum(1 for bigram in self.bigrams if bigram in lowered)
        if self.bigrams and (cjk_hits >= 2 or cjk_hits == len(self.bigrams)):
            score = max(score, cjk_hits / len(self.bigrams))
        return score


class ProductNames:
    """Finds the product a viewer names by SKU or title words, as the engine does for its rundown.

    Public so that answering (``livestream.host.answers``) resolves "the tote bag" exactly as
    the engine does when it switches to a product a question names.
    """

    def __init__(self, items: Sequence[RundownItem]) -> None:
        self._index = _ProductIndex.build_all(items)

    def match(self, text: str) -> int | None:
        best_score, best = 0.0, None
        for index in self._index:
            score = index.score(text)
            if score > best_score:
                best_score, best = score, index.product_id
        return best


def _title_words(title: str) -> list[str]:
    words = [
        word
        for word in LATIN_WORD.findall(title.casefold())
        if len(word) >= 3 and word not in STOPWORDS and not word.isdigit()
    ]
    return list(dict.fromkeys(words))
