"""Simplified Chinese host lines: what the live host says, keyed like ``locales.en.host``."""

# Full-width punctuation on purpose.
# ruff: noqa: RUF001

PHRASES: dict[str, tuple[str, ...]] = {
    "disclosure": ("大家好，欢迎来到直播间！我是AI主播，带大家看今天的商品，也会回答大家的问题。",),
    "disclosure_reminder": ("提醒一下：我是AI主播，我说的内容都来自店铺的商品信息。",),
    "opening": ("我们来看{title}。", "接下来是{title}。", "现在给大家介绍{title}。"),
    "attribute": ("{name}：{value}。", "{name}是{value}。"),
    "sold": ("这场直播已经卖出{count}件。",),
    "carted": ("这场直播已有{count}位朋友加入购物车。",),
    "low_stock": ("库存只剩{stock}件。",),
    "price": ("价格是{price}。", "到手价{price}。"),
    "deal": (
        "今天只要{price}，原价{compare_at}，优惠{pct}%。",
        "原价{compare_at}，今天{price}，便宜{pct}%。",
    ),
    "call_to_action": ("喜欢的话点下方购物车就能买{title}。", "点购物车，{title}就在里面。"),
    "answer_no_context": ("好问题！我去问一下团队，稍后回复你。",),
    "answer_sold_out": ("这款暂时卖完了，后面还有好东西，别走开！",),
    "thank": ("谢谢{names}的点赞和礼物！",),
    "thank_more": ("谢谢{names}和所有朋友的点赞和礼物！",),
    "ack_purchase": ("感谢下单{title}！", "有朋友刚刚下单了{title}，谢谢！"),
    "ack_purchase_untitled": ("感谢你的订单！",),
    "chatter": (
        "评论区好热闹，大家继续聊！",
        "谢谢大家的留言，有关商品的问题尽管问。",
        "欢迎这么多朋友来到直播间！",
    ),
    "idle": (
        "有问题可以发在评论区，我来回答。",
        "点购物车可以看到今天所有的商品。",
        "关注直播间，不错过下一款商品。",
        "我是AI主播，商品相关的问题都可以问我。",
        "想了解尺寸或材质？直接问就好。",
        "喜欢的话，把直播间分享给朋友吧。",
        "想看哪一款，在评论区告诉我。",
        "我的回答都来自店铺的商品信息。",
        "新来的朋友欢迎你！随便看看。",
        "哪款商品想再听一遍，告诉我就行。",
        "谢谢大家今天来直播间。",
        "有不清楚的地方，发个问题我来帮你。",
    ),
    "refusal_rate_limited": ("慢一点哦，稍后再发。",),
    "refusal_duplicate": ("这条已经收到啦。",),
    "refusal": ("这条评论不能显示。",),
}
