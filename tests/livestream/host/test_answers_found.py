"""Spec for answers that find the right thing (issue #16, item 4), one class per failure.

The catalog is the embedded demo's (demo/demo_catalog.zip: a mug, a lamp, a tee and a
bottle) with the variants and descriptions a Shopify export carries. Each section is one
failure the issue lists, in English and Chinese.
"""

# Chinese questions and answers use full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from content.providers.embeddings import MiniLmEmbeddings
from livestream.host.answers import (
    Answer,
    AnswerIndex,
    answer_question,
    named_variants,
    safe_to_say,
    team_line,
)
from livestream.host.engine import (
    HostEngine,
    Policy,
    Question,
    RundownItem,
    fact_numbers,
    numbers_in,
)
from livestream.host.identity import asks_about_host
from livestream.host.names import ProductNames, named_kinds
from livestream.host.script import answer_numbers
from livestream.host.state import ProductFacts, VariantFacts
from locales import get_locale
from trust.compliance import check_compliance

EN = get_locale("en")
ZH = get_locale("zh-CN")
CJK = re.compile(r"[\u4e00-\u9fff]")
MUG, LAMP, TEE, BOTTLE = 1, 2, 3, 4


def _sentences(text: str) -> tuple[str, ...]:
    return tuple(EN.split_sentences(text))


CATALOG = {
    MUG: ProductFacts(
        MUG,
        "Stoneware coffee mug, 350 ml",
        Decimal("18.00"),
        "USD",
        Decimal("24.00"),
        19,
        {"material": "stoneware", "capacity": "350 ml", "colour": "Slate, Sand"},
        variants=(
            VariantFacts({"Colour": "Slate"}, Decimal("18.00"), 4),
            VariantFacts({"Colour": "Sand"}, Decimal("20.00"), 15),
        ),
        description=_sentences(
            "Hand-glazed stoneware mug that keeps coffee warm.\n350 ml\n"
            "Dishwasher and microwave safe."
        ),
        category="Home > Kitchen > Mugs",
    ),
    LAMP: ProductFacts(
        LAMP,
        "Brass desk lamp",
        Decimal("79.00"),
        "USD",
        None,
        8,
        {"material": "brass", "bulb": "LED 6 W"},
        description=_sentences("Adjustable brass desk lamp with a warm LED."),
        category="Home > Lighting",
    ),
    TEE: ProductFacts(
        TEE,
        "Organic cotton tee",
        Decimal("25.00"),
        "USD",
        Decimal("32.00"),
        120,
        {"material": "100% organic cotton", "fit": "relaxed", "size": "S, M, L, XL"},
        variants=tuple(
            VariantFacts({"Size": size}, Decimal("25.00"), stock)
            for size, stock in (("S", 30), ("M", 40), ("L", 0), ("XL", 50))
        ),
        description=_sentences(
            "Soft 100% organic cotton tee, relaxed fit. Pre-shrunk jersey, 180 g/m²."
        ),
        category="Apparel > T-Shirts",
    ),
    BOTTLE: ProductFacts(
        BOTTLE,
        "Insulated steel bottle, 750 ml",
        Decimal("29.00"),
        "USD",
        None,
        0,
        {"capacity": "750 ml"},
        description=_sentences(
            "Double-walled stainless steel keeps drinks cold 24 h and hot 12 h."
        ),
        category="Outdoor > Bottles",
    ),
}


@pytest.fixture(scope="module")
def index() -> AnswerIndex:
    provider = MiniLmEmbeddings()
    return AnswerIndex.build(CATALOG, embeddings=provider, locale=EN)


def ask(index: AnswerIndex, question: str, on_air: int | None, catalog=CATALOG) -> Answer:
    return answer_question(
        question, index=index, current_product_id=on_air, facts_by_product=catalog, locale=EN
    )


def assert_answered(answer: Answer, question: str, product_id: int) -> None:
    assert not answer.flag_for_team, answer.text
    assert answer.grounded
    assert answer.product_id == product_id
    assert bool(CJK.search(answer.text)) == bool(CJK.search(question)), answer.text
    facts = CATALOG[product_id]
    locale = ZH if CJK.search(question) else EN
    # Whatever is said passes the checkers against the product it is about.
    if not any(fact.key.startswith("variant:") for fact in answer.used_facts):
        assert safe_to_say(answer.text, facts, locale=locale), answer.text


