"""Cut copy sections into plain and marked pieces at the findings' spans, for review pages.

Findings index into the whole copy text (sections joined by a blank line); a reviewer
reads section by section, so each finding is clipped to the sections it touches and the
text is cut at every span edge: overlapping findings give pieces covered by several.
The pieces are plain strings; the template escapes them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

SECTION_SEPARATOR = "\n\n"  # as ProductCopy.as_text() joins sections


@dataclass(frozen=True)
class Piece:
    text: str
    findings: tuple[Mapping[str, Any], ...] = ()

    @property
    def severity(self) -> str:
        """The worst severity covering this piece; "" when none does."""
        if not self.findings:
            return ""
        return "error" if any(f.get("severity") == "error" for f in self.findings) else "warning"

    @property
    def title(self) -> str:
        """One line per finding: rule, message and, when there is one, the suggested text."""
        lines = []
        for finding in self.findings:
            line = f"{finding.get('rule_id', '')}: {finding.get('message', '')}"
            if finding.get("suggestion"):
                line += f" Suggestion: {finding['suggestion']}"
            lines.append(line)
        return "\n".join(lines)


@dataclass(frozen=True)
class MarkedSection:
    name: str
    start: int  # offset of the section in the whole copy text
    text: str
    pieces: tuple[Piece, ...]
    findings: tuple[Mapping[str, Any], ...] = field(default=())

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()


def mark_sections(
    sections: Sequence[tuple[str, str]], findings: Sequence[Mapping[str, Any]]
) -> tuple[list[MarkedSection], list[Mapping[str, Any]]]:
    """Each section cut at the findings' span edges, and the findings with no text to mark
    (an empty span, such as a missing required word, or offsets outside the text)."""
    spanned: list[tuple[int, int, Mapping[str, Any]]] = []
    unplaced: list[Mapping[str, Any]] = []
    for finding in findings:
        start, end = _offsets(finding)
        if start is None or end is None or end <= start:
            unplaced.append(finding)
        else:
            spanned.append((start, end, finding))
    marked: list[MarkedSection] = []
    placed: set[int] = set()
    offset = 0
    for name, text in sections:
        section_end = offset + len(text)
        inside = [(s, e, f) for s, e, f in spanned if s < section_end and e > offset]
        placed.update(id(f) for _, _, f in inside)
        marked.append(
            MarkedSection(
                name=name,
                start=offset,
                text=text,
                pieces=_cut(text, offset, inside),
                findings=tuple(f for _, _, f in inside),
            )
        )
        offset = section_end + len(SECTION_SEPARATOR)
    # A span that lies only in separators or past the end touches no section.
    unplaced.extend(f for _, _, f in spanned if id(f) not in placed)
    return marked, unplaced


def _offsets(finding: Mapping[str, Any]) -> tuple[int | None, int | None]:
    start, end = finding.get("start"), finding.get("end")
    if isinstance(start, bool) or isinstance(end, bool):
        return None, None
    if not isinstance(start, int) or not isinstance(end, int) or start < 0:
        return None, None
    return start, end


def _cut(
    text: str, offset: int, spans: Sequence[tuple[int, int, Mapping[str, Any]]]
) -> tuple[Piece, ...]:
    # Local edges of every span, clipped to the section; between two edges the set of
    # covering findings does not change.
    edges = {0, len(text)}
    local = [(max(s - offset, 0), min(e - offset, len(text)), f) for s, e, f in spans]
    for start, end, _ in local:
        edges.update((start, end))
    ordered = sorted(edges)
    pieces: list[Piece] = []
    for left, right in pairwise(ordered):
        covering = tuple(f for s, e, f in local if s <= left and right <= e)
        if pieces and pieces[-1].findings == covering:
            pieces[-1] = Piece(pieces[-1].text + text[left:right], covering)
        else:
            pieces.append(Piece(text[left:right], covering))
    return tuple(pieces)
