"""Answers to live viewers' questions, composed only from catalog facts retrieved by meaning.

Every catalog fact of a product becomes one short, speakable sentence (``fact_sentences``).
``AnswerIndex`` keeps one vector per fact and finds the facts that answer a question: MiniLM
similarity, plus the question's topic ("how much", "材质") and words it shares with a fact,
with a boost for the product on air. ``answer_question`` says the best one or two of those
sentences, checked by the grounding and compliance checkers, or says it will ask the team
when no fact answers well enough. Nothing the viewer writes is ever repeated, so a question
cannot put a number in the host's mouth.

Facts are the price, deal, stock, attributes, approved copy and the description's sentences
(said as written). A question about the host itself is answered with the truth (an AI host
run by the store) before any search. The product a question is about is the one it names by
title words or kind ("杯子", "the tee", see ``names``), else the one on air; a variant it
names by option value ("slate", "XL") answers with that variant's own stock or price.

all-MiniLM-L6-v2 reads English only (its vocabulary maps most Chinese characters to
[UNK]), so a Chinese question is matched through the topic words it contains: they are
embedded as an English gloss, and shared Chinese character pairs count as shared words.
"""

# Chinese templates and keywords use full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np

from livestream.host.identity import asks_about_host
from livestream.host.names import ProductNames
from livestream.host.script import LOW_STOCK_THRESHOLD
from livestream.host.state import ProductFacts, RundownItem, VariantFacts
from livestream.host.vectors import Embedder, VectorIndex
from locales import Locale, get_locale
from locales.scripts import CJK_CHAR, CJK_RUN
from trust.compliance import check_compliance
from trust.grounding import Facts, check_grounding, evidence_from_facts, extract_quantities
from trust.grounding.attributes import attribute_label, attribute_value

# Calibrated on the labelled questions in tests/livestream/host/test_answers.py (see the report in
# bench/bench_answers.py): a fact answers when similarity + topic + shared words reach this.
ANSWER_THRESHOLD = 0.58
# A question about a fact's topic ("how much" for the price) adds this much.
TOPIC_BONUS = 0.35
# Words or Chinese character pairs shared with the fact's name or value add up to this much.
OVERLAP_BONUS = 0.25
# Facts of the product the question is about (named, else on air) rank this much higher, so
# another product's fact wins only when it answers clearly better.
FOCUS_BOOST = 0.15
# A description sentence ranks this much below a structured fact on the same topic: "What
# sizes?" is answered by the size list, not by "relaxed fit" in the description.
DESCRIPTION_RANK_PENALTY = 0.1
MAX_QUESTION_CHARS = 300
SEARCH_DEPTH = 8
QUESTION_CACHE_SIZE = 512

# The two languages answers are written in: every fact is indexed in both, and a question
# is answered in its own language. Inside this module a language is its locale's code.
ZH = "zh-CN"
EN = "en"
LATIN_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
# Question words that say nothing about which fact is meant.
STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "this",
        "that",
        "these",
        "those",
        "what",
        "which",
        "does",
        "did",
        "how",
        "are",
        "was",
        "were",
        "you",
        "your",
        "can",
        "could",
        "would",
        "will",
        "have",
        "has",
        "any",
        "there",
        "its",
        "it's",
        "is",
        "it",
        "a",
        "an",
        "of",
        "in",
        "on",
        "to",
        "me",
        "my",
        "do",
        "get",
        "tell",
        "about",
        "please",
        "much",
        "many",
        "more",
        "some",
        "one",
        "ones",
        "there's",
        "what's",
        "how's",
        "does",
        "it",
        "also",
    ]
)
POSSESSIVE = re.compile(r"(?<=[A-Za-z])['’]s\b")
VARIANT_SEPARATOR = re.compile(r"\s*[,/、，;；|]\s*")


# --- topics ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Topic:
    """What a question can be about, and which catalog facts speak to it."""

    name: str
    # Attribute names on this topic ("material", "面料"); None for price, deal and stock.
    keys: re.Pattern[str] | None
    # How viewers ask about it, in English and Chinese.
    asked: re.Pattern[str]
    # English words embedded for a Chinese question on this topic.
    gloss: str
    label_zh: str


def _topic(name: str, keys: str | None, asked: str, gloss: str, label_zh: str) -> Topic:
    return Topic(
        name=name,
        keys=re.compile(keys, re.IGNORECASE) if keys else None,
        asked=re.compile(asked, re.IGNORECASE),
        gloss=gloss,
        label_zh=label_zh,
    )


