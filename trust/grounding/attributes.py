"""How a catalog attribute reads in text: {"capacity_ml": "500"} is "capacity", "500 ml".

Shared by the copy writers and the live host's answers, so both name an attribute and
state its value the same way.
"""

from __future__ import annotations

import re

__all__ = ["FEED_BOOKKEEPING", "attribute_label", "attribute_value", "is_selling_point"]

_UNIT_IN_KEY = re.compile(
    r"(?:^|_)(ml|l|g|kg|mg|cm|mm|m|in|inch|inches|oz|lb|lbs|mah|wh|w|v|gb|tb|h|hours|days|"
    r"months|years)$",
    re.IGNORECASE,
)
_PLAIN_NUMBER = re.compile(r"\s*\d+(?:\.\d+)?\s*")
_TRAILING_INCH = re.compile(r"(\d)\s?in$")


def attribute_value(key: str, value: str) -> str:
    """The value as copy states it: {"capacity_ml": "500"} reads "500 ml"."""
    value = " ".join(value.split()).rstrip(".。;；")  # noqa: RUF001
    # A bare "in" reads as an inch only at the very end of a text; spelled out it always does.
    value = _TRAILING_INCH.sub(r"\1 inches", value)
    if not _PLAIN_NUMBER.fullmatch(value):
        return value
    unit = _UNIT_IN_KEY.search(key.strip())
    return f"{value} {unit.group(1).lower()}" if unit else value


def attribute_label(key: str) -> str:
    """ "capacity_ml" → "capacity", "Country of origin" → "country of origin"."""
    label = _UNIT_IN_KEY.sub("", key.strip()) or key.strip()
    return " ".join(label.replace("_", " ").replace("-", " ").split()).lower()


# Fields a product feed carries for the marketplace, not for the buyer: a writer that states
# them produces "Availability: in_stock" and "Condition: new" as selling points.
FEED_BOOKKEEPING = frozenset(
    {
        "availability", "availability_date", "condition", "gtin", "mpn", "ean", "upc", "isbn",
        "identifier_exists", "google_product_category", "product_type", "item_group_id",
        "link", "mobile_link", "image_link", "additional_image_link", "shipping",
        "shipping_weight", "tax", "adult", "custom_label_0", "custom_label_1",
        "custom_label_2", "custom_label_3", "custom_label_4", "expiration_date",
    }
)  # fmt: skip


def is_selling_point(key: str) -> bool:
    """Whether an attribute is about the product (material, size) rather than the feed."""
    return attribute_label(key).replace(" ", "_") not in FEED_BOOKKEEPING
