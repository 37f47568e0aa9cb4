"""Writes the copy benchmark's fixture catalogs: a Shopify CSV, a WooCommerce CSV and a
Google Merchant RSS feed, in the layouts those platforms export.

The products are invented (no real store's text): each category has its own pool of the
sentences a merchant writes, with real claims (materials, capacities with units, care,
performance, certifications, what is in the box), picked and filled per product by a
seeded random generator, so the files are the same on every run. Some products have
variants, some a one-line description, some none; about a third are written in Chinese.

Run ``python bench/catalogs/make_catalogs.py`` to write them again.
"""

# ruff: noqa: RUF001, E501

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent


@dataclass
class Product:
    handle: str
    title: str
    brand: str
    category: str
    price: str
    compare_at: str
    stock: int
    description: list[str]  # paragraphs or list items, already in the merchant's words
    language: str  # "en" or "zh"
    options: dict[str, list[str]] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    bullets: list[str] = field(default_factory=list)  # an HTML list after the paragraphs


# --- what merchants write, per category --------------------------------------------------

APPAREL_EN = {
    "things": [
        ("Crew Tee", "tee"),
        ("Pocket Tee", "tee"),
        ("Henley", "henley"),
        ("Hoodie", "hoodie"),
        ("Sweatshirt", "sweatshirt"),
        ("Linen Shirt", "shirt"),
        ("Chinos", "chinos"),
        ("Joggers", "joggers"),
        ("Wool Beanie", "beanie"),
        ("Merino Socks", "socks"),
        ("Denim Jacket", "jacket"),
        ("Tank Top", "tank"),
    ],
    "adjectives": [
        "Everyday",
        "Heavyweight",
        "Washed",
        "Garment-Dyed",
        "Classic",
        "Field",
        "Weekend",
        "Studio",
    ],
    "openers": [
        "Our {thing} is the one you reach for first.",
        "Cut from {material} and built to soften with every wash.",
        "A wardrobe staple, made properly.",
        "We spent two seasons getting the shoulders on this {thing} right.",
        "Simple, sturdy and easy to wear.",
        "The {thing} we wear around the studio, now in more colours.",
    ],
    "materials": [
        "100% organic cotton",
        "combed cotton",
        "pima cotton",
        "a linen and cotton blend",
        "merino wool",
        "heavyweight cotton fleece",
    ],
    "claims": [
        "{gsm} g/m² jersey that holds its shape.",
        "Pre-shrunk, so the size you order is the size you keep.",
        "Relaxed fit with a slightly dropped shoulder.",
        "Slim fit through the chest and waist.",
        "Fits true to size; size up for a roomier feel.",
        "GOTS certified organic cotton, dyed without azo dyes.",
        "OEKO-TEX Standard 100 certified fabric.",
        "Machine wash cold, tumble dry low.",
        "Hand wash only and dry flat.",
        "Ribbed collar that won't stretch out.",
        "Double-needle stitching at the hem and cuffs.",
        "Model is 185 cm and wears a size M.",
    ],
}

APPAREL_ZH = {
    "things": [
        ("纯棉T恤", "T恤"),
        ("连帽卫衣", "卫衣"),
        ("亚麻衬衫", "衬衫"),
        ("休闲长裤", "长裤"),
        ("羊毛针织衫", "针织衫"),
        ("运动短裤", "短裤"),
        ("牛仔外套", "外套"),
    ],
    "adjectives": ["基础款", "重磅", "水洗", "日常", "经典", "宽松"],
    "openers": [
        "这件{thing}是我们卖得最好的一款。",
        "每天都想穿的{thing}，简单又耐看。",
        "面料柔软亲肤，越洗越舒服。",
        "春秋单穿、冬天内搭都合适。",
    ],
    "materials": ["100%新疆长绒棉", "有机棉", "亚麻", "美利奴羊毛", "纯棉"],
    "claims": [
        "面料克重{gsm}克/平方米，厚实不透。",
        "经过预缩处理，洗后不易变形。",
        "宽松版型，微落肩设计。",
        "修身版型，显瘦利落。",
        "尺码标准，按平时尺码选即可。",
        "可机洗，建议冷水洗涤。",
        "建议手洗，平铺晾干。",
        "通过OEKO-TEX认证，婴幼儿也可放心穿。",
        "领口采用罗纹工艺，不易松垮。",
    ],
}