_W = r"(?<![a-z])"  # English words match whole; Chinese has no spaces and matches anywhere
_E = r"(?![a-z])"
TOPICS: tuple[Topic, ...] = (
    _topic(
        "price",
        None,
        rf"{_W}(?:price[sd]?|costs?|how much|expensive|cheap|pay|free|dollars?|bucks|yuan|rmb)"
        rf"{_E}|[$¥€£]|多少钱|价格|价钱|几块|多钱|贵|便宜|块钱|售价|免费|\d\s*元",
        "price how much does it cost",
        "价格",
    ),
    _topic(
        "deal",
        None,
        rf"{_W}(?:discounts?|deals?|sales?|off|offers?|coupons?|promo(?:tion)?s?|cheaper|"
        rf"reduced|original price|markdown){_E}|优惠|打折|折扣|降价|原价|特价|划算|活动|促销|"
        r"减价|券|便宜",
        "discount deal sale price",
        "优惠",
    ),
    _topic(
        "stock",
        None,
        rf"{_W}(?:stock|available|availability|left|sold out|inventory|remaining|"
        rf"any more|still have|run out|buy|purchase|order(?: one| it)?){_E}|库存|有货|现货|"
        r"还有|剩|卖完|没货|售罄|断货|能买|可以买|买得到|能不能买|下单|抢完",
        "is it in stock available how many left",
        "库存",
    ),
    _topic(
        "material",
        r"material|fabric|材质|面料|材料",
        rf"{_W}(?:materials?|made of|made from|fabric|what is it made){_E}|材质|材料|面料|"
        r"什么做的|用什么做",
        "what material is it made of",
        "材质",
    ),
    _topic(
        "capacity",
        r"capacity|volume|容量|容积",
        rf"{_W}(?:capacity|holds?|volume|ml|millilit(?:re|er)s?|lit(?:re|er)s?|oz|ounces?){_E}"
        r"|容量|能装|装多少|毫升|多少升|容积",
        "capacity how much does it hold volume",
        "容量",
    ),
    _topic(
        "size",
        r"dimension|size|尺寸|规格|尺码|大小",
        rf"{_W}(?:sizes?|dimensions?|how big|how large|how small|how long|how wide|how tall|"
        rf"fits?|measure(?:ments?)?|length|width|height|big|large|small){_E}|尺寸|尺码|大小|"
        r"多大(?!了)|多长|多宽|多高|规格|码(?!头)",
        "size dimensions how big",
        "尺寸",
    ),
    _topic(
        "weight",
        r"weight|重量|净重",
        rf"{_W}(?:weight|weigh[st]?|heavy|light|grams?|kg|kilos?|pounds?|lbs?){_E}|重量|多重|"
        r"重不重|轻不轻|几斤|多少克|净重|有多重",
        "weight how heavy",
        "重量",
    ),
    _topic(
        "colour",
        r"colou?r|颜色|色",
        rf"{_W}(?:colou?rs?|shades?){_E}|颜色|什么色|几种色|配色|(?<![褪掉])色[的吗]",
        "colour colors",
        "颜色",
    ),
    _topic(
        "origin",
        r"origin|country|made.in|产地|原产|产自",
        rf"{_W}(?:origin|made in|where\b.*\bmade|where\b.*\bfrom|country|produced|"
        rf"manufactured in|imported){_E}|产地|哪里产|哪产|哪里生产|哪里做的|哪国|进口|国产|产自|"
        r"哪里的",
        "where is it made country of origin",
        "产地",
    ),
    _topic(
        "brand",
        r"brand|maker|manufacturer|品牌|牌子",
        rf"{_W}(?:brand|who makes|maker|manufacturer|company){_E}|品牌|牌子|哪家|厂家",
        "brand who makes it",
        "品牌",
    ),
    _topic(
        "power",
        r"power|watt|volt|battery|功率|电池|电压",
        rf"{_W}(?:power|watts?|wattage|volts?|voltage|battery|bright(?:ness)?|charge){_E}|功率|"
        r"瓦|电池|电压|续航|亮",
        "power wattage battery",
        "功率",
    ),
    _topic(
        "warranty",
        r"warrant|guarantee|保修|质保",
        rf"{_W}(?:warrant(?:y|ies)|guarantee[ds]?){_E}|保修|质保|保固|售后",
        "warranty guarantee",
        "保修",
    ),
    _topic(
        "shipping",
        r"ship|deliver|发货|快递|配送",
        rf"{_W}(?:ship(?:s|ping)?|deliver(?:y|s)?|postage|arrive){_E}|发货|快递|包邮|寄|配送|"
        r"送到|运费|到货",
        "shipping delivery",
        "发货",
    ),
    _topic(
        "returns",
        r"return|refund|退",
        rf"{_W}(?:returns?|refunds?|exchange){_E}|退货|退款|换货|退换",
        "returns refund",
        "退换",
    ),
    _topic(
        "care",
        r"care|wash|clean|dishwasher|洗|保养",
        rf"{_W}(?:wash(?:ing|able)?|clean(?:ing)?|dishwasher|care){_E}|洗|保养",
        "care washing dishwasher safe",
        "保养",
    ),
)
TOPIC_BY_NAME = {topic.name: topic for topic in TOPICS}
VARIANT_TOPICS = frozenset({"colour", "size"})
# Questions on these go to the team unless a catalog fact on the same topic answers them.
TEAM_TOPICS = frozenset({"shipping", "returns", "warranty"})


def question_topics(text: str) -> frozenset[str]:
    """The topics a question (or a line of copy) asks or speaks about."""
    lowered = text.casefold()
    return frozenset(topic.name for topic in TOPICS if topic.asked.search(lowered))


def attribute_topic(name: str) -> str | None:
    for topic in TOPICS:
        if topic.keys is not None and topic.keys.search(name):
            return topic.name
    return None


def question_locale(question: str, fallback: Locale) -> Locale:
    """The language to answer in: the question's, else the room's."""
    return get_locale(_question_language(question, _language(fallback)))


