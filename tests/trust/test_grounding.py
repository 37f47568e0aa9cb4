"""Fact grounding: every number, unit and claim in generated text must come from the catalog."""

# Chinese copy is written with full-width punctuation and digits; the tests use them on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from locales import Locale, get_locale
from trust.grounding import (
    UNSUPPORTED_CLAIM,
    UNSUPPORTED_NUMBER,
    Facts,
    check_grounding,
    evidence_from_facts,
    extract_quantities,
    real_discount_percents,
)

EN = get_locale("en")
ZH = get_locale("zh-CN")
NUMBER = UNSUPPORTED_NUMBER
CLAIM = UNSUPPORTED_CLAIM


def bottle_facts(**overrides) -> Facts:
    """An insulated bottle: $19.99, was $24.99 (20% off), 7 left, made in the USA."""
    fields: dict[str, Any] = {
        "title": "Insulated Water Bottle",
        "brand": "Aqua",
        "category": "Kitchen > Drinkware",
        "price": Decimal("19.99"),
        "currency": "USD",
        "compare_at_price": Decimal("24.99"),
        "stock": 7,
        "attributes": {
            "material": "18/8 stainless steel",
            "capacity": "500 ml",
            "weight": "1.2 kg",
            "dimensions": "30 x 8 x 8 cm",
            "strap length": "10-20 cm",
            "country of origin": "USA",
        },
        "variant_options": {"color": ["black", "white", "blue"]},
        "tags": ["BPA-free"],
        "offers": ["free shipping"],
        "warranty": "2-year",
    }
    fields.update(overrides)
    return Facts(**fields)


def cup_facts_cny(**overrides) -> Facts:
    """A Chinese-market cup: 199元, was 249元 (8折), 3 left, 2-year warranty."""
    fields: dict[str, Any] = {
        "title": "保温杯",
        "price": Decimal("199"),
        "currency": "CNY",
        "compare_at_price": Decimal("249"),
        "stock": 3,
        "attributes": {"容量": "500毫升", "材质": "不锈钢"},
        "offers": ["包邮"],
        "warranty": "两年",
    }
    fields.update(overrides)
    return Facts(**fields)


def flagged(text: str, facts: Facts, locale: Locale = EN) -> list[tuple[str, str]]:
    findings = check_grounding(text, facts, locale=locale)
    for finding in findings:
        assert text[finding.start : finding.end] == finding.excerpt
    return [(finding.rule_id, finding.excerpt) for finding in findings]


def test_copy_that_only_states_catalog_facts_passes():
    text = (
        "Now $19.99 (was $24.99), save 20% today! Holds 500 ml (0.5 l, about 16.9 fl oz), "
        "weighs 1.2 kg, measures 30 x 8 x 8 cm, strap adjusts from 10 to 20 cm. Pick from "
        "3 colors. 2-year warranty, free shipping, BPA-free stainless steel, only 7 left in "
        "stock. Made in USA."
    )

    assert flagged(text, bottle_facts()) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Now only $21.99!", [(NUMBER, "$21.99")]),
        ("Huge 750 ml capacity.", [(NUMBER, "750 ml")]),
        ("Save 30% today.", [(NUMBER, "30%")]),
        ("Only 2 left!", [(NUMBER, "2")]),
        ("Weighs just 0.9 kg.", [(NUMBER, "0.9 kg")]),
        ("Soft 100% cotton sleeve.", [(CLAIM, "100% cotton")]),
        ("Made in Italy.", [(CLAIM, "Made in Italy")]),
        ("FDA approved materials.", [(CLAIM, "FDA approved")]),
        ("Lifetime warranty included.", [(CLAIM, "Lifetime warranty")]),
        ("Backed by a 5-year warranty.", [(NUMBER, "5-year")]),
        ("Comes in 4 colors.", [(NUMBER, "4 colors")]),
        ("Crisp 4K display.", [(NUMBER, "4K")]),
        ("Genuine leather strap.", [(CLAIM, "Genuine leather")]),
        ("Priced at ¥199.", [(NUMBER, "¥199")]),
        ("Strap adjusts from 10 to 25 cm.", [(NUMBER, "25 cm")]),
        ("Buy one get one free!", [(CLAIM, "Buy one get one free")]),
    ],
)
def test_invented_numbers_and_claims_are_flagged_at_their_span(text, expected):
    assert flagged(text, bottle_facts()) == expected


