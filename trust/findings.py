"""The finding type shared by the text checkers, and the span-preserving text normaliser."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]

# NFKC leaves typographic quotes alone; models and copywriters use them interchangeably.
_EXTRA_FOLDS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u00a0": " ",
    "\u3000": " ",
}


@dataclass(frozen=True)
class Finding:
    """One problem in a text: which rule, where (character offsets into the checked text), why.

    `suggestion` is a drop-in replacement for `text[start:end]` when a safe one exists;
    None when a person has to decide (the message then says what to do).
    """

    rule_id: str
    severity: Severity
    start: int
    end: int
    excerpt: str
    message: str
    suggestion: str | None = None

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


@dataclass(frozen=True)
class NormalizedText:
    """Text folded for matching (NFKC: full-width to half-width, typographic quotes to ASCII)
    with a map from each folded character back to its offset in the original."""

    original: str
    folded: str
    origin_index: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the folded text back onto the original text."""
        if start >= end:
            at = self.origin_index[start] if start < len(self.origin_index) else len(self.original)
            return at, at
        return self.origin_index[start], self.origin_index[end - 1] + 1


def normalize_text(text: str) -> NormalizedText:
    # Character by character, so that a character NFKC expands ("㎖" -> "mL") still maps
    # back to exactly one original offset and reported spans stay exact.
    folded_parts: list[str] = []
    origin_index: list[int] = []
    for index, char in enumerate(text):
        folded = _EXTRA_FOLDS.get(char) or unicodedata.normalize("NFKC", char)
        folded_parts.append(folded)
        origin_index.extend([index] * len(folded))
    return NormalizedText(text, "".join(folded_parts), tuple(origin_index))


def finding_dict(finding: Finding) -> dict[str, object]:
    """A finding as stored on an asset and shown to the reviewer (JSON-ready)."""
    return {
        "rule_id": finding.rule_id,
        "severity": finding.severity,
        "start": finding.start,
        "end": finding.end,
        "excerpt": finding.excerpt,
        "message": finding.message,
        "suggestion": finding.suggestion,
    }
