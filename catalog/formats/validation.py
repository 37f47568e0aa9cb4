"""Validate draft products into ProductRecords, collecting precise row errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal

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

Report = Callable[[int, str, str, str], None]  # row_number, field, value, message


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
    ) -> None:
        self.limits = limits
        self.default_currency = default_currency
        self.archive = archive
        self.records: list[ProductRecord] = []
        self.errors: list[RowError] = []
        self.error_total = 0
        self.rejected = 0
        self._product_rows: dict[str, int] = {}
        self._variant_rows: dict[str, int] = {}

    def add(self, draft: DraftProduct) -> None:
        problems: list[RowError] = []
        sku_for_report = single_line(draft.sku)[:100]

        def report(row_number: int, column: str, value: str, message: str) -> None:
            problems.append(RowError(row_number, column, excerpt(value), message, sku_for_report))

        for row_number, column, value, message in draft.problems:
            report(row_number, column, value, message)
        record = self._build(draft, report)
        if problems or record is None:
            self.rejected += 1
            self._keep(problems)
        else:
            self.records.append(record)

    def add_stray_error(self, error: RowError) -> None:
        """An error for a source row that belongs to no product (e.g. an orphan variation)."""
        self.rejected += 1
        self._keep([error])

    def result(self, *, format_name: str, rows: int) -> ParseResult:
        self.records.sort(key=lambda record: record.row_number)
        self.errors.sort(key=lambda error: error.row_number)
        counts = ParseCounts(
            rows=rows,
            products=len(self.records),
            variants=sum(len(record.variants) for record in self.records),
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

        def col(name: str) -> str:
            return draft.columns.get(name, name)

        def fail(name: str, value: str, message: str, row_number: int = row) -> None:
            report(row_number, col(name), value, message)

        sku = self._text(draft.sku, "sku", limits.max_sku_chars, "SKU", fail, required=True)
        title = self._text(
            draft.title, "title", limits.max_title_chars, "Title", fail, required=True
        )
        brand = self._text(draft.brand, "brand", limits.max_name_chars, "Brand", fail)
        category = self._text(draft.category, "category", limits.max_name_chars, "Category", fail)
        if sku in self._product_rows:
            first_row = self._product_rows[sku]
            fail("sku", sku, f"Duplicate SKU: already used by the product at row {first_row}.")
        elif sku:
            self._product_rows[sku] = row

        description_html, description_text = self._description(draft.description, fail)
        currency = self.default_currency
        if draft.currency.strip():
            try:
                currency = parse_currency(draft.currency)
            except FieldProblem as problem:
                fail("currency", draft.currency, f"Currency {problem}.")

        attributes = self._pairs(draft.attributes, "attributes", row, fail)
        tags = self._tags(draft.tags, fail)
        images = self._images(draft.images, fail)
        variants = self._variants(draft, sku, currency, fail, report)

        price: Decimal | None = None
        compare_at: Decimal | None = None
        stock: int | None = None
        if draft.variants:
            if variants:
                cheapest = min(variants, key=lambda variant: variant.price)
                price, compare_at = cheapest.price, cheapest.compare_at_price
                known = [variant.stock for variant in variants if variant.stock is not None]
                stock = sum(known) if known else None
                for name, values in _option_values(variants).items():
                    attributes.setdefault(name, ", ".join(values))
        else:
            price = self._price(draft.price, "price", "Price", fail, required=True)
            compare_at = self._price(
                draft.compare_at_price, "compare_at_price", "Compare-at price", fail
            )
            self._check_compare_at(
                price, compare_at, draft.compare_at_price, "compare_at_price", fail
            )
            stock = self._stock(draft.stock, "stock", fail)

        if price is None:
            return None
        return ProductRecord(
            row_number=row,
            sku=sku,
            title=title,
            description_html=description_html,
            description_text=description_text,
            brand=shared(brand),
            category=shared(category),
            price=price,
            currency=shared(currency),
            compare_at_price=compare_at,
            stock=stock,
            attributes=attributes,
            tags=tags,
            image_refs=images,
            variants=variants,
            source_format=draft.source_format,
            published=draft.published,
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
            return parse_price(raw, max_price=self.limits.max_price)
        except FieldProblem as problem:
            fail(name, raw, f"{label} {problem}.", **where)
            return None

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
            return parse_stock(raw, max_stock=self.limits.max_stock)
        except FieldProblem as problem:
            where = {} if row_number is None else {"row_number": row_number}
            fail(name, raw, f"Stock {problem}.", **where)
            return None

    def _pairs(
        self, raw_pairs: dict[str, str], name: str, row_number: int, fail: Callable[..., None]
    ) -> dict[str, str]:
        pairs: dict[str, str] = {}
        for raw_key, raw_value in raw_pairs.items():
            key = single_line(raw_key)
            value = single_line(raw_value)
            if not key or not value:
                continue
            if len(key) > self.limits.max_name_chars:
                fail(
                    name, raw_key, f"Name '{excerpt(key, 30)}' is too long.", row_number=row_number
                )
            elif len(value) > self.limits.max_field_chars:
                fail(
                    name,
                    raw_value,
                    f"Value of '{excerpt(key, 30)}' is longer than "
                    f"{self.limits.max_field_chars} characters.",
                    row_number=row_number,
                )
            else:
                pairs[shared(key)] = shared(value)
        return pairs

    def _tags(self, raw_tags: list[str], fail: Callable[..., None]) -> list[str]:
        tags: dict[str, None] = {}
        for raw in raw_tags:
            tag = single_line(raw)
            if len(tag) > self.limits.max_name_chars:
                fail("tags", raw, f"A tag is longer than {self.limits.max_name_chars} characters.")
            elif tag:
                tags.setdefault(shared(tag), None)
        return list(tags)

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
        for image in drafts:
            ref = self._image_ref(image, fail)
            if ref is None or ref in refs:
                continue
            position = image.position if image.position is not None else next_position
            next_position = max(next_position, position) + 1
            refs[ref] = ImageRef(
                ref, position, single_line(image.alt)[: self.limits.max_field_chars]
            )
        return sorted(refs.values(), key=lambda image: image.position)

    def _image_ref(self, image: DraftImage, fail: Callable[..., None]) -> str | None:
        raw = clean_text(image.ref)
        if not raw:
            return None

        def bad(message: str) -> None:
            fail("images", raw, message, row_number=image.row_number)

        if len(raw) > self.limits.max_field_chars:
            bad(f"Image reference is longer than {self.limits.max_field_chars} characters.")
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
            variant = self._variant(raw, index, draft, product_sku, currency, report)
            if variant is None:
                ok = False
            else:
                variants.append(variant)
        return variants if ok else []

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

        options = self._pairs(raw.options, "options", row, fail)
        sku = self._text(raw.sku, "sku", limits.max_sku_chars, "Variant SKU", fail)
        if not sku and product_sku:
            sku = derived_variant_sku(product_sku, options, index, limits.max_sku_chars)
        if sku in self._variant_rows:
            first_row = self._variant_rows[sku]
            fail("sku", sku, f"Duplicate variant SKU: already used at row {first_row}.")
        elif sku:
            self._variant_rows[sku] = row
        title = self._text(raw.title, "title", limits.max_title_chars, "Variant title", fail)
        title = title or " / ".join(options.values()) or sku
        if raw.currency.strip():
            try:
                if parse_currency(raw.currency) != currency:
                    fail("currency", raw.currency, f"All variants must be priced in {currency}.")
            except FieldProblem as problem:
                fail("currency", raw.currency, f"Currency {problem}.")
        price = self._price(raw.price, "price", "Variant price", fail, required=True)
        compare_at = self._price(raw.compare_at_price, "compare_at_price", "Compare-at price", fail)
        self._check_compare_at(price, compare_at, raw.compare_at_price, "compare_at_price", fail)
        stock = self._stock(raw.stock, "stock", fail)
        if failures or price is None:
            return None
        return VariantRecord(sku, title, options, price, compare_at, stock)


def _option_values(variants: list[VariantRecord]) -> dict[str, list[str]]:
    values: dict[str, dict[str, None]] = {}
    for variant in variants:
        for name, value in variant.options.items():
            values.setdefault(name, {}).setdefault(value, None)
    return {name: list(found) for name, found in values.items()}