def _question_language(question: str, fallback: str) -> str:
    if CJK_CHAR.search(question):
        return ZH
    if re.search(r"[A-Za-z]", question):
        return EN
    return fallback


def _language(locale: Locale) -> str:
    """Which of the two answer languages serves ``locale``."""
    return ZH if locale.language == "zh" else EN


def content_tokens(text: str) -> frozenset[str]:
    """Words (no stopwords, singular) and Chinese character pairs of `text`."""
    lowered = text.casefold()
    # Two letters count: sizes are "XL", units "ml".
    words = {word for word in LATIN_WORD.findall(lowered) if len(word) >= 2}
    words -= STOPWORDS
    words |= {word[:-1] for word in words if word.endswith("s") and len(word) > 3}
    pairs = {run[i : i + 2] for run in CJK_RUN.findall(lowered) for i in range(len(run) - 1)}
    singles = {run for run in CJK_RUN.findall(lowered) if len(run) == 1}
    return frozenset(words | pairs | singles)


# --- fact sentences ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FactSentence:
    """One catalog fact said as one sentence, and where it came from.

    `text` names the product and stands on its own; `short` is what the host says about the
    product the question is about ("It costs $19.").
    """

    product_id: int
    key: str  # "price", "deal", "stock", "attribute:<name>" or "copy:<n>"
    locale: str
    text: str
    short: str
    topics: frozenset[str]


def _clean(value: str) -> str:
    return " ".join(str(value).split()).rstrip(".。;；")


def _possessive(title: str) -> str:
    return f"{title}'" if title.endswith("s") else f"{title}'s"


def _plural(label: str) -> str:
    return label if label.endswith("s") else f"{label}s"


def fact_sentences(facts: ProductFacts, locale: Locale) -> list[FactSentence]:
    """Each catalog fact of a product as one short, speakable sentence in `locale`."""
    return _fact_sentences(facts, _language(locale))


def _fact_sentences(facts: ProductFacts, lang: str) -> list[FactSentence]:
    locale = get_locale(lang)
    phrases = locale.phrases("answers")
    title = _clean(facts.title) or phrases["this_product"][0]
    out: list[FactSentence] = []

    def add(key: str, text: str, short: str, topics: Iterable[str]) -> None:
        out.append(FactSentence(facts.id, key, lang, text, short, frozenset(topics)))

    def said(key: str, **values: str) -> tuple[str, str]:
        text, short = phrases[key]
        return text.format(title=title, **values), short.format(title=title, **values)

    if facts.price is not None:
        price = locale.format_money(Decimal(facts.price), facts.currency)
        add("price", *said("price", price=price), ("price", "deal"))
        compare_at = facts.compare_at_price
        if compare_at is not None and Decimal(compare_at) > Decimal(facts.price) >= 0:
            was = locale.format_money(Decimal(compare_at), facts.currency)
            add("deal", *said("deal", price=price, was=was), ("deal",))
    if facts.stock is not None:
        stock = facts.stock
        key = (
            "sold_out"
            if stock <= 0
            else "low_stock"
            if stock <= LOW_STOCK_THRESHOLD
            else "in_stock"
        )
        add("stock", *said(key, stock=str(stock)), ("stock",))
    for name, raw_value in facts.attributes.items():
        value = _clean(attribute_value(str(name), str(raw_value)))
        if not value:
            continue
        out.append(_attribute_sentence(facts.id, title, str(name), value, locale))
    for number, line in enumerate(facts.approved_copy):
        text = " ".join(line.split())
        # Approved copy is said as written, so only in the language it was written in.
        if text and (CJK_CHAR.search(text) is not None) == (lang == ZH):
            add(f"copy:{number}", text, text, question_topics(text))
    for number, line in enumerate(facts.description):
        # The seller's description, sentence by sentence: "Pre-shrunk, 180 g/m²." answers
        # what no attribute holds. Said as written, in its own language, like copy.
        text = " ".join(line.split())
        if text and (CJK_CHAR.search(text) is not None) == (lang == ZH):
            add(f"desc:{number}", text, text, question_topics(text))
    return out


def _attribute_sentence(
    product_id: int, title: str, name: str, value: str, locale: Locale
) -> FactSentence:
    lang = _language(locale)
    phrases = locale.phrases("answers")
    topic = attribute_topic(name)
    topics = frozenset({topic} if topic else ())
    key = f"attribute:{name}"
    if lang == ZH:
        label = TOPIC_BY_NAME[topic].label_zh if topic else attribute_label(name)
    elif topic and CJK_CHAR.search(name):
        label = topic  # "尺码" is asked about in English as "size"
    else:
        label = attribute_label(name) or name
    options = [part for part in VARIANT_SEPARATOR.split(value) if part]
    values = {"title": title, "label": label, "labels": _plural(label), "value": value}
    if topic in VARIANT_TOPICS and len(options) > 1:
        joiner = phrases.get("variant_joiner")  # "红、蓝、绿" lists without a last "和"
        listed = joiner[0].join(options) if joiner else locale.join(options)
        text, short = (phrase.format(listed=listed, **values) for phrase in phrases["variants"])
    elif "attribute" in phrases:
        text, short = (phrase.format(**values) for phrase in phrases["attribute"])
    else:
        text, short = _attribute_sentence_en(title, topic, label, value)
    return FactSentence(product_id, key, lang, text, short[:1].upper() + short[1:], topics)


