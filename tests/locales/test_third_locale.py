"""A third language defined in the test suite alone gets both copy and host lines.

The French phrasebooks are the ones the copy and host tests write for themselves; nothing
in the writers, the host engine or ``locales/`` names French.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from content.providers.text import CopyRequest, TemplateWriter
from livestream.host.engine import HostEngine
from livestream.host.state import Policy, ProductFacts, RundownItem
from locales import Locale, get_locale, register_locale, unregister_locale
from tests.content.providers.test_third_locale import FRENCH_COPY
from tests.content.providers.text_facts import MUG
from tests.livestream.host.test_third_locale import FRENCH_HOST
from trust.compliance import register_rule_pack, rule_pack_for, unregister_rule_pack

FRENCH = Locale(
    code="fr",
    language="fr",
    name="French (français)",
    words_per_second=2.8,
    chars_per_second=4.5,
    list_joiners=(", ", " et "),
    phrasebooks={
        "copy": FRENCH_COPY,
        "host": FRENCH_HOST,
        "labels": {"ai_label": "Généré par IA", "call_to_action": "Acheter"},
    },
)


@pytest.fixture
def french() -> Iterator[Locale]:
    register_rule_pack("fr", rule_pack_for(get_locale("en")))  # stands in for France's rules
    register_locale(FRENCH)
    try:
        yield FRENCH
    finally:
        unregister_locale("fr")
        unregister_rule_pack("fr")


def test_one_registered_locale_gets_copy_and_host_lines(french: Locale) -> None:
    copy = TemplateWriter().write(CopyRequest(MUG, "fr", "Boutique Kiln", sku="MUG-1")).copy
    rundown = [RundownItem(1, "MUG-1", MUG.title, time_budget_s=60)]
    facts = {1: ProductFacts(1, MUG.title, price=MUG.price, currency=MUG.currency)}
    engine = HostEngine(rundown, Policy(Decimal(30)), facts, seed=3, locale=get_locale("fr"))
    said = [action.text for step in range(120) for action in engine.step(step / 2) if action.text]

    assert copy.headline
    assert "Ceramic Coffee Mug" in copy.as_text()
    assert copy.long_description.startswith(("Voici", "Découvrez", "Nous vous présentons"))
    assert said[0] == FRENCH_HOST["disclosure"][0]
    assert f"Voici {MUG.title}." in said
    assert f"Il coûte {get_locale('fr').format_money(MUG.price, MUG.currency)}." in said
