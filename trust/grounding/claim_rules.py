"""The factual claims grounding checks (materials, certifications, origin, warranty, offers,
stock), each with the words that claim it and the words in the facts that back it."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from trust.grounding.facts import LOW_STOCK_THRESHOLD, Facts


@dataclass(frozen=True)
class ClaimRule:
    """A factual claim: `claim` finds it in generated text; `support` finds backing in facts.

    `group` ties together claims that overlap ("lifetime warranty" inside "warranty"): within a
    group only the longest match at a place is checked.
    """

    key: str
    label: str
    claim: re.Pattern[str]
    support: re.Pattern[str] | None = None
    group: str = ""
    # For claims backed by structured facts (stock) instead of words.
    supported_by: Callable[[Facts], bool] | None = None


_FLAGS = re.IGNORECASE


def _en(pattern: str) -> str:
    return rf"(?<![A-Za-z])(?:{pattern})(?![A-Za-z])"


_PERCENT_PREFIX = r"(?:\d+(?:\.\d+)?\s?%\s?)?"
_NOT_FAKE = (
    r"(?<!faux )(?<!vegan )(?<!pu )(?<!pu-)(?<!synthetic )(?<!imitation )(?<!artificial )"
    r"(?<!bonded )(?<!人造)(?<!仿)(?<!PU)"
)


def _material(key: str, en: str, zh: str, support: str | None = None) -> ClaimRule:
    claim = rf"{_PERCENT_PREFIX}(?:{_en(en)}|{zh})"
    return ClaimRule(
        key=f"material:{key}",
        label=key.replace("_", " "),
        claim=re.compile(claim, _FLAGS),
        support=re.compile(support or f"{_en(en)}|{zh}", _FLAGS),
        group=f"material:{key}",
    )


def _simple(key: str, label: str, claim: str, support: str, group: str = "") -> ClaimRule:
    return ClaimRule(
        key=key,
        label=label,
        claim=re.compile(claim, _FLAGS),
        support=re.compile(support, _FLAGS),
        group=group or key,
    )


@dataclass(frozen=True)
class Country:
    key: str
    names: tuple[str, ...]  # how copy names the country in "made in X"
    chinese: tuple[str, ...]
    demonyms: tuple[str, ...] = ()  # facts saying "Italian leather" back "made in Italy"


COUNTRIES: tuple[Country, ...] = (
    Country(
        "usa",
        (
            "USA",
            "U.S.A.",
            "U.S.A",
            "(?-i:US)",
            "U.S.",
            "America",
            "United States of America",
            "United States",
        ),
        ("美国",),
        ("American",),
    ),
    Country("italy", ("Italy",), ("意大利",), ("Italian",)),
    Country("japan", ("Japan",), ("日本",), ("Japanese",)),
    Country("germany", ("Germany",), ("德国",), ("German",)),
    Country("france", ("France",), ("法国",), ("French",)),
    Country(
        "uk",
        ("(?-i:UK)", "U.K.", "United Kingdom", "Britain", "Great Britain", "England"),
        ("英国",),
        ("British", "English"),
    ),
    Country("china", ("China", "PRC"), ("中国",), ("Chinese",)),
    Country("korea", ("South Korea", "Korea"), ("韩国",), ("Korean",)),
    Country("switzerland", ("Switzerland",), ("瑞士",), ("Swiss",)),
    Country("spain", ("Spain",), ("西班牙",), ("Spanish",)),
    Country("portugal", ("Portugal",), ("葡萄牙",), ("Portuguese",)),
    Country("vietnam", ("Vietnam", "Viet Nam"), ("越南",), ("Vietnamese",)),
    Country("india", ("India",), ("印度",), ("Indian",)),
    Country("thailand", ("Thailand",), ("泰国",), ("Thai",)),
    Country("australia", ("Australia",), ("澳大利亚", "澳洲"), ("Australian",)),
    Country("new_zealand", ("New Zealand",), ("新西兰",)),
    Country("canada", ("Canada",), ("加拿大",), ("Canadian",)),
    Country("mexico", ("Mexico",), ("墨西哥",), ("Mexican",)),
    Country("denmark", ("Denmark",), ("丹麦",), ("Danish",)),
    Country("sweden", ("Sweden",), ("瑞典",), ("Swedish",)),
    Country("netherlands", ("Netherlands", "Holland"), ("荷兰",), ("Dutch",)),
    Country("taiwan", ("Taiwan",), ("台湾",), ("Taiwanese",)),
)

_MADE_IN = (
    r"(?i:made|manufactured|produced|crafted|assembled|built|sourced|imported)\s+(?i:in|from)"
)


def _country_rule(country: Country) -> ClaimRule:
    names = "|".join(re.escape(n) if not n.startswith("(?") else n for n in country.names)
    chinese = "|".join(country.chinese)
    demonyms = "|".join(country.demonyms) or "(?!)"
    claim = (
        rf"{_MADE_IN}\s+(?:the\s+)?(?:{names})(?![A-Za-z])"
        rf"|(?i:product of)\s+(?:the\s+)?(?:{names})(?![A-Za-z])"
        rf"|(?<![A-Za-z])(?:{names}|{demonyms})[- ]made(?![A-Za-z])"
        rf"|(?:{chinese})(?:原装)?进口|(?:{chinese})(?:制造|生产|原产|原装|产)"
        rf"|(?:产自|产于|进口自|原产地?:?\s*|原产于)(?:{chinese})"
    )
    support_names = [*country.names, *country.demonyms]
    support = "|".join(re.escape(n) if not n.startswith("(?") else n for n in support_names)
    return ClaimRule(
        key=f"origin:{country.key}",
        label=f"made in {country.names[0]}",
        claim=re.compile(claim, re.IGNORECASE),
        support=re.compile(rf"(?<![A-Za-z])(?:{support})(?![A-Za-z])|{chinese}", re.IGNORECASE),
        group="origin",
    )


COUNTRY_RULES = tuple(_country_rule(country) for country in COUNTRIES)


def _has_stock(facts: Facts) -> bool:
    return facts.stock is not None and facts.stock > 0


def _has_low_stock(facts: Facts) -> bool:
    return facts.stock is not None and 0 < facts.stock <= LOW_STOCK_THRESHOLD


_WARRANTY_WORDS = r"warrant|guarantee|质保|保修|保固"

CLAIM_RULES: tuple[ClaimRule, ...] = (
    _material(
        "cotton", r"(?:pure\s+|egyptian\s+|pima\s+)?cotton(?!\s+candy)", r"纯棉|全棉|棉质|长绒棉"
    ),
    _material("linen", r"linen", r"亚麻"),
    _material("silk", r"(?:pure\s+|mulberry\s+)?silk", r"真丝|桑蚕丝|丝绸"),
    _material("wool", r"(?:merino\s+)?wool", r"羊毛|美利奴"),
    _material("cashmere", r"cashmere", r"羊绒"),
    _material(
        "leather",
        _NOT_FAKE + r"(?:(?:genuine|real|full[- ]grain|top[- ]grain)\s+)?leather",
        _NOT_FAKE + r"(?:真皮|头层牛皮|牛皮|羊皮|皮革)",
    ),
    _material("stainless_steel", r"stainless(?:\s+steel)?|surgical\s+steel", r"不锈钢"),
    _material("titanium", r"titanium", r"钛合金|纯钛"),
    _material(
        "gold",
        r"(?:solid|pure|real)\s+gold|\d{1,2}\s?k(?:t|arat)?\s+gold",
        r"纯金|足金|千足金",
        support=r"(?:solid|pure|real)\s+gold|\d{1,2}\s?k(?:t|arat)?|karat|纯金|足金|黄金",
    ),
    _material(
        "silver",
        r"(?:sterling|solid|pure)\s+silver|925\s+silver",
        r"纯银|足银|925银",
        support=r"sterling|925|(?:solid|pure)\s+silver|纯银|足银",
    ),
    _material("down", r"(?:goose|duck)\s+down|down[- ]filled", r"羽绒"),
    _material("solid_wood", r"solid\s+wood", r"实木"),
    _material("bamboo", r"bamboo", r"竹纤维|竹制", support=r"bamboo|竹"),
    _material("ceramic", r"ceramic", r"陶瓷"),
    _simple(
        "cert:fda",
        "FDA approval",
        _en(
            r"FDA[- ]?(?:approved|cleared|registered|certified|listed)"
            r"|(?:approved|cleared) by (?:the )?FDA"
        )
        + r"|FDA(?:认证|批准|注册)",
        r"(?<![A-Za-z])FDA(?![A-Za-z])",
    ),
    _simple(
        "cert:ce",
        "CE certification",
        _en(r"CE[- ]?(?:certified|marked|approved|mark|certification)") + r"|CE认证",
        r"(?<![A-Za-z])(?-i:CE)(?![A-Za-z])",
    ),
    _simple("cert:ul", "UL listing", _en(r"UL[- ]?(?:listed|certified)"), r"\bUL\b"),
    _simple("cert:fcc", "FCC certification", _en(r"FCC[- ]?(?:certified|approved)"), r"FCC"),
    _simple("cert:rohs", "RoHS compliance", _en(r"RoHS(?:[- ]compliant)?"), r"RoHS"),
    _simple(
        "cert:organic", "organic", _en(r"(?:certified\s+)?organic") + r"|有机", r"organic|有机"
    ),
    _simple(
        "cert:bpa_free", "BPA-free", _en(r"BPA[- ]?free") + r"|不含双酚A|无双酚A", r"BPA|双酚A"
    ),
    _simple(
        "cert:hypoallergenic",
        "hypoallergenic",
        _en(r"hypoallergenic") + r"|低敏",
        r"hypoallergenic|低敏",
    ),
    _simple(
        "cert:dermatologist_tested",
        "dermatologist tested",
        _en(r"dermatologist[- ]tested") + r"|皮肤科(?:医生)?测试",
        r"dermatolog|皮肤科",
    ),
    _simple("cert:oeko_tex", "OEKO-TEX", _en(r"OEKO[- ]?TEX"), r"OEKO[- ]?TEX"),
    _simple("cert:3c", "CCC certification", r"3C认证|CCC认证", r"3C|CCC"),
    _simple(
        "feature:waterproof",
        "waterproof",
        _en(r"waterproof") + r"|防水",
        r"waterproof|防水|IP[X6-8]",
    ),
    _simple(
        "feature:dishwasher_safe",
        "dishwasher safe",
        _en(r"dishwasher[- ]safe") + r"|可(?:放入)?洗碗机",
        r"dishwasher|洗碗机",
    ),
    _simple(
        "feature:microwave_safe",
        "microwave safe",
        _en(r"microwave[- ]safe") + r"|可(?:放入)?微波炉",
        r"microwave|微波炉",
    ),
    _simple(
        "feature:handmade",
        "handmade",
        _en(r"hand[- ]?made|handcrafted") + r"|纯手工|手工制作",
        r"hand[- ]?made|handcrafted|手工",
    ),
    _simple(
        "craft:hand_finished",
        "hand-finished",
        _en(r"hand[- ]?(?:glazed|painted|stitched|sewn|thrown|carved|blown|woven|poured)")
        + r"|手工上釉|手绘|手工缝制|手工拉坯|手工编织",
        r"hand[- ]?(?:glazed|painted|stitched|sewn|thrown|carved|blown|woven|poured)"
        r"|手工上釉|手绘|手工缝制|手工拉坯|手工编织",
    ),
    _simple(
        "care:machine_washable",
        "machine washable",
        _en(r"machine[- ]wash(?:able)?") + r"|可机洗",
        r"machine[- ]wash|机洗",
    ),
    _simple(
        "cert:gots",
        "GOTS certification",
        _en(r"GOTS(?:[- ]certified)?") + r"|GOTS认证",
        r"(?<![A-Za-z])GOTS(?![A-Za-z])",
    ),
    _simple(
        "performance:keeps_cold",
        "keeps cold",
        _en(r"keeps?\s+(?:[a-z]+\s+){0,3}?(?:ice[- ])?cold") + r"|保冷",
        r"cold|cool|保冷",
        group="performance:cold",
    ),
    _simple(
        "performance:keeps_warm",
        "keeps warm",
        _en(r"keeps?\s+(?:[a-z]+\s+){0,3}?(?:warm|hot)") + r"|保温|保热",
        r"warm|hot|保温|保热",
        group="performance:warm",
    ),
    *COUNTRY_RULES,
    ClaimRule(
        key="warranty:lifetime",
        label="lifetime warranty",
        claim=re.compile(_en(r"lifetime\s+(?:warranty|guarantee)") + r"|终身(?:质保|保修)", _FLAGS),
        support=re.compile(r"lifetime|终身", _FLAGS),
        group="warranty",
    ),
    ClaimRule(
        key="warranty",
        label="warranty",
        claim=re.compile(_en(r"warrant(?:y|ies)|guarantee") + r"|质保|保修|保固", _FLAGS),
        support=re.compile(_WARRANTY_WORDS, _FLAGS),
        group="warranty",
        supported_by=lambda facts: bool(facts.warranty.strip()),
    ),
    _simple(
        "offer:money_back",
        "money-back guarantee",
        _en(r"money[- ]back(?:\s+guarantee)?|full\s+refund") + r"|无理由退(?:货|款)?|包退",
        r"money[- ]back|refund|退款|无理由|包退",
        group="returns",
    ),
    _simple(
        "offer:free_returns",
        "free returns",
        _en(r"free\s+returns?") + r"|免费退换|运费险|退货包运费",
        r"free\s+returns?|免费退换|运费险|退货包运费",
        group="returns",
    ),
    _simple(
        "offer:free_shipping",
        "free shipping",
        _en(r"free\s+(?:shipping|delivery)|ships\s+free") + r"|包邮|免运费|免邮",
        r"free\s+(?:shipping|delivery)|ships\s+free|包邮|免运费|免邮",
    ),
    _simple(
        "offer:bogo",
        "buy one get one",
        _en(r"buy\s+one,?\s+get\s+one(?:\s+free)?|BOGO") + r"|买一送一|买一赠一",
        r"buy\s+one,?\s+get\s+one|BOGO|买一送一|买一赠一",
    ),
    _simple(
        "offer:second_half_price",
        "second item half price",
        r"第二件半价|" + _en(r"second\s+(?:item|one|unit)\s+half[- ]price"),
        r"第二件半价|second\s+(?:item|one|unit)\s+half",
    ),
    _simple(
        "offer:free_gift",
        "free gift",
        _en(r"free\s+gifts?") + r"|赠品|送礼品|免费赠送",
        r"free\s+gifts?|赠品|赠送|送礼",
    ),
    ClaimRule(
        key="stock:in_stock",
        label="in stock",
        claim=re.compile(
            _en(r"in\s+stock|available\s+now|ready\s+to\s+ship") + r"|现货|有货|库存充足", _FLAGS
        ),
        group="stock",
        supported_by=_has_stock,
    ),
    ClaimRule(
        key="stock:low",
        label="low stock",
        claim=re.compile(
            _en(
                r"(?:selling|going)\s+fast|almost\s+gone|limited\s+stock|low\s+stock|"
                r"(?:only\s+)?a\s+few\s+left"
            )
            + r"|库存紧张|即将售罄|手慢无|最后几件",
            _FLAGS,
        ),
        group="stock",
        supported_by=_has_low_stock,
    ),
)
