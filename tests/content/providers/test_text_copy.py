"""Product copy: its shape rules, parsing model output, and checking what it claims."""

from __future__ import annotations

import json
from typing import Any

import pytest

from content.providers.text import CopyParseError, CopyRequest, ProductCopy, check_copy
from content.providers.text.product_copy import first_json_object
from locales import get_locale
from tests.content.providers.text_facts import MUG

GOOD: dict[str, Any] = {
    "headline": "Ceramic Coffee Mug",
    "short_description": "Meet the Ceramic Coffee Mug from Acme. It holds 350 ml.",
    "bullets": ["Made of 100% ceramic", "Holds 350 ml", "Now $12.99"],
    "long_description": "Meet the Ceramic Coffee Mug. It holds 350 ml. Find it at Shop Co.",
    "video_script": ["Meet the Ceramic Coffee Mug.", "It holds 350 ml.", "Get yours for $12.99."],
    "seo_title": "Ceramic Coffee Mug | Shop Co",
    "seo_description": "Shop the Ceramic Coffee Mug at Shop Co. It holds 350 ml.",
    "keywords": ["ceramic coffee mug", "coffee mug", "kitchen", "mugs", "mug"],
    "shot_list": [
        {"description": "Hook: the product photo, slow zoom in.", "source": "product_photo",
         "duration_s": 5},
        {"description": "Feature: the feature card.", "source": "feature_card", "duration_s": 5},
        {"description": "Call to action: the end card with the price.", "source": "story_frame",
         "duration_s": 6},
    ],
}  # fmt: skip


def copy_with(**changes: object) -> ProductCopy:
    return ProductCopy.from_dict({**GOOD, **changes})


def test_well_formed_copy_validates():
    assert copy_with().validate(MUG) == []


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"headline": "x" * 61}, "headline has 61 characters"),
        ({"headline": ""}, "headline is empty"),
        ({"short_description": "One. Two. Three."}, "short_description has 3 sentences"),
        ({"bullets": ["a", "b"]}, "2 bullets"),
        ({"bullets": ["a", "b", "c", "d", "e", "f"]}, "6 bullets"),
        ({"bullets": ["Same", "same", "Other"]}, "bullets repeat"),
        ({"long_description": ""}, "long_description is empty"),
        ({"video_script": ["Hi.", "Buy it for $12.99."]}, "video_script has 2 lines"),
        ({"video_script": ["Hi.", "Look.", "Buy it now."]}, "does not state the price"),
        ({"video_script": ["Hi.", "word " * 30, "Buy for $12.99."]}, "too long to say"),
    ],
)
def test_validation_names_what_is_wrong(changes, problem):
    problems = copy_with(**changes).validate(MUG)

    assert any(problem in p for p in problems), problems


def test_chinese_script_price_is_recognised():
    copy = copy_with(video_script=["来看看这款杯子。", "容量350 ml。", "现在下单只要$12.99！"])  # noqa: RUF001

    assert copy.validate(MUG, locale="zh-CN") == []


def test_parses_json_inside_code_fences_and_chatter():
    output = f"Sure! Here is your copy:\n```json\n{json.dumps(GOOD)}\n```\nHope it helps."

    assert ProductCopy.from_json(output) == copy_with()


def test_parsing_forgives_key_spellings_trailing_commas_and_string_lists():
    output = (
        '{"Headline": "Ceramic Coffee Mug", "shortDescription": "A mug.", '
        '"features": "- Made of ceramic\\n- Holds 350 ml\\n- Now $12.99", '
        '"description": "A mug for coffee.", '
        '"script": "Meet the mug. It holds 350 ml. Get it for $12.99.",}'
    )

    copy = ProductCopy.from_json(output)

    assert copy.short_description == "A mug."
    assert copy.bullets == ("Made of ceramic", "Holds 350 ml", "Now $12.99")
    assert copy.video_script == ("Meet the mug.", "It holds 350 ml.", "Get it for $12.99.")


def test_skips_a_broken_object_and_takes_the_next_one():
    output = '{"headline": oops} then ' + json.dumps(GOOD)

    assert first_json_object(output)["headline"] == "Ceramic Coffee Mug"


@pytest.mark.parametrize(
    "output",
    ["no json here", '{"headline": "cut off', '["a", "b"]', '{"headline": "Only a headline"}'],
)
def test_unusable_output_raises_a_parse_error(output):
    with pytest.raises(CopyParseError):
        ProductCopy.from_json(output)


def test_findings_point_into_the_whole_copy_text():
    copy = copy_with(bullets=["Made of 100% ceramic", "Holds 500 ml", "The best mug"])
    request = CopyRequest(MUG, "en", "Shop Co")

    findings = check_copy(copy, request)
    text = copy.as_text()

    excerpts = {(f.rule_id, text[f.start : f.end]) for f in findings}
    assert ("grounding.unsupported_number", "500 ml") in excerpts
    assert any(rule.startswith("en.superlative") for rule, _ in excerpts)
    assert all(text[f.start : f.end] == f.excerpt for f in findings)


def test_required_store_words_are_looked_for_in_the_whole_copy_once():
    from trust.compliance import StoreRules

    request = CopyRequest(MUG, "en", "Shop Co", store_rules=StoreRules(required_words=("Acme",)))

    findings = check_copy(copy_with(), request)

    assert [f.rule_id for f in findings] == []  # "Acme" is in the short description only
    missing = check_copy(copy_with(short_description="A mug."), request)
    assert [f.rule_id for f in missing] == ["store.missing_required_word"]


def test_locales_are_normalised():
    assert CopyRequest(MUG, "zh_Hans", "Shop").locale is get_locale("zh-CN")
    assert CopyRequest(MUG, "en-US", "Shop").locale is get_locale("en")
    with pytest.raises(ValueError, match="en' or 'zh-CN"):
        CopyRequest(MUG, "fr", "Shop")
