"""Validate draft products into ProductRecords, collecting precise row errors."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from operator import attrgetter
from typing import TypeVar

from catalog.formats.archive import ArchiveImages
from catalog.formats.drafts import DraftImage, DraftProduct, DraftVariant
from catalog.formats.fields import (
    FieldProblem,
    clean_text,
    derived_variant_sku,
    excerpt,
    has_url_scheme,
    is_unsafe_path,
    parse_currency,
    parse_price,
    parse_stock,
    shared,
    single_line,
)
from catalog.formats.html_text import sanitize_description
from catalog.formats.records import (
    ImageRef,
    ParseCounts,
    ParseLimits,
    ParseResult,
    ProductRecord,
    RowError,
    VariantRecord,
)

# scheme, optional user info, then a non-empty host (name, IPv4 or [IPv6]) and an optional port
_HTTP_URL = re.compile(
    r"https?://(?:[^/?#@]*@)?(?:[^/?#@:\[\]]+|\[[0-9A-Fa-f:.]+\])(?::\d*)?(?:[/?#]|$)", re.I
)
_WHITESPACE = re.compile(r"\s")
# The common image reference, an http(s) URL with neither whitespace nor control
# characters, that passes every check of _image_ref as it is; anything else takes the
# full path of checks (and its precise messages).
_PLAIN = r"[^\s\x00-\x1f\x7f"
_PLAIN_HTTP_URL = re.compile(
    rf"https?://(?:{_PLAIN}/?#@]*@)?(?:{_PLAIN}/?#@:\[\]]+|\[[0-9A-Fa-f:.]+\])(?::\d*)?"
    rf"(?:[/?#]{_PLAIN}]*)?",
    re.I,
)
# Parsed prices and stock counts repeat across a catalog; the caches share one object per
# distinct source text and skip re-parsing it. Cleared when full, to bound their memory.
_CACHE_ENTRIES = 4096
_SHARED_LINE_CHARS = 64
_NOT_CACHED = -1  # never a valid stock count
_position = attrgetter("position")
_price_of = attrgetter("price")

Report = Callable[[int, str, str, str], None]  # row_number, field, value, message
# price, compare-at price, stock, options, title made of the options
_PlainValues = tuple[Decimal, Decimal | None, int | None, dict[str, str], str]
_Key = TypeVar("_Key")
_Value = TypeVar("_Value")


class RecordBuilder:
    """Receives drafts one at a time; keeps valid records and errors, counts the rest.

    A product with any error is rejected whole (its variants included), so an import
    never upserts half a product. The first product with a SKU wins; later ones with the
    same SKU are reported as duplicates.
    """

    def __init__(
        self,
        *,
        limits: ParseLimits,
        default_currency: str,
        archive: ArchiveImages | None = None,
        known_sources: Mapping[str, str] | None = None,
    ) -> None:
        self.limits = limits
        # source digest -> SKU of products stored from exactly those rows (claim_unchanged)
        self.known_sources = known_sources or {}
        self.unchanged = 0
        self.default_currency = shared(default_currency)
        self.archive = archive
        self.records: list[ProductRecord] = []
        self.errors: list[RowError] = []
        self.error_total = 0
        self.rejected = 0
        self.built = 0  # valid records made, kept or not
        self.variants_built = 0
        self._product_rows: dict[str, int] = {}
        self._variant_rows: dict[str, int] = {}
        self._prices: dict[str, Decimal] = {}  # source text -> valid price
        self._stocks: dict[str, int | None] = {"": None}  # source text -> valid stock
        self._currencies: dict[str, str] = {}  # source text -> valid currency code
        # source text -> shared(single_line(text)), for short texts (option names and
        # values, tags, brands); so short that every length limit on names and values holds
        self._lines: dict[str, str] = {}
        # (price, compare-at, stock, *option items) source texts -> their checked values
        self._plain_values: dict[tuple[object, ...], _PlainValues] = {}
        self._tag_lists: dict[tuple[str, ...], tuple[str, ...]] = {}  # valid tag lists
        self._line_cache_chars = min(
            _SHARED_LINE_CHARS,
            limits.max_name_chars,
            limits.max_field_chars,
            limits.max_brand_chars,
            limits.max_alt_chars,
        )

    def add(self, draft: DraftProduct) -> None:
        """Check `draft`; keep its record in `records`, or its errors."""
        record = self.build(draft)
        if record is not None:
            self.records.append(record)

    def build(self, draft: DraftProduct) -> ProductRecord | None:
        """Check `draft` and return its record (not kept), or None once its errors are kept."""
        problems: list[RowError] = []

        def report(row_number: int, column: str, value: str, message: str) -> None:
            sku_for_report = single_line(draft.sku)[:100]
            problems.append(RowError(row_number, column, excerpt(value), message, sku_for_report))

        for row_number, column, value, message in draft.problems:
            report(row_number, column, value, message)
        record = self._build(draft, report)
        if problems or record is None:
            self.rejected += 1
            self._keep(problems)
            return None
        self.built += 1
        self.variants_built += len(record.variants)
        return record

    def claim_unchanged(self, draft: DraftProduct) -> bool:
        """Count `draft` as unchanged, unchecked, when its rows are those its product was
        stored from (see catalog.formats.sources); False sends it through build().

        Only the plain case is claimed: a SKU and variant SKUs of its own that this file
        has not used yet. Anything else (a duplicate to report, a variant SKU to derive)
        takes the full checks, which report exactly as they would have.
        """
        sku = self.known_sources.get(draft.source_digest)
        if sku is None or draft.problems or sku != single_line(draft.sku):
            return False
        if sku in self._product_rows:
            return False
        variant_rows = self._variant_rows
        variant_skus = [single_line(variant.sku) for variant in draft.variants]
        if len(set(variant_skus)) != len(variant_skus) or any(
            not variant_sku or variant_sku in variant_rows for variant_sku in variant_skus
        ):
            return False
        self._product_rows[sku] = draft.row_number
        for variant, variant_sku in zip(draft.variants, variant_skus, strict=True):
            variant_rows[variant_sku] = variant.row_number
        self.built += 1
        self.variants_built += len(variant_skus)
        self.unchanged += 1
        return True

    def add_stray_error(self, error: RowError) -> None:
        """An error for a source row that belongs to no product (e.g. an orphan variation)."""
        self.rejected += 1
        self._keep([error])

    def result(self, *, format_name: str, rows: int) -> ParseResult:
        """The kept records (by source row), the errors and the counts of everything built."""
        self.records.sort(key=lambda record: record.row_number)
        self.errors.sort(key=lambda error: error.row_number)
        counts = ParseCounts(
            rows=rows,
            products=self.built,
            variants=self.variants_built,
            rejected=self.rejected,
            errors=self.error_total,
        )
        return ParseResult(
            records=self.records, errors=self.errors, format=format_name, counts=counts
        )

    def _keep(self, problems: list[RowError]) -> None:
        self.error_total += len(problems)
        room = self.limits.max_errors - len(self.errors)
        if room > 0:
            self.errors.extend(problems[:room])

    # -- building -----------------------------------------------------------------------

    def _build(self, draft: DraftProduct, report: Report) -> ProductRecord | None:
        limits = self.limits
        row = draft.row_number

        def fail(name: str, value: str, message: str, row_number: int = row) -> None:
            report(row_number, draft.columns.get(name, name), value, message)

        # Each check runs inline for the valid case; _text reports what is wrong.
        sku = single_line(draft.sku)
        if not sku or len(sku) > limits.max_sku_chars:
            self._text(draft.sku, "sku", limits.max_sku_chars, "SKU", fail, required=True)
        title = single_line(draft.title)
        if not title or len(title) > limits.max_title_chars:
            self._text(draft.title, "title", limits.max_title_chars, "Title", fail, required=True)
        brand = self._lines.get(draft.brand) or self._shared_line(draft.brand)
        if len(brand) > limits.max_brand_chars:
            self._text(draft.brand, "brand", limits.max_brand_chars, "Brand", fail)
        category = self._lines.get(draft.category) or self._shared_line(draft.category)
        if len(category) > limits.max_name_chars:
            self._text(draft.category, "category", limits.max_name_chars, "Category", fail)
        if sku in self._product_rows:
            first_row = self._product_rows[sku]
            fail("sku", sku, f"Duplicate SKU: already used by the product at row {first_row}.")
        elif sku:
            self._product_rows[sku] = row

        description_html, description_text = self._description(draft.description, fail)
        currency = self.default_currency
        if draft.currency and draft.currency.strip():
            currency = self._currency(draft.currency, "currency", fail) or currency

        attributes = (
            self._pairs(draft.attributes, "attributes", row, fail) if draft.attributes else {}
        )
        tags = self._tags(draft.tags, fail) if draft.tags else []
        images = self._images(draft.images, fail) if draft.images else []
        variants = self._variants(draft, sku, currency, fail, report)

        price: Decimal | None = None
        compare_at: Decimal | None = None
        stock: int | None = None
        if draft.variants:
            if variants:
                cheapest = min(variants, key=_price_of)
                price, compare_at = cheapest.price, cheapest.compare_at_price
                known = [variant.stock for variant in variants if variant.stock is not None]
                stock = sum(known) if known else None
                for name, values in _option_values(variants).items():
                    if name not in attributes:
                        attributes[name] = shared(", ".join(values))
        else:
            price = self._prices.get(draft.price) or self._price(
                draft.price, "price", "Price", fail, required=True
            )
            compare_at = (
                self._prices.get(draft.compare_at_price)
                or self._price(draft.compare_at_price, "compare_at_price", "Compare-at price", fail)
                if draft.compare_at_price
                else None
            )
            if compare_at is not None and price is not None and compare_at < price:
                self._check_compare_at(
                    price, compare_at, draft.compare_at_price, "compare_at_price", fail
                )
            stock = self._stocks.get(draft.stock, _NOT_CACHED)
            if stock == _NOT_CACHED:
                stock = self._stock(draft.stock, "stock", fail)

        if price is None:
            return None
        return ProductRecord(
            row_number=row,
            sku=sku,
            title=title,
            description_html=description_html,
            description_text=description_text,
            brand=brand,  # shared already, as are category and currency
            category=category,
            price=price,
            currency=currency,
            compare_at_price=compare_at,
            stock=stock,
            attributes=attributes,
            tags=tags,
            image_refs=images,
            variants=variants,
            source_format=draft.source_format,
            published=draft.published,
            source_digest=draft.source_digest,
        )

    @staticmethod
    def _text(
        raw: str,
        name: str,
        max_chars: int,
        label: str,
        fail: Callable[..., None],
        *,
        required: bool = False,
        row_number: int | None = None,
    ) -> str:
        value = single_line(raw)
        where = {} if row_number is None else {"row_number": row_number}
        if required and not value:
            fail(name, raw, f"{label} is required.", **where)
        elif len(value) > max_chars:
            fail(
                name, raw, f"{label} is longer than {max_chars} characters ({len(value)}).", **where
            )
        return value

    def _description(self, raw: str, fail: Callable[..., None]) -> tuple[str, str]:
        limit = self.limits.max_description_bytes
        # Count bytes only when the character count cannot settle it.
        if len(raw) > limit or (len(raw) * 4 > limit and len(raw.encode()) > limit):
            fail("description", raw, f"Description is larger than {limit // 1024} KB.")
            return "", ""
        return sanitize_description(clean_text(raw))

    def _price(
        self,
        raw: str,
        name: str,
        label: str,
        fail: Callable[..., None],
        *,
        required: bool = False,
        row_number: int | None = None,
    ) -> Decimal | None:
        where = {} if row_number is None else {"row_number": row_number}
        if not raw.strip():
            if required:
                fail(name, raw, f"{label} is required.", **where)
            return None
        try:
            price = parse_price(raw, max_price=self.limits.max_price)
        except FieldProblem as problem:
            fail(name, raw, f"{label} {problem}.", **where)
            return None
        _remember(self._prices, raw, price)
        return price

    def _currency(self, raw: str, name: str, fail: Callable[..., None]) -> str | None:
        """The currency code of a non-blank source value, or None once reported."""
        currency = self._currencies.get(raw)
        if currency is None:
            try:
                currency = shared(parse_currency(raw))
            except FieldProblem as problem:
                fail(name, raw, f"Currency {problem}.")
                return None
            _remember(self._currencies, raw, currency)
        return currency

    @staticmethod
    def _check_compare_at(
        price: Decimal | None,
        compare_at: Decimal | None,
        raw: str,
        name: str,
        fail: Callable[..., None],
        row_number: int | None = None,
    ) -> None:
        if price is not None and compare_at is not None and compare_at < price:
            where = {} if row_number is None else {"row_number": row_number}
            fail(name, raw, f"Compare-at price must not be below the price ({price}).", **where)

    def _stock(
        self, raw: str, name: str, fail: Callable[..., None], row_number: int | None = None
    ) -> int | None:
        if not raw.strip():
            return None
        try:
            stock = parse_stock(raw, max_stock=self.limits.max_stock)
            _remember(self._stocks, raw, stock)
            return stock
        except FieldProblem as problem:
            where = {} if row_number is None else {"row_number": row_number}
            fail(name, raw, f"Stock {problem}.", **where)
            return None

    def _pairs(
        self, raw_pairs: dict[str, str], name: str, row_number: int, fail: Callable[..., None]
    ) -> dict[str, str]:
        pairs: dict[str, str] = {}
        max_name_chars = self.limits.max_name_chars
        max_field_chars = self.limits.max_field_chars
        lines = self._lines
        for raw_key, raw_value in raw_pairs.items():
            key = lines.get(raw_key) or self._shared_line(raw_key)
            value = lines.get(raw_value) or self._shared_line(raw_value)
            if not key or not value:
                continue
            if len(key) <= max_name_chars and len(value) <= max_field_chars:
                pairs[key] = value
            elif len(key) > max_name_chars:
                fail(
                    name, raw_key, f"Name '{excerpt(key, 30)}' is too long.", row_number=row_number
                )
            else:
                fail(
                    name,
                    raw_value,
                    f"Value of '{excerpt(key, 30)}' is longer than {max_field_chars} characters.",
                    row_number=row_number,
                )
        return pairs

    def _tags(self, raw_tags: list[str], fail: Callable[..., None]) -> list[str]:
        key = tuple(raw_tags)
        known = self._tag_lists.get(key)  # tag lists repeat across a catalog
        if known is not None:
            return list(known)
        tags: dict[str, None] = {}
        max_name_chars = self.limits.max_name_chars
        lines = self._lines
        valid = True
        for raw in raw_tags:
            tag = lines.get(raw) or self._shared_line(raw)
            if len(tag) > max_name_chars:
                valid = False
                fail("tags", raw, f"A tag is longer than {self.limits.max_name_chars} characters.")
            elif tag:
                tags.setdefault(tag, None)
        if valid:
            _remember(self._tag_lists, key, tuple(tags))
        return list(tags)

    def _shared_line(self, raw: str) -> str:
        """shared(single_line(raw)), remembered when `raw` is short: such values repeat."""
        value = shared(single_line(raw))
        if len(raw) <= self._line_cache_chars:
            _remember(self._lines, raw, value)
        return value

    def _plain_pairs(self, raw_pairs: dict[str, str]) -> dict[str, str] | None:
        """What _pairs gives when every name and value is a remembered short line, else None."""
        pairs: dict[str, str] = {}
        lines = self._lines
        for raw_key, raw_value in raw_pairs.items():
            key = lines.get(raw_key)
            value = lines.get(raw_value)
            if not key or not value:
                return None
            pairs[key] = value
        return pairs

    def _images(self, drafts: list[DraftImage], fail: Callable[..., None]) -> list[ImageRef]:
        if len(drafts) > self.limits.max_images_per_product:
            fail(
                "images",
                "",
                f"A product may have at most {self.limits.max_images_per_product} images "
                f"({len(drafts)}).",
            )
            return []
        refs: dict[str, ImageRef] = {}
        next_position = 1
        last_position = -1
        in_order = True  # positions never decrease: no sort needed
        max_ref_chars = self.limits.max_image_ref_chars
        max_alt_chars = self.limits.max_alt_chars
        lines = self._lines
        for image in drafts:
            ref: str | None = image.ref
            if not (_PLAIN_HTTP_URL.fullmatch(image.ref) and len(image.ref) <= max_ref_chars):
                ref = self._image_ref(image, fail)
            if ref is None or ref in refs:
                continue
            position = image.position if image.position is not None else next_position
            next_position = (position if position > next_position else next_position) + 1
            if position < last_position:
                in_order = False
            last_position = position
            alt = image.alt
            if alt:
                # a remembered short line is within every length limit already
                alt = lines.get(alt) or self._shared_line(alt)[:max_alt_chars]
            refs[ref] = ImageRef(ref, position, alt)
        if in_order:
            return list(refs.values())
        return sorted(refs.values(), key=_position)

    def _image_ref(self, image: DraftImage, fail: Callable[..., None]) -> str | None:
        raw = clean_text(image.ref)
        if not raw:
            return None

        def bad(message: str) -> None:
            fail("images", raw, message, row_number=image.row_number)

        if len(raw) > self.limits.max_image_ref_chars:
            bad(f"Image reference is longer than {self.limits.max_image_ref_chars} characters.")
            return None
        if _WHITESPACE.search(raw):
            bad("Image URL must not contain spaces (encode them as %20).")
            return None
        if has_url_scheme(raw) or raw.startswith("//"):
            if not _HTTP_URL.match(raw):
                bad("Image must be an http(s) URL or a path to an image inside the uploaded ZIP.")
                return None
            return raw
        if is_unsafe_path(raw):
            bad("Image path must be relative and stay inside the ZIP (no '..').")
            return None
        if self.archive is None:
            bad(
                "Image is a file path, not an http(s) URL; upload a ZIP holding the catalog "
                "and its images to use paths."
            )
            return None
        member = self.archive.resolve(raw)
        if member is None:
            bad(f"Image file '{excerpt(raw, 60)}' is not in the ZIP.")
            return None
        if self.archive.size(member) > self.limits.max_image_bytes:
            bad(f"Image file is larger than {self.limits.max_image_bytes // 2**20} MB.")
            return None
        return member

    def _variants(
        self,
        draft: DraftProduct,
        product_sku: str,
        currency: str,
        fail: Callable[..., None],
        report: Report,
    ) -> list[VariantRecord]:
        limits = self.limits
        if len(draft.variants) > limits.max_variants_per_product:
            fail(
                "variants",
                "",
                f"A product may have at most {limits.max_variants_per_product} variants "
                f"({len(draft.variants)}).",
            )
            return []
        variants: list[VariantRecord] = []
        ok = True
        for index, raw in enumerate(draft.variants, start=1):
            variant = self._plain_variant(raw) or self._variant(
                raw, index, draft, product_sku, currency, report
            )
            if variant is None:
                ok = False
            else:
                variants.append(variant)
        return variants if ok else []

    def _plain_variant(self, raw: DraftVariant) -> VariantRecord | None:
        """The record of a variant that is valid in the common way, else None.

        Every value must already be known good: a SKU of its own, not seen before, and a
        price, compare-at price, stock and options whose source texts were parsed before.
        Nothing is reported or registered on None; _variant then runs the full checks
        (and parses, so the next variant with the same values takes this path).
        """
        if raw.title or raw.currency:
            return None
        sku = raw.sku
        if " " in sku or not sku.isprintable():
            sku = single_line(sku)
        if not sku or len(sku) > self.limits.max_sku_chars or sku in self._variant_rows:
            return None
        # Price, compare-at price, stock and options repeat together across a catalog.
        key = (raw.price, raw.compare_at_price, raw.stock, *raw.options.items())
        known = self._plain_values.get(key)
        if known is None:
            known = self._plain_variant_values(raw)
            if known is None:
                return None
            _remember(self._plain_values, key, known)
        price, compare_at, stock, options, title = known
        self._variant_rows[sku] = raw.row_number
        return VariantRecord(sku, title or sku, dict(options), price, compare_at, stock)

    def _plain_variant_values(self, raw: DraftVariant) -> _PlainValues | None:
        """(price, compare-at price, stock, options, title from the options) when all known."""
        price = self._prices.get(raw.price)
        if price is None:
            return None
        compare_at = None
        if raw.compare_at_price:
            compare_at = self._prices.get(raw.compare_at_price)
            if compare_at is None or compare_at < price:
                return None
        stock = self._stocks.get(raw.stock, _NOT_CACHED)
        if stock == _NOT_CACHED:
            return None
        options = self._plain_pairs(raw.options)
        if options is None:
            return None
        return price, compare_at, stock, options, shared(" / ".join(options.values()))

    def _variant(
        self,
        raw: DraftVariant,
        index: int,
        draft: DraftProduct,
        product_sku: str,
        currency: str,
        report: Report,
    ) -> VariantRecord | None:
        limits = self.limits
        row = raw.row_number
        failures: list[str] = []

        def fail(name: str, value: str, message: str, row_number: int = row) -> None:
            failures.append(message)
            column = raw.column_prefix + draft.columns.get(f"variant_{name}", name)
            report(row_number, column, value, message)

        options = self._pairs(raw.options, "options", row, fail) if raw.options else {}
        sku = single_line(raw.sku)
        if len(sku) > limits.max_sku_chars:
            self._text(raw.sku, "sku", limits.max_sku_chars, "Variant SKU", fail)
        if not sku and product_sku:
            sku = derived_variant_sku(product_sku, options, index, limits.max_sku_chars)
        if sku in self._variant_rows:
            first_row = self._variant_rows[sku]
            fail("sku", sku, f"Duplicate variant SKU: already used at row {first_row}.")
        elif sku:
            self._variant_rows[sku] = row
        title = single_line(raw.title)
        if len(title) > limits.max_title_chars:
            self._text(raw.title, "title", limits.max_title_chars, "Variant title", fail)
        title = title or shared(" / ".join(options.values())) or sku
        if raw.currency and raw.currency.strip():
            variant_currency = self._currency(raw.currency, "currency", fail)
            if variant_currency is not None and variant_currency != currency:
                fail("currency", raw.currency, f"All variants must be priced in {currency}.")
        prices = self._prices
        price = prices.get(raw.price) or self._price(
            raw.price, "price", "Variant price", fail, required=True
        )
        compare_at = (
            prices.get(raw.compare_at_price)
            or self._price(raw.compare_at_price, "compare_at_price", "Compare-at price", fail)
            if raw.compare_at_price
            else None
        )
        if compare_at is not None and price is not None and compare_at < price:
            self._check_compare_at(
                price, compare_at, raw.compare_at_price, "compare_at_price", fail
            )
        stock = self._stocks.get(raw.stock, _NOT_CACHED)
        if stock == _NOT_CACHED:
            stock = self._stock(raw.stock, "stock", fail)
        if failures or price is None:
            return None
        return VariantRecord(sku, title, options, price, compare_at, stock)


def _option_values(variants: list[VariantRecord]) -> dict[str, dict[str, None]]:
    """Each option name with its distinct values, in order of appearance."""
    values: dict[str, dict[str, None]] = {}
    for variant in variants:
        for name, value in variant.options.items():
            found = values.get(name)
            if found is None:
                values[name] = {value: None}
            else:
                found[value] = None
    return values


def _remember(cache: dict[_Key, _Value], raw: _Key, value: _Value) -> None:
    if len(cache) >= _CACHE_ENTRIES:
        cache.clear()
    cache[raw] = value