KITCHEN_EN = {
    "things": [
        ("Coffee Mug", "mug"),
        ("Travel Tumbler", "tumbler"),
        ("Water Bottle", "bottle"),
        ("Chef's Knife", "knife"),
        ("Cast Iron Skillet", "skillet"),
        ("Mixing Bowl Set", "bowl set"),
        ("Pour-Over Kettle", "kettle"),
        ("Cutting Board", "board"),
        ("Teapot", "teapot"),
        ("Food Storage Jar", "jar"),
        ("Espresso Cup", "cup"),
        ("Saucepan", "saucepan"),
    ],
    "adjectives": [
        "Stoneware",
        "Insulated",
        "Speckled",
        "Matte",
        "Everyday",
        "Pro",
        "Kiln",
        "Harbor",
    ],
    "openers": [
        "Morning coffee deserves a proper {thing}.",
        "Made in small batches by a family pottery.",
        "Our most gifted {thing}, and it's easy to see why.",
        "A {thing} that goes from the stove to the table.",
        "Built for daily use and years of it.",
    ],
    "materials": [
        "stoneware",
        "18/8 stainless steel",
        "borosilicate glass",
        "porcelain",
        "solid walnut",
        "food-grade silicone",
        "enamelled cast iron",
    ],
    "claims": [
        "Holds {ml} ml.",
        "Capacity: {ml} ml.",
        "Keeps drinks cold 24 hours and hot 12 hours.",
        "Keeps coffee warm for up to 6 hours.",
        "Double-wall vacuum insulation, so no sweating on the outside.",
        "Dishwasher and microwave safe.",
        "Dishwasher safe.",
        "Hand wash to keep the glaze bright.",
        "Oven safe to 230 °C.",
        "Hand-glazed, so no two are exactly alike.",
        "BPA-free lid with a leak-proof seal.",
        "Lead-free glaze.",
        "Measures {w} x {h} cm.",
        "Weighs {g} g.",
        "Comes with a bamboo lid and a cleaning brush.",
    ],
}

KITCHEN_ZH = {
    "things": [
        ("保温杯", "保温杯"),
        ("马克杯", "马克杯"),
        ("陶瓷茶壶", "茶壶"),
        ("不锈钢炒锅", "炒锅"),
        ("玻璃储物罐", "储物罐"),
        ("实木砧板", "砧板"),
        ("咖啡手冲壶", "手冲壶"),
    ],
    "adjectives": ["北欧风", "日式", "大容量", "便携", "家用", "经典"],
    "openers": [
        "办公室、通勤、露营都能用的{thing}。",
        "颜值和实用兼顾，送礼自用都合适。",
        "我们自己每天都在用的{thing}。",
        "厨房里少不了的一件好物。",
    ],
    "materials": ["304不锈钢", "高硼硅玻璃", "陶瓷", "食品级硅胶", "胡桃木", "粗陶"],
    "claims": [
        "容量{ml}毫升。",
        "保温长达12小时，保冷24小时。",
        "保温6小时，冬天也能喝上热水。",
        "可放入洗碗机清洗。",
        "可用微波炉加热。",
        "不含双酚A，喝水更安心。",
        "手工上釉，每一只都略有不同。",
        "尺寸{w}×{h}厘米。",
        "重量约{g}克，轻巧便携。",
        "包装内含杯盖、杯刷各一个",
        "无铅釉料，安全放心。",
    ],
}

