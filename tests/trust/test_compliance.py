"""Advertising-law compliance: what each locale pack flags, where, and how it is rewritten.

Decisions recorded here:
- "bestseller", "best-selling" and "best seller(s)" are allowed: a sales rank the store reports
  from its own sales, like "popular". Hyphenated "best-in-class" is flagged.
- "first-class" / "first-rate" are quality words, not rankings: allowed.
- "best" in idioms that compare nothing ("best before", "look your best") is allowed.
- 第一 is allowed where it counts steps or time (第一次, 第一步, 第一件, 第一时间).
"""

# Chinese copy is written with full-width punctuation and digits; the tests use them on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from locales import Locale, get_locale
from trust.compliance import (
    BANNED_WORD,
    MISSING_REQUIRED_WORD,
    RULE_PACKS,
    StoreRules,
    check_compliance,
    is_medical_category,
    rewrite_compliant,
    rule_pack_for,
)
from trust.findings import Finding
from trust.grounding import Facts, evidence_from_facts

EN = get_locale("en")
ZH = get_locale("zh-CN")

EN_VIOLATIONS = [
    ("The best blender you will ever own.", "en.superlative", "The best"),
    ("Our #1 selling mug.", "en.superlative", "#1"),
    ("Voted number one by home cooks.", "en.superlative", "number one"),
    ("The world's best coffee beans.", "en.superlative", "The world's best"),
    ("The world\u2019s best coffee beans.", "en.superlative", "The world\u2019s best"),
    ("Cheapest headphones online.", "en.superlative", "Cheapest"),
    ("Lowest price ever on this kettle.", "en.superlative", "Lowest price ever"),
    ("Best-in-class battery life.", "en.superlative", "Best-in-class"),
    ("A world-class espresso machine.", "en.superlative", "world-class"),
    ("Unbeatable comfort all day.", "en.superlative", "Unbeatable"),
    ("The finest leather gloves.", "en.superlative", "The finest"),
    ("Top-rated by runners.", "en.superlative", "Top-rated"),
    ("Simply the BEST.", "en.superlative", "the BEST"),
    ("Guaranteed results in a week.", "en.unsubstantiated_claim", "Guaranteed results"),
    ("Clinically proven to hydrate.", "en.unsubstantiated_claim", "Clinically proven"),
    ("A doctor-recommended pillow.", "en.unsubstantiated_claim", "doctor-recommended"),
    (
        "Dermatologists recommend this cream.",
        "en.unsubstantiated_claim",
        "Dermatologists recommend",
    ),
    ("This tea cures insomnia.", "en.medical_claim", "cures insomnia"),
    ("Treats acne overnight.", "en.medical_claim", "Treats acne"),
    ("Helps prevent heart disease.", "en.medical_claim", "prevent heart disease"),
    ("Heals wounds faster.", "en.medical_claim", "Heals wounds"),
    ("Anti-cancer superfood blend.", "en.medical_claim", "Anti-cancer"),
    ("Lowers blood pressure naturally.", "en.medical_claim", "Lowers blood pressure"),
    ("Burn fat while you sleep.", "en.medical_claim", "Burn fat"),
    ("Made in USA from local oak.", "en.origin_claim", "Made in USA"),
    ("Proudly made in the United States.", "en.origin_claim", "made in the United States"),
    ("American-made hand tools.", "en.origin_claim", "American-made"),
    ("Thousands of happy customers agree.", "en.fake_review", "Thousands of happy customers"),
    ("Over 10,000 five-star reviews.", "en.fake_review", "five-star reviews"),
    (
        'Customers say: "It changed my life!"',
        "en.fake_review",
        'Customers say: "It changed my life!"',
    ),
    (
        '"Love it, would buy again!" - Sarah K.',
        "en.fake_review",
        '"Love it, would buy again!" - Sarah K.',
    ),
    ("Loved by millions of families.", "en.fake_review", "Loved by millions"),
]

