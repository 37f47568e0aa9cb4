"""Advertising-law rules per locale and per store, checked against text and safely rewritten."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from locales import Locale
from trust.findings import Finding, NormalizedText, Severity, normalize_text

BANNED_WORD = "store.banned_word"
MISSING_REQUIRED_WORD = "store.missing_required_word"

# Evidence keys a caller may pass to allow a claim it can back (see `Rule.evidence_key`).
# `trust.grounding.evidence_from_facts` derives the "origin:*" and "clinically_proven" ones.
EVIDENCE_KEYS = frozenset(
    {
        "origin:usa",
        "ranking",  # a sales-rank source backs "#1" / "number one" / "销量第一"
        "price_comparison",  # a price survey backs "lowest price"
        "clinically_proven",
        "doctor_recommended",
        "guaranteed_results",
        "reviews",  # real review data backs review and testimonial claims
    }
)

# Medical claims are the point of medicines and medical devices; for everything else they are
# illegal (China Advertising Law Art. 17, FTC health claims).
MEDICAL_CATEGORY_WORDS = frozenset(
    {
        "medical",
        "medicine",
        "medicines",
        "pharmacy",
        "pharmaceutical",
        "pharmaceuticals",
        "drug",
        "drugs",
        "otc",
        "medical devices",
        "药品",
        "医药",
        "医疗器械",
        "处方药",
        "非处方药",
    }
)


@dataclass(frozen=True)
class Term:
    """One way a rule is broken: a regex over the folded text and a drop-in fix, if any."""

    pattern: str
    suggestion: str | None = None


@dataclass(frozen=True)
class Rule:
    """A rule is data: an id, how bad it is, why, the terms that break it.

    Several rules may share an id (e.g. the error and the warning tier of `en.superlative`).
    """

    rule_id: str
    severity: Severity
    message: str
    terms: tuple[Term, ...]
    # The claim is fine when the caller passes this key in `evidence`.
    evidence_key: str | None = None
    # The claim is fine for medicines and medical devices.
    allowed_for_medical: bool = False


@dataclass(frozen=True)
class StoreRules:
    """A store's own words: never say these, always say these, and never flag these."""

    banned_words: Sequence[str] = ()
    required_words: Sequence[str] = ()
    allowed_terms: Sequence[str] = ()  # e.g. "Best Buy", a brand the locale rules would flag


@dataclass(frozen=True)
class Change:
    """One replacement made by `rewrite_compliant`; offsets are into the text before rewriting."""

    rule_id: str
    start: int
    end: int
    before: str
    after: str


# --- rule packs --------------------------------------------------------------------------

# English matching is whole-word: "bestow" and "cheapestly" are not "best" / "cheapest".
_EN_START = r"(?<![\w])"
_EN_END = r"(?![\w-])"


def _en(pattern: str, suggestion: str | None = None) -> Term:
    return Term(f"{_EN_START}(?:{pattern}){_EN_END}", suggestion)


def _zh(terms: dict[str, str | None]) -> tuple[Term, ...]:
    return tuple(Term(pattern, suggestion) for pattern, suggestion in terms.items())


# "best" stays allowed in idioms that compare nothing ("best before", "look your best") and in
# "best seller(s)" / "best-selling" / "bestseller": a sales rank the store reports from its
# own sales, like "popular" (decision recorded in tests/trust/test_compliance.py).
_BEST_IDIOM_AFTER = (
    r"(?!\s+(?:before|by|wishes|regards|of\s+both\s+worlds|friends?|practices?|sellers?|selling)"
    r"(?![\w]))"
)
_BEST_IDIOM_BEFORE = r"(?<!\bat )(?<!\byour )(?<!\btheir )(?<!\bmy )(?<!\bhis )(?<!\bher )"

