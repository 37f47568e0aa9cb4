"""English product copy: the template writer's sentence patterns and the shot descriptions.

The keys are documented where they are read, in ``content/providers/text/template.py``.
Each pattern states one catalog fact or none; a pattern naming a fact the product lacks
(``{percent}`` without a discount) is left out.
"""

from __future__ import annotations

import re


def _capitalize(text: str) -> str:
    return text[:1].upper() + text[1:]


def _definite(title: str) -> str:
    return title if title.lower().startswith("the ") else f"the {title}"


def _with_article(noun: str) -> str:
    if re.match(r"(?:a|an|the)\s", noun, re.IGNORECASE):
        return noun
    return f"an {noun}" if noun[:1].lower() in "aeio" else f"a {noun}"


def _warranty(warranty: str) -> tuple[str, str, str]:
    """(bullet, sentence, spoken) for a warranty: "2-year" or "lifetime warranty"."""
    if re.search(r"warrant|guarantee", warranty, re.IGNORECASE):
        sentence = f"It comes with {_with_article(warranty)}."
        return _capitalize(warranty), sentence, sentence
    sentence = f"It is backed by a {warranty} warranty."
    return f"{_capitalize(warranty)} warranty", sentence, sentence


def _hours(value: str) -> str:
    return "1 hour" if value == "1" else f"{value} hours"


def _claim(bullets: tuple[str, ...], sentences: tuple[str, ...], spoken: tuple[str, ...]) -> dict:
    return {"bullet": bullets, "sentence": sentences, "spoken": spoken}


