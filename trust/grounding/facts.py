"""The product facts a text may state, as the catalog knows them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from trust.findings import normalize_text
from trust.grounding.description import Claim, claims_from_description

# "Selling fast" and friends are only honest when few units are really left.
LOW_STOCK_THRESHOLD = 10


@dataclass(frozen=True)
class Facts:
    """What the catalog knows about one product; the only source a text may state facts from."""

    title: str
    price: Decimal
    currency: str
    brand: str = ""
    category: str = ""
    compare_at_price: Decimal | None = None
    stock: int | None = None
    # e.g. {"material": "100% cotton", "capacity": "500 ml", "weight": "1.2 kg",
    #       "dimensions": "30 x 20 x 10 cm", "origin": "Italy"}
    attributes: Mapping[str, str] = field(default_factory=dict)
    # e.g. {"color": ["red", "blue"], "size": ["S", "M", "L"]}
    variant_options: Mapping[str, Sequence[str]] = field(default_factory=dict)
    tags: Sequence[str] = ()
    # e.g. ["free shipping", "20% off with code SPRING", "买一送一"]
    offers: Sequence[str] = ()
    warranty: str = ""  # e.g. "2-year"
    # The seller's description (plain text or HTML). What it says becomes `claims`, read once
    # here (and again by `dataclasses.replace`, so they never go stale); only the claims, not
    # the whole text, back what copy may state.
    description: str = ""
    claims: tuple[Claim, ...] = field(default=(), init=False)

    def __post_init__(self) -> None:
        if self.description:
            object.__setattr__(self, "claims", tuple(claims_from_description(self.description)))

    def texts(self) -> list[str]:
        """Every free-text fact, in one list; claims and numbers are looked up in these."""
        parts = [self.title, self.brand, self.category, self.warranty]
        parts.extend(claim.text for claim in self.claims)
        for key, value in self.attributes.items():
            parts.append(f"{key}: {value}")
        for option, values in self.variant_options.items():
            parts.append(f"{option}: {', '.join(values)}")
        parts.extend(self.tags)
        parts.extend(self.offers)
        return [part for part in parts if part]


def facts_corpus(facts: Facts) -> str:
    """Every free-text fact, NFKC-folded like the texts checked against it, one per line."""
    return normalize_text("\n".join(facts.texts())).folded
