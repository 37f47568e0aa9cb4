"""One price, one string: the copy writer and the live host print money through one formatter."""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal

import pytest

from content.providers.text import CopyRequest, TemplateWriter
from livestream.host.engine import HostEngine
from livestream.host.state import Policy, ProductFacts, RundownItem
from locales import get_locale
from tests.content.providers.text_facts import MUG

PRICES = [
    ("USD", "18", "$18"),
    ("USD", "1299", "$1,299"),
    ("CAD", "12.50", "CA$12.50"),
    ("EUR", "1049.99", "€1,049.99"),
    ("GBP", "8", "£8"),
    ("JPY", "12990", "¥12,990"),
    ("CNY", "1299", "¥1,299"),
]
# A price as both print it: a currency symbol (or none) and digits with grouping and cents.
MONEY = re.compile(r"(?:CA\$|[$€£¥])\d[\d,]*(?:\.\d\d)?")


def _copy_prices(code: str, currency: str, amount: str) -> set[str]:
    facts = dataclasses.replace(
        MUG, price=Decimal(amount), currency=currency, compare_at_price=None
    )
    copy = TemplateWriter().write(CopyRequest(facts, code, "Kiln & Co", sku="MUG-1")).copy
    return set(MONEY.findall(copy.as_text()))


def _host_prices(code: str, currency: str, amount: str) -> set[str]:
    rundown = [RundownItem(1, "MUG-1", "Ceramic Coffee Mug", time_budget_s=60)]
    facts = {1: ProductFacts(1, "Ceramic Coffee Mug", price=Decimal(amount), currency=currency)}
    engine = HostEngine(rundown, Policy(30), facts, seed=7, locale=get_locale(code))
    said = " ".join(action.text for step in range(240) for action in engine.step(step / 2))
    return set(MONEY.findall(said))


@pytest.mark.parametrize(("currency", "amount", "written"), PRICES)
@pytest.mark.parametrize("code", ["en", "zh-CN"])
def test_copy_and_host_print_the_same_string_for_the_same_price(code, currency, amount, written):
    assert get_locale(code).format_money(Decimal(amount), currency) == written
    assert _copy_prices(code, currency, amount) == {written}
    assert _host_prices(code, currency, amount) == {written}