def test_wrong_numbers_come_with_a_drop_in_suggestion_from_the_facts():
    findings = check_grounding(
        "Only $21.99 with 30% off, 750 ml, only 2 left!", bottle_facts(), locale=EN
    )

    assert [(f.excerpt, f.suggestion) for f in findings] == [
        ("$21.99", "$19.99"),
        ("30%", "20%"),
        ("750 ml", "500 ml"),
        ("2", "7"),
    ]
    assert all(f.severity == "error" and f.message for f in findings)


def test_a_discount_without_a_compare_at_price_is_invented():
    facts = bottle_facts(compare_at_price=None)

    assert flagged("Now 20% off!", facts) == [(NUMBER, "20%")]
    assert flagged("Was $24.99.", facts) == [(NUMBER, "$24.99")]


def test_an_offer_fact_backs_its_discount():
    facts = bottle_facts(compare_at_price=None, offers=["15% off with code SPRING"])

    assert flagged("Take 15% off with code SPRING.", facts) == []


def test_real_discount_is_rounded_or_floored():
    facts = bottle_facts(price=Decimal("17.99"), compare_at_price=Decimal("23.99"))  # 25.01%

    assert real_discount_percents(facts) == {Decimal(25)}
    assert flagged("25% off", facts) == []
    assert flagged("26% off", facts) == [(NUMBER, "26%")]


@pytest.mark.parametrize(
    "text",
    ["0.5 l", "0.5 L", "500ml", "500 mL", "16.9 fl oz", "1200 g", "1.2 kg", "2.65 lb", "300 mm"],
)
def test_units_are_compared_after_conversion(text):
    assert flagged(f"Spec: {text}.", bottle_facts()) == []


@pytest.mark.parametrize("text", ["0.6 l", "1.3 kg", "1250 g", "17.5 fl oz", "35 cm"])
def test_converted_values_that_differ_are_still_flagged(text):
    assert flagged(f"Spec: {text}.", bottle_facts()) == [(NUMBER, text)]


def test_price_in_another_currency_is_flagged_without_a_wrong_suggestion():
    findings = check_grounding("Only 19.99 EUR!", bottle_facts(), locale=EN)

    assert [(f.excerpt, f.suggestion) for f in findings] == [("19.99 EUR", None)]
    assert "EUR" in findings[0].message


def test_thousands_separators_and_currency_codes_parse():
    facts = bottle_facts(price=Decimal("1299.00"), compare_at_price=None)

    assert flagged("Yours for $1,299.00 or 1,299.00 USD.", facts) == []
    assert flagged("Yours for $1,399.00.", facts) == [(NUMBER, "$1,399.00")]


def test_chinese_prices_discounts_and_stock():
    facts = cup_facts_cny()

    assert flagged("到手价199元，原价¥249，限时8折，仅剩3件，包邮。", facts, ZH) == []
    assert flagged("到手价179元", facts, ZH) == [(NUMBER, "179元")]
    assert flagged("限时7折", facts, ZH) == [(NUMBER, "7折")]
    assert flagged("限时八折", facts, ZH) == []
    assert flagged("仅剩2件", facts, ZH) == [(NUMBER, "2件")]
    assert flagged("今日半价", facts, ZH) == [(NUMBER, "半价")]


def test_chinese_fix_suggestions_keep_the_unit():
    findings = check_grounding("限时7折，到手价179元", cup_facts_cny(), locale=ZH)

    assert [(f.excerpt, f.suggestion) for f in findings] == [("7折", "8折"), ("179元", "199元")]


