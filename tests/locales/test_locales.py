"""The Locale facts every feature relies on: one money string, one discount, one splitter."""

from decimal import Decimal

import pytest

from locales import (
    Locale,
    UnknownLocale,
    find_locale,
    get_locale,
    register_locale,
    unregister_locale,
)


@pytest.mark.parametrize(
    ("amount", "currency", "written"),
    [
        ("1299", "USD", "$1,299"),
        ("12.5", "CAD", "CA$12.50"),
        ("8", "EUR", "€8"),
        ("1049.99", "GBP", "£1,049.99"),
        ("3200", "JPY", "¥3,200"),
        ("129", "CNY", "¥129"),
        ("12.50", "CHF", "12.50 CHF"),
    ],
)
def test_money_is_written_the_same_in_every_locale(amount, currency, written):
    for code in ("en", "zh-CN"):
        assert get_locale(code).format_money(Decimal(amount), currency) == written


@pytest.mark.parametrize(
    ("price", "compare_at", "percent"),
    [("75", "100", 25), ("66.67", "100", 33), ("99.5", "100", None), ("100", "90", None)],
)
def test_discounts_round_down_and_need_a_real_reduction(price, compare_at, percent):
    assert get_locale("en").discount_percent(price, compare_at) == percent


def test_sentences_split_on_both_scripts_and_keep_decimals_whole():
    assert get_locale("zh-CN").split_sentences("容量3.5升。真的！Holds 3.5 l. Dr. Who") == [  # noqa: RUF001
        "容量3.5升。",
        "真的！",  # noqa: RUF001
        "Holds 3.5 l.",
        "Dr. Who",
    ]


def test_lists_join_in_the_language_style():
    assert get_locale("en").join(["red", "blue", "green"]) == "red, blue and green"
    assert get_locale("zh-CN").join(["红", "蓝", "绿"]) == "红、蓝和绿"


def test_an_unknown_code_names_the_known_ones():
    with pytest.raises(UnknownLocale, match="choose one of"):
        get_locale("xx")


def test_a_locale_defined_elsewhere_is_found_by_its_code():
    french = Locale(
        code="fr",
        language="fr",
        name="French",
        words_per_second=2.6,
        chars_per_second=4.5,
        list_joiners=(", ", " et "),
        phrasebooks={"labels": {"ai_label": "Généré par IA"}},
    )
    register_locale(french)
    try:
        assert get_locale("fr").phrases("labels")["ai_label"] == "Généré par IA"
        with pytest.raises(KeyError, match="no 'host' phrasebook"):
            get_locale("fr").phrases("host")
    finally:
        unregister_locale("fr")


@pytest.mark.parametrize(
    ("tag", "code"),
    [("zh-CN", "zh-CN"), ("zh_Hans", "zh-CN"), ("zh", "zh-CN"), ("en-US", "en"), ("EN", "en")],
)
def test_a_tag_finds_its_locale_by_code_then_by_language(tag, code):
    found = find_locale(tag)
    assert found is not None
    assert found.code == code


def test_a_tag_of_an_unknown_language_finds_nothing():
    assert find_locale("fr-FR") is None
