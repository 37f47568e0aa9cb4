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
    "fact_bullets": ("品牌：{brand}", "品类：{category}"),
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
