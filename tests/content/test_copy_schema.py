"""Copy schema 2: five bullets, SEO title and description, keywords and the video's shot list,
written by every writer, checked like the rest of the copy, stored, served and edited."""

# Chinese copy uses full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from content.models import Asset
from content.providers.base import Provenance
from content.providers.text import CopyRequest, ProductCopy, TemplateWriter, check_copy
from content.providers.text.product_copy import (
    COPY_SCHEMA_VERSION,
    CORE_FIELDS,
    EXTRA_FIELDS,
    SECTION_SEPARATOR,
    SHOT_SOURCES,
    Shot,
    errors_in,
)
from content.providers.text.prompting import result_from_output, user_prompt
from content.providers.text.shots import fit_durations, plan_shots, shot_roles
from content.stages import IMAGE_LAYOUTS, StageContext, plan_stage, run_stage_outputs
from tests.conftest import Actor
from tests.content.providers.test_text_copy import GOOD
from tests.content.providers.text_facts import AWKWARD, MUG, seeded_facts
from tests.factories import make_product
from tests.providers import use_provider
from trust.grounding import Facts

LOCALES = ("en", "zh-CN")
FACT_SETS = [*AWKWARD, *(seeded_facts(seed) for seed in range(12))]
CORE = {name: GOOD[name] for name in CORE_FIELDS}  # what a model (or copy before v2) has
MINIMAL = Facts(title="Plain Socks", price=Decimal("5"), currency="GBP")
PROVENANCE = Provenance(provider="openai", model="fake-model")


def write(facts: Facts, locale: str = "en", store: str = "Shop Co") -> ProductCopy:
    return TemplateWriter().compose(CopyRequest(facts, locale, store, sku=facts.title))


# --- the template writer ------------------------------------------------------------------


@pytest.mark.parametrize("locale", LOCALES)
def test_a_well_described_product_gets_five_bullets_all_from_its_facts(locale):
    copy = write(MUG, locale)

    assert len(copy.bullets) == 5
    facts_text = " ".join([*MUG.texts(), "12.99", "350"]).lower()
    for bullet in copy.bullets:
        # Every bullet carries a catalog value: a price, a material, a size, an option...
        assert any(
            value.lower() in bullet.lower()
            for value in ("$12.99", "ceramic", "350", "italy", "white", "2年", "2-year",
                          "free shipping")
        ), (bullet, facts_text)  # fmt: skip


@pytest.mark.parametrize("locale", LOCALES)
def test_a_product_with_only_a_title_and_price_gets_fewer_bullets_none_invented(locale):
    copy = write(MINIMAL, locale)

    assert copy.bullets == (
        ("Just £5", "Sold by Shop Co", "Questions? Ask the Shop Co team")
        if locale == "en"
        else ("到手价£5", "Shop Co发货", "有问题随时问Shop Co客服")
    )
    assert copy.validate(MINIMAL, locale=locale) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_brand_and_category_make_no_bullets_of_their_own(locale):
    # Issue #16: "Category: Apparel > Socks" and "From Acme" sell nothing; store lines fill.
    facts = dataclasses.replace(MINIMAL, brand="Acme", category="Apparel > Socks")

    bullets = write(facts, locale).bullets

    assert bullets == write(MINIMAL, locale).bullets
    assert not any("Apparel > Socks" in bullet or "Acme" in bullet for bullet in bullets)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("facts", FACT_SETS, ids=lambda facts: facts.title[:24])
def test_seo_keywords_and_shots_keep_their_limits_and_pass_the_checks(facts, locale):
    result = TemplateWriter().write(CopyRequest(facts, locale, "Shop Co", sku=facts.title))
    copy = result.copy

    assert copy.validate(facts, locale=locale) == []
    assert errors_in(result.findings) == []
    assert 0 < len(copy.seo_title) <= 60
    assert 0 < len(copy.seo_description) <= 160
    assert 3 <= len(copy.keywords) <= 10
    assert all(k == k.lower() for k in copy.keywords)
    assert len(set(copy.keywords)) == len(copy.keywords)
    assert 15 <= round(sum(s.duration_s for s in copy.shot_list), 3) <= 30
    assert {s.source for s in copy.shot_list} <= set(SHOT_SOURCES)
    assert len(copy.shot_list) == len(copy.video_script)


