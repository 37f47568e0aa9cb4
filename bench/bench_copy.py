"""Benchmark the grounded template writer over real-layout catalog exports, printed as JSON.

Parses the fixture catalogs in ``bench/catalogs/`` (a Shopify CSV, a WooCommerce CSV and a
Google Merchant feed) with ``catalog.formats.parse_catalog``, builds each product's facts as
the copy stage does (``content.selectors.facts_for``: the plain description text), writes
copy in every locale asked for, and reports:

- ``claims``: the share of the description's claims the long description states (by claim
  and by distinct claim key; the writer states one claim per key). A claim counts as stated
  when the long description holds its number, its own words, its subject, the locale's
  name for it, or a literal piece of the locale's pattern for it;
- ``ungrounded``: error findings of ``check_copy`` over each pack (goal 0);
- ``skeletons``: sentences whose skeleton (the product's own words, numbers and claim
  values replaced by placeholders) appears in more than ``--shared-over`` products, and
  the most repeated ones;
- ``limits``: packs meeting the copy schema's limits (``ProductCopy.validate``);
- ``seconds``: time per product and locale (goal <= 1 s).

``--dump FILE`` writes every pack, locale by locale, for reading side by side.

Run: python bench/bench_copy.py [--locales en zh-CN] [--shared-over 10] [--top 12] [--dump F]
"""

# ruff: noqa: RUF001

from __future__ import annotations

import argparse
import json
import platform
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from catalog.formats import ProductRecord, parse_catalog
from content.providers.text import CopyRequest, ProductCopy, TemplateWriter, check_copy
from locales import Locale, get_locale
from trust.grounding import Claim, Facts

CATALOGS = Path(__file__).resolve().parent / "catalogs"
FIXTURES = (
    "shopify_products_export.csv",
    "woocommerce_product_export.csv",
    "google_merchant_feed.xml",
)
STORE = "Tidewater Supply"


# --- the catalog -------------------------------------------------------------------------


def load_records() -> tuple[list[ProductRecord], dict[str, Any]]:
    """Every fixture parsed by the import parser, and what each parse counted."""
    records: list[ProductRecord] = []
    parses: dict[str, Any] = {}
    for name in FIXTURES:
        result = parse_catalog((CATALOGS / name).read_bytes(), filename=name)
        parses[name] = {
            "format": result.format,
            "products": result.counts.products,
            "variants": result.counts.variants,
            "errors": result.counts.errors,
        }
        records.extend(result.records)
    return records, parses


def facts_of(record: ProductRecord) -> Facts:
    """The facts ``content.selectors.facts_for`` builds from the stored product."""
    options: dict[str, list[str]] = {}
    for variant in record.variants:
        for key, value in variant.options.items():
            values = options.setdefault(key, [])
            if value not in values:
                values.append(value)
    return Facts(
        title=record.title,
        price=record.price,
        currency=record.currency,
        brand=record.brand,
        category=record.category,
        compare_at_price=record.compare_at_price,
        stock=record.stock,
        attributes={str(k): str(v) for k, v in record.attributes.items()},
        variant_options=options,
        tags=tuple(record.tags),
        description=record.description_text,
    )


# --- claims stated -----------------------------------------------------------------------

_FIELD = re.compile(r"\{[^{}]*\}")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def _number_text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def _literals(spec: Mapping[str, Any] | None, locale: Locale) -> list[str]:
    """The fixed words of a claim's bullet and sentence patterns ("可放入洗碗机")."""
    if not spec:
        return []
    pieces: list[str] = []
    for key in ("bullet", "sentence"):
        for pattern in spec.get(key, ()):
            for piece in _FIELD.split(pattern):
                piece = piece.strip(" ，。,.!！:：;；")
                long_enough = (
                    len(piece) >= 3
                    if not locale.spaces_between_words
                    else (len(piece.split()) >= 2)
                )
                if long_enough:
                    pieces.append(piece.lower())
    return pieces


def claim_stated(claim: Claim, text: str, locale: Locale) -> bool:
    phrases = locale.phrases("copy")
    folded = text.lower()
    if claim.value is not None:
        numbers = {n.replace(",", "") for n in _NUMBER.findall(text)}
        return _number_text(claim.value) in numbers
    markers = [claim.text, claim.subject, phrases.get("claim_names", {}).get(claim.key, "")]
    specs = phrases.get("claims", {})
    markers += _literals(specs.get(claim.key) or specs.get(claim.kind), locale)
    return any(marker and marker.lower() in folded for marker in markers)


