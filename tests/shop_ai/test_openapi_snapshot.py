"""The published API contract changes only on purpose: ``make schema`` refreshes the snapshot."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command

SNAPSHOT = Path(__file__).resolve().parent.parent / "snapshots" / "openapi.yaml"


def test_openapi_schema_matches_snapshot(tmp_path: Path) -> None:
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")
    assert generated.read_text() == SNAPSHOT.read_text(), (
        "The OpenAPI schema changed. If that is intended, run `make schema` and commit it."
    )
