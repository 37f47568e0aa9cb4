"""Sanitize product descriptions with nh3 and derive their plain-text form."""

from __future__ import annotations

import html
import re

import nh3

_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "ol", "p", "pre", "section", "table", "tbody", "td", "th", "thead",
        "tr", "ul",
    }
)  # fmt: skip
# nh3 serializes attributes in double quotes; a quoted value may itself contain ">".
_TAG_BODY = r'(?:[^>"]|"[^"]*")*'
_BLOCK_TAG = re.compile(rf"</?(?:{'|'.join(sorted(_BLOCK_TAGS))})\b{_TAG_BODY}>", re.IGNORECASE)
_ANY_TAG = re.compile(rf"<{_TAG_BODY}>")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u3000]+")
# One sanitizer with nh3's default policy, built once: nh3.clean() rebuilds it per call,
# which costs more than cleaning a short description.
_CLEANER = nh3.Cleaner()


def normalize_lines(text: str) -> str:
    """Collapse runs of spaces, trim each line and drop empty lines.

    The same words therefore give the same text whether they came as HTML paragraphs
    or as plain lines, which keeps content hashes equal across formats.
    """
    # The common case, one line once its edges are trimmed, needs no per-line work:
    # printable text has no line break and no whitespace but the plain space.
    stripped = text.strip()
    if stripped.isprintable():
        return " ".join(stripped.split()) if "  " in stripped else stripped
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def sanitize_description(raw: str) -> tuple[str, str]:
    """Return (safe HTML, plain text) for a source description (HTML or plain text)."""
    if not raw:
        return "", ""
    if "<" not in raw and "&" not in raw:
        # Plain text: no parser needed; keep its line breaks as paragraphs.
        text = normalize_lines(raw)
        return "".join(
            f"<p>{html.escape(line, quote=False)}</p>" for line in text.split("\n")
        ), text
    safe_html = _CLEANER.clean(raw)
    # nh3's output is well-formed HTML with quoted attributes, so simple patterns suffice
    # to turn it into text; they are much faster than an HTMLParser per row.
    text = _BLOCK_TAG.sub("\n", safe_html)
    text = html.unescape(_ANY_TAG.sub("", text))
    return safe_html, normalize_lines(text)
