"""Spec for the live host engine: pacing, priorities, stock, deals, the bandit, and resuming."""

# Chinese sentences use full-width punctuation on purpose.
# ruff: noqa: RUF001

import itertools
import json
import random
import re
import time
from collections import defaultdict
from decimal import Decimal

import pytest

from livestream.host.engine import (
    AddToCart,
    Comment,
    Event,
    Gift,
    HostEngine,
    Like,
    Policy,
    ProductFacts,
    Purchase,
    Question,
    RundownItem,
    StockChanged,
    fact_numbers,
)
from locales import get_locale

STEP_S = 0.5

RUNDOWN = [
    RundownItem(
        1,
        "BAG-01",
        "Canvas Tote Bag",
        60,
        ["Fits a 15 inch laptop.", "Holds 40 liters.", "Loved by celebrities."],
    ),
    RundownItem(2, "MUG-02", "Ceramic Travel Mug", 60, ["Keeps coffee hot for hours."]),
    RundownItem(3, "LAMP-03", "Walnut Desk Lamp", 60, []),
]
FACTS = {
    1: ProductFacts(
        1,
        "Canvas Tote Bag",
        Decimal("29.90"),
        "USD",
        Decimal("35"),
        12,
        {"material": "cotton canvas", "size": "15 inch"},
        ["Great for the beach and the office."],
    ),
    2: ProductFacts(
        2, "Ceramic Travel Mug", Decimal("19"), "USD", None, 100, {"capacity": "350 ml"}
    ),
    # 50% off in the catalog: more than the room's policy allows to announce.
    3: ProductFacts(3, "Walnut Desk Lamp", Decimal("40"), "USD", Decimal("80"), 5, {"bulb": "LED"}),
}
POLICY = Policy(max_discount_pct=20, banned_topics=["celebrities"])


def make_engine(seed=7, rundown=RUNDOWN, policy=POLICY, facts=FACTS, locale="en"):
    return HostEngine(rundown, policy, facts, seed=seed, locale=get_locale(locale))


def speaking_seconds(text):
    return get_locale("en").speaking_seconds(text)


def run(engine, start, end, script=None, log=None):
    """Step every 0.5 s from `start` to `end`; `script` maps a step time to its events."""
    script = script or {}
    log = [] if log is None else log
    steps = round((end - start) / STEP_S)
    for i in range(steps):
        now = start + i * STEP_S
        for action in engine.step(now, script.get(now, [])):
            log.append((now, action))
    return log


def spoken(log):
    return [(t, a) for t, a in log if a.kind not in ("switch_product", "pause")]


def busy_script(seed, start, end):
    """A lively room: comments, questions, likes, gifts, carts and purchases at random times."""
    rng = random.Random(seed)
    script: defaultdict[float, list[Event]] = defaultdict(list)
    for i in range(round((end - start) / STEP_S)):
        now = start + i * STEP_S
        roll = rng.random()
        if roll < 0.02:
            script[now].append(Comment(f"v{rng.randrange(50)}", "nice!", now))
        elif roll < 0.025:
            script[now].append(Question(f"v{rng.randrange(50)}", "how much is it?", now))
        elif roll < 0.05:
            script[now].append(Like(f"v{rng.randrange(200)}", rng.randrange(1, 20), now))
        elif roll < 0.052:
            script[now].append(Gift(f"v{rng.randrange(50)}", "rose", 1.0, now))
        elif roll < 0.056:
            script[now].append(AddToCart(rng.choice([1, 2, 3]), now))
        elif roll < 0.057:
            script[now].append(Purchase(2, 1, now))
    return dict(script)


def test_same_seed_gives_the_same_show_and_another_seed_another():
    script = busy_script(1, 0, 900)
    first = run(make_engine(seed=11), 0, 900, script)
    second = run(make_engine(seed=11), 0, 900, script)
    other = run(make_engine(seed=12), 0, 900, script)
    assert len(first) > 100
    assert first == second
    assert first != other


