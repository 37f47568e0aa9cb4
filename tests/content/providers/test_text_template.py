"""The template writer: grounded, compliant, well-formed copy from facts alone, in two locales."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from content.providers.base import ProviderUnavailable
from content.providers.registry import get_backend
from content.providers.text import CopyRequest, TemplateWriter
from content.providers.text.product_copy import errors_in
from locales import get_locale
from tests.content.providers.text_facts import AWKWARD, MUG, seeded_facts
from tests.providers import use_provider
from trust.compliance import StoreRules, check_compliance
from trust.grounding import Facts, check_grounding, evidence_from_facts, real_discount_percents

LOCALES = ("en", "zh-CN")
FACT_SETS = [*AWKWARD, *(seeded_facts(seed) for seed in range(8))]


def write(facts: Facts, locale: str = "en", **options: object):
    return TemplateWriter().write(CopyRequest(facts, locale, "Shop Co", **options))  # type: ignore[arg-type]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("facts", FACT_SETS, ids=lambda facts: facts.title[:24])
def test_copy_is_grounded_compliant_and_well_formed(facts, locale):
    result = write(facts, locale, sku=facts.title)

    assert errors_in(result.findings) == []
    assert result.copy.validate(facts, locale=locale) == []
    # Checked again section by section with the checkers themselves, not the writer's helper.
    for _, text in result.copy.sections():
        assert errors_in(check_grounding(text, facts, locale=get_locale(locale))) == []
        found = check_compliance(
            text,
            locale=get_locale(locale),
            category=facts.category,
            evidence=evidence_from_facts(facts),
        )
        assert errors_in(found) == []
    assert not result.fell_back
    assert result.provenance.provider == "template"


def test_english_copy_states_the_facts():
    copy = write(MUG, sku="MUG-1").copy
    text = copy.as_text()

    assert "$12.99" in copy.video_script[-1]
    assert "save 35%" in text or "35% Off" in text
    assert "Only 4 left" in text
    assert "350 ml" in text
    assert "100% ceramic" in text
    assert "white, blue and sage" in text
    assert "2-year warranty" in text
    assert len(copy.headline) <= 60


def test_chinese_copy_states_the_facts_in_chinese():
    copy = write(MUG, "zh-CN", sku="MUG-1").copy
    text = copy.as_text()

    assert "$12.99" in copy.video_script[-1]
    assert "仅剩4件" in text
    assert "2年质保" in text
    assert "white、blue、sage" in text
    assert "。" in copy.long_description


def test_stock_above_ten_is_not_called_scarce():
    plenty = dataclasses.replace(MUG, stock=11)

    for locale in LOCALES:
        text = write(plenty, locale).copy.as_text()
        assert "left" not in text
        assert "仅剩" not in text


def test_same_sku_same_copy_and_skus_vary_the_wording():
    assert write(MUG, sku="A").copy == write(MUG, sku="A").copy
    headlines_and_openers = {
        (r.copy.headline, r.copy.short_description.split(".")[0])
        for r in (write(MUG, sku=f"SKU-{n}") for n in range(6))
    }
    assert len(headlines_and_openers) >= 3


def test_rule_breaking_titles_are_rewritten_not_repeated():
    en = write(AWKWARD[0]).copy.as_text()
    zh = write(AWKWARD[1], "zh-CN").copy.as_text()

    assert "Best" not in en
    assert "#1" not in en
    assert "最佳" not in zh
    assert "国家级" not in zh


def test_store_banned_words_are_left_out_even_when_the_title_has_them():
    result = write(MUG, store_rules=StoreRules(banned_words=("ceramic",)))

    assert "eramic" not in result.copy.as_text()
    assert errors_in(result.findings) == []
    assert result.copy.validate(MUG) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_the_locales_discount_is_one_grounding_accepts_and_never_overstated(locale):
    language = get_locale(locale)
    for facts in [*FACT_SETS, *(seeded_facts(seed) for seed in range(200))]:
        percent = language.discount_percent(facts.price, facts.compare_at_price)
        honest = real_discount_percents(facts)
        if percent is None:
            assert not honest or min(honest) < 1
        else:
            assert Decimal(percent) in honest
            assert percent == min(honest)  # rounded down: never the larger of the two


def test_the_registry_builds_the_configured_writer(settings):
    use_provider(settings, "text", "template")
    assert isinstance(get_backend("text"), TemplateWriter)
    settings.SHOP_AI_PROVIDERS = {**settings.SHOP_AI_PROVIDERS, "text": {"BACKEND": "gpt-9"}}
    with pytest.raises(ProviderUnavailable, match=r'SHOP_AI_PROVIDERS\["text"\]\["BACKEND"\]'):
        get_backend("text")


@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_feed_fields_are_not_sold_as_features(locale):
    # A Google Merchant feed keeps availability and condition as attributes.
    attributes = {**MUG.attributes, "availability": "in_stock", "condition": "new"}
    facts = dataclasses.replace(MUG, attributes=attributes)
    text = TemplateWriter().write(CopyRequest(facts, locale, "Acme", sku="MUG-1")).copy.as_text()
    assert "in_stock" not in text
    assert "condition" not in text.lower()
    assert "Italy" in text or "意大利" in text  # a real attribute is still there