ELECTRONICS_EN = {
    "things": [
        ("Wireless Earbuds", "earbuds"),
        ("Bluetooth Speaker", "speaker"),
        ("Power Bank", "power bank"),
        ("USB-C Charger", "charger"),
        ("Phone Stand", "stand"),
        ("Desk Lamp", "lamp"),
        ("Mechanical Keyboard", "keyboard"),
        ("Wireless Mouse", "mouse"),
        ("Smart Plug", "plug"),
        ("Over-Ear Headphones", "headphones"),
    ],
    "adjectives": ["Pulse", "Arc", "Nova", "Compact", "Studio", "Travel", "Lumen", "Core"],
    "openers": [
        "Small enough for a jacket pocket, loud enough for the beach.",
        "Everything you need to work from anywhere.",
        "Our {thing} pairs in seconds and stays connected.",
        "Designed for desks that are already too full.",
        "A {thing} that just works, day after day.",
    ],
    "materials": ["anodized aluminium", "recycled plastic", "aluminium and glass", "silicone"],
    "claims": [
        "Up to {hours} hours of battery life.",
        "Up to {hours} hours of playtime on a single charge.",
        "{mah} mAh battery charges a phone about three times.",
        "65 W USB-C Power Delivery.",
        "Compatible with iPhone 15, Pixel 8 and most USB-C laptops.",
        "Works with Alexa and Google Home.",
        "In the box: charging case, USB-C cable, three sizes of ear tips.",
        "Includes a braided USB-C cable and a travel pouch.",
        "IPX7 waterproof.",
        "CE certified.",
        "Weighs just {g} g.",
        "Measures {w} x {h} x 3 cm.",
        "Bluetooth 5.3 with a 10 m range.",
    ],
}

ELECTRONICS_ZH = {
    "things": [
        ("蓝牙耳机", "耳机"),
        ("移动电源", "充电宝"),
        ("桌面台灯", "台灯"),
        ("蓝牙音箱", "音箱"),
        ("机械键盘", "键盘"),
        ("快充充电器", "充电器"),
    ],
    "adjectives": ["轻薄", "便携", "降噪", "高速", "迷你"],
    "openers": [
        "通勤、健身、出差都离不开的{thing}。",
        "小巧一只，放进包里没负担。",
        "办公桌上的效率好帮手。",
    ],
    "materials": ["铝合金", "硅胶"],
    "claims": [
        "续航长达{hours}小时。",
        "电池容量{mah}mAh，可为手机充电约3次。",
        "适用于iPhone 15和大多数USB-C设备",
        "包装清单：主机、USB-C数据线、说明书",
        "重量仅{g}克。",
        "尺寸{w}×{h}厘米，不占桌面。",
        "通过CE认证。",
    ],
}

BEAUTY_EN = {
    "things": [
        ("Face Serum", "serum"),
        ("Hand Cream", "cream"),
        ("Lip Balm", "balm"),
        ("Body Oil", "oil"),
        ("Clay Mask", "mask"),
        ("Cleansing Balm", "balm"),
        ("Shampoo Bar", "bar"),
        ("Night Cream", "cream"),
        ("Facial Mist", "mist"),
    ],
    "adjectives": ["Rosehip", "Oat", "Green Tea", "Vitamin C", "Calendula", "Sea Salt", "Lavender"],
    "openers": [
        "A few drops morning and night.",
        "Our bestselling {thing}, now in a bigger size.",
        "Gentle enough for every day.",
        "Made in small batches with plant oils.",
        "The {thing} our team keeps in every bag.",
    ],
    "materials": ["a glass bottle", "an aluminium tin", "a recyclable glass jar"],
    "claims": [
        "{ml} ml.",
        "Net weight {g} g.",
        "Hypoallergenic and fragrance-free.",
        "Dermatologist tested.",
        "Vegan and cruelty-free.",
        "Comes with a glass dropper.",
        "Packed in {material}.",
        "Suitable for sensitive skin.",
        "Use within 12 months of opening.",
    ],
}

BEAUTY_ZH = {
    "things": [
        ("精华液", "精华"),
        ("护手霜", "护手霜"),
        ("润唇膏", "唇膏"),
        ("洁面乳", "洁面乳"),
        ("面膜", "面膜"),
    ],
    "adjectives": ["玫瑰", "燕麦", "绿茶", "积雪草", "保湿"],
    "openers": [
        "温和不刺激，敏感肌也能用。",
        "早晚各用一次，坚持一个月看变化。",
        "质地清爽，吸收快不黏腻。",
    ],
    "materials": ["玻璃瓶"],
    "claims": [
        "净含量{ml}毫升。",
        "净含量{g}克。",
        "低敏配方，无香精。",
        "附赠滴管一支",
        "开封后12个月内用完。",
    ],
}

