"""Hostile-file corpus against its time and memory budget: prints JSON.

Runs tests/attack/test_hostile_corpus.py (zip bomb and slip, pixel flood, billion laughs,
XXE, SSRF URLs and redirects, formula cells, GBK under a UTF-8 declaration, ...) with
SHOP_AI_HOSTILE_USAGE_REPORT set, so each item records its wall time and peak memory, and
judges each against the issue's budget: rejected within 2 s and 256 MB. The tests assert
the outcome and the memory; wall time is judged only here, on a machine left alone.

    .venv/bin/python bench/bench_hostile.py

Uses the database and Redis of the environment, as the test suite does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The budget per hostile item (the tests assert the memory half of it too).
BUDGET_SECONDS = 2.0
BUDGET_MIB = 256


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "usage.jsonl"
        env = {**os.environ, "SHOP_AI_HOSTILE_USAGE_REPORT": str(report)}
        tests = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
             "tests/attack/test_hostile_corpus.py"],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        items = (
            [json.loads(line) for line in report.read_text().splitlines()]
            if (report.exists())
            else []
        )
    budget_mib = BUDGET_MIB
    over = [
        item
        for item in items
        if item["seconds"] >= BUDGET_SECONDS
        or max(item["traced_peak_mib"], item.get("rss_growth_mib", 0)) >= budget_mib
    ]
    summary = {
        "tests_passed": tests.returncode == 0,
        "tests_tail": tests.stdout.strip().splitlines()[-1:] if tests.stdout else [],
        "items_measured": len(items),
        "budget": {"seconds": BUDGET_SECONDS, "mib": budget_mib},
        "max_seconds": max((i["seconds"] for i in items), default=None),
        "max_traced_peak_mib": max((i["traced_peak_mib"] for i in items), default=None),
        "max_rss_growth_mib": max((i.get("rss_growth_mib", 0) for i in items), default=None),
        "over_budget": over,
        "items": items,
    }
    print(json.dumps(summary, indent=2))
    return 0 if summary["tests_passed"] and not over else 1


if __name__ == "__main__":
    raise SystemExit(main())
