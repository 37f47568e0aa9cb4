"""Small converters from source strings to typed values; they raise FieldProblem."""

from __future__ import annotations

import hashlib
import json
import re
import sys
from decimal import Decimal, InvalidOperation

CENT = Decimal("0.01")
_SHARED_MAX_CHARS = 64
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_PRICE = re.compile(r"\d{1,15}(?:\.\d*)?|\.\d+")
_INTEGER = re.compile(r"[+-]?\d{1,18}(?:\.0*)?")
_CURRENCY = re.compile(r"[A-Z]{3}")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_SLUG_JUNK = re.compile(r"[^\w]+")
_LIST_SEPARATORS = re.compile(r"[|,\s]+")


class FieldProblem(ValueError):
    """A value that cannot be used; the message is written for the seller."""


def clean_text(value: str) -> str:
    """Strip surrounding space and drop control characters (PostgreSQL rejects NUL)."""
    # Printable text has no control characters; one C call settles the common case.
    if value.isprintable():
        return value.strip()
    if _CONTROL_CHARS.search(value):
        value = _CONTROL_CHARS.sub("", value)
    return value.strip()


def single_line(value: str) -> str:
    """clean_text, with every run of whitespace (line breaks included) made one space."""
    # Printable text holds no control character and no whitespace but the plain space,
    # so one C call settles the common case and a value without spaces is already done.
    if value.isprintable():
        if " " not in value or (
            "  " not in value and value[0] != " " and value[-1] != " "
        ):  # nothing to collapse or trim: most titles and names
            return value
        return " ".join(value.split())
    if _CONTROL_CHARS.search(value):
        value = _CONTROL_CHARS.sub("", value)
    return " ".join(value.split())


def shared(value: str) -> str:
    """Intern short values that repeat across a catalog (brand, currency, attribute names).

    A 100,000-row import otherwise holds 100,000 copies of "Acme" and "material".
    """
    return sys.intern(value) if len(value) <= _SHARED_MAX_CHARS else value


def excerpt(value: str, limit: int = 80) -> str:
    flat = " ".join(value[: limit * 4].split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def parse_price(raw: str, *, max_price: Decimal) -> Decimal:
    """A positive amount with at most two decimals, returned quantized to cents."""
    text = raw.strip()
    if not _PRICE.fullmatch(text):
        raise FieldProblem("must be a number like 19.99 (no currency sign or thousands separator)")
    try:
        amount = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already excludes this
        raise FieldProblem("must be a number like 19.99") from None
    cents = amount.quantize(CENT)
    if cents != amount:
        raise FieldProblem("must have at most 2 decimal places")
    if cents <= 0:
        raise FieldProblem("must be greater than 0")
    if cents > max_price:
        raise FieldProblem(f"is larger than the maximum allowed price {max_price}")
    return cents


def parse_stock(raw: str, *, max_stock: int) -> int:
    text = raw.strip()
    if not _INTEGER.fullmatch(text):
        raise FieldProblem("must be a whole number")
    stock = int(text.split(".", 1)[0])
    if stock < 0:
        raise FieldProblem("must not be negative")
    if stock > max_stock:
        raise FieldProblem(f"is larger than {max_stock}")
    return stock


def parse_currency(raw: str) -> str:
    code = raw.strip().upper()
    if not _CURRENCY.fullmatch(code):
        raise FieldProblem("must be a 3-letter ISO 4217 code such as USD, EUR or CNY")
    return code


def parse_bool(raw: str) -> bool | None:
    text = raw.strip().lower()
    if text in {"true", "1", "yes", "y", "published", "active"}:
        return True
    if text in {"false", "0", "-1", "no", "n", "draft", "private", "archived"}:
        return False
    return None


def has_url_scheme(ref: str) -> bool:
    return bool(_SCHEME.match(ref))


def normalize_member_path(ref: str) -> str:
    """A relative path in ZIP form: forward slashes, no leading './'."""
    path = ref.replace("\\", "/")
    while path.startswith("./"):
        path = path[2:]
    return path


def is_unsafe_path(path: str) -> bool:
    """Absolute, drive-lettered or parent-escaping paths are never resolved."""
    normalized = path.replace("\\", "/")
    if normalized.startswith("/") or re.match(r"[A-Za-z]:", normalized) or "\x00" in path:
        return True
    return ".." in normalized.split("/")


def split_list(raw: str, separator: str = ",") -> list[str]:
    """Split, trim and de-duplicate (first occurrence wins, order kept)."""
    seen: dict[str, None] = {}
    for part in raw.split(separator):
        item = single_line(part)
        if item:
            seen.setdefault(item, None)
    return list(seen)


def split_escaped(raw: str, separator: str = ",") -> list[str]:
    r"""Split on `separator` unless it is escaped as `\,` (WooCommerce writes it so)."""
    parts: list[str] = []
    current: list[str] = []
    chars = iter(raw)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            current.append(following if following == separator else char + following)
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [item for item in (single_line(part) for part in parts) if item]


def split_urls(raw: str) -> list[str]:
    """URLs separated by '|', ',' or whitespace (commas inside URLs must be %2C)."""
    return [part for part in _LIST_SEPARATORS.split(raw.strip()) if part]


def parse_key_values(raw: str) -> dict[str, str]:
    """`key=value;key=value` or a JSON object of scalars."""
    text = raw.strip()
    if not text:
        return {}
    if text.startswith("{"):
        try:
            loaded = json.loads(text)
        except (ValueError, RecursionError):
            raise FieldProblem("is not a valid JSON object") from None
        if not isinstance(loaded, dict):
            raise FieldProblem("must be a JSON object")
        return {str(key): scalar_text(value) for key, value in loaded.items()}
    pairs: dict[str, str] = {}
    for part in text.split(";"):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise FieldProblem(f"'{excerpt(part, 40)}' is not key=value (use key=value;key=value)")
        pairs[key.strip()] = value.strip()
    return pairs


def scalar_text(value: object) -> str:
    """JSON scalar to text; objects and lists are refused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float | Decimal):
        return str(value)
    raise FieldProblem("must be a string or a number")


def derived_variant_sku(product_sku: str, options: dict[str, str], index: int, limit: int) -> str:
    """A stable key for a variant that has no SKU of its own, built from its options."""
    parts = [_SLUG_JUNK.sub("-", value).strip("-") for value in options.values()]
    suffix = "-".join(part for part in parts if part) or str(index)
    return shortened_key(f"{product_sku}-{suffix}", limit)


def shortened_key(key: str, limit: int) -> str:
    """`key` itself when it fits, else its start plus a hash of the whole: stable and unique."""
    key = key.strip()
    if len(key) <= limit:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{key[: max(limit - 17, 1)]}-{digest}"


# A cell a spreadsheet would run as a formula starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NEUTRALIZED_STARTS = tuple("'" + start for start in FORMULA_STARTS)


def restore_formula(value: str) -> str:
    """Undo ``neutralize_formula``: our CSV export prefixes a quote to formula-like cells
    (the spreadsheet convention for "this is text"), so reading our own export back gives
    the original value."""
    return value[1:] if value.startswith(_NEUTRALIZED_STARTS) else value