HOME_EN = {
    "things": [
        ("Throw Blanket", "throw"),
        ("Linen Duvet Cover", "duvet cover"),
        ("Scented Candle", "candle"),
        ("Bath Towel", "towel"),
        ("Cushion Cover", "cushion cover"),
        ("Planter", "planter"),
        ("Wall Clock", "clock"),
        ("Table Lamp", "lamp"),
        ("Storage Basket", "basket"),
        ("Doormat", "doormat"),
    ],
    "adjectives": [
        "Waffle",
        "Stonewashed",
        "Coastal",
        "Nordic",
        "Woven",
        "Oak",
        "Terracotta",
        "Cedar",
    ],
    "openers": [
        "Makes any room feel finished.",
        "The {thing} we wish we'd had years ago.",
        "Soft, warm and made to be used.",
        "A small thing that changes how a room feels.",
        "Woven on traditional looms in Portugal.",
    ],
    "materials": [
        "stonewashed linen",
        "100% cotton",
        "solid oak",
        "terracotta",
        "soy wax",
        "merino wool",
        "brass",
    ],
    "claims": [
        "Measures {w} x {h} cm.",
        "{gsm} gsm for a plush, absorbent feel.",
        "Machine washable at 40 °C.",
        "Machine wash warm, tumble dry low.",
        "OEKO-TEX certified.",
        "FSC-certified wood.",
        "Burns for about {hours} hours.",
        "Handmade, so each one varies slightly.",
        "Weighs {kg} kg.",
        "Includes a cotton dust bag.",
        "Drainage hole and saucer included.",
    ],
}

HOME_ZH = {
    "things": [
        ("亚麻四件套", "四件套"),
        ("香薰蜡烛", "蜡烛"),
        ("纯棉浴巾", "浴巾"),
        ("抱枕套", "抱枕套"),
        ("陶瓷花盆", "花盆"),
        ("实木置物架", "置物架"),
    ],
    "adjectives": ["北欧", "日式", "简约", "复古", "ins风"],
    "openers": ["让家里多一点温柔。", "换上它，卧室立刻不一样。", "质感很好，摸过就知道。"],
    "materials": ["水洗亚麻", "纯棉", "实木", "大豆蜡", "陶瓷"],
    "claims": [
        "尺寸{w}×{h}厘米。",
        "克重{gsm}克/平方米，吸水性好。",
        "可机洗，洗后不易起球。",
        "手工制作，每件略有差异。",
        "重量{kg}公斤。",
        "通过OEKO-TEX认证。",
    ],
}

CATEGORIES = {
    "apparel": ("Apparel & Accessories > Clothing", "服饰 > 上装", APPAREL_EN, APPAREL_ZH),
    "kitchen": ("Home > Kitchen", "家居 > 厨房", KITCHEN_EN, KITCHEN_ZH),
    "electronics": ("Electronics > Audio", "数码 > 配件", ELECTRONICS_EN, ELECTRONICS_ZH),
    "beauty": ("Health & Beauty > Skin Care", "美妆 > 护肤", BEAUTY_EN, BEAUTY_ZH),
    "home": ("Home > Decor", "家居 > 家纺", HOME_EN, HOME_ZH),
}

BRANDS_EN = [
    "Kiln & Co",
    "Northwind",
    "Harbor Goods",
    "Fieldnote",
    "Lumen",
    "Oak & Ash",
    "Saltmarsh",
    "Pebble",
    "Marrow",
    "Juniper Lane",
]
BRANDS_ZH = ["木子家居", "青禾", "山野", "小满", "拾光"]

OPTIONS = {
    "apparel": [
        ("Size", ["XS", "S", "M", "L", "XL"]),
        ("Color", ["Black", "Oat", "Navy", "Sage", "Rust"]),
    ],
    "kitchen": [
        ("Color", ["Slate", "Cream", "Forest", "Blush"]),
        ("Size", ["350 ml", "500 ml", "750 ml"]),
    ],
    "electronics": [("Color", ["Black", "White", "Sand"])],
    "beauty": [("Size", ["30 ml", "50 ml", "100 ml"])],
    "home": [
        ("Color", ["Natural", "Charcoal", "Terracotta", "Sky"]),
        ("Size", ["Single", "Double", "King"]),
    ],
}
OPTIONS_ZH = {
    "apparel": [("尺码", ["S", "M", "L", "XL"]), ("颜色", ["黑色", "白色", "燕麦色"])],
    "kitchen": [("颜色", ["奶白", "墨绿", "雾蓝"])],
    "electronics": [("颜色", ["黑色", "白色"])],
    "beauty": [("规格", ["30毫升", "50毫升"])],
    "home": [("颜色", ["米白", "灰色", "雾粉"]), ("尺寸", ["1.5米床", "1.8米床"])],
}


