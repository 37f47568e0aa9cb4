"""Field values as DRF's serializer fields write them, for hot endpoints that build JSON directly.

The product and asset lists serialize plain rows (``QuerySet.values``) instead of model
instances through DRF fields: the generic path cost most of those requests' CPU. Each
helper here gives exactly what the DRF field would; tests hold the two outputs equal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, tzinfo
from decimal import Decimal
from typing import Any

from django.core.files.storage import FileSystemStorage, default_storage
from django.utils import timezone

# Storage names that FileSystemStorage.url only appends to its base URL: urljoin and
# percent-quoting leave them unchanged. Anything else (dot segments, "//", a scheme,
# characters to quote) goes through the storage itself.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_\-~][A-Za-z0-9_\-~./]*\Z")
# A base URL (MEDIA_URL) that such a name can simply be appended to: a path ending in "/",
# optionally after a scheme and host; no query, fragment or dot segment.
_PLAIN_BASE = re.compile(r"([a-z][a-z0-9+.\-]*://[A-Za-z0-9.\-:@\[\]]+)?/([A-Za-z0-9_\-~./]*/)?\Z")


def _plain(name: str) -> bool:
    return bool(_PLAIN_NAME.match(name)) and "/." not in name and "//" not in name


def decimal_string(value: Decimal | float | None, exponent: Decimal) -> str | None:
    """As DRF's DecimalField writes a column with ``exponent``'s places: e.g. "24.00"."""
    if value is None:
        return None
    if not isinstance(value, Decimal):  # an unsaved instance may hold a float or an int
        value = Decimal(str(value).strip())
    return f"{value.quantize(exponent):f}"


def datetime_writer() -> Callable[[datetime | None], str | None]:
    """As DRF's DateTimeField writes values under USE_TZ: ISO 8601 in the current time zone,
    UTC as "Z". The zone is looked up once, not once a value."""
    zone: tzinfo = timezone.get_current_timezone()

    def write(value: datetime | None) -> str | None:
        if value is None:
            return None
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return write


def media_url_writer(absolute: Callable[[str], str] | None = None) -> Callable[[str], str | None]:
    """``default_storage.url(name)`` (passed through ``absolute`` when given), or None for an
    empty name, as the serializers' URL fields write a FileField.

    For a plain name on the file system storage the URL is the base URL plus the name, so
    the base is made absolute once instead of urljoin and ``absolute`` running per item.
    """
    storage: Any = default_storage
    plain_prefix = None
    if isinstance(storage, FileSystemStorage):  # a LazyObject passes on isinstance
        base = storage.base_url
        path = base.partition("://")[2] or base
        if _PLAIN_BASE.match(base) and "/." not in path and "//" not in path:
            plain_prefix = absolute(base) if absolute is not None else base

    def url(name: str | None) -> str | None:
        if not name:
            return None
        if plain_prefix is not None and _plain(name):
            return plain_prefix + name
        location: str = storage.url(name)
        return absolute(location) if absolute is not None else location

    return url