EN_CLEAN = [
    "A great blender for smoothies and soups.",
    "Bestow a thoughtful gift this season.",
    "Our bestseller is back.",
    "One of our best-selling mugs.",
    "Our best sellers ship today.",
    "Travel first-class with this carry-on.",
    "A first-rate burr grinder.",
    "Best before the date printed on the lid.",
    "Look your best at every meeting.",
    "Do your best work at this desk.",
    "A treat for your dog after a long walk.",
    "Cured ham, sliced thin.",
    "The epoxy cures in 24 hours.",
    "Prevents spills with a locking lid.",
    "Customers say it fits true to size.",
    "Made in small batches.",
    "Number the pages before you print.",
    "Cheap and cheerful.",
    "Headphones with a 30-hour battery.",
    "A finely woven scarf.",
    "Our team tested it for a month.",
    "Bestest friends forever.",
    "The 2-in-1 design saves space.",
    "Rated for outdoor use.",
    "Feel the difference on day one.",
    "The US plug fits standard outlets.",
    "Ideal for everyday use.",
    "Pain-free setup in minutes.",
]

ZH_VIOLATIONS = [
    ("这是最佳选择", "zh.absolute_term", "最佳"),
    ("全网最低价，错过不再", "zh.absolute_term", "全网最低价"),
    ("最好的保温杯", "zh.absolute_term", "最好"),
    ("品质最优", "zh.absolute_term", "最优"),
    ("最高级面料", "zh.absolute_term", "最高级"),
    ("史上最低价", "zh.absolute_term", "史上最低价"),
    ("最先进的技术", "zh.absolute_term", "最先进"),
    ("国家级品质", "zh.absolute_term", "国家级"),
    ("世界级工艺", "zh.absolute_term", "世界级"),
    ("销量第一的爆款", "zh.absolute_term", "第一"),
    ("全网第一", "zh.absolute_term", "全网第一"),
    ("唯一指定品牌", "zh.absolute_term", "唯一"),
    ("顶级真皮", "zh.absolute_term", "顶级"),
    ("送礼首选", "zh.absolute_term", "首选"),
    ("极品好茶", "zh.absolute_term", "极品"),
    ("万能清洁剂", "zh.absolute_term", "万能"),
    ("绝对好用", "zh.absolute_term", "绝对"),
    ("用了100%有效", "zh.absolute_term", "100%有效"),
    ("ＮＯ．１爆款", "zh.absolute_term", "ＮＯ．１"),
    ("最受欢迎的款式", "zh.absolute_term", "最受欢迎"),
    ("能治疗失眠", "zh.medical_claim", "治疗"),
    ("长期饮用可降血压", "zh.medical_claim", "降血压"),
    ("抗癌食品", "zh.medical_claim", "抗癌"),
    ("快速消炎", "zh.medical_claim", "消炎"),
    ("喝了就能减肥", "zh.medical_claim", "减肥"),
    ("好评如潮的爆款", "zh.fake_review", "好评如潮"),
    ("万人推荐", "zh.fake_review", "万人推荐"),
    ("百万用户信赖的品牌", "zh.fake_review", "百万用户信赖"),
    ("临床验证有效", "zh.unsubstantiated_claim", "临床验证"),
    ("医生推荐的枕头", "zh.unsubstantiated_claim", "医生推荐"),
]

ZH_CLEAN = [
    "这款保温杯采用优质不锈钢。",
    "第一次使用前请清洗。",
    "第一步：打开包装。",
    "下单后第一时间发货。",
    "第一件原价，第二件半价。",
    "使用前最好先试用。",
    "最后一步，拧紧杯盖。",
    "最近很多人问这款。",
    "这是一款实用的厨房好物。",
    "轻盈便携，适合通勤。",
    "支持七天无理由退货。",
    "面料柔软亲肤。",
    "容量500毫升，满足一天饮水。",
    "送礼自用两相宜。",
    "高端大气的设计。",
    "热销款，库存有限。",
    "经典款式，百搭不挑人。",
    "精选好茶，口感醇厚。",
    "多用途清洁剂，厨房浴室都能用。",
    "出厂前经过严格检测。",
    "颜色有黑白蓝三种可选。",
    "每天一杯，元气满满。",
    "专业级工艺打造。",
    "这款面霜质地清爽。",
    "唯美的包装设计。",
    "首发当天下单有礼。",
]


def _ids_and_excerpts(findings: list[Finding]) -> list[tuple[str, str]]:
    return [(finding.rule_id, finding.excerpt) for finding in findings]