# --- 1. questions about the host itself -----------------------------------------------------

HOST_QUESTIONS = [
    "Are you a real person?",
    "Are you an AI?",
    "Is this a bot?",
    "Who runs this?",
    "are u human??",
    "Am I talking to a robot?",
    "你是真人吗？",
    "你是AI吗？",
    "你是机器人吗？",
    "谁在直播？",
    "主播是真人还是AI",
]


@pytest.mark.parametrize("question", HOST_QUESTIONS)
def test_questions_about_the_host_are_recognised(question: str) -> None:
    assert asks_about_host(question)


@pytest.mark.parametrize(
    "question",
    ["How old are you?", "What's your name?", "主播多大了？", "Is this real leather?",
     "Is this a real discount?", "这是真皮吗", "Are you open on Sunday?"],
)  # fmt: skip
def test_other_questions_are_not_about_the_host(question: str) -> None:
    assert not asks_about_host(question)


@pytest.mark.slow
@pytest.mark.parametrize("question", HOST_QUESTIONS)
@pytest.mark.parametrize("on_air", [MUG, None])
def test_the_host_says_it_is_an_ai_every_time_in_the_questions_language(
    index: AnswerIndex, question: str, on_air: int | None
) -> None:
    answers = {ask(index, question, on_air).text for _ in range(3)}

    [text] = answers  # the same truth every time
    assert text not in {team_line(EN), team_line(ZH)}
    if CJK.search(question):
        assert "AI主播" in text
        assert "店铺" in text
    else:
        assert "AI host" in text
        assert "store" in text
    answer = ask(index, question, on_air)
    assert not answer.flag_for_team


def test_the_identity_lines_pass_the_advertising_rules() -> None:
    for locale in (EN, ZH):
        [line] = locale.phrases("answers")["host_identity"]
        assert not [f for f in check_compliance(line, locale=locale) if f.severity == "error"]


def test_the_engine_asks_for_an_answer_about_the_host_with_no_product_on_air() -> None:
    engine = HostEngine([], Policy(), {}, seed=1, locale=EN)
    engine.step(0.0)  # the disclosure

    actions = engine.step(10.0, [Question("v1", "Are you a real person?", 10.0)])

    [request] = [action for action in actions if action.kind == "answer_request"]
    assert request.text == "Are you a real person?"
    assert request.product_id is None
    assert not [a for a in actions if a.text == team_line(EN)]
    # Any other question with nothing on air still goes to the team.
    later = engine.step(30.0, [Question("v2", "How much is it?", 30.0)])
    assert [a.kind for a in later] == ["answer"]


# --- 2. availability from stock -------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "on_air", "product_id", "expected"),
    [
        ("Can I buy the bottle right now?", MUG, BOTTLE, "sold out"),
        ("Can I buy it right now?", BOTTLE, BOTTLE, "sold out"),
        ("Is it available?", BOTTLE, BOTTLE, "sold out"),
        ("Can I buy it right now?", TEE, TEE, "It's in stock."),
        ("Can I buy it right now?", LAMP, LAMP, "Only 8 left in stock."),
        ("现在能买吗？", BOTTLE, BOTTLE, "卖完了"),
        ("还有货吗？", BOTTLE, BOTTLE, "卖完了"),
        ("现在能买吗？", TEE, TEE, "有现货"),
        ("还有货吗？", LAMP, LAMP, "只剩8件"),
    ],
)
def test_availability_is_answered_from_stock(
    index: AnswerIndex, question: str, on_air: int, product_id: int, expected: str
) -> None:
    answer = ask(index, question, on_air)

    assert_answered(answer, question, product_id)
    assert expected in answer.text
    assert answer.used_facts[0].key == "stock"