# Values that read as the end of "It ..." ("fits a 15 inch laptop", "keeps drinks hot").
_VERB_VALUE = re.compile(r"^(?:fits|holds|keeps|comes|works|includes|folds|charges)\b")


def _attribute_sentence_en(
    title: str, topic: str | None, label: str, value: str
) -> tuple[str, str]:
    """(standalone, short) English sentences; a verb where the topic has a natural one."""
    numeric = value[:1].isdigit()
    verb = None
    if _VERB_VALUE.match(value):
        verb = value
    elif topic == "material":
        verb = f"is made of {value}"
    elif topic == "capacity" and numeric:
        verb = f"holds {value}"
    elif topic == "weight" and numeric:
        verb = f"weighs {value}"
    elif topic == "size" and numeric:
        verb = f"measures {value}"
    elif topic == "origin" and not value.lower().startswith("made in"):
        verb = f"is made in {value}"
    elif topic == "care":
        verb = f"is {value}"
    if verb is not None:
        short_verb = "'s" + verb[2:] if verb.startswith("is ") else f" {verb}"
        return f"{title} {verb}.", f"It{short_verb}."
    return f"The {label} of {title} is {value}.", f"The {label} is {value}."


def _retrieval_text(facts: ProductFacts, sentence: FactSentence) -> str:
    """What is embedded for a fact: its name, value and topic words, never prices or stock
    counts, so a price or stock change does not need a new vector."""
    if sentence.key in {"price", "deal", "stock"}:
        return TOPIC_BY_NAME[sentence.key].gloss
    if sentence.key.startswith("attribute:"):
        name = sentence.key.removeprefix("attribute:")
        value = _clean(str(facts.attributes.get(name, "")))
        gloss = " ".join(TOPIC_BY_NAME[topic].gloss for topic in sorted(sentence.topics))
        return f"{attribute_label(name) or name}: {value}. {gloss}".strip()
    return sentence.text


def _fact_tokens(facts: ProductFacts, sentence: FactSentence) -> frozenset[str]:
    if sentence.key.startswith("attribute:"):
        name = sentence.key.removeprefix("attribute:")
        value = str(facts.attributes.get(name, ""))
        # A known topic's name is matched as the topic; counting it as a shared word would
        # let "材质" point at every product that has a material.
        return content_tokens(value if sentence.topics else f"{name} {value}")
    if sentence.key.startswith(("copy:", "desc:")):
        return content_tokens(sentence.text)
    return frozenset()


# --- the index ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoredFact:
    """A fact found for a question: `relevance` says how well it answers, `score` ranks."""

    fact: FactSentence
    relevance: float
    score: float
    similarity: float
    # Words (not bare numbers) or Chinese character pairs the question shares with the
    # fact's name or value.
    shared_words: int
    # Whether the fact is about the product the question is about (named, else on air).
    on_focus: bool


@dataclass(frozen=True)
class _Entry:
    product_id: int
    key: str
    topics: frozenset[str]
    tokens: frozenset[str]
    retrieval_text: str