# --- skeletons ---------------------------------------------------------------------------


def own_words(facts: Facts, locale: Locale) -> list[str]:
    """The product's own words, longest first: they become placeholders in a skeleton."""
    names = locale.phrases("copy").get("claim_names", {})
    words = [facts.title, facts.brand, STORE, facts.category, *facts.category.split(" > ")]
    words += [claim.text for claim in facts.claims] + [claim.subject for claim in facts.claims]
    words += [names.get(claim.key, "") for claim in facts.claims]
    words += list(facts.attributes.values()) + [
        v for vs in facts.variant_options.values() for v in vs
    ]
    words += [part.strip() for value in facts.attributes.values() for part in value.split(",")]
    words += list(facts.tags)
    if not locale.spaces_between_words and len(facts.title) > 4:
        words.append(facts.title[-4:])  # the noun a Chinese title ends with ("保温杯")
    kept = {" ".join(w.split()).rstrip(".。") for w in words if w and len(w.strip()) > 1}
    return sorted(kept, key=len, reverse=True)


def skeleton(sentence: str, words: Iterable[str]) -> str:
    for word in words:
        sentence = re.sub(re.escape(word), "‹X›", sentence, flags=re.IGNORECASE)
    sentence = _NUMBER.sub("‹N›", sentence)
    sentence = re.sub(r"[$€£¥]\s?‹N›|‹N›\s?(?:USD|元)", "‹PRICE›", sentence)
    sentence = re.sub(r"(?:‹X›[\s,、，/]*)+‹X›", "‹X›", sentence)
    return " ".join(sentence.split())


def sentences_of(copy: ProductCopy, locale: Locale) -> dict[str, list[str]]:
    return {
        "headline": [copy.headline],
        "short_description": locale.split_sentences(copy.short_description),
        "bullets": list(copy.bullets),
        "long_description": locale.split_sentences(copy.long_description),
        "video_script": list(copy.video_script),
        "seo_description": locale.split_sentences(copy.seo_description),
    }


