"""Set-based writes: PostgreSQL COPY where we have it, the ORM's bulk calls elsewhere.

Importing 100,000 products one ``save()`` at a time takes minutes; COPY takes seconds.
These helpers keep that speed-up in one place and keep SQLite (the embedded mode) working.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.utils import timezone

BATCH_SIZE = 2_000


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _column(field: Any) -> str:
    return connection.ops.quote_name(str(field.column))


def _field_default(field: Any) -> Any:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()


_json_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _to_json(value: Any) -> str:
    if not value:  # most option, attribute and tag collections are short or empty
        return "{}" if isinstance(value, dict) else "[]"
    return _json_encode(value)


def _converters(fields: Sequence[Any]) -> list[Any]:
    """Per column: how to turn a Python value into what COPY sends (None: as it is).

    psycopg adapts str, int, Decimal, bool, datetime and None itself; only JSON needs us.
    """
    return [_to_json if isinstance(f, models.JSONField) else None for f in fields]


def _copy_row(converters: Sequence[Any], values: Sequence[Any]) -> list[Any]:
    return [
        value if convert is None or value is None else convert(value)
        for convert, value in zip(converters, values, strict=True)
    ]


def insert_rows(
    model: type[models.Model], field_names: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (values in ``field_names`` order); returns how many were written."""
    fields: list[Any] = [model._meta.get_field(name) for name in field_names]
    if _is_postgres():
        # COPY bypasses Django, so fields left out get their Python-side defaults here.
        given = {f.name for f in fields}
        defaults = [
            f for f in model._meta.concrete_fields if not f.primary_key and f.name not in given
        ]
        default_values = [_field_default(f) for f in defaults]
        fields = fields + defaults
        columns = ", ".join(_column(f) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        count = 0
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                converters = _converters(fields)
                for row in rows:
                    copy.write_row(_copy_row(converters, (*row, *default_values)))
                    count += 1
        return count
    objects = [model(**dict(zip(field_names, row, strict=True))) for row in rows]
    model._default_manager.bulk_create(objects, batch_size=BATCH_SIZE)
    return len(objects)


def update_rows(
    model: type[models.Model], field_names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> int:
    """Update rows by primary key; each row is ``(pk, *values in field_names order)``."""
    if not rows:
        return 0
    fields: list[Any] = [model._meta.get_field(name) for name in field_names]
    if _is_postgres():
        table = connection.ops.quote_name(model._meta.db_table)
        pk_column = _column(model._meta.pk)
        columns = [_column(f) for f in fields]
        with connection.cursor() as cursor:
            # A temp table with the target's column types, filled by COPY, then one UPDATE.
            cursor.execute(
                f"CREATE TEMP TABLE _bulk_update ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {pk_column}, {', '.join(columns)} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(
                f"COPY _bulk_update ({pk_column}, {', '.join(columns)}) FROM STDIN"
            ) as copy:
                converters = [None, *_converters(fields)]
                for row in rows:
                    copy.write_row(_copy_row(converters, row))
            assignments = ", ".join(f"{c} = u.{c}" for c in columns)
            cursor.execute(
                f"UPDATE {table} AS t SET {assignments} FROM _bulk_update AS u "  # noqa: S608
                f"WHERE t.{pk_column} = u.{pk_column}"
            )
            cursor.execute("DROP TABLE _bulk_update")
        return len(rows)
    objects = []
    for row in rows:
        obj = model(pk=row[0])
        for name, value in zip(field_names, row[1:], strict=True):
            setattr(obj, name, value)
        objects.append(obj)
    model._default_manager.bulk_update(objects, list(field_names), batch_size=BATCH_SIZE)
    return len(objects)