class AnswerIndex:
    """Fact vectors for the products of a room or store, searched for a viewer's question.

    Vectors are cached by the text embedded, and prices and stock counts are never part of
    it, so ``update`` after a catalog change embeds only attributes and copy that changed.
    """

    def __init__(self, embeddings: Embedder, *, locale: Locale | None = None) -> None:
        self.embeddings = embeddings
        self.locale = _language(locale) if locale is not None else EN
        self._facts: dict[int, ProductFacts] = {}
        self._sentences: dict[tuple[int, str], dict[str, FactSentence]] = {}
        self._entries: dict[str, _Entry] = {}
        self._entry_ids: dict[int, list[str]] = {}
        # Answers run on worker threads; one index may be updated and searched at once.
        self._lock = threading.RLock()
        self._vector_cache: dict[str, np.ndarray] = {}
        self._question_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._vectors: VectorIndex | None = None
        self._ids: list[str] = []
        self._rows: dict[str, int] = {}
        self._row_products = np.zeros(0, dtype=np.int64)
        self._row_topics: dict[str, np.ndarray] = {}
        self._row_says: dict[str, np.ndarray] = {}
        self._row_described = np.zeros(0, dtype=bool)
        self._token_rows: dict[str, np.ndarray] = {}
        self._names = ProductNames([])
        self._last_named: tuple[tuple[str, int | None], int | None] | None = None
        self._dirty = True

    @classmethod
    def build(
        cls,
        facts_by_product: Mapping[int, ProductFacts],
        *,
        embeddings: Embedder,
        locale: Locale | None = None,
    ) -> AnswerIndex:
        index = cls(embeddings, locale=locale)
        index.update(facts_by_product)
        return index

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def product_ids(self) -> list[int]:
        return list(self._facts)

    def facts_for(self, product_id: int) -> ProductFacts | None:
        return self._facts.get(product_id)

    def update(self, facts_by_product: Mapping[int, ProductFacts]) -> int:
        """Take in new or changed products; returns how many texts had to be embedded.

        A price or stock change only changes what is said, not what is searched, so it
        costs no embedding and no rebuild of the searched arrays.
        """
        with self._lock:
            changed = [
                facts for pid, facts in facts_by_product.items() if self._facts.get(pid) != facts
            ]
            for facts in changed:
                before = self._facts.get(facts.id)
                old_entries = self._drop(facts.id)
                self._facts[facts.id] = facts
                for lang in (EN, ZH):
                    self._sentences[(facts.id, lang)] = {
                        sentence.key: sentence for sentence in _fact_sentences(facts, lang)
                    }
                new_entries = self._add_entries(facts)
                if new_entries != old_entries or before is None or before.title != facts.title:
                    self._dirty = True
            if not self._dirty:
                return 0
            wanted = {entry.retrieval_text for entry in self._entries.values()}
            missing = sorted(wanted - set(self._vector_cache))
            if missing:
                for text, vector in zip(missing, self.embeddings.embed(missing), strict=True):
                    self._vector_cache[text] = vector
            for stale in set(self._vector_cache) - wanted:
                del self._vector_cache[stale]
            return len(missing)

    def remove(self, product_ids: Iterable[int]) -> None:
        with self._lock:
            for pid in product_ids:
                if self._facts.pop(pid, None) is not None:
                    self._drop(pid)
                    self._dirty = True

    def _add_entries(self, facts: ProductFacts) -> dict[str, _Entry]:
        # Searched entries come from both languages: the English sentences give price, stock
        # and attributes; approved copy exists in one language or the other.
        added: dict[str, _Entry] = {}
        for lang in (EN, ZH):
            for sentence in self._sentences[(facts.id, lang)].values():
                entry_id = f"{facts.id}:{sentence.key}"
                if entry_id not in added:
                    added[entry_id] = _Entry(
                        product_id=facts.id,
                        key=sentence.key,
                        topics=sentence.topics,
                        tokens=_fact_tokens(facts, sentence),
                        retrieval_text=_retrieval_text(facts, sentence),
                    )
        self._entries.update(added)
        self._entry_ids[facts.id] = list(added)
        return added

    def _drop(self, product_id: int) -> dict[str, _Entry]:
        for lang in (EN, ZH):
            self._sentences.pop((product_id, lang), None)
        return {
            entry_id: self._entries.pop(entry_id)
            for entry_id in self._entry_ids.pop(product_id, [])
        }

    def _refresh(self) -> VectorIndex:
        """Rebuild the searched arrays after changes: vectors come from the cache, not the model."""
        if self._vectors is not None and not self._dirty:
            return self._vectors
        ids = list(self._entries)
        entries = [self._entries[entry_id] for entry_id in ids]
        vectors = VectorIndex(self.embeddings.dim)
        if ids:
            vectors.add(ids, np.stack([self._vector_cache[e.retrieval_text] for e in entries]))
        # Per-row arrays, so scoring a question is a few vector operations, not a loop.
        self._ids = ids
        self._rows = {entry_id: row for row, entry_id in enumerate(ids)}
        self._row_products = np.array([e.product_id for e in entries], dtype=np.int64)
        self._row_topics = {
            topic.name: np.array([topic.name in e.topics for e in entries], dtype=bool)
            for topic in TOPICS
        }
        self._row_described = np.array([e.key.startswith("desc:") for e in entries], dtype=bool)
        self._row_says = {
            lang: np.array([e.key in self._sentences[(e.product_id, lang)] for e in entries])
            for lang in (EN, ZH)
        }
        token_rows: dict[str, list[int]] = {}
        for row, entry in enumerate(entries):
            for token in entry.tokens:
                token_rows.setdefault(token, []).append(row)
        self._token_rows = {token: np.array(rows) for token, rows in token_rows.items()}
        self._names = ProductNames(
            [
                RundownItem(product_id=pid, sku="", title=facts.title, time_budget_s=0.0)
                for pid, facts in self._facts.items()
            ],
            described={pid: facts.category for pid, facts in self._facts.items()},
        )
        self._last_named = None
        self._vectors = vectors
        self._dirty = False
        return vectors

    def named_product(self, question: str, current_product_id: int | None = None) -> int | None:
        """The product the question names by title words or its kind ("杯子"), if any.

        A kind the product on air is of names that product ("这个杯子" during the bottle)."""
        with self._lock:
            return self._named_product(question, current_product_id)

    def _named_product(self, question: str, current: int | None) -> int | None:
        self._refresh()
        question = question[:MAX_QUESTION_CHARS]
        asked = (question, current)
        if self._last_named is not None and self._last_named[0] == asked:
            return self._last_named[1]  # answering asks twice: once to phrase, once to search
        # The engine's matcher reads "lamp's" as one word; the possessive names the lamp.
        named = self._names.match(POSSESSIVE.sub("", question), current)
        self._last_named = (asked, named)
        return named

    def focus_product(self, question: str, current_product_id: int | None) -> int | None:
        """The product a question is about: the one it names, else the one on air (which
        "it", "this", "这个" and "这件" mean)."""
        named = self.named_product(question, current_product_id)
        return named if named is not None else current_product_id

    def search(
        self,
        question: str,
        product_id: int | None = None,
        k: int = 3,
        *,
        answering_only: bool = False,
    ) -> list[ScoredFact]:
        """Facts that answer `question`, best first, in the question's language.

        `product_id` is the product on air: its facts (or those of the product the question
        names) are boosted, not filtered, so "the mug's capacity" asked during the tote bag
        still finds the mug. With `answering_only`, another product's facts are left out
        unless the question shares a word with them ("anything in navy?"): "what colours?"
        is about the product on air even when another product's colours match it better.
        """
        with self._lock:
            return self._search(question, product_id, k, answering_only)

    def _search(
        self, question: str, product_id: int | None, k: int, answering_only: bool
    ) -> list[ScoredFact]:
        vectors = self._refresh()
        if k <= 0 or not self._entries:
            return []
        question = question[:MAX_QUESTION_CHARS]
        lang = _question_language(question, self.locale)
        focus = self.focus_product(question, product_id)
        topics = question_topics(question)
        tokens = content_tokens(question)
        if focus is not None and focus in self._facts:
            # Naming the product is not a question about any one of its facts.
            tokens -= content_tokens(self._facts[focus].title)

        count = len(self._ids)
        similarity = np.zeros(count, dtype=np.float32)
        embedded = self._embedded_question(question, lang, topics)
        if embedded:
            vector = self._question_vector(embedded)
            for entry_id, cosine in vectors.search(vector, k=count):
                similarity[self._rows[entry_id]] = cosine
        relevance = similarity.astype(np.float64)
        for topic in topics:
            relevance += TOPIC_BONUS * self._row_topics[topic]
        shared = np.zeros(count, dtype=np.int64)
        shared_words = np.zeros(count, dtype=np.int64)
        for token in tokens:
            rows = self._token_rows.get(token)
            if rows is not None:
                shared[rows] += 1
                if not token.isdigit():  # "29" in "29 x 5 cm" says little about which product
                    shared_words[rows] += 1
        if tokens:
            # By the share of the question's words: "microwave safe" is half answered by
            # "dishwasher safe".
            relevance += OVERLAP_BONUS * shared / len(tokens)
        on_focus = np.ones(count, dtype=bool) if focus is None else self._row_products == focus
        score = relevance + FOCUS_BOOST * on_focus - DESCRIPTION_RANK_PENALTY * self._row_described
        # Approved copy written in the other language cannot answer this question.
        score[~self._row_says[lang]] = -np.inf
        if answering_only:
            score[~on_focus & (shared_words == 0)] = -np.inf
        order = np.argsort(-score, kind="stable")  # stable: equal scores keep catalog order
        ranked: list[ScoredFact] = []
        for row in order[:k]:
            if not np.isfinite(score[row]):
                break
            entry = self._entries[self._ids[row]]
            ranked.append(
                ScoredFact(
                    fact=self._sentences[(entry.product_id, lang)][entry.key],
                    relevance=float(relevance[row]),
                    score=float(score[row]),
                    similarity=float(similarity[row]),
                    shared_words=int(shared_words[row]),
                    on_focus=bool(on_focus[row]),
                )
            )
        return ranked

    def _question_vector(self, text: str) -> np.ndarray:
        # Viewers repeat questions ("多少钱" embeds as the same gloss every time): a hit skips
        # the model, the one slow step of answering.
        key = text.casefold()
        vector = self._question_cache.pop(key, None)
        if vector is None:
            [vector] = self.embeddings.embed([text])
        self._question_cache[key] = vector
        while len(self._question_cache) > QUESTION_CACHE_SIZE:
            self._question_cache.popitem(last=False)
        return vector

    @staticmethod
    def _embedded_question(question: str, lang: str, topics: frozenset[str]) -> str:
        if lang == EN:
            return question
        # MiniLM reads no Chinese: embed the topics' English words and any Latin words kept.
        latin = " ".join(re.findall(r"[A-Za-z][A-Za-z0-9'-]*", question))
        glosses = " ".join(TOPIC_BY_NAME[name].gloss for name in sorted(topics))
        return f"{glosses} {latin}".strip()