def test_resumed_engine_continues_exactly_like_one_that_never_stopped():
    script = busy_script(2, 0, 1200)
    script.setdefault(700.0, []).append(StockChanged(3, 0, 700.0))
    script.setdefault(900.0, []).append(StockChanged(3, 4, 900.0))
    uninterrupted = run(make_engine(), 0, 1200, script)

    before = make_engine()
    log = run(before, 0, 613.5, script)  # mid-sentence, not on a segment boundary
    saved = json.loads(json.dumps(before.to_state()))
    resumed = HostEngine.from_state(saved, RUNDOWN, POLICY, FACTS)
    run(resumed, 613.5, 1200, script, log)

    assert log == uninterrupted
    assert resumed.to_state() == run_and_state(script)


def run_and_state(script):
    engine = make_engine()
    run(engine, 0, 1200, script)
    return engine.to_state()


def test_show_opens_with_the_ai_disclosure_then_pitches_the_first_product():
    log = run(make_engine(), 0, 20)
    assert log[0][1].reason == "disclosure"
    assert "AI host" in log[0][1].text
    switch = next(a for _, a in log if a.kind == "switch_product")
    assert switch.product_id == 1


def test_segments_run_in_order_within_a_product():
    log = run(make_engine(), 0, 60)
    reasons = [a.reason for _, a in log if a.product_id == 1 and a.kind != "switch_product"]
    order = ["opening", "features", "use_cases", "social_proof", "offer", "call_to_action"]
    seen = [r for r in dict.fromkeys(reasons) if r in order]
    assert seen == order


def test_questions_are_answered_before_chatter_thanks_and_the_pitch():
    engine = make_engine()
    log = run(engine, 0, 12)  # the host is mid-pitch
    now = 12.0
    batch = [
        Comment("c1", "hello", now),
        Comment("c2", "love this", now),
        Comment("c3", "nice", now),
        Like("l1", 10, now),
        Question("q1", "is it waterproof?", now),
        Question("q2", "does it come in blue?", now),
    ]
    run(engine, now, 60, {now: batch}, log)
    after = [a for t, a in log if t >= now and a.kind not in ("switch_product",)]
    assert [a.kind for a in after[:2]] == ["answer_request", "answer_request"]
    assert [a.text for a in after[:2]] == ["is it waterproof?", "does it come in blue?"]
    assert after[0].viewer_ids == ("q1",)
    assert after[0].product_id == 1
    assert after[2].kind == "thank"


def test_answer_request_carries_the_approval_flag_from_policy():
    policy = Policy(max_discount_pct=20, answers_need_approval=True)
    engine = make_engine(policy=policy)
    log = run(engine, 0, 20, {10.0: [Question("q", "what size is it?", 10.0)]})
    request = next(a for _, a in log if a.kind == "answer_request")
    assert request.needs_approval


def test_question_naming_another_product_switches_to_it():
    for text in ("does the mug keep tea warm?", "is MUG-02 dishwasher safe?"):
        engine = make_engine()
        log = run(engine, 0, 20, {15.0: [Question("q", text, 15.0)]})
        at_question = [a for t, a in log if t >= 15.0]
        assert at_question[0].kind == "switch_product"
        assert at_question[0].product_id == 2
        assert at_question[1].kind == "answer_request"
        assert at_question[1].product_id == 2


def test_question_about_the_current_product_does_not_switch():
    engine = make_engine()
    log = run(engine, 0, 20, {15.0: [Question("q", "is the travel lid leak proof?", 15.0)]})
    assert not [a for t, a in log if t >= 15.0 and a.kind == "switch_product"]


def test_question_without_product_context_gets_the_fallback_answer():
    sold_out = [RundownItem(1, "BAG-01", "Canvas Tote Bag", 60, in_stock=False)]
    engine = make_engine(rundown=sold_out)
    log = run(engine, 0, 20, {10.0: [Question("q", "do you ship to Canada?", 10.0)]})
    answer = next(a for _, a in log if a.kind in ("answer", "answer_request"))
    assert answer.kind == "answer"
    assert answer.reason == "no_product_context"
    assert "team" in answer.text


