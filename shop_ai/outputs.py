"""Output tables: one declared list of fields per resource makes both its DRF serializer and
its fast row writer.

A hot list (products, assets) writes plain rows (``QuerySet.values``) straight to JSON: DRF's
generic path through model instances and fields cost most of those requests' CPU. Before
these tables each output was written twice, a serializer for the schema and a writer for the
rows, and a test held the two equal. Now a resource declares its fields once, in its app's
``outputs.py`` (not inside ``api/``: webhook payloads use them too), and the table gives

- ``serializer(...)``: a ``ModelSerializer`` whose fields are the table's (the OpenAPI schema,
  and DRF's generic path, which tests still compare with the writer), whose
  ``to_representation`` is the writer's;
- ``write(rows)``: the rows' output, by a function compiled from the table, so it runs as
  fast as the dict literal that was written out by hand before.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.db.models.fields.files import FieldFile
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shop_ai.api.output import datetime_writer, decimal_string, media_url_writer

# A conversion is made once per write call (the time zone and the media base are looked up
# then, not per value) and gives the function applied to each value.
Conversion = Callable[["WriteContext"], Callable[[Any], Any]]
RowWriter = Callable[[dict[str, Any]], dict[str, Any]]
RowsWriter = Callable[[Iterable[dict[str, Any]]], list[dict[str, Any]]]


@dataclass(frozen=True)
class WriteContext:
    """What a write call knows: how to make a URL absolute, when there is a request."""

    absolute: Callable[[str], str] | None = None


def _datetime(ctx: WriteContext) -> Callable[[Any], Any]:
    return datetime_writer()


def _media_url(ctx: WriteContext) -> Callable[[Any], Any]:
    return media_url_writer(ctx.absolute)


def _float(ctx: WriteContext) -> Callable[[Any], Any]:
    return float


DATETIME: Conversion = _datetime  # as DRF's DateTimeField writes it
MEDIA_URL: Conversion = _media_url  # a storage name as DRF's FileField writes its URL
FLOAT: Conversion = _float  # as DRF's FloatField writes it


def decimal(exponent: Decimal) -> Conversion:
    """As DRF's DecimalField writes a column with ``exponent``'s places ("24.00").

    Text passes unchanged: it is a numeric column PostgreSQL already printed (``::text``
    prints numeric(p, s) with its s places, as DRF does).
    """

    def make(ctx: WriteContext) -> Callable[[Any], Any]:
        def write(value: Any) -> Any:
            if value.__class__ is str:
                return value
            return decimal_string(value, exponent)

        return write

    return make


@extend_schema_field({"type": "string", "nullable": True})
class MediaUrlField(serializers.FileField):
    """A file's URL, absolute when a request is in the context, or null without a file.

    Documented as a plain string: without a request (lists of products, webhook payloads)
    the URL is a path, which ``format: uri`` would call invalid.
    """

    def __init__(self, source: str) -> None:
        super().__init__(source=source, read_only=True)


@dataclass(frozen=True)
class Out:
    """One output field.

    ``schema``: the DRF field the serializer declares; None leaves it to ModelSerializer,
    which builds it from the model field named ``name``. ``column``: the row key the value
    is read from (default ``name``). ``write``: how a read value becomes output (default: as
    read). ``compute``: instead of one column, the value from the whole row, reading
    ``columns``. ``nested``: the value is a list of another table's rows; with
    ``prewritten`` the rows hold that list already written (by the database, say), and the
    table writes it only for an instance.
    """

    name: str
    schema: serializers.Field[Any, Any, Any, Any] | None = None
    column: str = ""
    write: Conversion | None = None
    compute: Callable[[dict[str, Any]], Any] | None = None
    columns: tuple[str, ...] = ()
    nested: OutputTable | None = None
    prewritten: bool = False

    @property
    def reads(self) -> tuple[str, ...]:
        if self.compute is not None:
            return self.columns
        return (self.column or self.name,)


@dataclass
class OutputTable:
    """A resource's output: its fields, in output order."""

    fields: Sequence[Out]
    _compiled: Callable[..., Any] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._compiled = _compile(self.fields)

    @property
    def columns(self) -> tuple[str, ...]:
        """The row keys the writer reads, each once, nested lists excluded."""
        names = [c for out in self.fields if out.nested is None for c in out.reads]
        return tuple(dict.fromkeys(names))

    @property
    def names(self) -> list[str]:
        return [out.name for out in self.fields]

    def writers(self, ctx: WriteContext) -> tuple[RowWriter, RowsWriter]:
        """The compiled (one row, all rows) writers for ``ctx``."""
        args = []
        for out in self.fields:
            if out.nested is not None and not out.prewritten:
                args.append(out.nested.writers(ctx)[0])
            elif out.compute is not None:
                args.append(out.compute)
            elif out.write is not None:
                args.append(out.write(ctx))
        one: RowWriter
        many: RowsWriter
        one, many = self._compiled(*args)
        return one, many

    def write(
        self, rows: Iterable[dict[str, Any]], *, absolute: Callable[[str], str] | None = None
    ) -> list[dict[str, Any]]:
        """The output of ``rows`` (dicts holding ``columns``, and nested lists of rows)."""
        return self.writers(WriteContext(absolute=absolute))[1](rows)

    def row_of(self, instance: Any) -> dict[str, Any]:
        """An instance as the row the writer reads (``a__b`` columns follow relations)."""
        row: dict[str, Any] = {}
        for out in self.fields:
            if out.nested is not None:
                children = [out.nested.row_of(c) for c in getattr(instance, out.name).all()]
                row[out.column or out.name] = (
                    out.nested.write(children) if out.prewritten else children
                )
                continue
            for column in out.reads:
                value = instance
                for part in column.split("__"):
                    value = getattr(value, part)
                row[column] = value.name if isinstance(value, FieldFile) else value
        return row

    def serializer(
        self, name: str, model: type[Model], *, doc: str = ""
    ) -> type[serializers.ModelSerializer[Any]]:
        """A read-only ModelSerializer with this table's fields, written by the writer."""
        table = self
        meta = type("Meta", (), {"model": model, "fields": self.names,
                                 "read_only_fields": self.names})  # fmt: skip

        def to_representation(self: serializers.ModelSerializer[Any], instance: Any) -> Any:
            request = self.context.get("request")
            absolute = request.build_absolute_uri if request is not None else None
            return table.write([table.row_of(instance)], absolute=absolute)[0]

        attrs: dict[str, Any] = {
            out.name: copy.deepcopy(out.schema) for out in self.fields if out.schema is not None
        }
        attrs.update(Meta=meta, to_representation=to_representation, __doc__=doc or None)
        attrs["__module__"] = model.__module__
        return type(name, (serializers.ModelSerializer,), attrs)