# --- answering ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What the host says back. `grounded` is True when it states checked catalog facts;
    `flag_for_team` asks a person to follow up (no fact answered, or none could be said)."""

    text: str
    grounded: bool
    used_facts: tuple[FactSentence, ...]
    product_id: int | None
    flag_for_team: bool
    relevance: float = 0.0


def team_line(locale: Locale) -> str:
    """ "I'll ask the team", as the host says it when no fact answers."""
    line: str = locale.phrases("host")["answer_no_context"][0]
    return line


def grounding_facts(facts: ProductFacts) -> Facts:
    """The grounding checker's view of one product."""
    return Facts(
        title=facts.title,
        # The checker needs a price; a product without one gets a negative sentinel that no
        # spoken number can match, and its sentences state no price.
        price=Decimal(facts.price) if facts.price is not None else Decimal(-1),
        currency=facts.currency,
        compare_at_price=(
            Decimal(facts.compare_at_price) if facts.compare_at_price is not None else None
        ),
        stock=facts.stock,
        attributes={str(key): str(value) for key, value in facts.attributes.items()},
        # Approved copy is human-reviewed catalog text and the description is the seller's
        # own: their claims are facts.
        tags=(*facts.approved_copy, *facts.description),
    )


def deal_beyond_policy(facts: ProductFacts | None, max_discount_pct: Decimal | None) -> bool:
    """Whether the catalog's discount on a product is more than the room may announce."""
    if max_discount_pct is None or facts is None:
        return False
    if facts.price is None or facts.compare_at_price is None:
        return False
    price, compare_at = Decimal(facts.price), Decimal(facts.compare_at_price)
    if compare_at <= 0 or price >= compare_at:
        return False
    # The exact discount, as the engine's offer segment compares it: 20.04% is over 20.
    return (compare_at - price) * 100 / compare_at > Decimal(max_discount_pct)