# The description's claims, benefit first. Each line states the claim and at most a plain
# consequence of it ("dishwasher safe" -> easy cleanup), never a new fact.
_THERMAL = _claim(
    (
        "Keeps {subject} {state} for {hours}",
        "{Subject} stay {state} for {hours}",
        "Keeps {subject} {state}, so you can take your time",
        "Stays {state} for {hours}",
    ),
    (
        "It keeps {subject} {state} for {hours}.",
        "It keeps {subject} {state}, so there is no rush.",
        "It stays {state} for {hours}.",
    ),
    (
        "It keeps {subject} {state} for {hours}.",
        "It keeps {subject} {state}.",
        "It stays {state} for {hours}.",
    ),
)
_CLAIMS = {
    "performance:keeps_warm": _THERMAL,
    "performance:keeps_hot": _THERMAL,
    "performance:keeps_cold": _THERMAL,
    "performance:cold_and_hot": _claim(
        (
            "Keeps {subject} cold for {cold_hours} and hot for {hot_hours}",
            "Cold for {cold_hours}, hot for {hot_hours}",
        ),
        (
            "It keeps {subject} cold for {cold_hours} and hot for {hot_hours}.",
            "It stays cold for {cold_hours} or hot for {hot_hours}.",
        ),
        ("Cold for {cold_hours}, hot for {hot_hours}.",),
    ),
    "performance:battery_life": _claim(
        ("Up to {hours} of battery life",),
        ("The battery lasts up to {hours}.",),
        ("Up to {hours} on a charge.",),
    ),
    "craft:hand_glazed": _claim(
        ("Hand-glazed for a finish with character", "Hand-glazed, one piece at a time"),
        ("Each one is hand-glazed, which gives the finish its character.",),
        ("Every one is hand-glazed.",),
    ),
    "craft": _claim(("{Phrase}",), ("It is {phrase}.",), ("It's {phrase}.",)),
    "care:dishwasher_safe": _claim(
        ("Dishwasher safe for easy cleanup", "Dishwasher safe, so cleanup is quick"),
        ("It is dishwasher safe, so cleaning up is easy.",),
        ("And it's dishwasher safe.",),
    ),
    "care:microwave_safe": _claim(
        ("Microwave safe for quick reheats",),
        ("It is microwave safe, handy for reheating.",),
        ("It's microwave safe too.",),
    ),
    "care:oven_safe": _claim(("Oven safe",), ("It is oven safe.",), ("It's oven safe.",)),
    "care:freezer_safe": _claim(
        ("Freezer safe",), ("It is freezer safe.",), ("It's freezer safe.",)
    ),
    "care:machine_wash": _claim(
        ("{Phrase} for easy care", "Machine washable for easy care"),
        ("Care is simple: {phrase}.", "It is machine washable, so care is easy."),
        ("Just toss it in the wash.",),
    ),
    "care": _claim(("Care: {phrase}",), ("Care: {phrase}.",), ("Care: {phrase}.",)),
    "cert:bpa_free": _claim(
        ("BPA-free for everyday peace of mind", "BPA-free"),
        ("It is BPA-free.",),
        ("It's BPA-free.",),
    ),
    "cert:gots": _claim(("GOTS certified",), ("It is GOTS certified.",), ("It's GOTS certified.",)),
    "certification": _claim(("{Phrase}",), ("{Phrase}.",), ("{Phrase}.",)),
    "fit:relaxed": _claim(
        ("Relaxed fit for easy, all-day comfort", "A relaxed fit that is easy to wear"),
        ("The relaxed fit makes it easy to wear all day.",),
        ("It has a relaxed fit.",),
    ),
    "fit:slim": _claim(
        ("Slim fit for a sharp, tailored look",),
        ("The slim fit gives it a tailored look.",),
        ("It has a slim fit.",),
    ),
    "fit:regular": _claim(
        ("{Phrase}, easy to wear",), ("It has a {phrase}.",), ("It has a {phrase}.",)
    ),
    "fit:pre_shrunk": _claim(
        ("Pre-shrunk, so it keeps its size wash after wash", "Pre-shrunk fabric"),
        ("It is pre-shrunk, so it keeps its size in the wash.",),
        ("It's pre-shrunk.",),
    ),
    "fit": _claim(("{Phrase}",), ("{Phrase}.",), ("{Phrase}.",)),
    "material": _claim(
        ("Made of {phrase}",), ("It is made of {phrase}.",), ("It's made of {phrase}.",)
    ),
    "compatibility": _claim(
        ("Works with {subject}",), ("It works with {subject}.",), ("It works with {subject}.",)
    ),
    "in_the_box": _claim(
        ("In the box: {subject}",), ("In the box: {subject}.",), ("In the box: {subject}.",)
    ),
    "capacity": _claim(("Holds {phrase}",), ("It holds {phrase}.",), ("It holds {phrase}.",)),
    "dimensions": _claim(
        ("Measures {phrase}",), ("It measures {phrase}.",), ("It measures {phrase}.",)
    ),
    "weight": _claim(("Weighs {phrase}",), ("It weighs {phrase}.",), ("It weighs {phrase}.",)),
    "fabric_weight": _claim(
        ("{Phrase} fabric",), ("The fabric weighs {phrase}.",), ("{Phrase} fabric.",)
    ),
}

_PLURALS = {"color": "colors", "colour": "colours", "size": "sizes", "style": "styles"}

