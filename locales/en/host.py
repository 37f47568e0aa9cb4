"""English host lines: what the live host says, keyed by the moment it says it.

Placeholders are filled only with catalog facts or session counts. A key with several
variants is chosen from at random (seeded per room); "idle" and "chatter" are pools the
host draws fresh lines from.
"""

PHRASES: dict[str, tuple[str, ...]] = {
    "disclosure": (
        "Hi everyone, welcome to the room! I'm an AI host, and I'll show you today's "
        "products and answer your questions.",
    ),
    "disclosure_reminder": (
        "A quick reminder: I'm an AI host, and everything I say comes from the store's "
        "product details.",
    ),
    "opening": ("Let's look at {title}.", "Next up is {title}.", "Now showing: {title}."),
    "attribute": ("{name}: {value}.", "The {name} is {value}."),
    "sold": ("{count} already sold during this live.",),
    "carted": ("{count} viewers added it to their cart during this live.",),
    "low_stock": ("Only {stock} left in stock.",),
    "price": ("It's {price}.", "The price is {price}."),
    "deal": (
        "Today it's {price}, down from {compare_at}: that's {pct}% off.",
        "You get it for {price} instead of {compare_at}, {pct}% off.",
    ),
    "call_to_action": (
        "Tap the cart below to get {title}.",
        "If you like {title}, it's in the cart below.",
    ),
    "answer_no_context": ("Good question! I'll check with the team and come back to you.",),
    "answer_sold_out": ("That one is sold out right now, but stay for what's next!",),
    "thank": ("Thank you {names} for the likes and gifts!",),
    "thank_more": ("Thank you {names} and everyone else for the likes and gifts!",),
    "ack_purchase": (
        "Thank you for ordering {title}!",
        "Someone just ordered {title}, thank you!",
    ),
    "ack_purchase_untitled": ("Thank you for your order!",),
    "chatter": (
        "I love seeing the chat so lively, keep the comments coming!",
        "Thanks for chatting with me; ask me anything about the products.",
        "Great to see so many of you here today!",
    ),
    "idle": (
        "Drop a question in the chat and I'll answer it.",
        "Tap the cart to see everything in today's lineup.",
        "Follow the room so you don't miss the next product.",
        "I'm an AI host, so ask me anything about the products.",
        "Curious about sizes or materials? Just ask.",
        "Share the room with a friend who might like these products.",
        "Tell me in the chat which product you'd like to see next.",
        "Every answer I give comes from the store's product details.",
        "New here? Welcome! Have a look around.",
        "I'm happy to go over any product again, just ask.",
        "Thanks for hanging out in the room today.",
        "If something is unclear, type your question and I'll help.",
    ),
    # Refusals of a viewer's comment, sent to that viewer alone.
    "refusal_rate_limited": ("You're commenting fast; try again in a moment.",),
    "refusal_duplicate": ("We already got that one.",),
    "refusal": ("That comment can't be shown in this room.",),
}
