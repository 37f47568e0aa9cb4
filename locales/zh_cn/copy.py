"""Chinese product copy: the template writer's sentence patterns and the shot descriptions.

The keys are those of ``locales/en/copy.py``, documented in
``content/providers/text/template.py``. Chinese copy uses full-width punctuation.
"""

# ruff: noqa: RUF001, RUF002

from __future__ import annotations

import re


def _warranty(warranty: str) -> tuple[str, str, str]:
    """(bullet, sentence, spoken): "2-year" reads "2年质保", anything else "质保：…"."""
    years = re.fullmatch(r"(\d+)[- ]?(?:years?|yrs?)(?:\s+warranty)?", warranty, re.IGNORECASE)
    bullet = f"{years.group(1)}年质保" if years else f"质保：{warranty}"
    return bullet, f"享{bullet}。", f"{bullet}，放心买。"


def _plural(label: str) -> str:
    # "3种颜色可选": Chinese counts any option by its own name.
    return label


def _claim(bullets: tuple[str, ...], sentences: tuple[str, ...], spoken: tuple[str, ...]) -> dict:
    return {"bullet": bullets, "sentence": sentences, "spoken": spoken}


# The description's claims as Chinese shop copy says them: the benefit first, then how it
# is made; each line states only what the description states.
_CLAIMS = {
    "performance:cold_and_hot": _claim(
        (
            "保冷{cold_value}小时，保温{hot_value}小时",
            "冷饮{cold_value}小时冰爽，热饮{hot_value}小时温热",
        ),
        ("{bullet}，冷饮热饮都合适。",),
        ("保冷{cold_value}小时，保温{hot_value}小时。",),
    ),
    "performance:keeps_cold": _claim(
        ("保冷{value}小时，一路冰爽", "长效保冷"),
        ("{bullet}。",),
        ("{bullet}。",),
    ),
    "performance:keeps_warm": _claim(
        ("保温{value}小时，慢慢喝也不凉", "保温效果好，慢慢喝也不凉"),
        ("{bullet}。",),
        ("{bullet}。",),
    ),
    "performance:keeps_hot": _claim(
        ("保温{value}小时，热饮一直热乎", "保温锁热，热饮一直热乎"),
        ("{bullet}。",),
        ("{bullet}。",),
    ),
    "performance:battery_life": _claim(
        ("续航长达{value}小时",), ("一次充满，续航长达{value}小时。",), ("续航长达{value}小时。",)
    ),
    "craft:hand_glazed": _claim(
        ("手工上釉，釉色温润有质感", "匠人手工上釉"),
        ("每一只都是手工上釉，釉面自带质感。",),
        ("每一只都是手工上釉。",),
    ),
    "craft:hand_painted": _claim(("手绘图案",), ("图案为手绘。",), ("图案是手绘的。",)),
    "craft:hand_stitched": _claim(("手工缝制",), ("采用手工缝制。",), ("手工缝制。",)),
    "craft:hand_thrown": _claim(("手工拉坯成型",), ("手工拉坯成型。",), ("手工拉坯成型。",)),
    "craft:handmade": _claim(("手工制作",), ("每一件都是手工制作。",), ("手工制作。",)),
    "care:dishwasher_safe": _claim(
        ("可放入洗碗机，清洗省心", "支持洗碗机清洗，用完省事"),
        ("可放入洗碗机清洗，日常打理很省心。",),
        ("还能直接放洗碗机。",),
    ),
    "care:microwave_safe": _claim(
        ("可用微波炉加热，方便快捷",), ("可放入微波炉加热，用起来很方便。",), ("微波炉也能用。",)
    ),
    "care:oven_safe": _claim(("可进烤箱",), ("可放入烤箱使用。",), ("烤箱也能用。",)),
    "care:freezer_safe": _claim(("可冷冻",), ("可放入冰箱冷冻。",), ("可以冷冻。",)),
    "care:machine_wash": _claim(
        ("可机洗，打理省心",), ("可直接机洗，日常打理很轻松。",), ("可以直接机洗。",)
    ),
    "care:hand_wash": _claim(("建议手洗",), ("建议手洗，更能保持质感。",), ("建议手洗。",)),
    "cert:bpa_free": _claim(
        ("不含双酚A，用着更安心",), ("不含双酚A，日常使用更放心。",), ("不含双酚A，用着安心。",)
    ),
    "cert:gots": _claim(("GOTS认证",), ("通过GOTS认证。",), ("通过GOTS认证。",)),
    "cert:oeko_tex": _claim(("OEKO-TEX认证",), ("通过OEKO-TEX认证。",), ("通过OEKO-TEX认证。",)),
    "certification": _claim(("{phrase}",), ("{phrase}。",), ("{phrase}。",)),
    "fit:relaxed": _claim(
        ("宽松版型，穿着舒适自在",),
        ("宽松版型，上身舒适，一整天都自在。",),
        ("宽松版型，穿着舒服。",),
    ),
    "fit:slim": _claim(("修身版型，利落有型",), ("修身剪裁，穿出利落感。",), ("修身版型。",)),
    "fit:regular": _claim(("常规版型，百搭好穿",), ("常规版型，怎么搭都好看。",), ("常规版型。",)),
    "fit:oversized": _claim(
        ("oversize宽松版型",), ("oversize版型，随性不拘束。",), ("oversize版型。",)
    ),
    "fit:true_to_size": _claim(
        ("尺码标准，按平时尺码选",), ("尺码标准，按平时的尺码选就好。",), ("尺码标准。",)
    ),
    "fit:pre_shrunk": _claim(
        ("预缩处理，洗后不易缩水",),
        ("面料经过预缩处理，洗后不易缩水。",),
        ("预缩处理，不怕缩水。",),
    ),
    "fit": _claim(("{phrase}",), ("{phrase}。",), ("{phrase}。",)),
    "material": _claim(("采用{name}", "采用{phrase}"), ("{bullet}。",), ("{bullet}。",)),
    "compatibility": _claim(("适用于{subject}",), ("适用于{subject}。",), ("适用于{subject}。",)),
    "in_the_box": _claim(
        ("包装内含{subject}",), ("包装内含{subject}。",), ("包装内含{subject}。",)
    ),
    "capacity": _claim(("容量{phrase}",), ("容量{phrase}。",), ("容量{phrase}。",)),
    "dimensions": _claim(("尺寸{phrase}",), ("尺寸{phrase}。",), ("尺寸{phrase}。",)),
    "weight": _claim(("重量{phrase}",), ("重量{phrase}。",), ("重量{phrase}。",)),
    "fabric_weight": _claim(
        ("面料克重{phrase}",), ("面料克重{phrase}。",), ("面料克重{phrase}。",)
    ),
}

