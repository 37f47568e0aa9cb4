"""Guided decoding: we write the JSON skeleton, the model only the strings inside it."""

from __future__ import annotations

import json

import pytest

from content.providers.text import guided
from content.providers.text.guided import GuidedField, write_fields


class ScriptedModel(guided.Decoder):
    """A model that answers with the pieces given, in order; it records what it was fed."""

    def __init__(self, *pieces: str) -> None:
        self.pieces = list(pieces)
        self.vocabulary: list[str] = []
        self.context = ""

    def feed(self, text: str) -> None:
        self.context += text

    def next_token(self) -> int:
        self.vocabulary.append(self.pieces.pop(0))
        return len(self.vocabulary) - 1

    def accept(self, token: int) -> None:
        self.context += self.vocabulary[token]

    def text(self, tokens: list[int]) -> str:
        return "".join(self.vocabulary[token] for token in tokens)


FIELDS = (
    GuidedField("headline", max_tokens=5),
    GuidedField("bullets", max_tokens=4, items=(2, 3)),
    GuidedField("long_description", max_tokens=6),
)


def test_the_model_writes_only_the_strings_and_the_json_is_ours():
    model = ScriptedModel(
        "Linen", " shirt", '",',  # the closing token is taken back, not accepted
        "Cool", '", "',
        "Soft", '"]',  # the model closes the list once it has two items
        "Made", " of linen.", '"}',
    )  # fmt: skip
    model.feed(guided.PREFILL)

    output = write_fields(model, max_tokens=100, fields=FIELDS)

    assert output.values == {
        "headline": "Linen shirt",
        "bullets": ["Cool", "Soft"],
        "long_description": "Made of linen.",
    }
    assert json.loads(output.json()) == output.values
    assert model.context == (
        '{"headline": "Linen shirt", "bullets": ["Cool", "Soft"], '
        '"long_description": "Made of linen.'
    )
    assert output.tokens == 10  # the closing tokens were picked too


def test_a_list_the_model_would_end_early_gets_its_fewest_items():
    model = ScriptedModel("Hi", '"', "One", '"]', "Two", '"]', "Never")
    model.feed(guided.PREFILL)

    output = write_fields(model, max_tokens=100, fields=FIELDS[:2])

    assert output.values == {"headline": "Hi", "bullets": ["One", "Two"]}
    assert model.context.endswith('"bullets": ["One", "Two')


def test_a_string_cut_by_its_budget_ends_at_its_last_full_sentence():
    model = ScriptedModel("A warm", " soft shirt.", " Light", " and")
    model.feed(guided.PREFILL)

    output = write_fields(model, max_tokens=100, fields=(GuidedField("headline", max_tokens=4),))

    assert output.values == {"headline": "A warm soft shirt."}


def test_escapes_are_kept_and_a_line_break_ends_a_string():
    model = ScriptedModel('Say \\"hi\\"', "\nmore")
    model.feed(guided.PREFILL)

    output = write_fields(model, max_tokens=100, fields=(GuidedField("headline", max_tokens=5),))

    assert output.values == {"headline": 'Say "hi"'}


def test_the_overall_budget_leaves_later_fields_unwritten():
    model = ScriptedModel("A", " b", " c", "Never")
    model.feed(guided.PREFILL)

    output = write_fields(model, max_tokens=3, fields=FIELDS)

    assert list(output.values) == ["headline"]
    assert output.tokens == 3


def test_the_first_field_must_be_the_prefilled_string():
    with pytest.raises(ValueError, match="first field"):
        write_fields(ScriptedModel(), max_tokens=5, fields=(FIELDS[1],))