def test_likes_and_gifts_are_aggregated_into_one_thanks_naming_at_most_three():
    engine = make_engine()
    script: defaultdict[float, list[Event]] = defaultdict(list)
    for i in range(200):
        now = 10.0 + (i % 40) * STEP_S
        script[now].append(Like(f"fan{i % 40}", 1 + i % 3, now))
    script[12.0].append(Gift("big_spender", "rocket", 50.0, 12.0))
    log = run(engine, 0, 40, dict(script))
    thanks = [a for _, a in log if a.kind == "thank"]
    assert len(thanks) == 1
    assert len(thanks[0].viewer_ids) == 3
    assert thanks[0].viewer_ids[0] == "big_spender"
    assert "everyone else" in thanks[0].text
    for name in thanks[0].viewer_ids:
        assert name in thanks[0].text


def test_purchase_is_acknowledged_and_rewards_the_product():
    engine = make_engine()
    log = run(engine, 0, 30, {20.0: [Purchase(2, 3, 20.0)]})
    acks = [a for t, a in log if a.kind == "ack_purchase"]
    assert len(acks) == 1
    assert acks[0].product_id == 2
    assert "Ceramic Travel Mug" in acks[0].text
    stats = engine.product_stats()
    assert stats[2].sold == 3
    assert stats[2].reward > stats[3].reward


def test_bandit_gives_more_airtime_to_the_product_that_converts():
    script: defaultdict[float, list[Event]] = defaultdict(list)
    for i in range(0, 7200, 20):
        script[float(i)].append(Purchase(3, 1, float(i)))
        script[float(i)].append(StockChanged(3, 5, float(i)))  # restocked as it sells
    engine = make_engine()
    run(engine, 0, 7200, dict(script))
    stats = engine.product_stats()
    assert stats[3].pitches > stats[1].pitches
    assert stats[3].pitches > stats[2].pitches


def test_out_of_stock_current_product_is_dropped_at_once_and_never_mentioned_again():
    engine = make_engine()
    log = run(engine, 0, 14)
    assert engine.current_product_id == 1
    run(engine, 14.0, 900, {14.0: [StockChanged(1, 0, 14.0)]}, log)
    at_change = [a for t, a in log if t == 14.0]
    assert at_change[0].kind == "switch_product"
    assert at_change[0].product_id == 2
    assert at_change[0].reason == "out_of_stock"
    later = [a for t, a in log if t >= 14.0]
    assert all(a.product_id != 1 for a in later)
    assert all("Canvas Tote Bag" not in a.text for a in later)


def test_purchase_that_empties_stock_drops_the_product_and_thanks_without_naming_it():
    engine = make_engine()
    log = run(engine, 0, 14)
    run(engine, 14.0, 600, {14.0: [Purchase(1, 12, 14.0)]}, log)
    later = [a for t, a in log if t >= 14.0]
    assert later[0].kind == "switch_product"
    assert later[0].product_id == 2
    ack = next(a for a in later if a.kind == "ack_purchase")
    assert "Canvas Tote Bag" not in ack.text
    assert all("Canvas Tote Bag" not in a.text for a in later)
    assert not engine.product_stats()[1].in_stock


def test_product_marked_out_of_stock_in_the_rundown_is_never_pitched_until_restocked():
    rundown = [RUNDOWN[0], RundownItem(2, "MUG-02", "Ceramic Travel Mug", 60, in_stock=False)]
    engine = make_engine(rundown=rundown)
    log = run(engine, 0, 600)
    assert all(a.product_id != 2 for _, a in log)
    run(engine, 600.0, 900, {600.0: [StockChanged(2, 10, 600.0)]}, log)
    assert any(a.kind == "switch_product" and a.product_id == 2 for _, a in log)


def test_deal_is_announced_only_within_the_policy_limit():
    log = run(make_engine(), 0, 1800)
    deals = [a for _, a in log if a.kind == "announce_deal"]
    assert deals
    # The bag is 14% off (29.90 from 35): within the 20% policy.
    assert {a.product_id for a in deals} == {1}
    assert all("14%" in a.text and "$29.90" in a.text and "$35" in a.text for a in deals)
    # The lamp is 50% off in the catalog: only its plain price is said, never the discount.
    lamp_offers = [a for _, a in log if a.product_id == 3 and a.reason == "offer"]
    assert lamp_offers
    assert all(a.kind == "say" and "%" not in a.text and "$40" in a.text for a in lamp_offers)