# --- 3. variant-level facts -----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "on_air", "expected"),
    [
        ("How many slate mugs are left?", MUG, "Slate has only 4 left in stock."),
        ("How many slate mugs are left?", LAMP, "Slate has only 4 left in stock."),
        ("Is the sand one in stock?", MUG, "Sand has only 15 left in stock."),
        ("How much is the sand mug?", MUG, "Sand costs $20."),
        ("How much is the slate mug?", MUG, "Slate costs $18."),
        ("Slate还剩几个？", MUG, "Slate款库存只剩4件。"),
        ("Sand多少钱？", MUG, "Sand款价格是$20。"),
    ],
)
def test_a_named_variant_answers_with_its_own_stock_and_price(
    index: AnswerIndex, question: str, on_air: int, expected: str
) -> None:
    answer = ask(index, question, on_air)

    assert answer.text == expected
    assert answer.product_id == MUG
    assert not answer.flag_for_team
    assert "19" not in answer.text  # never the product's total


@pytest.mark.slow
def test_sizes_are_variants_too_and_a_sold_out_size_says_so(index: AnswerIndex) -> None:
    assert ask(index, "Is XL in stock?", TEE).text == "XL is in stock."
    assert ask(index, "Is L still available?", TEE).text == "L is sold out right now."
    assert ask(index, "L码还有吗？", TEE).text == "L款暂时卖完了。"
    # "it's" holds no size S; the product's own stock answers.
    assert ask(index, "Is it in stock?", TEE).text == "It's in stock."


def test_variants_named_by_option_values() -> None:
    slate, said = named_variants("any slate ones left?", CATALOG[MUG])
    assert [v.options for v in slate] == [{"Colour": "Slate"}]
    assert said == ["Slate"]
    assert named_variants("How many are left?", CATALOG[MUG]) == ([], [])
    assert named_variants("Is it small?", CATALOG[TEE]) == ([], [])


# --- 4. which product a question names ------------------------------------------------------


def test_kind_nouns_name_products_in_both_languages() -> None:
    items = [RundownItem(pid, "", facts.title, 60) for pid, facts in CATALOG.items()]
    names = ProductNames(items, described={p: f.category for p, f in CATALOG.items()})

    assert names.match("这个杯子多少钱？", LAMP) == MUG
    assert names.match("马克杯是什么材质", LAMP) == MUG
    assert names.match("保温杯还有货吗", MUG) == BOTTLE
    assert names.match("这件T恤有哪些尺码？", LAMP) == TEE
    assert names.match("Is the t-shirt pre-shrunk?", MUG) == TEE
    assert names.match("台灯多少钱", TEE) == LAMP
    assert names.match("What's the cup made of?", LAMP) == MUG
    # A cup-like product on air is what "这个杯子" means.
    assert names.match("这个杯子多少钱？", BOTTLE) == BOTTLE
    # Pronouns and words that only look like kinds name nothing: the product on air answers.
    assert names.match("这个多少钱", LAMP) is None
    assert names.match("Is it light?", LAMP) is None
    assert named_kinds("水杯") == {"bottle": 1.0, "mug": 0.75}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "on_air", "product_id", "expected"),
    [
        ("这个杯子多少钱？", LAMP, MUG, "$18"),
        ("这个多少钱？", LAMP, LAMP, "$79"),
        ("它多少钱？", MUG, MUG, "$18"),
        ("How much is this?", LAMP, LAMP, "$79"),
        ("How much is it?", TEE, TEE, "$25"),
        ("这件T恤有哪些尺码？", LAMP, TEE, "S、M、L、XL"),
        ("这件T恤有哪些尺码？", TEE, TEE, "S、M、L、XL"),
        ("What sizes does the tee come in?", LAMP, TEE, "S, M, L and XL"),
        ("保温杯多少钱", MUG, BOTTLE, "$29"),
        ("台灯是什么材质", MUG, LAMP, "brass"),
    ],
)
def test_the_product_a_question_names_answers_and_no_other(
    index: AnswerIndex, question: str, on_air: int, product_id: int, expected: str
) -> None:
    answer = ask(index, question, on_air)

    assert_answered(answer, question, product_id)
    assert expected in answer.text
    assert all(fact.product_id == product_id for fact in answer.used_facts)
    others = {str(CATALOG[pid].price).rstrip("0").rstrip(".") for pid in CATALOG} - {
        str(CATALOG[product_id].price).rstrip("0").rstrip(".")
    }
    assert not any(f"${price}" in answer.text for price in others)