def safe_to_say(
    text: str, facts: ProductFacts, *, locale: Locale, max_discount_pct: Decimal | None = None
) -> bool:
    """Grounded in the product's facts, compliant, and quoting no price but the catalog's.

    With the room's `max_discount_pct`, no discount above it is stated, neither as a
    percentage nor by naming the compare-at price of a product discounted beyond it.
    """
    checked = grounding_facts(facts)
    if any(
        finding.severity == "error" for finding in check_grounding(text, checked, locale=locale)
    ):
        return False
    findings = check_compliance(text, locale=locale, evidence=evidence_from_facts(checked))
    if any(finding.severity == "error" for finding in findings):
        return False
    # Approved copy counts as a fact for the checker; a stale price in it must still not be said.
    allowed = {Decimal(p) for p in (facts.price, facts.compare_at_price) if p is not None}
    if deal_beyond_policy(facts, max_discount_pct):
        allowed.discard(Decimal(facts.compare_at_price or 0))
    for quantity in extract_quantities(text, currency=facts.currency, locale=locale):
        if quantity.kind == "price" and quantity.value not in allowed:
            return False
        if (
            quantity.kind == "discount"
            and max_discount_pct is not None
            and quantity.value > Decimal(max_discount_pct)
        ):
            return False
    return True


def answer_question(
    question: str,
    *,
    index: AnswerIndex,
    current_product_id: int | None,
    facts_by_product: Mapping[int, ProductFacts],
    locale: Locale,
    threshold: float = ANSWER_THRESHOLD,
    max_discount_pct: Decimal | None = None,
) -> Answer:
    """A short answer from the one or two facts that answer `question`, or the team line.

    `max_discount_pct` is the room's limit: a deal beyond it is never said (a viewer asking
    about it hears the price), as the engine never announces it.
    """
    question = question[:MAX_QUESTION_CHARS]
    lang = _question_language(question, _language(locale))
    if asks_about_host(question):
        # "Are you a real person?" gets the truth every time, never the team line.
        return host_answer(lang, current_product_id)
    index.update(facts_by_product)  # cheap when nothing changed; keeps prices fresh
    focus = index.focus_product(question, current_product_id)
    focus_facts = index.facts_for(focus) if focus is not None else None
    if focus_facts is not None and focus_facts.variants:
        said = _variant_answer(question, focus_facts, lang, max_discount_pct)
        if said is not None:
            return said
    # Another product's fact answers only when the question describes it ("anything in
    # navy?"): "what's the warranty?" during the mug is about the mug, not the lamp.
    hits = index.search(question, current_product_id, k=SEARCH_DEPTH, answering_only=True)
    answering = [
        hit
        for hit in hits
        if hit.relevance >= threshold
        and not (
            hit.fact.key == "deal"
            and deal_beyond_policy(index.facts_for(hit.fact.product_id), max_discount_pct)
        )
    ]
    if not answering:
        best = max((hit.relevance for hit in hits), default=0.0)
        return _ask_team(lang, focus, best)

    first = answering[0]
    chosen = [first.fact]
    asked = question_topics(question)
    for hit in answering[1:]:
        # A second sentence only for a second topic the question asks and the first misses.
        fact = hit.fact
        if (
            fact.product_id == first.fact.product_id
            and not ({fact.key, first.fact.key} <= {"price", "deal"})
            and (fact.topics & asked) - first.fact.topics
        ):
            chosen.append(fact)
            break

    covered = frozenset().union(*(fact.topics for fact in chosen))
    if (asked & TEAM_TOPICS) - covered:
        # Shipping, returns and warranty are promises: never half-answer them with a size.
        return _ask_team(lang, focus, first.relevance)
    product_id = first.fact.product_id
    facts = index.facts_for(product_id)
    if facts is None:
        return _ask_team(lang, focus, first.relevance)
    about_focus = product_id == focus
    forms = [fact.short if about_focus else fact.text for fact in chosen]
    joiner = "" if lang == ZH else " "
    candidates = [joiner.join(forms), forms[0], first.fact.text]
    for text in dict.fromkeys(candidates):
        if safe_to_say(text, facts, locale=get_locale(lang), max_discount_pct=max_discount_pct):
            used = tuple(chosen) if text == candidates[0] else (first.fact,)
            return Answer(
                text=text,
                grounded=True,
                used_facts=used,
                product_id=product_id,
                flag_for_team=False,
                relevance=first.relevance,
            )
    return _ask_team(lang, focus, first.relevance)


def host_answer(lang: str, product_id: int | None) -> Answer:
    """The host says what it is: an AI host the store runs."""
    line: str = get_locale(lang).phrases("answers")["host_identity"][0]
    return Answer(
        text=line,
        grounded=True,
        used_facts=(),
        product_id=product_id,
        flag_for_team=False,
        relevance=1.0,
    )


# --- variants ----------------------------------------------------------------------------------