@pytest.mark.parametrize(("text", "rule_id", "excerpt"), EN_VIOLATIONS)
def test_english_violation_is_flagged_at_the_offending_term(text, rule_id, excerpt):
    findings = check_compliance(text, locale=EN, category="Kitchen")

    assert (rule_id, excerpt) in _ids_and_excerpts(findings)
    for finding in findings:
        assert text[finding.start : finding.end] == finding.excerpt


@pytest.mark.parametrize("text", EN_CLEAN)
def test_ordinary_english_copy_is_not_flagged(text):
    assert check_compliance(text, locale=EN, category="Home") == []


@pytest.mark.parametrize(("text", "rule_id", "excerpt"), ZH_VIOLATIONS)
def test_chinese_violation_is_flagged_at_the_offending_term(text, rule_id, excerpt):
    findings = check_compliance(text, locale=ZH, category="食品")

    assert (rule_id, excerpt) in _ids_and_excerpts(findings)
    for finding in findings:
        assert text[finding.start : finding.end] == finding.excerpt


@pytest.mark.parametrize("text", ZH_CLEAN)
def test_ordinary_chinese_copy_is_not_flagged(text):
    assert check_compliance(text, locale=ZH, category="家居") == []


def test_spans_point_into_the_original_text_after_full_width_folding():
    text = "今天的ＢＥＳＴ款，１００％有效"

    findings = check_compliance(text, locale=ZH)

    assert _ids_and_excerpts(findings) == [("zh.absolute_term", "１００％有效")]
    english = check_compliance("Ｔｈｅ ｂｅｓｔ mug", locale=EN)
    assert [(f.start, f.end, f.suggestion) for f in english] == [(0, 8, "A great")]


def test_every_finding_carries_a_message_and_english_superlatives_a_drop_in_fix():
    findings = check_compliance("The best and cheapest mug, #1 in town.", locale=EN)

    assert all(finding.message for finding in findings)
    assert [(f.excerpt, f.suggestion) for f in findings] == [
        ("The best", "A great"),
        ("cheapest", "affordable"),
        ("#1", "popular"),
    ]


def test_longest_term_wins_inside_one_rule():
    findings = check_compliance("全网第一的好物", locale=ZH)

    assert _ids_and_excerpts(findings) == [("zh.absolute_term", "全网第一")]


def test_medical_claims_are_allowed_for_medical_categories_only():
    text = "Treats acne and relieves pain."

    assert check_compliance(text, locale=EN, category="Pharmacy > Skin care") == []
    assert check_compliance("可用于治疗失眠", locale=ZH, category="药品") == []
    assert [f.rule_id for f in check_compliance(text, locale=EN, category="Beauty")] == [
        "en.medical_claim",
        "en.medical_claim",
    ]
    assert is_medical_category("Health / Medical Devices")
    assert not is_medical_category("Health & Beauty")
    assert not is_medical_category(None)


def test_evidence_allows_a_claim_the_seller_can_back():
    text = 'Made in USA. #1 in its class. Customers say: "Great!"'

    flagged = {f.rule_id for f in check_compliance(text, locale=EN)}
    backed = check_compliance(
        text, locale=EN, evidence=frozenset({"origin:usa", "ranking", "reviews"})
    )

    assert flagged == {"en.origin_claim", "en.superlative", "en.fake_review"}
    assert backed == []


def test_evidence_from_catalog_facts_allows_made_in_usa():
    facts = Facts(
        title="Oak cutting board",
        price=Decimal("49"),
        currency="USD",
        attributes={"country of origin": "USA"},
    )

    evidence = evidence_from_facts(facts)

    assert "origin:usa" in evidence
    assert check_compliance("Made in USA.", locale=EN, evidence=evidence) == []


def test_store_allow_list_keeps_a_brand_name_that_looks_like_a_superlative():
    text = "Shop Best Buy deals, the best place for gadgets."

    default = check_compliance(text, locale=EN)
    allowed = check_compliance(text, locale=EN, store_rules=StoreRules(allowed_terms=["Best Buy"]))

    assert [f.excerpt for f in default] == ["Best", "the best"]
    assert [f.excerpt for f in allowed] == ["the best"]


