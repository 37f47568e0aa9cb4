"""Finding claims in a text and deciding which ones the facts back."""

from __future__ import annotations

import re

from trust.findings import normalize_text
from trust.grounding.claim_rules import CLAIM_RULES, COUNTRY_RULES, ClaimRule
from trust.grounding.facts import Facts, facts_corpus


def claim_supported(rule: ClaimRule, facts: Facts, corpus: str) -> bool:
    if rule.supported_by is not None and rule.supported_by(facts):
        return True
    return rule.support is not None and rule.support.search(corpus) is not None


def find_claims(folded: str) -> list[tuple[ClaimRule, int, int]]:
    found: list[tuple[ClaimRule, int, int]] = []
    for rule in CLAIM_RULES:
        for match in rule.claim.finditer(folded):
            if match.end() > match.start():
                found.append((rule, match.start(), match.end()))
    # Inside one group keep the longest claim at each place ("日本进口" is one origin claim).
    found.sort(key=lambda item: (item[1], -(item[2] - item[1])))
    kept: list[tuple[ClaimRule, int, int]] = []
    for rule, start, end in found:
        overlaps = any(
            other.group == rule.group and start < other_end and other_start < end
            for other, other_start, other_end in kept
        )
        if not overlaps:
            kept.append((rule, start, end))
    return kept


def evidence_from_facts(facts: Facts) -> frozenset[str]:
    """Claim keys the facts themselves back ("origin:usa", "cert:organic", ...), to pass to
    the compliance checker as `evidence` so it does not flag what the catalog states."""
    corpus = facts_corpus(facts)
    keys = {rule.key for rule, _, _ in find_claims(corpus)}
    for key, value in facts.attributes.items():
        if re.search(r"origin|country|made|产地|原产", key, re.IGNORECASE):
            for rule in COUNTRY_RULES:
                if rule.support is not None and rule.support.search(value):
                    keys.add(rule.key)
    if re.search(r"clinically\s+proven|临床验证", corpus, re.IGNORECASE):
        keys.add("clinically_proven")
    return frozenset(keys)


def supported_claim_keys(text: str, facts: Facts) -> list[str]:
    """Keys of the claims in `text` that the facts back (for provenance notes)."""
    corpus = facts_corpus(facts)
    folded = normalize_text(text).folded
    return [rule.key for rule, _, _ in find_claims(folded) if claim_supported(rule, facts, corpus)]