# --- 5. facts that live only in the description ---------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "on_air", "product_id", "expected"),
    [
        ("Is the tee pre-shrunk?", TEE, TEE, "Pre-shrunk"),
        ("How thick is the jersey, how many g/m²?", TEE, TEE, "180 g/m²"),
        ("How long does the bottle keep drinks cold?", BOTTLE, BOTTLE, "cold 24 h"),
        ("Does it keep drinks hot?", BOTTLE, BOTTLE, "hot 12 h"),
        ("Is the bottle stainless steel?", MUG, BOTTLE, "stainless steel"),
        ("Is the mug microwave safe?", MUG, MUG, "microwave safe"),
        ("Can it go in the dishwasher?", MUG, MUG, "Dishwasher"),
        ("Is the lamp adjustable?", LAMP, LAMP, "Adjustable"),
    ],
)
def test_facts_only_the_description_holds_are_answered(
    index: AnswerIndex, question: str, on_air: int, product_id: int, expected: str
) -> None:
    answer = ask(index, question, on_air)

    assert_answered(answer, question, product_id)
    assert expected in answer.text
    assert answer.used_facts[0].key.startswith("desc:")


def test_a_description_sentence_that_fails_the_checks_is_not_said() -> None:
    facts = ProductFacts(
        9, "Grinder", Decimal("89"), description=("The world's best grinder.", "Cures headaches.")
    )
    # The description backs its own claims, but advertising rules still hold.
    assert not safe_to_say("The world's best grinder.", facts, locale=EN)
    assert not safe_to_say("Cures headaches.", facts, locale=EN)


# --- 6. the team line only when the facts lack the answer -----------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("question", "on_air"),
    [
        ("Is the lamp dimmable?", LAMP),
        ("Do you ship to Canada?", MUG),
        ("Is the tee waterproof?", TEE),
        ("Does the bottle come with a straw?", BOTTLE),
        ("可以退货吗？", MUG),
        ("台灯可以调光吗", LAMP),
    ],
)
def test_questions_the_facts_do_not_answer_are_flagged_for_the_team(
    index: AnswerIndex, question: str, on_air: int
) -> None:
    answer = ask(index, question, on_air)

    assert answer.flag_for_team
    assert not answer.grounded
    assert answer.text == team_line(ZH if CJK.search(question) else EN)


def test_a_seller_approved_answer_may_state_variant_and_description_numbers() -> None:
    # The runner drops an approved answer whose numbers are not the product's.
    mug, tee = CATALOG[MUG], CATALOG[TEE]

    assert numbers_in("Slate has only 4 left in stock.") <= answer_numbers(mug, mug.title)
    assert numbers_in("Sand costs $20.") <= answer_numbers(mug, mug.title)
    assert numbers_in("Pre-shrunk jersey, 180 g/m².") <= answer_numbers(tee, tee.title)
    assert not numbers_in("Slate has only 7 left.") <= answer_numbers(mug, mug.title)
    # Pitch lines say no variant's figure: only the product's own.
    assert "4" not in fact_numbers(mug, mug.title)


@pytest.mark.slow
def test_a_variant_without_its_own_figure_goes_to_the_team_not_to_the_total(
    index: AnswerIndex,
) -> None:
    unknown = ProductFacts(
        MUG,
        CATALOG[MUG].title,
        Decimal("18.00"),
        stock=19,
        variants=(VariantFacts({"Colour": "Slate"}, None, None),),
    )
    catalog = {**CATALOG, MUG: unknown}

    answer = ask(index, "How many slate mugs are left?", MUG, catalog)

    assert answer.flag_for_team
    assert "19" not in answer.text
    # Lower-case sizes count where the question says "size" or "码".
    assert ask(index, "is size l in stock?", TEE).text == "L is sold out right now."
    assert ask(index, "m码还有吗", TEE).text == "M款有现货。"
