"""Sentences for captions: English and Chinese punctuation, numbers and abbreviations kept whole."""

# ruff: noqa: RUF001 - Chinese punctuation in the sample text is meant

from __future__ import annotations

from collections.abc import Iterator

import pytest

from content.providers.speech import disclosure_text_for, split_sentences
from locales import Locale, get_locale, register_locale, unregister_locale


def test_english_sentences_split_on_terminators_followed_by_space():
    text = 'Meet the kettle. It boils in 3.5 minutes! Mr. Lee said "wow." Want one?'

    assert split_sentences(text) == [
        "Meet the kettle.",
        "It boils in 3.5 minutes!",
        'Mr. Lee said "wow."',
        "Want one?",
    ]


def test_domains_and_inner_period_abbreviations_do_not_end_sentences():
    assert split_sentences("Order at shop.example.com today. Colours vary, e.g. red.") == [
        "Order at shop.example.com today.",
        "Colours vary, e.g. red.",
    ]


def test_chinese_sentences_split_on_full_width_terminators_not_commas():
    text = "你好，欢迎来到直播间。今天的商品是什么？看这里！价格很好……再见"

    assert split_sentences(text) == [
        "你好，欢迎来到直播间。",
        "今天的商品是什么？",
        "看这里！",
        "价格很好……",
        "再见",
    ]


def test_ascii_terminator_before_chinese_text_ends_the_sentence():
    assert split_sentences("好吗?我们走吧。") == ["好吗?", "我们走吧。"]


def test_line_breaks_end_sentences_and_punctuation_only_lines_are_dropped():
    assert split_sentences("Soft cotton\nMachine washable.\n\n  ...  \n") == [
        "Soft cotton",
        "Machine washable.",
    ]


def test_text_without_words_has_no_sentences():
    assert split_sentences("  !? 。 ") == []


@pytest.fixture
def pipe_locale() -> Iterator[Locale]:
    """A language of the test suite's own: sentences end at "|", its own disclosure."""
    locale = Locale(
        code="xx-PI", language="xx", name="Pipe", words_per_second=2.0, chars_per_second=4.0,
        list_joiners=(", ", " & "), splitter=lambda text: [p for p in text.split("|") if p],
        phrasebooks={"labels": {"voice_disclosure": "Robot voice."}},
    )  # fmt: skip
    register_locale(locale)
    yield locale
    unregister_locale(locale.code)


def test_speech_splits_by_the_locales_own_rules(pipe_locale):
    assert split_sentences("one. two|three", "xx-PI") == ["one. two", "three"]
    assert split_sentences("one. two|three", "xx") == ["one. two", "three"]  # by language
    assert split_sentences("One. Two.", "fr-FR") == ["One.", "Two."]  # the default locale's


def test_the_spoken_disclosure_comes_from_the_labels_phrasebook(pipe_locale):
    assert disclosure_text_for("en-US") == get_locale("en").phrases("labels")["voice_disclosure"]
    assert disclosure_text_for("zh-CN") == "本音频由人工智能生成。"
    assert disclosure_text_for("xx-PI") == "Robot voice."
    assert disclosure_text_for("fr") == disclosure_text_for("en")
