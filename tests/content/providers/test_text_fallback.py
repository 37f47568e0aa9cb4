"""Checking model output: what passes is kept, what invents facts falls back to the template."""

from __future__ import annotations

import json

from content.providers.base import Provenance
from content.providers.text import CopyRequest, TemplateWriter
from content.providers.text.prompting import result_from_output, user_prompt
from tests.content.providers.test_text_copy import GOOD
from tests.content.providers.text_facts import MUG

REQUEST = CopyRequest(MUG, "en", "Shop Co", sku="MUG-1")
PROVENANCE = Provenance(provider="local", model="SmolLM2-135M-Instruct", prompt="...")


def check(output: str):
    return result_from_output(REQUEST, output, provenance=PROVENANCE)


def test_grounded_output_is_kept():
    result = check(json.dumps(GOOD))

    assert not result.fell_back
    assert result.copy.headline == "Ceramic Coffee Mug"
    assert result.provenance.params["copy_source"] == "local"


def test_an_invented_price_falls_back_with_a_grounding_finding():
    invented = {**GOOD, "video_script": ["Meet the mug.", "So good.", "Get it for $9.99."]}

    result = check(json.dumps(invented))

    assert result.fell_back
    assert "'$9.99'" in result.fallback_reason
    assert [f.excerpt for f in result.findings] == ["$9.99"]
    assert result.findings[0].rule_id == "grounding.unsupported_number"
    assert result.copy == TemplateWriter().compose(REQUEST)
    assert result.provenance.params["copy_source"] == "template"
    assert result.raw_output == json.dumps(invented)


def test_an_invented_claim_falls_back():
    invented = {**GOOD, "bullets": ["Dishwasher safe", "Made in USA", "Now $12.99"]}

    result = check(json.dumps(invented))

    assert result.fell_back
    assert {f.rule_id for f in result.findings} >= {"grounding.unsupported_claim"}


def test_a_safely_fixable_rule_error_is_fixed_not_fallen_back():
    boastful = {**GOOD, "headline": "World's Best Ceramic Coffee Mug"}

    result = check(json.dumps(boastful))

    assert not result.fell_back
    assert result.copy.headline == "Outstanding Ceramic Coffee Mug"
    assert any(f.rule_id == "en.superlative" for f in result.findings)


def test_unparseable_and_misshapen_output_fall_back_with_the_reason():
    garbled = check('{"headline": "The mug", "short')
    misshapen = check(json.dumps({**GOOD, "bullets": ["Only one"]}))

    assert garbled.fell_back
    assert garbled.fallback_reason.startswith("unparseable output")
    assert misshapen.fell_back
    assert "1 bullets" in misshapen.fallback_reason
    assert garbled.copy.validate(MUG) == []


def test_the_prompt_lists_the_facts_the_model_may_use():
    prompt = user_prompt(REQUEST)

    for fact in ("Ceramic Coffee Mug", "$12.99 (was $19.99, 35% off)", "350 ml", "only 4 left"):
        assert fact in prompt