def _fill(text: str, rng: random.Random, pool: dict, thing: str, material: str) -> str:
    return text.format(
        thing=thing,
        material=material,
        gsm=rng.choice([160, 180, 200, 220, 240, 280, 320, 450, 600]),
        ml=rng.choice([30, 50, 100, 250, 350, 400, 500, 750, 1000]),
        g=rng.choice([45, 60, 85, 120, 180, 240, 320, 410]),
        kg=rng.choice(["0.8", "1.2", "1.5", "2.4"]),
        w=rng.choice([8, 10, 12, 20, 30, 45, 50, 130, 150]),
        h=rng.choice([9, 11, 15, 25, 40, 60, 170, 200]),
        hours=rng.choice([8, 12, 20, 24, 30, 40, 45, 60]),
        mah=rng.choice([5000, 10000, 20000]),
    )


def make_product(rng: random.Random, index: int, category: str, language: str) -> Product:
    path_en, path_zh, pool_en, pool_zh = CATEGORIES[category]
    pool = pool_zh if language == "zh" else pool_en
    thing_title, thing = rng.choice(pool["things"])
    adjective = rng.choice(pool["adjectives"])
    title = f"{adjective}{thing_title}" if language == "zh" else f"{adjective} {thing_title}"
    brand = rng.choice(BRANDS_ZH if language == "zh" else BRANDS_EN)
    material = rng.choice(pool["materials"])
    price = rng.choice([9, 12, 15, 18, 22, 24, 29, 35, 39, 45, 49, 59, 68, 79, 89, 99, 129, 199])
    cents = rng.choice(["", ".99", ".50", ".00"])
    price_text = f"{price}{cents}" if cents else str(price)
    compare_at = f"{price + rng.choice([5, 10, 20])}.00" if rng.random() < 0.3 else ""
    # Sparse descriptions: one in eight has none, one in eight a single line.
    sparseness = rng.random()
    paragraphs: list[str] = []
    bullets: list[str] = []
    if sparseness >= 0.125:
        paragraphs.append(_fill(rng.choice(pool["openers"]), rng, pool, thing, material))
        if sparseness >= 0.25:
            if language == "zh":
                paragraphs.append(f"采用{material}制成。")
            else:
                paragraphs.append(
                    rng.choice(
                        [
                            f"Made from {material}.",
                            f"{material[:1].upper()}{material[1:]} throughout.",
                            f"We use {material} because it lasts.",
                        ]
                    )
                )
            chosen = rng.sample(pool["claims"], k=min(len(pool["claims"]), rng.randint(2, 6)))
            claims = [_fill(text, rng, pool, thing, material) for text in chosen]
            split = rng.randint(0, len(claims))
            paragraphs.extend(claims[:split])
            bullets = claims[split:]
    options: dict[str, list[str]] = {}
    if rng.random() < 0.45:
        table = OPTIONS_ZH if language == "zh" else OPTIONS
        for name, values in rng.sample(table[category], k=rng.randint(1, len(table[category]))):
            options[name] = rng.sample(values, k=rng.randint(2, len(values)))
    tags = [category, thing] + ([material.split()[-1]] if language == "en" else [])
    return Product(
        handle=f"{category[:3]}-{index:03d}",
        title=title,
        brand=brand,
        category=path_zh if language == "zh" else path_en,
        price=price_text,
        compare_at=compare_at,
        stock=rng.choice([0, 3, 6, 9, 14, 25, 40, 120]),
        description=paragraphs,
        language=language,
        options=options,
        tags=tags,
        bullets=bullets,
    )


def _html(product: Product) -> str:
    if not product.description and not product.bullets:
        return ""
    parts = [f"<p>{escape(text)}</p>" for text in product.description]
    if product.bullets:
        items = "".join(f"<li>{escape(text)}</li>" for text in product.bullets)
        parts.append(f"<ul>{items}</ul>")
    return "".join(parts)