def test_deal_just_over_the_limit_is_not_rounded_down_into_it():
    facts = {1: ProductFacts(1, "Canvas Tote Bag", Decimal("79.50"), "USD", Decimal("100"))}
    engine = make_engine(rundown=[RUNDOWN[0]], facts=facts, policy=Policy(max_discount_pct=20))
    log = run(engine, 0, 60)
    assert not [a for _, a in log if a.kind == "announce_deal"]


def test_pitch_numbers_come_only_from_catalog_facts_and_session_counts():
    script = {30.0: [Purchase(2, 2, 30.0)]}
    log = run(make_engine(), 0, 1800, script)
    allowed = set().union(*(fact_numbers(FACTS[i], RUNDOWN[i - 1].title) for i in FACTS))
    allowed |= {"14", "2"}  # the bag's deal percentage and the mugs sold this session
    for _, action in log:
        if action.product_id is None or action.kind == "switch_product":
            continue
        for number in re.findall(r"\d+(?:\.\d+)?", action.text):
            canonical = number.rstrip("0").rstrip(".") if "." in number else number
            assert canonical in allowed, action.text
    texts = " ".join(a.text for _, a in log)
    assert "40 liters" not in texts  # the talking point's number is in no fact
    assert "15 inch laptop" in texts  # this one's number is the bag's size
    assert "celebrities" not in texts  # banned topic in a talking point


def test_social_proof_comes_only_from_what_this_session_saw():
    engine = make_engine(rundown=[RUNDOWN[1]])
    log = run(engine, 0, 60)
    proof = [a.text for _, a in log if a.reason == "social_proof"]
    assert proof == []  # 100 in stock, nothing sold yet: nothing to claim
    run(engine, 60.0, 200, {60.0: [Purchase(2, 4, 60.0)]}, log)
    proof = [a.text for t, a in log if a.reason == "social_proof"]
    assert proof
    assert all(text == "4 already sold during this live." for text in proof)


def test_speech_is_paced_to_speaking_time_and_never_overlaps():
    log = run(make_engine(), 0, 600, busy_script(3, 0, 600))
    speech = [(t, a) for t, a in spoken(log) if a.kind != "answer_request"]
    for (t1, a1), (t2, _) in itertools.pairwise(speech):
        assert t2 >= t1 + a1.duration_s
    words = sum(len(a.text.split()) for _, a in speech)
    assert words / 600 <= 2.5


def test_speaking_time_estimates_for_english_and_chinese():
    assert speaking_seconds("one two three four five") == 2.0
    assert speaking_seconds("一二三四五六七八九") == 2.0


def test_chinese_locale_speaks_chinese_with_the_one_money_format():
    facts = {
        1: ProductFacts(
            1, "帆布托特包", Decimal("99"), "CNY", Decimal("120"), 50, {"材质": "帆布"}
        ),
    }
    rundown = [RundownItem(1, "BAG-01", "帆布托特包", 60, [])]
    engine = make_engine(rundown=rundown, facts=facts, locale="zh-CN", policy=Policy(30))
    log = run(engine, 0, 60)
    texts = [a.text for _, a in spoken(log)]
    assert texts[0].startswith("大家好")
    deal = next(a for _, a in log if a.kind == "announce_deal")
    assert deal.text in ("今天只要¥99，原价¥120，优惠17%。", "原价¥120，今天¥99，便宜17%。")
    assert deal.duration_s == pytest.approx(speaking_seconds(deal.text), abs=1e-3)


