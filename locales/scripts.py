"""Writing systems: the one definition of what counts as a Chinese (CJK) character."""

from __future__ import annotations

import re

# CJK Unified Ideographs, Extension A and the compatibility block: every Han character a
# product title or a viewer's comment plausibly holds.
CJK_RANGES = "\u3400-\u9fff\uf900-\ufaff"
CJK_CHAR = re.compile(f"[{CJK_RANGES}]")
CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
# Full-width punctuation that ends or splits a Chinese sentence or clause.
CJK_PUNCTUATION = "。！？，、；：（）《》「」『』“”‘’"  # noqa: RUF001


def has_cjk(text: str) -> bool:
    return CJK_CHAR.search(text) is not None


def cjk_count(text: str) -> int:
    return len(CJK_CHAR.findall(text))