_EN_CONDITIONS = (
    r"diseases?|illness(?:es)?|cancers?|tumou?rs?|diabetes|arthritis|acne|eczema|psoriasis|"
    r"infections?|inflammation|insomnia|depression|anxiety|asthma|allerg(?:y|ies)|flu|colds?|"
    r"covid(?:-19)?|viruse?s|bacteria|hypertension|high\s+blood\s+pressure|cholesterol|obesity|"
    r"migraines?|headaches?|pain|hair\s+loss|wounds?|ulcers?|dementia|alzheimer'?s|"
    r"blood\s+sugar|ailments?"
)
_EN_MEDICAL_VERBS = (
    r"cur(?:e|es|ed|ing)|treat(?:s|ed|ing)?|heal(?:s|ed|ing)?|prevent(?:s|ed|ing)?|"
    r"reliev(?:e|es|ed|ing)|revers(?:e|es|ed|ing)|eliminat(?:e|es|ed|ing)|fights?|kills?"
)

EN_RULES: tuple[Rule, ...] = (
    Rule(
        "en.superlative",
        "error",
        "Ranking and price superlatives are objective claims that need proof.",
        (
            _en(r"the\s+(?:#\s?1|number\s+one|no\.\s?1)", "a popular"),
            _en(r"#\s?1|number\s+one|no\.\s?1", "popular"),
        ),
        evidence_key="ranking",
    ),
    Rule(
        "en.superlative",
        "error",
        "'World's best' and 'best on the market' compare against every competitor.",
        (
            _en(r"the\s+world'?s\s+best", "an outstanding"),
            _en(r"world'?s\s+best|best\s+in\s+the\s+world|best\s+on\s+the\s+market", "outstanding"),
            _en(r"best[- ]in[- ]class", "high-performing"),
        ),
        evidence_key="ranking",
    ),
    Rule(
        "en.superlative",
        "error",
        "Lowest-price claims need a current price comparison.",
        (
            _en(r"the\s+cheapest", "an affordable"),
            _en(r"cheapest", "affordable"),
            _en(r"(?:the\s+)?lowest\s+prices?\s+ever", "a great price"),
            _en(r"the\s+lowest\s+prices?", "great prices"),
            _en(r"lowest\s+prices?", "great prices"),
        ),
        evidence_key="price_comparison",
    ),
    Rule(
        "en.superlative",
        "warning",
        "Unsubstantiated superlative; use a descriptive word the product can back.",
        (
            _en(_BEST_IDIOM_BEFORE + r"the\s+best" + _BEST_IDIOM_AFTER, "a great"),
            _en(_BEST_IDIOM_BEFORE + r"best" + _BEST_IDIOM_AFTER, "great"),
            _en(r"the\s+finest", "a fine"),
            _en(r"finest", "fine"),
            _en(r"world[- ]class", "high-quality"),
            _en(r"unbeatable|unrivall?ed|unmatched|unparall?eled", "exceptional"),
            _en(r"top[- ]rated", "popular"),
        ),
        evidence_key="ranking",
    ),
    Rule(
        "en.unsubstantiated_claim",
        "error",
        "Proof claims need the study behind them.",
        (_en(r"(?:clinically|scientifically)\s+(?:proven|shown)|proven\s+to\s+work"),),
        evidence_key="clinically_proven",
    ),
    Rule(
        "en.unsubstantiated_claim",
        "error",
        "Professional endorsements need a real endorsement.",
        (
            _en(
                r"(?:doctor|dermatologist|dentist|vet)[- ]recommended|"
                r"recommended\s+by\s+(?:doctors|dermatologists|dentists|vets|experts)|"
                r"(?:doctors|dermatologists|dentists|vets)\s+recommend"
            ),
        ),
        evidence_key="doctor_recommended",
    ),
    Rule(
        "en.unsubstantiated_claim",
        "error",
        "Results cannot be guaranteed; describe what the product does instead.",
        (_en(r"guaranteed\s+results|results\s+guaranteed|100%\s+guaranteed|works\s+every\s+time"),),
        evidence_key="guaranteed_results",
    ),
    Rule(
        "en.medical_claim",
        "error",
        "Medical claims (cure, treat, prevent disease) are not allowed for this category.",
        (
            _en(rf"(?:{_EN_MEDICAL_VERBS})(?:\s+[\w'-]+){{0,3}}?\s+(?:{_EN_CONDITIONS})"),
            _en(r"cures?\s+(?:all|everything)"),
            _en(r"anti-?(?:cancer|inflammatory|viral|tumou?r)"),
            _en(r"lowers?\s+(?:your\s+)?(?:blood\s+pressure|cholesterol|blood\s+sugar)"),
            _en(r"boosts?\s+(?:your\s+)?immun(?:e\s+system|ity)"),
            _en(r"(?:lose|losing)\s+weight|weight[- ]loss|burns?\s+fat|fat[- ]burning"),
        ),
        allowed_for_medical=True,
    ),
    Rule(
        "en.fake_review",
        "error",
        "Review and testimonial claims need real review data.",
        (
            _en(
                r"(?:thousands|hundreds|millions|tens\s+of\s+thousands)\s+of\s+"
                r"(?:happy\s+|satisfied\s+|verified\s+)?"
                r"(?:customers|buyers|users|shoppers|(?:5|five)[- ]star\s+reviews|reviews)"
            ),
            _en(r"(?:5|five)[- ]star\s+reviews|rated\s+(?:5|five)\s+stars"),
            _en(r"loved\s+by\s+(?:millions|thousands|everyone)|everyone\s+(?:loves|is\s+raving)"),
            # "Customers say: "..."": an invented quote. Unquoted "customers say" is prose.
            _en(
                r"(?:customers|buyers|users|reviewers|shoppers)\s+(?:say|said|rave|agree|write)"
                r'\s*[:,]?\s*"[^"\n]{1,200}"?'
            ),
            # A quoted testimonial signed with a name: "Love it!" - Sarah K.
            Term(
                r'"[^"\n]{3,200}"\s*(?:[-\u2013\u2014]|said)\s*(?-i:[A-Z][a-z]+)(?:\s(?-i:[A-Z])\.?)?'
            ),
        ),
        evidence_key="reviews",
    ),
    Rule(
        "en.origin_claim",
        "error",
        "'Made in USA' requires all or virtually all of the product to be made in the USA "
        "(FTC); state it only when the catalog says so.",
        (
            _en(
                r"(?:made|manufactured|built|produced)\s+in\s+(?:the\s+)?"
                r"(?:USA|U\.S\.A\.?|(?-i:US)|U\.S\.?|America|United\s+States(?:\s+of\s+America)?)"
            ),
            _en(r"(?:American|USA)[- ]made"),
        ),
        evidence_key="origin:usa",
    ),
)