def test_keywords_come_from_the_title_brand_category_material_and_options():
    keywords = write(MUG).keywords

    assert len(keywords) == 10
    assert keywords[:4] == ("ceramic coffee mug", "coffee mug", "acme coffee mug", "acme")
    assert {"kitchen", "mugs", "100% ceramic", "white mug"} <= set(keywords)
    vocabulary = " ".join([*MUG.texts(), "shop co"]).lower()
    for keyword in keywords:
        assert all(word in vocabulary for word in keyword.split()), keyword


def test_flagged_title_words_are_cut_out_of_keywords():
    en = write(AWKWARD[0]).keywords  # "World's Best Mug #1"
    zh = write(AWKWARD[1], "zh-CN").keywords  # "最佳保温杯 国家级品质"

    assert "mug" in en
    assert not any("best" in k or "#1" in k for k in en)
    assert "保温杯" in zh
    assert not any("最佳" in k or "国家级" in k for k in zh)


def test_seo_texts_state_the_price_and_brand_within_limits():
    copy = write(MUG)

    assert copy.seo_title == "Ceramic Coffee Mug | Acme"
    assert copy.seo_description.startswith("Shop the Ceramic Coffee Mug from Acme at Shop Co.")
    assert "$12.99" in copy.seo_description
    assert write(MUG, "zh-CN").seo_title == "Ceramic Coffee Mug｜Acme"


def test_a_long_title_still_gets_a_short_seo_title():
    facts = seeded_facts(0)
    long_title = dataclasses.replace(facts, title="A Very Long Product Title " * 4)

    copy = write(long_title)

    assert 0 < len(copy.seo_title) <= 60
    assert copy.seo_title.endswith("…")


# --- the shot list -------------------------------------------------------------------------


def test_shots_follow_the_script_hook_features_offer_call_to_action():
    copy = write(MUG)

    assert [s.source for s in copy.shot_list] == [
        "product_photo", "feature_card", "hero_banner", "product_photo", "story_frame",
        "marketplace_main",
    ]  # fmt: skip
    assert copy.shot_list[0].description.startswith("Hook:")
    assert copy.shot_list[-2].description.startswith("Offer:")
    assert copy.shot_list[-1].description.startswith("Call to action:")
    assert write(MUG, "zh-CN").shot_list[0].description.startswith("开场")


def test_shot_roles_and_durations():
    assert shot_roles(3, has_offer=True) == ["hook", "feature", "cta"]
    assert shot_roles(4, has_offer=True) == ["hook", "feature", "offer", "cta"]
    assert shot_roles(4, has_offer=False) == ["hook", "feature", "feature", "cta"]
    assert sum(fit_durations([2.0, 2.0, 2.0])) == pytest.approx(15.0)
    assert sum(fit_durations([9.0] * 5)) == pytest.approx(30.0)
    assert fit_durations([4.0, 5.0, 7.0]) == [4.0, 5.0, 7.0]  # already in range: untouched


def test_a_longer_line_gets_a_longer_shot():
    shots = plan_shots(
        ["Hi.", "This ceramic mug holds 350 ml and comes in three colours today.", "Buy it."],
        locale="en",
        has_offer=False,
    )

    assert shots[1].duration_s > shots[0].duration_s
    assert sum(s.duration_s for s in shots) == pytest.approx(15.0)


# --- parsing, old copy, sections ------------------------------------------------------------


