"""Text setting: wrap Latin and CJK text to a width, shrink it to fit a box, and draw it."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import ImageDraw

from content.layouts.colors import RGB, RGBA
from content.layouts.fonts import (
    DEFAULT_FONT_FAMILY,
    StyledFont,
    is_cjk_char,
    load_font,
)

ELLIPSIS = "…"

# Kinsoku: these never start a line (they stick to the token before) ...
_NO_LINE_START = set("，。、；：？！）》」』】〕〉’”%‰·…,.;:?!)]}%")  # noqa: RUF001
# ... and these never end one (they stick to the token after).
_NO_LINE_END = set("（《「『【〔〈‘“([{$¥￥£€")  # noqa: RUF001


def split_breakable(text: str) -> list[str]:
    """Split text into units a line may break between.

    Latin words keep their trailing space; each CJK character is its own unit, with
    punctuation glued on so that lines never start with a closing mark.
    """
    tokens: list[str] = []
    current = ""
    for ch in text:
        if ch == "\n":
            ch = " "
        if ch in _NO_LINE_START and (current or tokens):
            if current:
                current += ch
            else:
                tokens[-1] += ch
            continue
        if is_cjk_char(ch):
            if current and current[-1] not in _NO_LINE_END:
                tokens.append(current)
                current = ""
            current += ch
            if ch not in _NO_LINE_END:
                tokens.append(current)
                current = ""
            continue
        if ch == " ":
            current += ch
            tokens.append(current)
            current = ""
            continue
        if current and current[-1] == " ":
            tokens.append(current)
            current = ""
        current += ch
    if current:
        tokens.append(current)
    return _keep_quantities_together([t for t in tokens if t.strip()])


def _keep_quantities_together(tokens: list[str]) -> list[str]:
    """Never break between a number and a short unit after it ("750 ml", "24 h")."""
    merged: list[str] = []
    for token in tokens:
        previous = merged[-1] if merged else ""
        if (
            previous.endswith(" ")
            and previous.rstrip()[-1:].isdigit()
            and len(token.strip()) <= 4
            and token.strip()[:1].isalpha()
        ):
            merged[-1] = previous + token
        else:
            merged.append(token)
    return merged


_CLAUSE_END = set("，。、；：？！,.;:?!…")  # noqa: RUF001


def split_phrases(text: str) -> list[str]:
    """Coarser units: whole words, and CJK runs only broken after clause punctuation.

    Headlines read better broken between clauses (after a full-width comma) than
    wherever the width runs out.
    """
    phrases: list[str] = []
    current = ""
    for token in split_breakable(text):
        current += token
        if token.endswith(" ") or token[-1] in _CLAUSE_END:
            phrases.append(current)
            current = ""
    if current:
        phrases.append(current)
    return phrases


def _split_long_token(token: str, font: StyledFont, max_width: float) -> list[str]:
    """Break a single unit that is wider than the line (a long SKU or URL) by characters."""
    pieces: list[str] = []
    current = ""
    for ch in token:
        if current and font.length(current + ch) > max_width:
            pieces.append(current)
            current = ch
        else:
            current += ch
    if current:
        pieces.append(current)
    return pieces


def wrap_text(
    text: str, font: StyledFont, max_width: float, *, by_phrase: bool = False
) -> list[str]:
    """Greedy line filling: as many units per line as fit in `max_width` pixels.

    `by_phrase` breaks only between phrases, and returns [] when a phrase is too wide.
    """
    if by_phrase:
        phrases = split_phrases(text)
        if any(font.length(p.rstrip()) > max_width for p in phrases):
            return []
    lines: list[str] = []
    current = ""
    for token in split_phrases(text) if by_phrase else split_breakable(text):
        candidate = current + token
        if font.length(candidate.rstrip()) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current.rstrip())
            current = ""
        if font.length(token.rstrip()) <= max_width:
            current = token
        else:
            *full, rest = _split_long_token(token.rstrip(), font, max_width)
            lines.extend(full)
            current = rest + (" " if token.endswith(" ") else "")
    if current.strip():
        lines.append(current.rstrip())
    return lines


@dataclass(frozen=True)
class FittedText:
    """Lines of text set in one font, ready to draw."""

    lines: tuple[str, ...]
    font: StyledFont
    line_pitch: int

    @property
    def height(self) -> int:
        """Ink height from the top of the first line to the lowest descender."""
        if not self.lines:
            return 0
        return self.font.cap_height + (len(self.lines) - 1) * self.line_pitch + self.font.descent

    @property
    def width(self) -> int:
        return max((round(self.font.length(line)) for line in self.lines), default=0)


def _truncate_to_width(line: str, font: StyledFont, max_width: float) -> str:
    while line and font.length(line + ELLIPSIS) > max_width:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


def fit_text(
    text: str,
    *,
    box_width: int,
    box_height: int,
    max_size: int,
    min_size: int,
    max_lines: int,
    weight: int = 400,
    family: str = DEFAULT_FONT_FAMILY,
    locale: str = "en",
    line_spacing: float = 1.18,
    balance: bool = False,
) -> FittedText:
    """The largest size (≤ max_size) at which `text` wraps into the box.

    Shrinks in ~4% steps; at `min_size` it keeps `max_lines` lines and ends the last
    one with an ellipsis rather than overflow the box. With `balance`, lines are made
    about equally long (no lone last word) without adding a line.
    """
    text = " ".join(text.split())
    if not text:
        font = load_font(text, size=max_size, weight=weight, family=family, locale=locale)
        return FittedText((), font, round(max_size * line_spacing))
    # First try breaking only between phrases, giving up at most 30% of the size for it;
    # then break anywhere.
    for by_phrase, floor in ((True, max(min_size, round(max_size * 0.7))), (False, min_size)):
        size = max_size
        while True:
            font = load_font(text, size=size, weight=weight, family=family, locale=locale)
            pitch = round(size * (line_spacing + (0.08 if font.is_cjk else 0.0)))
            lines = wrap_text(text, font, box_width, by_phrase=by_phrase)
            fitted = FittedText(tuple(lines), font, pitch)
            if lines and len(lines) <= max_lines and fitted.height <= box_height:
                return _balanced(text, fitted, box_width, by_phrase) if balance else fitted
            if size <= floor:
                break
            size = max(floor, min(size - 1, int(size * 0.96)))
    kept = lines[:max_lines]
    while kept and FittedText(tuple(kept), font, pitch).height > box_height and len(kept) > 1:
        kept.pop()
    if kept and kept != lines:
        kept[-1] = _truncate_to_width(kept[-1], font, box_width)
    return FittedText(tuple(kept), font, pitch)


def _balanced(text: str, fitted: FittedText, box_width: int, by_phrase: bool) -> FittedText:
    """Narrow the wrap width as far as the line count allows, evening out the lines."""
    count = len(fitted.lines)
    if count < 2:
        return fitted
    low, high = box_width // count, box_width
    best = fitted.lines
    while high - low > 2:
        mid = (low + high) // 2
        lines = wrap_text(text, fitted.font, mid, by_phrase=by_phrase)
        if lines and len(lines) <= count:
            best, high = tuple(lines), mid
        else:
            low = mid
    return FittedText(tuple(best), fitted.font, fitted.line_pitch)


def draw_text_block(
    draw: ImageDraw.ImageDraw,
    fitted: FittedText,
    *,
    left: int,
    top: int,
    fill: RGB | RGBA,
    align: str = "left",
    box_width: int = 0,
) -> tuple[int, int, int, int]:
    """Draw the lines with the first cap-height top at `top`; returns the ink box."""
    baseline = top + fitted.font.cap_height
    for line in fitted.lines:
        line_width = fitted.font.length(line)
        if align == "center":
            x = left + (box_width - line_width) / 2
        elif align == "right":
            x = left + box_width - line_width
        else:
            x = left
        draw.text(
            (round(x + fitted.font.stroke), baseline),
            line,
            font=fitted.font.font,
            fill=fill,
            anchor="ls",
            stroke_width=fitted.font.stroke,
            stroke_fill=fill,
        )
        baseline += fitted.line_pitch
    return (left, top, left + (box_width or fitted.width), top + fitted.height)