ZH_RULES: tuple[Rule, ...] = (
    Rule(
        "zh.absolute_term",
        "error",
        "Absolute terms (国家级, 最高级, 最佳 ...) are banned by the Advertising Law, Art. 9.",
        _zh(
            {
                "史上最低价": "超值价",
                "全网最低价?": "超值",
                "全网第一": "热销",
                "最佳": "优质",
                "最好(?!不|别|先|提前)": "很好",
                "最优秀": "优秀",
                "最优": "优选",
                "最高级": "高端",
                "最高端": "高端",
                "最低价": "实惠价",
                "最便宜": "实惠",
                "最先进": "先进",
                "最强": "强劲",
                "最受欢迎": "广受欢迎",
                "最畅销": "热销",
                "最时尚": "时尚",
                "最舒适": "舒适",
                "最安全": "安全",
                "最专业": "专业",
                "史上最": "非常",
                "国家级": "专业级",
                "世界级": "专业级",
                "全球级": "专业级",
                "宇宙级": "出色",
                "第一(?!次|步|天|时间|眼|批|期|代|章|节|季|集|页|层|排|号|条|项|点|个|件|轮|周|年|月|单|口)": "领先",  # noqa: E501
                "(?<![A-Za-z])(?:no\\.?\\s?1|top\\s?1)(?!\\d)": "热门",
                "唯一": "独特",
                "独一无二": "独特",
                "顶级": "高端",
                "首选": "优选",
                "极品": "精品",
                "万能": "多用途",
                "绝对(?!值)": "非常",
                "100%有效": "有效",
                "销量冠军": "热销",
                "遥遥领先": "领先",
                "领导品牌": "知名品牌",
                "至尊": "尊享",
                "极致": "出色",
                "无敌": "出众",
                "王牌": "明星",
                "永久": "长久",
            }
        ),
    ),
    Rule(
        "zh.medical_claim",
        "error",
        "Only medicines and medical devices may claim to treat or prevent disease (Art. 17).",
        _zh(
            {
                "治疗": None,
                "治愈": None,
                "根治": None,
                "医治": None,
                "药效": None,
                "疗效": None,
                "抗癌": None,
                "防癌": None,
                "降血压": None,
                "降血糖": None,
                "降血脂": None,
                "降三高": None,
                "消炎": None,
                "抗炎": None,
                "减肥": None,
                "抗病毒": None,
                "包治百病": None,
                "药用": None,
            }
        ),
        allowed_for_medical=True,
    ),
    Rule(
        "zh.medical_claim",
        "warning",
        "Slimming and detox claims read as efficacy claims; make sure they can be backed.",
        _zh({"瘦身": "塑形", "排毒": None}),
        allowed_for_medical=True,
    ),
    Rule(
        "zh.unsubstantiated_claim",
        "error",
        "Clinical-proof claims need the clinical study behind them.",
        _zh({"临床(?:验证|证明|实验证明)": None}),
        evidence_key="clinically_proven",
    ),
    Rule(
        "zh.unsubstantiated_claim",
        "error",
        "Professional endorsements need a real endorsement.",
        _zh({"(?:医生|专家|医院|皮肤科医生|牙医)推荐": None}),
        evidence_key="doctor_recommended",
    ),
    Rule(
        "zh.unsubstantiated_claim",
        "error",
        "Results cannot be guaranteed (Advertising Law, Art. 28).",
        _zh({"保证效果|效果保证|无效退款": None}),
        evidence_key="guaranteed_results",
    ),
    Rule(
        "zh.fake_review",
        "error",
        "Review and recommendation claims without real review data are false advertising.",
        _zh(
            {
                "好评如潮": "广受关注",
                "万人推荐": None,
                "万人好评": None,
                "(?:千万|百万|万千|数万|上万)(?:用户|顾客|买家|家庭)(?:的)?(?:推荐|好评|选择|信赖|见证)": None,  # noqa: E501
                "全网好评": None,
                "口碑爆棚": None,
                "买过的都说好": None,
                "(?:用户|顾客|买家|网友)都说好": None,
            }
        ),
        evidence_key="reviews",
    ),
)