def _compile(fields: Sequence[Out]) -> Callable[..., Any]:
    """A factory of the table's writers, as Python source made from the table.

    The source holds only our own field names (``repr``'d) and argument names, nothing from
    a request. A generic loop over the fields costs about twice the hand-written dict literal
    per row, which on a list page is most of the writing; this is that literal.
    """
    params: list[str] = []
    items: list[str] = []
    for index, out in enumerate(fields):
        arg = f"f{index}"
        if out.prewritten:
            value = f"row[{out.column or out.name!r}]"
        elif out.nested is not None:
            params.append(arg)
            value = f"[{arg}(child) for child in row[{out.column or out.name!r}]]"
        elif out.compute is not None:
            params.append(arg)
            value = f"{arg}(row)"
        elif out.write is not None:
            params.append(arg)
            value = f"{arg}(row[{out.column or out.name!r}])"
        else:
            value = f"row[{out.column or out.name!r}]"
        items.append(f"{out.name!r}: {value}")
    body = "{" + ", ".join(items) + "}"
    source = (
        f"def make({', '.join(params)}):\n"
        f"    def one(row):\n        return {body}\n"
        f"    def many(rows):\n        return [{body} for row in rows]\n"
        f"    return one, many\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, "<output table>", "exec"), namespace)  # noqa: S102 - see docstring
    make: Callable[..., Any] = namespace["make"]
    return make
