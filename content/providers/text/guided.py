"""Schema-guided decoding: we write the JSON, the model writes only the strings inside it.

Left to write a whole JSON object, SmolLM2-135M drifts within a hundred tokens: it
invents keys, repeats a list item until the token budget runs out, and the reply does
not parse (measured here: every product fell back to the template's copy). Guided, it
never sees a chance to drift: the decoder feeds the keys, quotes and brackets itself and
lets the model choose only each value's words, each with its own token budget. A value
ends where the model closes its string; the token that closes it is taken back from the
KV cache, so the context holds exactly the JSON we assemble.

The model's preference still decides how long each list is: when it closes an item with
``"]`` the list ends (once it has its minimum length).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from content.providers.text.product_copy import (
    BULLETS_MIN,
    BULLETS_TARGET,
    SCRIPT_MIN_LINES,
)


@dataclass(frozen=True)
class GuidedField:
    """One string, or a list of strings (`items` = (fewest, most)), for the model to write."""

    key: str
    max_tokens: int  # per string
    items: tuple[int, int] | None = None


# The prose fields, in the order the prompt names them. The SEO texts, keywords and shot
# list are the template's and the shot planner's (see prompting.result_from_output).
COPY_FIELDS = (
    GuidedField("headline", max_tokens=24),
    GuidedField("short_description", max_tokens=48),
    GuidedField("bullets", max_tokens=18, items=(BULLETS_MIN, BULLETS_TARGET)),
    GuidedField("long_description", max_tokens=90),
    GuidedField("video_script", max_tokens=22, items=(SCRIPT_MIN_LINES, 4)),
)
PREFILL = '{"' + COPY_FIELDS[0].key + '": "'


class Decoder:
    """What guided decoding needs from a model: feed text, pick a token, accept it."""

    def feed(self, text: str) -> None:
        """Append `text` (ours, not the model's) to the context."""
        raise NotImplementedError

    def next_token(self) -> int:
        """The token the model picks next; not in the context until accepted."""
        raise NotImplementedError

    def accept(self, token: int) -> None:
        """Append a picked token to the context."""
        raise NotImplementedError

    def text(self, tokens: list[int]) -> str:
        raise NotImplementedError


@dataclass
class GuidedOutput:
    values: dict[str, Any]
    tokens: int  # tokens the model picked

    def json(self) -> str:
        return json.dumps(self.values, ensure_ascii=False)


def write_fields(
    decoder: Decoder,
    *,
    max_tokens: int,
    fields: tuple[GuidedField, ...] = COPY_FIELDS,
) -> GuidedOutput:
    """The fields' values as the model writes them into our JSON skeleton.

    The caller has fed the prompt ending with PREFILL (the first field's opening).
    `max_tokens` caps the model's tokens over all fields; fields it leaves unwritten are
    missing from the values.
    """
    if fields[0].items:
        raise ValueError("the first field must be a plain string (it is the prefill)")
    values: dict[str, Any] = {}
    budget = max_tokens
    closing = ""  # fed with the next field's opening: one forward pass instead of two
    for number, field in enumerate(fields):
        if number:
            decoder.feed(closing + f', "{field.key}": ' + ('["' if field.items else '"'))
        if field.items is None:
            text, _, used = _string(decoder, min(field.max_tokens, budget))
            budget -= used
            values[field.key] = text
            closing = '"'
        else:
            fewest, most = field.items
            items: list[str] = []
            while True:
                text, wants_end, used = _string(decoder, min(field.max_tokens, budget))
                budget -= used
                if text:
                    items.append(text)
                if len(items) >= most or budget <= 0 or (wants_end and len(items) >= fewest):
                    break
                decoder.feed('", "')
            values[field.key] = items
            closing = '"]'
        if budget <= 0:
            return GuidedOutput(values, max_tokens)
    return GuidedOutput(values, max_tokens - budget)


def _string(decoder: Decoder, max_tokens: int) -> tuple[str, bool, int]:
    """(the value, whether the model closed a list right after it, tokens used).

    The token that closes the string is not accepted; the text before its quote is fed
    instead, so the context ends inside the string, ready for our closing. Text is always
    decoded from all of the value's tokens, so characters split across tokens come whole.
    """
    tokens: list[int] = []
    for used in range(1, max_tokens + 1):
        token = decoder.next_token()
        text = decoder.text([*tokens, token])
        end = _string_end(text)
        if end is None:
            decoder.accept(token)
            tokens.append(token)
            continue
        fed = decoder.text(tokens)
        if text[:end].startswith(fed) and end > len(fed):
            decoder.feed(text[len(fed) : end])
        after = text[end:].lstrip('"').lstrip()
        return _value(text[:end]), after.startswith("]"), used
    return _value(_trimmed(decoder.text(tokens))), False, max_tokens


def _string_end(text: str) -> int | None:
    """Where the JSON string that `text` starts ends (an unescaped quote or a line break)."""
    escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char in '"\n':
            return index
    return None


def _value(raw: str) -> str:
    """The string the JSON text `raw` stands for; a broken escape is dropped, not fatal."""
    try:
        text = json.loads(f'"{raw}"')
    except ValueError:
        text = raw.replace("\\", "")
    return str(text).strip()


_SENTENCE_ENDS = ".!?。\uff01\uff1f"  # and the full-width ! and ? of Chinese text


def _trimmed(raw: str) -> str:
    """A value cut off by its budget, back to its last full sentence or word."""
    last = max(raw.rfind(end) for end in _SENTENCE_ENDS)
    if last > len(raw) // 3:
        return raw[: last + 1]
    space = raw.rfind(" ")
    return raw[:space] if space > 0 else raw
