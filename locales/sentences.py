"""Sentence splitting for every language: English, Chinese and text mixing both."""

from __future__ import annotations

import re

from locales.scripts import CJK_RANGES

# Characters that may close a sentence after its terminator: quotes and brackets.
_CLOSERS = re.escape("\"'”’」』）)］]")  # noqa: RUF001
# Chinese terminators end a sentence wherever they stand; ASCII ones only before a space, a
# Chinese character or the end, so "3.5" and "example.com" stay whole.
_TERMINATOR = re.compile(
    rf"[。！？]+[{_CLOSERS}]*"  # noqa: RUF001
    rf"|[.!?…]+[{_CLOSERS}]*(?=[\s{CJK_RANGES}]|$)"
)
# Words whose trailing period is not a sentence end.
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "prof", "st", "vs", "approx"})


def split_sentences(text: str) -> list[str]:
    """Return the sentences of ``text`` in order, stripped, with their punctuation kept.

    Line breaks always end a sentence (product copy is often one claim per line).
    """
    sentences: list[str] = []
    for line in text.splitlines():
        sentences.extend(_split_line(line))
    return sentences


def _split_line(line: str) -> list[str]:
    sentences: list[str] = []
    start = 0
    for match in _TERMINATOR.finditer(line):
        candidate = line[start : match.end()].strip()
        if _ends_with_abbreviation(candidate):
            continue
        if _has_words(candidate):
            sentences.append(candidate)
            start = match.end()
    tail = line[start:].strip()
    if _has_words(tail):
        sentences.append(tail)
    elif tail and sentences:
        # Stray punctuation after the last sentence belongs to it.
        sentences[-1] = f"{sentences[-1]}{tail}"
    return sentences


def _ends_with_abbreviation(sentence: str) -> bool:
    if not sentence.endswith("."):
        return False
    words = sentence[:-1].split()
    if not words:
        return False
    last_word = words[-1].lower()
    # "e.g.", "i.e.", "U.S." carry an inner period; titles come from the list.
    return last_word in _ABBREVIATIONS or ("." in last_word and last_word[-1].isalpha())


def _has_words(text: str) -> bool:
    return any(char.isalnum() for char in text)