def test_store_banned_words_are_whole_words_case_insensitive_and_any_chinese_substring():
    rules = StoreRules(banned_words=["cheap", "爆款"])

    english = check_compliance(
        "Cheap? Not cheapskate quality. cheap!", locale=EN, store_rules=rules
    )
    chinese = check_compliance("今日爆款，超级爆款", locale=ZH, store_rules=rules)

    assert [(f.rule_id, f.start, f.end) for f in english] == [
        (BANNED_WORD, 0, 5),
        (BANNED_WORD, 31, 36),
    ]
    assert [(f.excerpt, f.start) for f in chinese] == [("爆款", 2), ("爆款", 7)]


def test_store_required_words_are_reported_when_missing():
    rules = StoreRules(required_words=["AI-generated"])

    missing = check_compliance("A sturdy mug.", locale=EN, store_rules=rules)
    present = check_compliance("A sturdy mug. (ai-generated)", locale=EN, store_rules=rules)

    assert [(f.rule_id, f.start, f.end, f.severity) for f in missing] == [
        (MISSING_REQUIRED_WORD, 0, 0, "error")
    ]
    assert present == []


def _locale(code: str, language: str) -> Locale:
    return Locale(code, language, code, 2.5, 4.0, (", ", " and "))


def test_unknown_locale_is_an_error_not_a_silent_pass():
    with pytest.raises(ValueError, match="fr-FR"):
        check_compliance("Le meilleur", locale=_locale("fr-FR", "fr"))


def test_the_rule_pack_follows_the_locales_language_not_its_region():
    british = _locale("en-GB", "en")

    assert rule_pack_for(british) == rule_pack_for(EN) == RULE_PACKS["en"]
    assert [f.excerpt for f in check_compliance("The best mug", locale=british)] == ["The best"]


def test_rule_packs_are_data_with_namespaced_ids_and_valid_patterns():
    for locale, rules in RULE_PACKS.items():
        prefix = "en." if locale == "en" else "zh."
        for rule in rules:
            assert rule.rule_id.startswith(prefix)
            assert rule.severity in {"error", "warning"}
            assert rule.terms
            for term in rule.terms:
                re.compile(term.pattern)


def test_rewrite_replaces_only_flagged_spans_right_to_left():
    text = "The best kettle, the cheapest price. Made in USA."
    findings = check_compliance(text, locale=EN)

    rewritten, changes = rewrite_compliant(text, findings)

    assert rewritten == "A great kettle, an affordable price. Made in USA."
    assert [(c.rule_id, c.start, c.end, c.before, c.after) for c in changes] == [
        ("en.superlative", 0, 8, "The best", "A great"),
        ("en.superlative", 17, 29, "the cheapest", "an affordable"),
    ]
    # Everything outside the changed spans is untouched.
    assert rewritten.endswith(text[29:])
    assert rewritten[7:16] == text[8:17]
    assert {f.rule_id for f in check_compliance(rewritten, locale=EN)} == {"en.origin_claim"}


def test_rewrite_keeps_case_and_handles_chinese():
    text = "BEST deal. 最佳选择，好评如潮，能治疗失眠"
    findings = check_compliance(text, locale=EN) + check_compliance(text, locale=ZH)

    rewritten, changes = rewrite_compliant(text, findings)

    assert rewritten == "GREAT deal. 优质选择，广受关注，能治疗失眠"
    assert [c.before for c in changes] == ["BEST", "最佳", "好评如潮"]


def test_rewrite_never_changes_numbers_or_stale_or_grounding_findings():
    text = "The #1 mug, 100%有效, only $9."
    findings = check_compliance(text, locale=EN) + check_compliance(text, locale=ZH)
    stale = Finding("en.superlative", "warning", 0, 3, "best", "msg", "great")
    grounding = Finding("grounding.unsupported_number", "error", 24, 26, "$9", "msg", "$19")

    rewritten, changes = rewrite_compliant(text, [*findings, stale, grounding])

    assert {f.excerpt for f in findings} >= {"The #1", "100%有效"}
    assert rewritten == text
    assert changes == []


def test_rewrite_skips_the_second_of_two_overlapping_findings():
    text = "the best"
    first = Finding("en.superlative", "warning", 0, 8, "the best", "m", "a great")
    inner = Finding("store.custom", "warning", 4, 8, "best", "m", "good")

    rewritten, changes = rewrite_compliant(text, [inner, first])

    assert rewritten == "a great"
    assert [c.before for c in changes] == ["the best"]