def test_idle_talk_never_repeats_a_line_within_the_window_over_an_hour():
    sold_out = [RundownItem(1, "BAG-01", "Canvas Tote Bag", 60, in_stock=False)]
    log = run(make_engine(rundown=sold_out), 0, 3600)
    idle = [(t, a.text) for t, a in log if a.reason == "idle"]
    assert len(idle) >= 50  # it does keep talking, about once every ten minutes per line
    last_said: dict[str, float] = {}
    for t, text in idle:
        assert t - last_said.get(text, -1e9) >= 600
        last_said[text] = t
    assert any(a.kind == "pause" for _, a in log)


def test_idle_lines_between_products_also_never_repeat_within_the_window():
    log = run(make_engine(), 0, 3600, busy_script(4, 0, 3600))
    last_said: dict[str, float] = {}
    for t, action in log:
        if action.reason in ("idle", "chatter"):
            assert t - last_said.get(action.text, -1e9) >= 600
            last_said[action.text] = t


def test_a_day_on_air_runs_fast_with_flat_state():
    engine = make_engine()
    rng = random.Random(5)
    sizes = []
    started = time.perf_counter()
    now = 0.0
    for _hour in range(24):
        for _ in range(7200):
            events: list[Event] = []
            if rng.random() < 0.01:
                events.append(Like(f"v{rng.randrange(10_000)}", 3, now))
            if rng.random() < 0.002:
                events.append(Question(f"v{rng.randrange(10_000)}", "how big is it?", now))
            if rng.random() < 0.0005:
                pid = rng.choice([1, 2, 3])
                events.append(Purchase(pid, 1, now))
                events.append(StockChanged(pid, 5, now))
            engine.step(now, events)
            now += STEP_S
        sizes.append(len(json.dumps(engine.to_state())))
    elapsed = time.perf_counter() - started
    assert elapsed < 10
    assert max(sizes) < 16_000
    assert sizes[-1] <= sizes[0] + 1_000


def test_resuming_with_an_edited_rundown_drops_a_removed_product_and_adopts_new_ones():
    engine = make_engine()
    run(engine, 0, 20)
    assert engine.current_product_id == 1
    edited = [RUNDOWN[1], RundownItem(4, "PEN-04", "Brass Pen", 60, [])]
    facts = {**FACTS, 4: ProductFacts(4, "Brass Pen", Decimal("12"), "USD", stock=3)}
    resumed = HostEngine.from_state(engine.to_state(), edited, POLICY, facts)
    log = run(resumed, 20.0, 400)
    assert {a.product_id for _, a in log if a.kind == "switch_product"} == {2, 4}
    assert resumed.product_stats()[4].in_stock


def test_a_flash_sale_is_thanked_at_a_bounded_rate_and_the_pitch_goes_on():
    script = {float(t): [Purchase(2, 1, float(t))] for t in range(10, 130)}
    log = run(make_engine(), 0, 130, script)
    acks = [t for t, a in log if a.kind == "ack_purchase"]
    assert 5 <= len(acks) <= 120 / 15 + 1
    assert all(t2 - t1 >= 15 for t1, t2 in itertools.pairwise(acks))
    pitch = [a for t, a in log if t > 10 and a.reason in ("features", "offer", "call_to_action")]
    assert len(pitch) >= 5


@pytest.mark.parametrize(
    ("currency", "amount", "written"),
    [
        ("USD", "1299", "$1,299"),
        ("CAD", "12.50", "CA$12.50"),
        ("EUR", "8", "€8"),
        ("GBP", "1299.99", "£1,299.99"),
        ("JPY", "12990", "¥12,990"),
        ("CNY", "129", "¥129"),
    ],
)
@pytest.mark.parametrize("locale", ["en", "zh-CN"])
def test_the_host_says_prices_as_the_one_money_formatter_writes_them(
    currency: str, amount: str, written: str, locale: str
) -> None:
    rundown = [RundownItem(1, "SKU-1", "Thing", time_budget_s=60)]
    facts = {1: ProductFacts(1, "Thing", price=Decimal(amount), currency=currency)}
    engine = make_engine(rundown=rundown, facts=facts, locale=locale)

    said = [action.text for now in range(0, 120) for action in engine.step(now / 2)]

    assert get_locale(locale).format_money(Decimal(amount), currency) == written
    assert any(written in line for line in said), said