def test_copy_stored_before_schema_2_loads_with_empty_new_fields():
    old = ProductCopy.from_dict(CORE)

    assert (old.seo_title, old.seo_description, old.keywords, old.shot_list) == ("", "", (), ())
    assert old.missing_fields() == list(EXTRA_FIELDS)
    assert "seo_title is empty" in old.validate(MUG)
    # Old sections keep their offsets: the new ones come after them.
    core_text = SECTION_SEPARATOR.join(text for _, text in old.sections()[: len(CORE_FIELDS)])
    assert old.as_text().startswith(core_text)


def test_parsing_forgives_aliases_hashtags_and_duration_strings():
    data = {
        **CORE,
        "metaTitle": "Ceramic Coffee Mug",
        "meta_description": "A ceramic mug.",
        "hashtags": "#Coffee Mug, #Mug, mug, Kitchen",
        "storyboard": [
            {"shot": "The mug.", "image": "photo", "duration": "5s"},
            {"text": "The card.", "layout": "Feature Card", "seconds": 5},
            {"visual": "The end.", "uses": "story", "length": "6.5 seconds"},
        ],
    }

    copy = ProductCopy.from_dict(data)

    assert copy.seo_title == "Ceramic Coffee Mug"
    assert copy.seo_description == "A ceramic mug."
    assert copy.keywords == ("coffee mug", "mug", "kitchen")
    assert copy.shot_list == (
        Shot("The mug.", "product_photo", 5.0),
        Shot("The card.", "feature_card", 5.0),
        Shot("The end.", "story_frame", 6.5),
    )
    assert ProductCopy.from_dict(copy.to_dict()) == copy


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"seo_title": "x" * 61}, "seo_title has 61 characters"),
        ({"seo_description": "x" * 161}, "seo_description has 161 characters"),
        ({"keywords": ["a", "b"]}, "2 keywords"),
        ({"keywords": [f"k{n}" for n in range(11)]}, "11 keywords"),
        ({"shot_list": GOOD["shot_list"][:2]}, "shot_list has 2 shots"),
        (
            {"shot_list": [{**shot, "duration_s": 11} for shot in GOOD["shot_list"]]},
            "shot_list lasts 33 s",
        ),
        (
            {"shot_list": [{**GOOD["shot_list"][0], "source": "billboard"}, *GOOD["shot_list"]]},
            "uses 'billboard'",
        ),
    ],
)
def test_validation_names_what_is_wrong_with_the_new_fields(changes, problem):
    problems = ProductCopy.from_dict({**GOOD, **changes}).validate(MUG)

    assert any(problem in p for p in problems), problems


def test_findings_in_new_sections_point_into_the_whole_copy_text():
    copy = ProductCopy.from_dict(
        {**GOOD, "seo_description": "The best mug, only $7.99.", "keywords": ["mug", "no.1 mug"]}
    )

    findings = check_copy(copy, CopyRequest(MUG, "en", "Shop Co"))
    text = copy.as_text()

    assert all(text[f.start : f.end] == f.excerpt for f in findings)
    seo_start = text.index("The best mug")
    seo_findings = [f for f in findings if seo_start <= f.start < seo_start + 25]
    assert {f.excerpt for f in seo_findings} >= {"$7.99"}
    assert any(f.rule_id.startswith("en.superlative") for f in seo_findings)


def test_section_texts_map_back_to_items_or_refuse():
    copy = ProductCopy.from_dict(GOOD)

    fixed = copy.with_section_texts({"keywords": "Mug\nA\nB\nC\nD", "shot_list": "x\ny\nz"})
    assert fixed is not None
    assert fixed.keywords == ("mug", "a", "b", "c", "d")
    assert [s.description for s in fixed.shot_list] == ["x", "y", "z"]
    assert [s.duration_s for s in fixed.shot_list] == [5, 5, 6]
    assert copy.with_section_texts({"shot_list": "only one"}) is None


# --- model output ------------------------------------------------------------------------------