# --- rules for every language: text that is no product copy at all ------------------------
# Product text reaches the writers from suppliers' feeds and models write what a prompt
# injection tells them: a link, a messenger handle, an insult, or their own instructions.
# Copy in either language can carry them in either script, so both packs hold these terms.
# Patterns see the NFKC-folded text: full-width letters and punctuation arrive as ASCII.

_INVISIBLE = "[\u00ad\u200b-\u200f\u2060\ufeff]*"
_TLDS = (
    "com|net|org|cn|io|co|shop|xyz|top|ly|link|info|biz|store|site|online|vip|cc|tv|ru|uk|"
    "de|jp|hk|tw|club|live|icu|me"
)
_CONTACT_TERMS = (
    Term(r"(?:https?|ftp)\s*:\s*/\s*/"),
    Term(r"\bwww\s*[.。]"),
    Term(rf"[a-z0-9][a-z0-9-]*{_INVISIBLE}[.。]{_INVISIBLE}(?:{_TLDS})(?![a-z0-9-])"),
    Term(rf"(?:\bd[o0]t\b|\(dot\)|\[dot\]|点)\s*(?:{_TLDS}|c[o0]m)\b"),
    Term(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}"),
    Term(r"(?<![\w@.])@[a-z0-9_][a-z0-9_.]{1,29}"),
    Term(r"(?<![\d.])(?:\+\d{1,3}[\s-]?)?\(?\d{3}\)?[\s.-]?\d{3,4}[\s.-]?\d{4}(?![\d.])"),
    # A handle needs a digit or underscore, so "WeChat Pay" stays a payment method.
    Term(
        r"(?:\b(?:wechat|weixin|whatsapp|telegram|line|qq|vx|wx)\b|微信|威信|薇信|v信|扣扣)"
        r"\s*(?:id|号)?\s*[:]?\s*[a-z0-9_-]*[0-9_][a-z0-9_-]{2,}"
    ),
    Term(r"加\s*我?\s*(?:微信?|威信?|薇信?|vx?|qq|扣扣)"),
    # A base64 blob (an encoded link): long, mixing upper case, lower case and digits.
    Term(
        r"(?<![a-z0-9+/])(?-i:(?=[A-Za-z0-9+/]*[0-9])(?=[A-Za-z0-9+/]*[a-z])"
        r"(?=[A-Za-z0-9+/]*[A-Z])[A-Za-z0-9+/]{16,}={0,2})(?![a-z0-9+/])"
    ),
)
_MODEL_INSTRUCTION_TERMS = (
    Term(
        r"\b(?:ignore|disregard|forget|override|bypass)\b[^.!?\n]{0,40}"
        r"\b(?:instructions?|rules|prompts?|guidelines|directives)\b"
    ),
    Term(r"\bsystem\s*(?:prompt|message|instructions?)\b"),
    Term(r"\b(?:your|my|previous|prior|above|hidden|secret|new)\s+(?:instructions|prompt)\b"),
    Term(r"\b(?:reveal|print|show|repeat|output|leak)\b[^.!?\n]{0,30}\b(?:prompt|instructions)\b"),
    Term(r"\b(?:as an ai|language model|jailbreak\w*|developer mode|dan mode)\b"),
    Term(r"\byou\s+are\s+(?:now\s+)?(?:an?\s+)?(?:ai|assistant|chatbot|bot)\b"),
    Term(r"<\|[a-z_]+\|>|\[/?inst\]|</?(?:system|assistant|user|facts)>"),
    Term(r"#{2,}\s*(?:system|instruction)"),
    Term(r"(?:忽略|无视|不要管|忘记|忘掉)[^。!?\n]{0,10}(?:指令|指示|规则|设定|提示|要求)"),
    Term(r"系统提示|提示词|系统指令|系统消息|开发者模式|越狱|【\s*系统"),
    Term(r"你现在是(?!不是|否|在)|(?:扮演|假装)(?:你|是|一个|一位)"),
)
_DISPARAGEMENT_TERMS = (
    Term(r"\b(?:idiots?|idiotic|morons?|moronic|imbeciles?|stupid|losers?|retard(?:s|ed)?)\b"),
    Term(r"\b(?:fuck\w*|shit(?:s|ty)?|bitch(?:es)?|bastards?|assholes?|crappy)\b"),
    Term(
        r"\b(?:competitors?|other\s+(?:brands|shops|stores|sellers))\b[^.!?\n]{0,30}"
        r"\b(?:garbage|trash|junk|crap|rubbish|scams?|fakes?)\b"
    ),
    Term(r"傻子|傻瓜|傻逼|白痴|笨蛋|蠢货|蠢蛋|脑残|智障|废物|去死|滚蛋|骗子"),
    Term(r"(?:同行|别家|其他家)[^。!?\n]{0,8}(?:垃圾|假货|骗人)"),
)


