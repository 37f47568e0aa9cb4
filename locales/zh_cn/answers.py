"""Simplified Chinese answer sentences, keyed like ``locales.en.answers``: (standalone, short)."""

# Full-width punctuation on purpose.
# ruff: noqa: RUF001

PHRASES: dict[str, tuple[str, ...]] = {
    "this_product": ("这款",),
    "price": ("{title}的价格是{price}。", "价格是{price}。"),
    "deal": ("{title}今天{price}，原价{was}。", "今天{price}，原价{was}。"),
    "sold_out": ("{title}暂时卖完了。", "这款暂时卖完了。"),
    "low_stock": ("{title}库存只剩{stock}件。", "库存只剩{stock}件。"),
    "in_stock": ("{title}有现货。", "这款有现货。"),
    "host_identity": ("我是店铺运营的AI主播，我说的内容都来自店铺的商品信息。",),
    "variant_price": ("{title}的{variant}款价格是{price}。", "{variant}款价格是{price}。"),
    "variant_sold_out": ("{title}的{variant}款暂时卖完了。", "{variant}款暂时卖完了。"),
    "variant_low_stock": (
        "{title}的{variant}款库存只剩{stock}件。",
        "{variant}款库存只剩{stock}件。",
    ),
    "variant_in_stock": ("{title}的{variant}款有现货。", "{variant}款有现货。"),
    "variants": ("{title}有这些{label}可选：{listed}。", "有这些{label}可选：{listed}。"),
    "variant_joiner": ("、",),
    "attribute": ("{title}的{label}是{value}。", "{label}是{value}。"),
}