def test_chinese_units_numerals_and_claims():
    facts = cup_facts_cny()

    assert flagged("容量500毫升（0.5升），两年质保，不锈钢内胆。", facts, ZH) == []
    assert flagged("三年质保", facts, ZH) == [(NUMBER, "三年")]
    assert flagged("容量600毫升", facts, ZH) == [(NUMBER, "600毫升")]
    assert flagged("纯棉杯套，日本进口", facts, ZH) == [
        (CLAIM, "纯棉"),
        (CLAIM, "日本进口"),
    ]


def test_full_width_text_keeps_exact_spans():
    text = "现价￥１９９，限时８折"

    assert flagged(text, cup_facts_cny(), ZH) == []
    assert flagged("现价￥１７９", cup_facts_cny(), ZH) == [(NUMBER, "￥１７９")]


def test_stock_claims_follow_stock():
    assert flagged("In stock and selling fast!", bottle_facts(stock=7)) == []
    assert flagged("Selling fast!", bottle_facts(stock=500)) == [(CLAIM, "Selling fast")]
    assert flagged("In stock now.", bottle_facts(stock=0)) == [(CLAIM, "In stock")]
    assert flagged("Only 3 left.", bottle_facts(stock=None)) == [(NUMBER, "3")]


def test_faux_leather_is_not_a_leather_claim_and_pu_leather_does_not_back_genuine_leather():
    facts = bottle_facts(attributes={"material": "PU leather"})

    assert flagged("Vegan leather strap.", facts) == []
    assert flagged("Real leather strap.", facts) == [(CLAIM, "Real leather")]


def test_codes_and_counts_in_the_title_are_backed():
    facts = bottle_facts(title="Aqua X100 Bottle, 6-Pack, SPF 50 sleeve")

    assert flagged("The X100 comes as a pack of 6 with an SPF50 sleeve.", facts) == []
    assert flagged("The X200 comes as a 4-pack.", facts) == [(NUMBER, "X200"), (NUMBER, "4-pack")]


def test_unit_hint_in_attribute_key_is_used():
    facts = bottle_facts(attributes={"capacity_ml": "750"})

    assert flagged("Holds 750 ml.", facts) == []


def test_extract_quantities_reads_units_ranges_and_chinese_numerals():
    quantities = extract_quantities(
        "10–20 cm, 3-pack, pack of six, 两件, 十二个月, 八五折, 2 x 500 ml"
    )

    assert [(q.excerpt, q.kind) for q in quantities] == [
        ("10", "measure"),
        ("20 cm", "measure"),
        ("3-pack", "count"),
        ("six", "count"),
        ("两件", "count"),
        ("十二个月", "measure"),
        ("八五折", "discount"),
        ("2", "count"),
        ("500 ml", "measure"),
    ]
    by_excerpt = {q.excerpt: q for q in quantities}
    assert by_excerpt["10"].readings[0].amount == Decimal(100)  # millimetres
    assert by_excerpt["八五折"].value == Decimal(15)  # percent off
    assert by_excerpt["十二个月"].readings[0].amount == Decimal(8760)  # hours, one year


def test_prose_numerals_are_not_quantities():
    text = "一年四季都适用，第一件发货，这是一款好物，十分好用，一天喝四杯水，one size fits all"

    assert extract_quantities(text, locale=ZH) == []
    assert extract_quantities("Support 24/7. Step 2: rinse. Tip 3: dry.") == []


def test_one_year_is_a_quantity_when_it_is_a_term_of_sale():
    quantities = extract_quantities("一年质保, one-year warranty")

    assert [(q.excerpt, q.unit) for q in quantities] == [("一年", "year"), ("one-year", "year")]
    assert flagged("One-year warranty.", bottle_facts()) == [(NUMBER, "One-year")]


def test_evidence_from_facts_lists_backed_claim_keys():
    evidence = evidence_from_facts(bottle_facts())

    assert {"origin:usa", "cert:bpa_free", "offer:free_shipping"} <= evidence
    assert "origin:italy" not in evidence
