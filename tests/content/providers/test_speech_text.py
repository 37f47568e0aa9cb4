"""Sentences for captions: English and Chinese punctuation, numbers and abbreviations kept whole."""

# ruff: noqa: RUF001 - Chinese punctuation in the sample text is meant

from __future__ import annotations

from content.providers.speech import split_sentences


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