# --- the run -----------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(locales: list[str], shared_over: int, top: int, dump: Path | None) -> dict[str, Any]:
    records, parses = load_records()
    writer = TemplateWriter()
    products = [(record, facts_of(record)) for record in records]
    summary: dict[str, Any] = {
        "bench": "copy",
        "python": platform.python_version(),
        "writer": writer.name,
        "catalogs": parses,
        "products": len(products),
        "with_description": sum(1 for _, facts in products if facts.description),
        "with_claims": sum(1 for _, facts in products if facts.claims),
        "with_variants": sum(1 for record, _ in products if record.variants),
        "chinese_descriptions": sum(
            1 for _, facts in products if re.search(r"[\u4e00-\u9fff]", facts.description)
        ),
        "locales": {},
    }
    dumped: list[str] = []
    for code in locales:
        locale = get_locale(code)
        seconds: list[float] = []
        claims_total = claims_used = keys_total = keys_used = 0
        missed_keys: Counter[str] = Counter()
        ungrounded = 0
        ungrounded_rules: Counter[str] = Counter()
        packs_ok = 0
        problems: Counter[str] = Counter()
        by_skeleton: dict[tuple[str, str], set[str]] = defaultdict(set)
        examples: dict[tuple[str, str], str] = {}
        sentence_count = 0
        worst_claims: list[tuple[float, str]] = []
        for record, facts in products:
            request = CopyRequest(facts, code, brand_name=STORE, sku=record.sku)
            started = time.perf_counter()
            copy = writer.write(request).copy
            seconds.append(time.perf_counter() - started)

            errors = [f for f in check_copy(copy, request) if f.severity == "error"]
            ungrounded += len(errors)
            ungrounded_rules.update(f.rule_id for f in errors)

            found = copy.validate(facts, locale=locale)
            packs_ok += not found
            problems.update(re.sub(r"\d+", "N", problem) for problem in found)

            if facts.claims:
                used = [claim_stated(c, copy.long_description, locale) for c in facts.claims]
                claims_total += len(used)
                claims_used += sum(used)
                keys: dict[str, bool] = {}
                for claim, ok in zip(facts.claims, used, strict=True):
                    keys[claim.key] = keys.get(claim.key, False) or ok
                keys_total += len(keys)
                keys_used += sum(keys.values())
                missed_keys.update(key for key, ok in keys.items() if not ok)
                worst_claims.append((sum(keys.values()) / len(keys), record.sku))

            words = own_words(facts, locale)
            for section, sentences in sentences_of(copy, locale).items():
                for sentence in sentences:
                    key = (section, skeleton(sentence, words))
                    if not re.search(r"[^\W_]", key[1].replace("‹X›", "")):
                        continue  # only the product's own words (a headline that is the title)
                    sentence_count += 1
                    by_skeleton[key].add(record.sku)
                    examples.setdefault(key, sentence)
            if dump is not None:
                dumped.append(_dump_pack(code, record, facts, copy))

        shared = {key: skus for key, skus in by_skeleton.items() if len(skus) > shared_over}
        shared_sentences = sum(
            1
            for key, skus in by_skeleton.items()
            if len(skus) > shared_over
            for _ in skus  # one per product that says it (a pack rarely says one twice)
        )
        most = sorted(by_skeleton.items(), key=lambda item: -len(item[1]))[:top]
        summary["locales"][code] = {
            "claims": {
                "in_descriptions": claims_total,
                "stated_in_long_description": claims_used,
                "share": round(claims_used / claims_total, 3) if claims_total else None,
                "distinct_keys": keys_total,
                "distinct_keys_stated": keys_used,
                "share_by_key": round(keys_used / keys_total, 3) if keys_total else None,
                "goal": 0.8,
                "most_missed_keys": missed_keys.most_common(8),
                "worst_products": [sku for _, sku in sorted(worst_claims)[:5]],
            },
            "ungrounded": {
                "error_findings": ungrounded,
                "by_rule": dict(ungrounded_rules),
                "goal": 0,
            },
            "limits": {
                "packs_ok": packs_ok,
                "packs": len(products),
                "problems": dict(problems.most_common(10)),
            },
            "skeletons": {
                "sentences": sentence_count,
                "distinct": len(by_skeleton),
                "shared_over": shared_over,
                "skeletons_shared_over": len(shared),
                "sentences_with_shared_skeleton": shared_sentences,
                "share_shared": round(shared_sentences / sentence_count, 3),
                "most_repeated": [
                    {
                        "section": section,
                        "products": len(skus),
                        "skeleton": text,
                        "example": examples[(section, text)],
                    }
                    for (section, text), skus in most
                ],
            },
            "seconds": {
                "per_product_mean": round(statistics.fmean(seconds), 4),
                "per_product_p95": round(percentile(seconds, 0.95), 4),
                "per_product_max": round(max(seconds), 4),
                "total": round(sum(seconds), 2),
                "goal_max": 1.0,
            },
        }
    if dump is not None:
        dump.write_text("\n".join(dumped), encoding="utf-8")
        summary["dump"] = str(dump)
    return summary


def _dump_pack(code: str, record: ProductRecord, facts: Facts, copy: ProductCopy) -> str:
    claims = ", ".join(f"{c.key}={c.text!r}" for c in facts.claims) or "-"
    lines = [
        f"=== {record.sku} [{code}] {record.title} ({record.source_format})",
        f"description: {' / '.join(facts.description.splitlines()) or '-'}",
        f"claims: {claims}",
        f"headline: {copy.headline}",
        f"short: {copy.short_description}",
        *(f"  • {bullet}" for bullet in copy.bullets),
        f"long: {copy.long_description}",
        *(f"  ▶ {line}" for line in copy.video_script),
        f"seo: {copy.seo_title} | {copy.seo_description}",
        f"keywords: {', '.join(copy.keywords)}",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locales", nargs="+", default=["en", "zh-CN"])
    parser.add_argument(
        "--shared-over",
        type=int,
        default=10,
        help="a skeleton counts as shared when more products than this say it",
    )
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--dump", type=Path, default=None)
    args = parser.parse_args()
    print(
        json.dumps(
            run(args.locales, args.shared_over, args.top, args.dump), ensure_ascii=False, indent=2
        )
    )


if __name__ == "__main__":
    main()