def test_model_copy_without_the_new_fields_is_completed_not_thrown_away():
    request = CopyRequest(MUG, "en", "Shop Co", sku="MUG-1")

    result = result_from_output(request, json.dumps(CORE), provenance=PROVENANCE)

    assert not result.fell_back
    assert result.copy.headline == GOOD["headline"]  # the model's own text is kept
    template = TemplateWriter().compose(request)
    assert result.copy.keywords == template.keywords
    assert result.copy.seo_title == template.seo_title
    # The shot list is planned from the model's script, one shot per line.
    assert len(result.copy.shot_list) == len(GOOD["video_script"])
    assert result.provenance.params["filled_from_template"] == list(EXTRA_FIELDS)
    assert result.copy.validate(MUG) == []


def test_complete_model_copy_is_kept_as_written():
    request = CopyRequest(MUG, "en", "Shop Co", sku="MUG-1")

    result = result_from_output(request, json.dumps(GOOD), provenance=PROVENANCE)

    assert not result.fell_back
    assert result.copy == ProductCopy.from_dict(GOOD)
    assert "filled_from_template" not in result.provenance.params


def test_an_invented_number_in_the_seo_description_falls_back_to_the_template():
    request = CopyRequest(MUG, "en", "Shop Co", sku="MUG-1")
    invented = {**GOOD, "seo_description": "Holds 500 ml, now $12.99."}

    result = result_from_output(request, json.dumps(invented), provenance=PROVENANCE)

    assert result.fell_back
    assert "'500 ml'" in result.fallback_reason
    assert result.copy == TemplateWriter().compose(request)


def test_a_boastful_seo_title_is_fixed_in_place():
    request = CopyRequest(MUG, "en", "Shop Co", sku="MUG-1")
    boastful = {**GOOD, "seo_title": "World's Best Ceramic Coffee Mug"}

    result = result_from_output(request, json.dumps(boastful), provenance=PROVENANCE)

    assert not result.fell_back
    assert result.copy.seo_title == "Outstanding Ceramic Coffee Mug"
    assert result.copy.headline == GOOD["headline"]


def test_a_shot_list_too_long_for_the_video_falls_back_with_the_reason():
    request = CopyRequest(MUG, "en", "Shop Co", sku="MUG-1")
    too_long = {**GOOD, "shot_list": [{**s, "duration_s": 12} for s in GOOD["shot_list"]]}

    result = result_from_output(request, json.dumps(too_long), provenance=PROVENANCE)

    assert result.fell_back
    assert "shot_list lasts 36 s" in result.fallback_reason


def test_prompts_ask_for_the_new_fields():
    request = CopyRequest(MUG, "zh-CN", "Shop Co")
    full, local = user_prompt(request), user_prompt(request, shot_list=False)

    for key in ('"seo_title"', '"seo_description"', '"keywords"', "a list of 5 short"):
        assert key in full
        assert key in local
    assert '"shot_list"' in full
    assert "story_frame" in full
    assert '"shot_list"' not in local


# --- the stage, the hash and the API -------------------------------------------------------


def _context(**changes: object) -> StageContext:
    ctx = StageContext(
        product_id=1, sku="MUG-1", content_hash="c" * 64, locale="en", facts=MUG,
        brand_name="Acme", brand_colours=("#111111", "#222222", "#333333"), options={},
        photo_name="", photo_hash="p" * 64, spoken_disclosure=False, upstream={},
    )  # fmt: skip
    return dataclasses.replace(ctx, **changes)  # type: ignore[arg-type]


def test_the_copy_hash_includes_the_schema_version(monkeypatch, settings):
    use_provider(settings, "text", "template")
    before = plan_stage("copy", _context()).input_hash

    monkeypatch.setattr("content.stages.COPY_SCHEMA_VERSION", COPY_SCHEMA_VERSION + 1)

    assert plan_stage("copy", _context()).input_hash != before


def test_the_image_hash_names_a_generating_provider_but_not_compose(settings):
    use_provider(settings, "image", "compose")
    composed = plan_stage("image", _context())
    use_provider(settings, "image", "openai")
    generated = plan_stage("image", _context())

    assert composed.input_hash != generated.input_hash
    assert composed.expected == generated.expected == len(IMAGE_LAYOUTS)