def _not_copy_rules(prefix: str) -> tuple[Rule, ...]:
    return (
        Rule(
            f"{prefix}.contact_or_link",
            "error",
            "Links, domains, e-mail addresses, phone numbers and messenger handles send buyers "
            "off the platform (marketplace rules forbid it) and can hide phishing.",
            _CONTACT_TERMS,
        ),
        Rule(
            f"{prefix}.model_instructions",
            "error",
            "Text addressed to an AI model (instructions, its system prompt, a role to play) is "
            "a prompt injection or a leaked prompt, not product copy.",
            _MODEL_INSTRUCTION_TERMS,
        ),
        Rule(
            f"{prefix}.disparagement",
            "error",
            "Insulting buyers or disparaging competitors is not allowed (China Advertising "
            "Law Art. 13; unfair-competition rules).",
            _DISPARAGEMENT_TERMS,
        ),
    )


RULE_PACKS: dict[str, tuple[Rule, ...]] = {
    "en": EN_RULES + _not_copy_rules("en"),
    "zh-CN": ZH_RULES + _not_copy_rules("zh"),
}


# Advertising law follows the language the text is in: en-GB copy gets the English pack.
_PACK_FOR_LANGUAGE = {"en": "en", "zh": "zh-CN"}


def rule_pack_for(locale: Locale) -> tuple[Rule, ...]:
    """The rules for a locale's language: English for "en", Chinese for "zh-CN" (and any
    other locale of those languages)."""
    pack = _PACK_FOR_LANGUAGE.get(locale.language.lower())
    if pack is None:
        raise ValueError(
            f"No compliance rule pack for locale {locale.code!r}; known: {sorted(RULE_PACKS)}"
        )
    return RULE_PACKS[pack]


