"""A third language, defined here alone: registered, it gets a whole template copy pack.

French is written only in this file (its "copy" and "labels" phrasebooks and its
``Locale``); nothing in the writers, the layouts or ``locales/`` names it.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest

from content.layouts import LayoutInput
from content.providers.text import CopyRequest, TemplateWriter
from content.providers.text.product_copy import errors_in
from locales import Locale, get_locale, register_locale, unregister_locale
from tests.content.providers.text_facts import AWKWARD, MUG, seeded_facts
from trust.compliance import register_rule_pack, rule_pack_for, unregister_rule_pack
from trust.grounding import Facts


def _garantie(warranty: str) -> tuple[str, str, str]:
    sentence = f"Il est garanti {warranty}."
    return f"Garantie : {warranty}", sentence, sentence


_FACT = {"sentence": ("{bullet}.",), "spoken": ("{bullet}.",)}

FRENCH_COPY = {
    "short_title_chars": 60,
    "our_store": "notre boutique",
    "name": "{title}",
    "name_with_brand": "{title} de {other_brand}",
    "headlines": ("{title}", "{other_brand} {title}", "{title} : -{percent} %"),
    "openers": {
        "friendly": ("Voici {name}.", "Découvrez {name}."),
        "premium": ("Nous vous présentons {name}.",),
    },
    "closings": ("Commandez-le chez {store} dès aujourd'hui.", "À retrouver chez {store}."),
    "calls_to_action": ("Le vôtre pour {price}.", "Commandez chez {store} pour {price}."),
    "fact_bullets": ("Marque : {brand}", "Catégorie : {category}"),
    "store_bullets": ("Vendu par {store}", "Une question ? L'équipe {store} répond"),
    "seo_titles": ("{title} | {other_brand}", "{title} | {store}", "{title}", "{short_title}"),
    "seo_openers": ("Achetez {name} chez {store}.", "Achetez {short_name}."),
    "stock": "Plus que {left} en stock.",
    "urgency": "Plus que {left}, faites vite.",
    "opener_fallback": "Jetez un œil.",
    "hook_fallback": "Regardez bien celui-ci.",
    "bridge": "Regardons de plus près.",
    "cta_fallback": "Seulement {price}.",
    "cta_last_resort": "{price}.",
    "headline_fallback": "Nouveau en boutique",
    "price": {
        "bullet": ("Seulement {price}",),
        "sentence": ("Il est à vous pour {price}.",),
        "spoken": ("Il est à vous pour {price}.",),
    },
    "discounted_price": {
        "bullet": ("{price} au lieu de {was}",),
        "sentence": ("Il passe à {price} au lieu de {was}, soit {percent} % de moins.",),
        "spoken": ("{percent} % de moins aujourd'hui.",),
    },
    "attribute_labels": {"color": "couleur", "material": "matière", "origin": "origine"},
    "attributes": {
        "material": {"bullet": ("En {value}", "Matière : {value}"), **_FACT},
        "capacity": {"bullet": ("Contenance : {value}",), **_FACT},
        "origin": {"bullet": ("Origine : {value}",), **_FACT},
        "other": {"bullet": ("{Label} : {value}",), **_FACT},
    },
    "list_separator": None,
    "plural": {"couleur": "couleurs", "taille": "tailles"}.get,
    "counted_options": {
        "bullet": ("{count} {plural} au choix : {listed}",),
        "sentence": ("{bullet}.",),
        "spoken": ("{count} {plural} au choix.",),
    },
    "options": {"bullet": ("{Label} : {listed}",), **_FACT},
    "warranty": _garantie,
    "offer_trim": ".",
    "offer": {
        "bullet": ("{Offer}",),
        "sentence": ("En plus : {offer}.",),
        "spoken": ("{Offer} !",),
    },
    "shots": {
        "hook": ("product_photo", "Accroche : zoom lent sur la photo du produit."),
        "feature": (
            "{nth} atout : les encadrés de la carte produit.",
            "{nth} atout : la bannière avec le titre.",
        ),
        "offer": ("story_frame", "Offre : la story avec son badge de prix."),
        "cta": ("marketplace_main", "Appel à l'action : le produit sur fond blanc, puis le prix."),
        "ordinals": ("Premier", "Deuxième", "Troisième", "Quatrième", "Cinquième", "Sixième"),
    },
}
FRENCH = Locale(
    code="fr",
    language="fr",
    name="French (français)",
    words_per_second=2.6,
    chars_per_second=4.5,
    list_joiners=(", ", " et "),
    phrasebooks={
        "copy": FRENCH_COPY,
        "labels": {"ai_label": "Généré par IA", "call_to_action": "Acheter"},
    },
)


@pytest.fixture
def french() -> Iterator[Locale]:
    # France's advertising rules would be a pack of their own; the English one stands in,
    # registered like any new language's pack.
    register_rule_pack("fr", rule_pack_for(get_locale("en")))
    register_locale(FRENCH)
    try:
        yield FRENCH
    finally:
        unregister_locale(FRENCH.code)
        unregister_rule_pack("fr")


def test_a_registered_third_locale_gets_a_whole_copy_pack(french: Locale) -> None:
    result = TemplateWriter().write(CopyRequest(MUG, "fr", "Boutique Kiln", sku="MUG-1"))
    copy = result.copy
    text = copy.as_text()

    assert result.provenance.params["locale"] == "fr"
    assert errors_in(result.findings) == []
    assert copy.validate(MUG, locale=french) == []
    assert "$12.99" in copy.video_script[-1]  # the one money formatter
    assert "$12.99 au lieu de $19.99" in text
    assert "blue et sage" in text  # the locale's list style
    # No "Plus que 4 en stock": grounding reads stock counts in English and Chinese only,
    # so the writer leaves out what it cannot check (a rule that holds in every language).
    assert "Plus que" not in text
    assert "3 couleurs au choix : white, blue et sage" in copy.bullets
    assert "Contenance : 350 ml" in copy.bullets
    assert copy.shot_list[0].description.startswith("Accroche")
    assert "Premier atout" in copy.shot_list[1].description
    assert "acme coffee mug" in copy.keywords


@pytest.mark.parametrize("facts", [*AWKWARD, *(seeded_facts(seed) for seed in range(12))])
def test_third_locale_copy_is_grounded_and_well_formed(french: Locale, facts) -> None:
    result = TemplateWriter().write(CopyRequest(facts, french, "Boutique Kiln", tone="energetic"))

    assert errors_in(result.findings) == []
    assert result.copy.validate(facts, locale=french) == []


def test_a_bare_product_gets_the_third_locale_store_lines(french: Locale) -> None:
    socks = Facts(title="Chaussettes unies", price=Decimal("5"), currency="GBP")
    copy = TemplateWriter().write(CopyRequest(socks, french, "")).copy

    assert "Vendu par notre boutique" in copy.bullets
    assert "Seulement £5" in copy.bullets
    assert copy.video_script[-1] in ("Le vôtre pour £5.", "Commandez chez notre boutique pour £5.")


def test_third_locale_layouts_take_its_label_texts(french: Locale) -> None:
    layout = LayoutInput(product_photo=b"x", locale="fr")

    assert layout.ai_label_text == "Généré par IA"
    assert layout.cta == "Acheter"
    assert get_locale("fr") is french