# Materials read from an English description, named in Chinese.
_CLAIM_NAMES = {
    "material:organic_cotton": "有机棉",
    "material:cotton": "棉",
    "material:stainless_steel": "不锈钢",
    "material:stoneware": "粗陶",
    "material:porcelain": "瓷",
    "material:ceramic": "陶瓷",
    "material:glass": "玻璃",
    "material:brass": "黄铜",
    "material:copper": "铜",
    "material:aluminium": "铝合金",
    "material:linen": "亚麻",
    "material:wool": "羊毛",
    "material:silk": "真丝",
    "material:leather": "皮革",
    "material:bamboo": "竹",
    "material:silicone": "硅胶",
    "material:oak": "橡木",
    "material:walnut": "胡桃木",
    "material:solid_wood": "实木",
}

_FACT = {"sentence": ("{bullet}。",), "spoken": ("{bullet}。",)}

PHRASES = {
    "short_title_chars": 30,
    "our_store": "本店",
    "name": "{title}",
    "name_with_brand": "{branded_title}",
    "headlines": ("{title}", "{name}", "{title}｜到手价{price}", "{title}｜直降{percent}%"),
    "openers": {
        "friendly": ("给你推荐{name}。", "{name}来啦！", "今天推荐这款{name}。"),
        "premium": ("为你呈现{name}。", "{name}，品质之选。", "认识一下{name}。"),
        "energetic": ("{name}上新啦！", "快来看看{name}！", "{name}，冲！"),
    },
    "closings": ("快来{store}下单吧！", "欢迎到{store}选购。", "现在就在{store}下单吧。"),
    "calls_to_action": (
        "现在下单只要{price}！",
        "点击下方链接，{price}带回家！",
        "{price}就能入手，快来{store}下单吧！",
    ),
    # A category path or the brand's name alone sells nothing: no such bullets.
    "fact_bullets": (),
    "store_bullets": ("{store}发货", "有问题随时问{store}客服"),
    "seo_titles": ("{title}｜{other_brand}", "{title}｜{store}", "{title}", "{short_title}"),
    "seo_openers": ("在{store}选购{name}。", "选购{short_name}。"),
    "stock": "仅剩{left}件。",
    "urgency": "仅剩{left}件，手慢无！",
    "opener_fallback": "新品上架。",
    "hook_fallback": "看看这款好物。",
    "bridge": "一起来看看吧。",
    "cta_fallback": "只要{price}。",
    "cta_last_resort": "{price}。",
    "headline_fallback": "新品上架",
    "price": {
        "bullet": ("到手价{price}",),
        "sentence": ("到手价{price}。",),
        "spoken": ("到手价{price}。",),
    },
    "discounted_price": {
        "bullet": ("到手价{price}，原价{was}",),
        "sentence": ("现在直降{percent}%，到手价{price}，原价{was}。",),
        "spoken": ("现在直降{percent}%！",),
    },
    "claims": _CLAIMS,
    "claim_names": _CLAIM_NAMES,
    "hours": lambda value: f"{value}小时",
    "attribute_labels": {
        "color": "颜色",
        "colour": "颜色",
        "size": "尺码",
        "style": "款式",
        "material": "材质",
        "flavor": "口味",
        "flavour": "口味",
        "capacity": "容量",
        "pattern": "图案",
        "scent": "香型",
        "dimensions": "尺寸",
        "weight": "重量",
        "origin": "产地",
    },
    "attributes": {
        "material": {"bullet": ("采用{value}", "材质：{value}"), **_FACT},
        "capacity": {"bullet": ("容量{value}", "容量：{value}"), **_FACT},
        "size": {"bullet": ("尺寸：{value}",), **_FACT},
        "weight": {"bullet": ("重量：{value}",), **_FACT},
        "origin": {"bullet": ("产地：{value}",), **_FACT},
        "other": {"bullet": ("{label}：{value}",), **_FACT},
    },
    "list_separator": "、",
    "plural": _plural,
    "counted_options": {
        "bullet": ("{label}可选：{listed}",),
        "sentence": ("{bullet}。",),
        "spoken": ("{count}种{plural}可选。",),
    },
    "options": {"bullet": ("{label}可选：{listed}",), **_FACT},
    "warranty": _warranty,
    "offer_trim": "。.",
    "offer": {"bullet": ("{offer}",), "sentence": ("{offer}。",), "spoken": ("{offer}！",)},
    "shots": {
        "hook": ("product_photo", "开场：产品图缓慢推近，标题出现。"),
        "feature": (
            "卖点：特色卡片的要点逐条展示。",
            "卖点：横幅主图缓慢推进。",
            "卖点：产品特写。",
        ),
        "offer": ("story_frame", "优惠：竖版海报，展示价格角标。"),
        "cta": ("marketplace_main", "行动号召：白底产品图，结尾卡片展示价格。"),
    },
}
