"""A language defined in this test alone speaks through the host with no edit elsewhere."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from livestream.host.engine import HostEngine, Policy, ProductFacts, RundownItem
from livestream.protocol import disclosure_for
from locales import Locale, get_locale, register_locale, unregister_locale

FRENCH_HOST = {
    "disclosure": ("Bonjour à tous ! Je suis une animatrice IA et je vous présente nos produits.",),
    "disclosure_reminder": ("Petit rappel : je suis une animatrice IA.",),
    "opening": ("Voici {title}.",),
    "attribute": ("{name} : {value}.",),
    "sold": ("Déjà {count} vendus pendant ce live.",),
    "carted": ("{count} personnes l'ont mis dans leur panier.",),
    "low_stock": ("Plus que {stock} en stock.",),
    "price": ("Il coûte {price}.",),
    "deal": ("Aujourd'hui {price} au lieu de {compare_at}, soit {pct} % de remise.",),
    "call_to_action": ("Touchez le panier pour {title}.",),
    "answer_no_context": ("Bonne question ! Je demande à l'équipe.",),
    "answer_sold_out": ("Celui-ci est épuisé pour le moment.",),
    "thank": ("Merci {names} pour les j'aime !",),
    "thank_more": ("Merci {names} et à tous pour les j'aime !",),
    "ack_purchase": ("Merci pour votre commande de {title} !",),
    "ack_purchase_untitled": ("Merci pour votre commande !",),
    "chatter": ("Quelle ambiance dans le chat !",),
    "idle": ("Posez vos questions dans le chat.", "Partagez le live avec vos amis."),
    "refusal": ("Ce commentaire ne peut pas être affiché.",),
}
FRENCH = Locale(
    code="fr",
    language="fr",
    name="French",
    words_per_second=2.8,
    chars_per_second=4.5,
    list_joiners=(", ", " et "),
    phrasebooks={
        "host": FRENCH_HOST,
        "labels": {"live_banner": "Animatrice IA · contenu généré par IA"},
    },
)


@pytest.fixture
def french() -> Iterator[Locale]:
    register_locale(FRENCH)
    try:
        yield FRENCH
    finally:
        unregister_locale(FRENCH.code)


def _engine(locale: Locale) -> HostEngine:
    rundown = [RundownItem(1, "MUG-1", "Tasse en céramique", time_budget_s=60)]
    facts = {
        1: ProductFacts(
            1,
            "Tasse en céramique",
            price=Decimal("1299"),
            currency="EUR",
            compare_at_price=Decimal("1499"),
            stock=50,
            attributes={"matière": "céramique"},
        )
    }
    return HostEngine(rundown, Policy(max_discount_pct=20), facts, seed=3, locale=locale)


def _said(engine: HostEngine, seconds: float) -> list[str]:
    lines = []
    now = 0.0
    while now < seconds:
        lines += [action.text for action in engine.step(now) if action.text]
        now += 0.5
    return lines


def test_a_locale_registered_in_a_test_gets_host_lines(french: Locale) -> None:
    lines = _said(_engine(get_locale("fr")), 60)

    assert lines[0] == FRENCH_HOST["disclosure"][0]
    assert "Voici Tasse en céramique." in lines
    assert "Matière : céramique." in lines
    # The one money formatter, whatever the language.
    assert "Aujourd'hui €1,299 au lieu de €1,499, soit 13 % de remise." in lines
    assert disclosure_for(french)["banner"] == "Animatrice IA · contenu généré par IA"


def test_a_registered_locale_survives_a_restart_by_its_code(french: Locale) -> None:
    engine = _engine(french)
    _said(engine, 5)
    state = engine.to_state()

    assert state["locale"] == "fr"
    resumed = HostEngine.from_state(state, engine.rundown, engine.policy, engine.facts)
    assert resumed.locale is french
    assert resumed.step(30.0) == engine.step(30.0)


def test_the_host_says_money_as_the_locale_formats_it() -> None:
    for code in ("en", "zh-CN"):
        engine = _engine(get_locale(code))
        deal = next(line for line in _said(engine, 60) if "1,499" in line)
        assert "€1,299" in deal
        assert get_locale(code).format_money(Decimal("1299"), "EUR") == "€1,299"
