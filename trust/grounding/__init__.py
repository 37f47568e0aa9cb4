"""Grounding: every number, unit and factual claim in generated text must be backed by facts.

The public face; the package is split by concern:
``facts`` (what the catalog knows), ``description`` (claims read from the seller's own
description), ``units`` (unit, currency and number-word tables),
``reading`` (quantities read out of a text), ``discounts`` (the honest discount),
``support`` (what the facts back), ``claim_rules`` and ``claims`` (factual claims), and
``checker`` (the findings).
"""

from trust.grounding.checker import UNSUPPORTED_CLAIM, UNSUPPORTED_NUMBER, check_grounding
from trust.grounding.claim_rules import CLAIM_RULES, COUNTRIES, ClaimRule, Country
from trust.grounding.claims import evidence_from_facts, supported_claim_keys
from trust.grounding.description import (
    Claim,
    ClaimKind,
    claims_from_description,
    description_text,
)
from trust.grounding.discounts import real_discount_percents
from trust.grounding.facts import LOW_STOCK_THRESHOLD, Facts
from trust.grounding.reading import Quantity, QuantityKind, Reading, extract_quantities
from trust.grounding.support import CONVERSION_TOLERANCE

__all__ = [
    "CLAIM_RULES",
    "CONVERSION_TOLERANCE",
    "COUNTRIES",
    "LOW_STOCK_THRESHOLD",
    "UNSUPPORTED_CLAIM",
    "UNSUPPORTED_NUMBER",
    "Claim",
    "ClaimKind",
    "ClaimRule",
    "Country",
    "Facts",
    "Quantity",
    "QuantityKind",
    "Reading",
    "check_grounding",
    "claims_from_description",
    "description_text",
    "evidence_from_facts",
    "extract_quantities",
    "real_discount_percents",
    "supported_claim_keys",
]