def register_rule_pack(language: str, rules: tuple[Rule, ...]) -> None:
    """Add the advertising rules for one more language (a new locale brings its own)."""
    language = language.lower()
    if language in _PACK_FOR_LANGUAGE:
        raise ValueError(f"a rule pack for {language!r} is already registered")
    RULE_PACKS[language] = rules
    _PACK_FOR_LANGUAGE[language] = language


def unregister_rule_pack(language: str) -> None:
    """Forget a pack added with ``register_rule_pack`` (the built-in ones stay)."""
    language = language.lower()
    if language in ("en", "zh"):
        raise ValueError(f"the built-in rule pack for {language!r} cannot be removed")
    _PACK_FOR_LANGUAGE.pop(language, None)
    RULE_PACKS.pop(language, None)


# --- matching ----------------------------------------------------------------------------


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def is_medical_category(category: str | None) -> bool:
    """True for medicines and medical devices ("Health > Medical Devices", "药品")."""
    if not category:
        return False
    segments = re.split(r"\s*[>/|,;]\s*", normalize_text(category).folded.lower())
    return any(segment.strip() in MEDICAL_CATEGORY_WORDS for segment in segments)


def _word_pattern(word: str) -> str:
    folded = normalize_text(word).folded
    escaped = re.escape(folded)
    # Latin words match whole words; Chinese has no spaces, so it matches anywhere.
    if re.search(r"[A-Za-z0-9]", folded):
        return f"{_EN_START}{escaped}{_EN_END}"
    return escaped


def _spans_of(normalized: NormalizedText, pattern: str) -> list[tuple[int, int]]:
    return [
        normalized.original_span(match.start(), match.end())
        for match in _compiled(pattern).finditer(normalized.folded)
        if match.end() > match.start()
    ]


def _finding(
    normalized: NormalizedText,
    rule_id: str,
    severity: Severity,
    span: tuple[int, int],
    message: str,
    suggestion: str | None,
) -> Finding:
    start, end = span
    excerpt = normalized.original[start:end]
    return Finding(
        rule_id=rule_id,
        severity=severity,
        start=start,
        end=end,
        excerpt=excerpt,
        message=message,
        suggestion=_match_case(excerpt, suggestion) if suggestion is not None else None,
    )


