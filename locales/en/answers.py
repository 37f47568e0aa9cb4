"""English answer sentences: each catalog fact said on its own ("The mug costs $19.") and
about the product the question is about ("It costs $19.").

Each key holds (standalone, short). Attributes other than variant lists are phrased by
``livestream.host.answers`` itself: English picks a verb per topic ("is made of", "holds").
"""

PHRASES: dict[str, tuple[str, ...]] = {
    "this_product": ("This product",),
    "price": ("{title} costs {price}.", "It costs {price}."),
    "deal": ("{title} is {price} today, down from {was}.", "It's {price} today, down from {was}."),
    "sold_out": ("{title} is sold out right now.", "It's sold out right now."),
    "low_stock": ("{title} has only {stock} left in stock.", "Only {stock} left in stock."),
    "in_stock": ("{title} is in stock.", "It's in stock."),
    # Asked whether the host is a person: the truth, every time.
    "host_identity": (
        "I'm an AI host, run by the store; everything I say comes from its product details.",
    ),
    "variant_price": ("{title} in {variant} costs {price}.", "{variant} costs {price}."),
    "variant_sold_out": (
        "{title} in {variant} is sold out right now.",
        "{variant} is sold out right now.",
    ),
    "variant_low_stock": (
        "{title} in {variant} has only {stock} left in stock.",
        "{variant} has only {stock} left in stock.",
    ),
    "variant_in_stock": ("{title} in {variant} is in stock.", "{variant} is in stock."),
    "variants": (
        "{title} comes in these {labels}: {listed}.",
        "It comes in these {labels}: {listed}.",
    ),
}