PHRASES = {
    "short_title_chars": 60,
    "our_store": "our store",
    "definite": _definite,
    "name": "{the_title}",
    "name_with_brand": "{the_title} from {other_brand}",
    "headlines": ("{title}", "{other_brand} {title}", "{title}: {percent}% Off"),
    "openers": {
        "friendly": ("Meet {name}.", "Say hello to {name}.", "Here's {name}."),
        "premium": ("Introducing {name}.", "Discover {name}.", "Presenting {name}."),
        "energetic": ("Check out {name}!", "Get ready for {name}!", "Here comes {name}!"),
    },
    "closings": (
        "Order it from {store} today.",
        "Find it at {store}.",
        "Add it to your cart at {store}.",
    ),
    "calls_to_action": (
        "Get yours today for {price}.",
        "Tap to shop now for {price}.",
        "Grab it at {store} for {price}.",
        "Order now for just {price}.",
    ),
    # A category path or the brand's name alone sells nothing: no such bullets.
    "fact_bullets": (),
    # True of every product a store lists; stock is left out on purpose (it changes without
    # changing the product's content hash, so a cached "In stock" could outlive the stock).
    "store_bullets": ("Sold by {store}", "Questions? Ask the {store} team"),
    "seo_titles": ("{title} | {other_brand}", "{title} | {store}", "{title}", "{short_title}"),
    "seo_openers": ("Shop {name} at {store}.", "Shop {short_name}."),
    "stock": "Only {left} left in stock.",
    "urgency": "Only {left} left, so be quick.",
    "opener_fallback": "Take a look.",
    "hook_fallback": "Take a look at this one.",
    "bridge": "Take a closer look.",
    "cta_fallback": "Just {price}.",
    "cta_last_resort": "{price}.",
    "headline_fallback": "New in store",
    "price": {
        "bullet": ("Just {price}",),
        "sentence": ("All yours for {price}.",),
        "spoken": ("All yours for {price}.",),
    },
    "discounted_price": {
        "bullet": ("Now {price}, was {was}: save {percent}%",),
        "sentence": ("It is now {price}, down from {was}: save {percent}%.",),
        "spoken": ("Save {percent}% today.",),
    },
    "claims": _CLAIMS,
    "claim_states": {"warm": "warm", "hot": "hot", "cold": "cold"},
    "hours": _hours,
    "attribute_labels": {},
    "attributes": {
        "material": {
            "bullet": ("Made of {value}", "Material: {value}"),
            "sentence": ("It is made of {value}.", "Crafted from {value}."),
            "spoken": ("It's made of {value}.",),
        },
        "capacity": {
            "bullet": ("Holds {value}", "Capacity: {value}"),
            "sentence": ("It holds {value}.",),
            "spoken": ("It holds {value}.",),
        },
        "size": {
            "bullet": ("Measures {value}", "Size: {value}"),
            "sentence": ("It measures {value}.",),
            "spoken": ("It measures {value}.",),
        },
        "weight": {
            "bullet": ("Weighs {value}", "Weight: {value}"),
            "sentence": ("It weighs {value}.",),
            "spoken": ("It weighs {value}.",),
        },
        "origin": {
            "bullet": ("Origin: {value}",),
            "sentence": ("It comes from {value}.",),
            "spoken": ("It comes from {value}.",),
        },
        "other": {
            "bullet": ("{Label}: {value}",),
            "sentence": ("{Label}: {value}.",),
            "spoken": ("{Label}: {value}.",),
        },
    },
    "list_separator": None,  # values listed in the language's style: "red, blue and green"
    "plural": _PLURALS.get,
    "counted_options": {
        "bullet": ("Choose from {count} {plural}: {listed}", "Available in {listed}"),
        "sentence": ("{bullet}.",),
        "spoken": ("Pick from {count} {plural}.",),
    },
    "options": {
        "bullet": ("{Label}: {listed}",),
        "sentence": ("{bullet}.",),
        "spoken": ("Choose {label}: {listed}.",),
    },
    "warranty": _warranty,
    "offer_trim": ".",
    "offer": {
        "bullet": ("{Offer}",),
        "sentence": ("Plus: {offer}.",),
        "spoken": ("{Offer}!",),
    },
    # The short video's shots: (source, description) for the fixed roles, descriptions for
    # the features in turn ({nth} is "First", "Second", ...).
    "shots": {
        "hook": (
            "product_photo",
            "Hook: slow zoom in on the product photo as the headline appears.",
        ),
        "feature": (
            "{nth} feature: the feature card's call-outs, panning across.",
            "{nth} feature: the hero banner with the headline, slow push in.",
            "{nth} feature: close-up of the product photo.",
        ),
        "offer": ("story_frame", "Offer: the story frame with its price badge."),
        "cta": (
            "marketplace_main",
            "Call to action: the product on white, then the end card with the price.",
        ),
        "ordinals": ("First", "Second", "Third", "Fourth", "Fifth", "Sixth"),
    },
}