def test_the_shot_sources_are_the_image_stage_layouts_and_the_photo():
    assert set(SHOT_SOURCES) == {"product_photo", *IMAGE_LAYOUTS}


@pytest.mark.django_db
def test_the_copy_stage_stores_the_new_fields(alice: Actor, settings):
    use_provider(settings, "text", "template")
    product = make_product(alice.store, photo=False)
    ctx = StageContext.build(product=product, store=alice.store, locale="en", options={},
                             upstream={})  # fmt: skip

    (draft,) = run_stage_outputs("copy", ctx)

    assert set(draft.text) == {*CORE_FIELDS, *EXTRA_FIELDS}
    assert len(draft.text["bullets"]) == 5
    assert all(isinstance(shot["duration_s"], float) for shot in draft.text["shot_list"])
    assert ProductCopy.from_dict(draft.text).validate(ctx.facts) == []


def _stored_copy(actor: Actor, text: dict) -> Asset:
    product = make_product(actor.store, photo=False)
    return Asset.objects.create(
        store=actor.store, product=product, kind="copy", locale="en", provider="template",
        input_hash="a" * 64, product_content_hash=product.content_hash, text=text,
    )  # fmt: skip


@pytest.mark.django_db
def test_new_fields_are_editable_and_rechecked(alice: Actor):
    asset = _stored_copy(alice, {name: GOOD[name] for name in CORE_FIELDS})  # copy from v1
    shots = [
        {"description": "Hook: the mug.", "source": "product_photo", "duration_s": 6},
        {"description": "Feature: the card.", "source": "feature_card", "duration_s": 6},
        {"description": "The end card.", "source": "story_frame", "duration_s": 6},
    ]

    response = alice.client().patch(
        f"/api/v1/assets/{asset.pk}/",
        {
            "seo_description": "Only $9 today.",
            "keywords": ["Mug", "#mug", "Coffee Mug"],
            "shot_list": shots,
        },
        format="json",
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["text"]["keywords"] == ["mug", "coffee mug"]
    assert body["text"]["shot_list"] == [{**s, "duration_s": 6.0} for s in shots]
    edited = ProductCopy.from_dict(body["text"])
    text = edited.as_text()
    nine = [f for f in body["findings"] if f["excerpt"] == "$9"]
    assert [f["rule_id"] for f in nine] == ["grounding.unsupported_number"]
    assert text[nine[0]["start"] : nine[0]["end"]] == "$9"  # offsets index the whole copy


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"seo_title": "x" * 61}, "seo_title"),
        ({"keywords": [f"k{n}" for n in range(11)]}, "keywords"),
        ({"shot_list": [{"description": "a", "source": "story_frame", "duration_s": 4}] * 3},
         "shot_list"),
        ({"shot_list": [{"description": "a", "source": "billboard", "duration_s": 6}] * 3},
         "shot_list"),
        ({"shot_list": [{"description": "a", "source": "story_frame"}] * 3}, "shot_list"),
    ],
)  # fmt: skip
def test_edits_that_break_the_limits_are_refused(alice: Actor, payload, field):
    asset = _stored_copy(alice, dict(GOOD))

    response = alice.client().patch(f"/api/v1/assets/{asset.pk}/", payload, format="json")

    assert response.status_code == 400
    assert field in json.dumps(response.json())


@pytest.mark.django_db
def test_copy_stored_before_schema_2_is_served_with_the_new_fields_empty(alice: Actor):
    asset = _stored_copy(alice, dict(CORE))

    text = alice.client().get(f"/api/v1/assets/{asset.pk}/").json()["text"]

    assert text == {**CORE, "seo_title": "", "seo_description": "", "keywords": [],
                    "shot_list": []}  # fmt: skip
    assert text == ProductCopy.from_dict(CORE).to_dict()
    asset.refresh_from_db()
    assert asset.text == CORE  # served with defaults, stored as it was