def _match_case(original: str, replacement: str) -> str:
    if len(original) > 1 and original.isupper() and original.isascii():
        return replacement.upper()
    if original[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _longest_first(findings: Iterable[Finding]) -> list[Finding]:
    """Within one rule id keep the longest match at each place ("the best" over "best")."""
    ordered = sorted(findings, key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for finding in ordered:
        overlaps = any(
            other.rule_id == finding.rule_id
            and finding.start < other.end
            and other.start < finding.end
            for other in kept
        )
        if not overlaps:
            kept.append(finding)
    return kept


def check_compliance(
    text: str,
    *,
    locale: Locale,
    category: str | None = None,
    store_rules: StoreRules | None = None,
    evidence: frozenset[str] = frozenset(),
) -> list[Finding]:
    """Findings for every advertising-rule and store-rule violation in `text`, in text order.

    `evidence` holds claim keys the caller can back (see EVIDENCE_KEYS); rules with that key
    are skipped. Medical claims are skipped for medical categories. Terms in
    `store_rules.allowed_terms` are never flagged ("Best Buy").
    """
    normalized = normalize_text(text)
    medical = is_medical_category(category)
    found: list[Finding] = []
    for rule in rule_pack_for(locale):
        if rule.evidence_key is not None and rule.evidence_key in evidence:
            continue
        if rule.allowed_for_medical and medical:
            continue
        for term in rule.terms:
            for span in _spans_of(normalized, term.pattern):
                found.append(
                    _finding(
                        normalized, rule.rule_id, rule.severity, span, rule.message, term.suggestion
                    )
                )
    if store_rules is not None:
        found.extend(_store_findings(normalized, store_rules))
        allowed_spans = [
            span
            for term in store_rules.allowed_terms
            for span in _spans_of(normalized, _word_pattern(term))
        ]
        found = [
            finding
            for finding in found
            if finding.rule_id == BANNED_WORD
            or not any(
                start <= finding.start and finding.end <= end for start, end in allowed_spans
            )
        ]
    return sorted(_longest_first(found), key=lambda f: (f.start, f.end, f.rule_id))


def _store_findings(normalized: NormalizedText, store_rules: StoreRules) -> list[Finding]:
    findings: list[Finding] = []
    for word in store_rules.banned_words:
        if not word.strip():
            continue
        for span in _spans_of(normalized, _word_pattern(word)):
            findings.append(
                _finding(
                    normalized,
                    BANNED_WORD,
                    "error",
                    span,
                    f"The store does not allow '{word}'.",
                    None,
                )
            )
    for word in store_rules.required_words:
        if word.strip() and not _spans_of(normalized, _word_pattern(word)):
            findings.append(
                Finding(
                    rule_id=MISSING_REQUIRED_WORD,
                    severity="error",
                    start=0,
                    end=0,
                    excerpt="",
                    message=f"The store requires '{word}' in every text.",
                    suggestion=None,
                )
            )
    return findings


# --- rewriting ---------------------------------------------------------------------------

_DIGIT = re.compile(r"\d")


def _safe_to_apply(text: str, finding: Finding) -> bool:
    if finding.suggestion is None or finding.rule_id.startswith("grounding."):
        return False  # grounding fixes restate facts; a person or the template writer decides
    if not 0 <= finding.start < finding.end <= len(text):
        return False
    if text[finding.start : finding.end] != finding.excerpt:
        return False  # the finding is stale: it was made on another text
    # Never change numbers: a span with digits ("#1", "100%有效") is left for a person.
    return not (_DIGIT.search(finding.excerpt) or _DIGIT.search(finding.suggestion))


def rewrite_compliant(text: str, findings: Sequence[Finding]) -> tuple[str, list[Change]]:
    """Apply every suggestion that is safe to apply; return the new text and what changed.

    Only the flagged spans change. Overlapping findings keep the first (then longest) one.
    """
    chosen: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.start, -(f.end - f.start))):
        if not _safe_to_apply(text, finding):
            continue
        if any(finding.start < other.end and other.start < finding.end for other in chosen):
            continue
        chosen.append(finding)
    rewritten = text
    # Right to left, so earlier offsets stay valid while later spans are replaced.
    for finding in reversed(chosen):
        replacement = finding.suggestion or ""
        rewritten = rewritten[: finding.start] + replacement + rewritten[finding.end :]
    changes = [Change(f.rule_id, f.start, f.end, f.excerpt, f.suggestion or "") for f in chosen]
    return rewritten, changes