def _plain(product: Product) -> str:
    lines = [*product.description, *(f"- {text}" for text in product.bullets)]
    return "\n".join(lines)


def _variants(product: Product) -> list[dict[str, str]]:
    if not product.options:
        return []
    combos: list[dict[str, str]] = [{}]
    for name, values in product.options.items():
        combos = [{**combo, name: value} for combo in combos for value in values]
    return combos


# --- the three exports -------------------------------------------------------------------

SHOPIFY_HEADER = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published",
    "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Option3 Name",
    "Option3 Value", "Variant SKU", "Variant Grams", "Variant Inventory Tracker",
    "Variant Inventory Qty", "Variant Inventory Policy", "Variant Fulfillment Service",
    "Variant Price", "Variant Compare At Price", "Variant Requires Shipping", "Variant Taxable",
    "Variant Barcode", "Image Src", "Image Position", "Image Alt Text", "Gift Card",
    "SEO Title", "SEO Description", "Status",
]  # fmt: skip


def write_shopify(products: list[Product], rng: random.Random) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SHOPIFY_HEADER, lineterminator="\r\n")
    writer.writeheader()
    for product in products:
        first = {
            "Handle": product.handle, "Title": product.title, "Body (HTML)": _html(product),
            "Vendor": product.brand, "Type": product.category.split(" > ")[-1],
            "Tags": ", ".join(product.tags), "Published": "TRUE", "Gift Card": "FALSE",
            "Image Src": f"https://cdn.shopify.example/{product.handle}.jpg", "Image Position": "1",
            "Image Alt Text": product.title, "Status": "active",
        }  # fmt: skip
        variants = _variants(product) or [{}]
        for number, combo in enumerate(variants):
            row = dict(first) if number == 0 else {"Handle": product.handle}
            names = list(combo) or ["Title"]
            values = list(combo.values()) or ["Default Title"]
            for slot, (name, value) in enumerate(zip(names, values, strict=True), start=1):
                if number == 0:
                    row[f"Option{slot} Name"] = name
                row[f"Option{slot} Value"] = value
            suffix = "-".join(v.replace(" ", "").upper() for v in combo.values())
            row.update({
                "Variant SKU": f"{product.handle.upper()}{'-' + suffix if suffix else ''}",
                "Variant Grams": "250", "Variant Inventory Tracker": "shopify",
                "Variant Inventory Qty": str(rng.choice([0, 2, 4, 8, 15, 30])) if combo else str(product.stock),
                "Variant Inventory Policy": "deny", "Variant Fulfillment Service": "manual",
                "Variant Price": product.price, "Variant Compare At Price": product.compare_at,
                "Variant Requires Shipping": "TRUE", "Variant Taxable": "TRUE",
            })  # fmt: skip
            writer.writerow(row)
    return out.getvalue()


WOO_HEADER = [
    "ID", "Type", "SKU", "Name", "Published", "Is featured?", "Visibility in catalog",
    "Short description", "Description", "Tax status", "In stock?", "Stock", "Sale price",
    "Regular price", "Categories", "Tags", "Images", "Parent", "Brands",
    "Attribute 1 name", "Attribute 1 value(s)", "Attribute 1 visible", "Attribute 1 global",
    "Attribute 2 name", "Attribute 2 value(s)", "Attribute 2 visible", "Attribute 2 global",
]  # fmt: skip


