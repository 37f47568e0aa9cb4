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
# nh3 serializes attributes in double quotes; a quoted value may itself contain ">". (The
# unrolled form of (?:[^>"]|"[^"]*")*, which the regex engine runs several times faster.)
_TAG_BODY = r'[^>"]*(?:"[^"]*"[^>"]*)*'
# nh3 writes tag names in lower case, so the patterns need not ignore case (which would
# make the block pattern two and a half times slower).
_BLOCK_TAG = re.compile(rf"</?(?:{'|'.join(sorted(_BLOCK_TAGS))})\b{_TAG_BODY}>")
_ANY_TAG = re.compile(rf"<{_TAG_BODY}>")
_SPACES = re.compile(r"[ \t\f\v\u00a0\u3000]+")
# One sanitizer with nh3's default policy, built once: nh3.clean() rebuilds it per call,
# which costs more than cleaning a short description.
_CLEANER = nh3.Cleaner()

# Most exports write descriptions as a few paragraphs, lists and headings with bold or
# italic words, no attributes and no entities. nh3 returns such HTML unchanged when it is
# well nested (tests/catalog/formats/test_description_html.py checks that against nh3), so
# it skips the sanitizer, the costliest step of checking a row. Anything else, and any
# doubt, goes through nh3.
_INLINE = frozenset({"b", "strong", "i", "em", "u"})
_INLINE_HOLDERS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6"}) | _INLINE
_LISTS = frozenset({"ul", "ol"})
_TOP_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6"}) | _LISTS
_SIMPLE_TAG_NAMES = "|".join(sorted(_INLINE | _INLINE_HOLDERS | _LISTS))
# Text without markup characters (nor the carriage return and no-break space that nh3's
# parser and serializer rewrite), and tags of those names without attributes.
_SIMPLE_TEXT = r"[^<>&\r\x00\u00a0]*"
_SIMPLE_HTML = re.compile(rf"{_SIMPLE_TEXT}(?:(?:</?(?:{_SIMPLE_TAG_NAMES})>|<br>){_SIMPLE_TEXT})*")
_SIMPLE_TAG = re.compile(r"<(/?[a-z0-9]+)>")


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
    simple_text = _simple_html_text(raw)
    if simple_text is not None:
        return raw, normalize_lines(simple_text)
    safe_html = _CLEANER.clean(raw)
    # nh3's output is well-formed HTML with quoted attributes, so simple patterns suffice
    # to turn it into text; they are much faster than an HTMLParser per row.
    text = _BLOCK_TAG.sub("\n", safe_html)
    text = html.unescape(_ANY_TAG.sub("", text))
    return safe_html, normalize_lines(text)


def _is_simple_html(raw: str) -> bool:
    """Whether `raw` is attribute-free HTML that nh3 would return exactly as it is."""
    return _simple_html_text(raw) is not None


def _simple_html_text(raw: str) -> str | None:
    """The text of `raw` (block tags as line breaks) when nh3 would return `raw` as it is.

    Text and known tags only; blocks (p, h1-h6, ul, ol) at the top level, li only in a list,
    inline tags only where inline content goes; every tag closed in order. Such input is
    never restructured by the HTML parser, and nh3 serializes it back byte for byte. None
    for anything else.
    """
    if not _SIMPLE_HTML.fullmatch(raw):
        return None
    parts = _SIMPLE_TAG.split(raw)  # text, tag, text, tag, ..., text
    stack: list[str] = []
    for index in range(1, len(parts), 2):
        tag = parts[index]
        if tag[0] == "/":
            if not stack or stack.pop() != tag[1:]:
                return None
            parts[index] = "" if tag[1:] in _INLINE else "\n"
            continue
        parent = stack[-1] if stack else ""
        if tag == "br":
            if parent and parent not in _INLINE_HOLDERS:
                return None
            parts[index] = "\n"
            continue
        if tag in _INLINE:
            if parent and parent not in _INLINE_HOLDERS:
                return None
            parts[index] = ""
        elif (tag == "li" and parent in _LISTS) or (not parent and tag in _TOP_BLOCKS):
            parts[index] = "\n"
        else:
            return None
        stack.append(tag)
    return None if stack else "".join(parts)
