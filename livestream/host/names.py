"""Which rundown product a viewer names: by SKU, title words ("the tote bag"), or the kind
of thing it is ("the cup", "杯子", "这件T恤")."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from livestream.host.state import RundownItem
from locales.scripts import CJK_RUN

LATIN_WORD = re.compile(r"[A-Za-z0-9']+")
STOPWORDS = frozenset(
    {"the", "and", "for", "with", "this", "that", "set", "pack", "new", "one", "of", "in"}
)

# Kinds of product and the nouns a title, a category or a viewer calls them by. English
# nouns are whole words (plurals fold to the singular); Chinese nouns match anywhere. Only
# nouns that rarely mean anything else: "light" is also a weight, "case" an English idiom.
_KIND_NOUNS: dict[str, tuple[str, str]] = {
    "mug": ("mug cup teacup", "马克杯 咖啡杯 陶瓷杯 茶杯"),
    "bottle": ("bottle flask tumbler thermos", "保温杯 保温瓶 保温壶 水瓶 水壶 瓶子"),
    "tshirt": ("tshirt tee", "T恤 t恤 体恤 短袖"),
    "shirt": ("shirt blouse", "衬衫 衬衣"),
    "hoodie": ("hoodie sweatshirt", "卫衣"),
    "jacket": ("jacket coat", "外套 夹克 大衣"),
    "trousers": ("trousers pants jeans", "裤子 长裤 牛仔裤"),
    "dress": ("dress", "连衣裙 裙子"),
    "pyjamas": ("pyjamas pajamas pyjama pajama", "睡衣"),
    "socks": ("sock", "袜子"),
    "shoes": ("shoe sneaker trainer boot", "鞋子 鞋"),
    "hat": ("hat cap beanie", "帽子"),
    "scarf": ("scarf", "围巾"),
    "lamp": ("lamp", "台灯 灯具 落地灯 灯"),
    "bag": ("bag tote backpack", "托特包 背包 包包 帆布包 包"),
    "wallet": ("wallet", "钱包"),
    "bowl": ("bowl", "碗"),
    "plate": ("plate", "盘子"),
    "kettle": ("kettle", "水壶 热水壶 电水壶"),
    "pan": ("pan skillet wok", "锅"),
    "knife": ("knife", "刀"),
    "towel": ("towel", "毛巾 浴巾"),
    "pillow": ("pillow cushion", "枕头 抱枕"),
    "blanket": ("blanket throw", "毯子 毛毯"),
    "candle": ("candle", "蜡烛 香薰蜡烛"),
    "headphones": ("headphone earbud earphone headset", "耳机"),
    "speaker": ("speaker", "音箱 音响"),
    "charger": ("charger", "充电器"),
    "cable": ("cable", "数据线 充电线"),
    "watch": ("watch smartwatch", "手表"),
    "cream": ("cream moisturiser moisturizer lotion", "面霜 乳液"),
    "serum": ("serum", "精华"),
    "lipstick": ("lipstick", "口红"),
    "shampoo": ("shampoo", "洗发水"),
    "soap": ("soap", "香皂 肥皂"),
}
# Nouns that mean more than one kind, most likely first: a "杯子" is a mug before a bottle.
_SHARED_NOUNS: dict[str, tuple[str, ...]] = {
    "杯子": ("mug", "bottle"),
    "杯": ("mug", "bottle"),
    "水杯": ("bottle", "mug"),
    "衣服": ("tshirt", "shirt", "hoodie", "jacket", "dress", "pyjamas"),
    "上衣": ("tshirt", "shirt", "hoodie"),
}
# A second-choice kind counts this much less than the first.
_KIND_RANK_STEP = 0.25
_TSHIRT = re.compile(r"\bt[\s-]?shirts?\b", re.IGNORECASE)


def _noun_kinds() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    english: dict[str, tuple[str, ...]] = {}
    chinese: dict[str, tuple[str, ...]] = dict(_SHARED_NOUNS)
    for kind, (en_nouns, zh_nouns) in _KIND_NOUNS.items():
        for noun in en_nouns.split():
            english[noun] = (*english.get(noun, ()), kind)
        for noun in zh_nouns.split():
            chinese[noun.casefold()] = (*chinese.get(noun.casefold(), ()), kind)
    return english, chinese


ENGLISH_NOUNS, CHINESE_NOUNS = _noun_kinds()
# Longest first, so "保温杯" is read before the "杯" inside it.
_CHINESE_BY_LENGTH = sorted(CHINESE_NOUNS, key=len, reverse=True)


def named_kinds(text: str) -> dict[str, float]:
    """The kinds of product `text` names, each with how surely (1 for a noun's first kind)."""
    lowered = _TSHIRT.sub(" tshirt ", text).casefold()
    found: dict[str, float] = {}

    def take(kinds: tuple[str, ...]) -> None:
        for rank, kind in enumerate(kinds):
            found[kind] = max(found.get(kind, 0.0), 1.0 - _KIND_RANK_STEP * rank)

    for word in LATIN_WORD.findall(lowered):
        for form in (word, word[:-1] if word.endswith("s") else word, word[:-2]):
            if form in ENGLISH_NOUNS:
                take(ENGLISH_NOUNS[form])
                break
    rest = lowered
    for noun in _CHINESE_BY_LENGTH:
        if noun in rest:
            take(CHINESE_NOUNS[noun])
            rest = rest.replace(noun, " ")
    return found


def product_kinds(text: str) -> frozenset[str]:
    """What kind of thing a product is, from its title (and category): each noun's first kind."""
    return frozenset(kinds for kinds, sure in named_kinds(text).items() if sure == 1.0)


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
    kinds: frozenset[str]

    @classmethod
    def build_all(
        cls, rundown: Sequence[RundownItem], described: Mapping[int, str]
    ) -> list[_ProductIndex]:
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
                kinds=product_kinds(f"{item.title} {described.get(item.product_id, '')}"),
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

    def __init__(
        self, items: Sequence[RundownItem], *, described: Mapping[int, str] | None = None
    ) -> None:
        """`described` adds words that say what a product is (its category) to its title's."""
        self._index = _ProductIndex.build_all(items, described or {})

    def match(self, text: str, current: int | None = None) -> int | None:
        """The product `text` names by SKU or title words, else by the kind of thing it is.

        A kind ("杯子", "the cup") names the product on air (`current`) when it is of that
        kind, so "这个杯子" during a bottle is the bottle; else the surest product of it.
        """
        best_score, best = 0.0, None
        for index in self._index:
            score = index.score(text)
            if score > best_score:
                best_score, best = score, index.product_id
        if best is not None:
            return best
        kinds = named_kinds(text)
        if not kinds:
            return None
        sure_best, kind_best = 0.0, None
        for index in self._index:
            sure = max((kinds.get(kind, 0.0) for kind in index.kinds), default=0.0)
            if sure > 0 and index.product_id == current:
                return current
            if sure > sure_best:
                sure_best, kind_best = sure, index.product_id
        return kind_best


def _title_words(title: str) -> list[str]:
    words = [
        word
        for word in LATIN_WORD.findall(title.casefold())
        if len(word) >= 3 and word not in STOPWORDS and not word.isdigit()
    ]
    return list(dict.fromkeys(words))