def write_woocommerce(products: list[Product], rng: random.Random) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=WOO_HEADER, lineterminator="\n")
    writer.writeheader()
    next_id = 100
    for product in products:
        parent_id = next_id
        next_id += 1
        variants = _variants(product)
        sale, regular = (
            (product.price, product.compare_at) if product.compare_at else ("", product.price)
        )
        row = {
            "ID": str(parent_id), "Type": "variable" if variants else "simple",
            "SKU": product.handle.upper(), "Name": product.title, "Published": "1",
            "Is featured?": "0", "Visibility in catalog": "visible",
            "Short description": product.description[0] if product.description else "",
            # WooCommerce keeps the editor's HTML; half our products were typed as plain text.
            "Description": _html(product) if rng.random() < 0.5 else _plain(product),
            "Tax status": "taxable", "In stock?": "1" if product.stock else "0",
            "Stock": "" if variants else str(product.stock),
            "Sale price": "" if variants else sale, "Regular price": "" if variants else regular,
            "Categories": product.category, "Tags": ", ".join(product.tags),
            "Images": f"https://shop.example.com/wp-content/uploads/{product.handle}.jpg",
            "Brands": product.brand,
        }  # fmt: skip
        for slot, (name, values) in enumerate(product.options.items(), start=1):
            row.update({f"Attribute {slot} name": name, f"Attribute {slot} value(s)": ", ".join(values),
                        f"Attribute {slot} visible": "1", f"Attribute {slot} global": "1"})  # fmt: skip
        writer.writerow(row)
        for combo in variants:
            stock = rng.choice([0, 3, 7, 12, 20])
            variation = {
                "ID": str(next_id), "Type": "variation",
                "SKU": f"{product.handle.upper()}-{'-'.join(v.replace(' ', '').upper() for v in combo.values())}",
                "Name": f"{product.title} - {', '.join(combo.values())}", "Published": "1",
                "In stock?": "1" if stock else "0", "Stock": str(stock), "Sale price": sale,
                "Regular price": regular, "Parent": f"id:{parent_id}",
            }  # fmt: skip
            next_id += 1
            for slot, (name, value) in enumerate(combo.items(), start=1):
                variation.update({f"Attribute {slot} name": name, f"Attribute {slot} value(s)": value,
                                  f"Attribute {slot} global": "1"})  # fmt: skip
            writer.writerow(variation)
    return out.getvalue()


def write_google(products: list[Product], rng: random.Random) -> str:
    items: list[str] = []
    for product in products:
        # Merchant feeds carry plain text; some sellers paste HTML anyway.
        description = _plain(product) if rng.random() < 0.7 else _html(product)
        variants = _variants(product) or [{}]
        for combo in variants:
            suffix = "-".join(v.replace(" ", "").upper() for v in combo.values())
            fields = [
                ("g:id", f"{product.handle.upper()}{'-' + suffix if suffix else ''}"),
                ("g:title", product.title),
                ("g:description", description),
                ("g:link", f"https://shop.example.com/products/{product.handle}"),
                ("g:image_link", f"https://shop.example.com/img/{product.handle}.jpg"),
                ("g:availability", "in_stock" if product.stock else "out_of_stock"),
                ("g:price", f"{product.compare_at or product.price} USD"),
                ("g:brand", product.brand),
                ("g:condition", "new"),
                ("g:product_type", product.category),
            ]
            if product.compare_at:
                fields.append(("g:sale_price", f"{product.price} USD"))
            if combo:
                fields.append(("g:item_group_id", product.handle.upper()))
                for name, value in combo.items():
                    tag = {
                        "Size": "g:size",
                        "Color": "g:color",
                        "尺码": "g:size",
                        "颜色": "g:color",
                    }.get(name)
                    if tag:
                        fields.append((tag, value))
            body = "".join(f"<{tag}>{escape(value)}</{tag}>" for tag, value in fields if value)
            items.append(f"  <item>{body}</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">\n <channel>\n'
        "  <title>Tidewater Supply</title><link>https://shop.example.com</link>\n"
        "  <description>Product feed</description>\n" + "\n".join(items) + "\n </channel>\n</rss>\n"
    )


def build(seed: int = 16) -> dict[str, str]:
    rng = random.Random(seed)
    plan = [
        ("shopify_products_export.csv", write_shopify, ["apparel", "beauty", "home"], 90),
        (
            "woocommerce_product_export.csv",
            write_woocommerce,
            ["kitchen", "electronics", "home"],
            65,
        ),
        (
            "google_merchant_feed.xml",
            write_google,
            ["kitchen", "electronics", "apparel", "beauty"],
            65,
        ),
    ]
    files: dict[str, str] = {}
    index = 0
    for name, writer, categories, count in plan:
        products = []
        for number in range(count):
            category = categories[number % len(categories)]
            language = "zh" if rng.random() < 0.35 else "en"
            products.append(make_product(rng, index, category, language))
            index += 1
        # Google Merchant feeds are variant-per-item only for apparel-like options.
        files[name] = writer(products, rng)
    return files


def main() -> None:
    for name, text in build().items():
        (HERE / name).write_text(text, encoding="utf-8", newline="")


if __name__ == "__main__":
    main()
