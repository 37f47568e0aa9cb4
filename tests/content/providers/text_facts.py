"""Catalog fact sets for the text-writer tests: a table of awkward cases plus a seeded mix."""

from __future__ import annotations

import random
from decimal import Decimal

from trust.grounding import Facts

MUG = Facts(
    title="Ceramic Coffee Mug",
    price=Decimal("12.99"),
    currency="USD",
    brand="Acme",
    category="Kitchen > Mugs",
    compare_at_price=Decimal("19.99"),
    stock=4,
    attributes={"material": "100% ceramic", "capacity_ml": "350", "origin": "Italy"},
    variant_options={"color": ["white", "blue", "sage"]},
    offers=("free shipping",),
    warranty="2-year",
)

_TITLES = (
    "Insulated Water Bottle 750 ml",
    "Linen Throw Pillow 45 x 45 cm",
    "Mr. Coffee 12-Cup Coffee Maker",
    "The Everyday Tote",
    "USB-C Charger 65W",
    "陶瓷马克杯 350毫升",
    "无线蓝牙耳机 降噪 长续航",
    "A Very Long Product Title That Keeps Going Well Past Sixty Characters, 2024 Edition",
)
_ATTRIBUTES = (
    ("material", "100% cotton"),
    ("material", "stainless steel"),
    ("capacity", "1.5 L"),
    ("capacity_ml", "350"),
    ("dimensions", "30 x 20 x 10 cm"),
    ("size", "12 in"),
    ("weight_g", "250"),
    ("origin", "USA"),
    ("battery", "5000 mAh"),
    ("care", "Machine wash cold."),
    ("材质", "纯棉"),
    ("容量", "500毫升"),
)
_OPTIONS = (
    ("color", ["red", "blue", "green"]),
    ("size", ["S", "M", "L", "XL"]),
    ("colour", ["black"]),
    ("颜色", ["白色", "黑色"]),
    ("capacity", ["350 ml", "500 ml"]),
)
_OFFERS = ("free shipping", "20% off with code SPRING", "买一送一", "Buy one get one free")
_CURRENCIES = ("USD", "EUR", "GBP", "CNY", "JPY", "CAD", "CHF")
_PRICES = ("9.99", "12", "129", "1280", "0.99", "249.50")


def seeded_facts(seed: int) -> Facts:
    """A product drawn from the tables above; the same seed always gives the same product."""
    draw = random.Random(seed)
    price = Decimal(draw.choice(_PRICES))
    return Facts(
        title=draw.choice(_TITLES),
        price=price,
        currency=draw.choice(_CURRENCIES),
        brand=draw.choice(("", "Acme", "小米", "7th Heaven")),
        category=draw.choice(("", "Kitchen", "服饰", "Health > Medical Devices")),
        compare_at_price=draw.choice((None, price * 2, price + 1, price * Decimal("1.004"))),
        stock=draw.choice((None, 0, 1, 10, 11, 250)),
        attributes=dict(draw.sample(_ATTRIBUTES, draw.randint(0, 5))),
        variant_options=dict(draw.sample(_OPTIONS, draw.randint(0, 2))),
        offers=tuple(draw.sample(_OFFERS, draw.randint(0, 2))),
        warranty=draw.choice(("", "2-year", "lifetime warranty", "90-day")),
    )


# Facts the advertising rules object to: the writer must rewrite or leave them out.
AWKWARD = (
    Facts(title="World's Best Mug #1", price=Decimal("12"), currency="USD"),
    Facts(title="最佳保温杯 国家级品质", price=Decimal("89"), currency="CNY", stock=2),
    Facts(title="Miracle Cure Herbal Tea", price=Decimal("15"), currency="USD", category="Tea"),
    Facts(
        title="Face Serum 30 ml",
        price=Decimal("30"),
        currency="EUR",
        attributes={"claims": "clinically proven, doctor recommended", "fit": "true to size."},
        offers=("Best deal ever",),
    ),
    Facts(title="Plain Socks", price=Decimal("5"), currency="GBP", stock=0),
    MUG,
)
