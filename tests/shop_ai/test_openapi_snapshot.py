"""The published API contract changes only on purpose: ``make schema`` refreshes the snapshot."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.management import call_command

SNAPSHOT = Path(__file__).resolve().parent.parent / "snapshots" / "openapi.yaml"


def test_openapi_schema_matches_snapshot(tmp_path: Path) -> None:
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    assert generated.read_text() == SNAPSHOT.read_text(), (
        "The OpenAPI schema changed. If that is intended, run `make schema` and commit it."
    )


def test_every_operation_documents_its_errors_in_the_one_error_shape() -> None:
    schema = yaml.safe_load(SNAPSHOT.read_text())
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            errors = {k: v for k, v in operation["responses"].items() if k.startswith("4")}
            assert {"401", "403", "429"} <= set(errors), (method, path)
            for answer in errors.values():
                assert answer["content"]["application/json"]["schema"] == error
                assert answer["description"].startswith("Error codes:\n- `")
    approve = schema["paths"]["/api/v1/assets/{id}/approve/"]["post"]["responses"]
    assert "`findings_unchecked`" in approve["400"]["description"]
    assert "`superseded`" in approve["409"]["description"]
    assert (
        "`sku_taken`"
        in schema["paths"]["/api/v1/products/"]["post"]["responses"]["409"]["description"]
    )