_ALNUM = "A-Za-z0-9"


def _mentions(question: str, folded: str, value: str) -> bool:
    """Whether the question names an option value ("slate", "XL", "红色") as a whole word."""
    value = " ".join(value.split())
    if not value:
        return False
    if len(value) == 1:
        # "S", "M", "L": as a capital standing alone, so "it's" is not size S, or in any case
        # after "size" or before "码" ("size m", "m码").
        letter = re.escape(value)
        alone = rf"(?<![{_ALNUM}']){letter}(?![{_ALNUM}])"
        lower = letter.casefold()
        named = rf"\bsize\s+{lower}(?![{_ALNUM}])|(?<![{_ALNUM}]){lower}\s*[码号]"
        return re.search(alone, question) is not None or re.search(named, folded) is not None
    pattern = re.escape(value.casefold())
    if not CJK_CHAR.search(value):
        pattern = rf"(?<![{_ALNUM}]){pattern}(?![{_ALNUM}])"
    return re.search(pattern, folded, re.IGNORECASE) is not None


def named_variants(question: str, facts: ProductFacts) -> tuple[list[VariantFacts], list[str]]:
    """The variants of `facts` the question names by option values, and the values named.

    "slate mugs" names every Slate variant; "slate in L" only Slate / L. No value named: none.
    """
    folded = question.casefold()
    named: dict[str, set[str]] = {}
    said: list[str] = []
    for variant in facts.variants:
        for option, value in variant.options.items():
            if value in named.get(option, set()):
                continue
            if _mentions(question, folded, value):
                named.setdefault(option, set()).add(value)
                said.append(value)
    if not named:
        return [], []
    matched = [
        variant
        for variant in facts.variants
        if all(variant.options.get(option) in values for option, values in named.items())
    ]
    return matched, said


def _variant_answer(
    question: str, facts: ProductFacts, lang: str, max_discount_pct: Decimal | None
) -> Answer | None:
    """Stock or price of the variants a question names ("How many slate mugs are left?").

    None when the question names no variant or asks neither; the product's facts answer it.
    A named variant's own figure is said, never the product's total or another variant's.
    """
    asked = question_topics(question)
    wants_stock = "stock" in asked
    wants_price = bool(asked & {"price", "deal"})
    if not (wants_stock or wants_price):
        return None
    matched, said = named_variants(question, facts)
    if not matched:
        return None
    locale = get_locale(lang)
    phrases = locale.phrases("answers")
    title = _clean(facts.title) or phrases["this_product"][0]
    # "Slate L"; Chinese values run together ("红色大号") as Chinese writes them.
    label = "".join(said) if lang == ZH and CJK_CHAR.search("".join(said)) else " ".join(said)
    sentences: list[FactSentence] = []
    view = facts
    if wants_stock:
        stocks = [variant.stock for variant in matched]
        if any(stock is None for stock in stocks):
            # The product's total is not this variant's stock: a person answers.
            return _ask_team(lang, facts.id, 0.0)
        stock = sum(stock for stock in stocks if stock is not None)
        key = (
            "variant_sold_out"
            if stock <= 0
            else "variant_low_stock"
            if stock <= LOW_STOCK_THRESHOLD
            else "variant_in_stock"
        )
        text, short = _said(phrases[key], title=title, variant=label, stock=str(stock))
        topics = frozenset({"stock"})
        fact_key = f"variant:{label}:stock"
        sentences.append(FactSentence(facts.id, fact_key, lang, text, short, topics))
        view = replace(view, stock=stock)
    if wants_price:
        prices = {facts.price if v.price is None else v.price for v in matched}
        if len(prices) != 1 or None in prices:
            # "The slate mug" in sizes priced apart: no one price is the answer.
            return _ask_team(lang, facts.id, 0.0)
        [price] = prices
        assert price is not None
        money = locale.format_money(Decimal(price), facts.currency)
        text, short = _said(phrases["variant_price"], title=title, variant=label, price=money)
        topics = frozenset({"price", "deal"})
        fact_key = f"variant:{label}:price"
        sentences.append(FactSentence(facts.id, fact_key, lang, text, short, topics))
        compare_at = {variant.compare_at_price for variant in matched}
        view = replace(
            view,
            price=price,
            compare_at_price=compare_at.pop() if len(compare_at) == 1 else None,
        )
    joiner = "" if lang == ZH else " "
    candidates = (joiner.join(fact.short for fact in sentences), sentences[0].short)
    for number, text in enumerate(candidates):
        if safe_to_say(text, view, locale=locale, max_discount_pct=max_discount_pct):
            return Answer(
                text=text,
                grounded=True,
                used_facts=tuple(sentences) if number == 0 else tuple(sentences[:1]),
                product_id=facts.id,
                flag_for_team=False,
                relevance=1.0,
            )
    return _ask_team(lang, facts.id, 0.0)


def _said(phrase: tuple[str, ...], **values: str) -> tuple[str, str]:
    text, short = phrase
    return text.format(**values), short.format(**values)


def _ask_team(lang: str, product_id: int | None, relevance: float) -> Answer:
    return Answer(
        text=team_line(get_locale(lang)),
        grounded=False,
        used_facts=(),
        product_id=product_id,
        flag_for_team=True,
        relevance=relevance,
    )
