"""Fuzz the catalog parsers for a long time with the strategies of tests/attack/.

Each round runs every strategy (raw bytes, CSV/TSV, XML, JSON, ZIP) for a batch of fresh
random examples. An example fails when parse_catalog raises anything but CatalogFileError,
or returns records that break validation's promises. Failures are collected, not raised,
so one bug does not end the run; the same kind of failure (exception type and where it was
raised) is kept once, with the first input that showed it.

Prints one JSON object: {"minutes", "seconds", "examples", "by_strategy", "failures": [...]}.
Exits 1 when there are failures.
Usage: python bench/fuzz_parsers.py [--minutes 10] [--batch 200] [--strategy csv] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from hypothesis import HealthCheck, Phase, given, seed, settings

from tests.attack.parser_strategies import STRATEGIES, Upload, check_parse


def _signature(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    return f"{type(error).__name__} at {where}"


def run(minutes: float, batch: int, names: list[str], first_seed: int) -> dict[str, object]:
    deadline = time.monotonic() + minutes * 60
    started = time.monotonic()
    counts = dict.fromkeys(names, 0)
    failures: dict[str, dict[str, object]] = {}
    rng = random.Random(first_seed)

    def record(name: str, upload: Upload) -> None:
        counts[name] += 1
        try:
            check_parse(upload)
        except Exception as error:  # every other exception is a finding
            key = _signature(error)
            entry = failures.setdefault(
                key,
                {
                    "signature": key,
                    "strategy": name,
                    "error": f"{type(error).__name__}: {error}"[:500],
                    "input": repr(upload)[:1200],
                    "traceback": traceback.format_exc(limit=-6)[-3000:],
                    "count": 0,
                },
            )
            entry["count"] = int(str(entry["count"])) + 1

    def batch_for(name: str) -> None:
        # Only generation: shrinking needs a raising test, and failures are kept instead.
        @seed(rng.getrandbits(64))
        @settings(
            max_examples=batch,
            deadline=None,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(STRATEGIES[name])
        def fuzz(upload: Upload) -> None:
            record(name, upload)

        fuzz()

    while time.monotonic() < deadline:
        for name in names:
            if time.monotonic() >= deadline:
                break
            batch_for(name)
    return {
        "minutes": minutes,
        "seconds": round(time.monotonic() - started, 1),
        "examples": sum(counts.values()),
        "by_strategy": counts,
        "failures": list(failures.values()),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--batch", type=int, default=200, help="examples per strategy per round")
    parser.add_argument("--strategy", choices=sorted(STRATEGIES), action="append")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    first_seed = args.seed if args.seed is not None else random.SystemRandom().getrandbits(32)
    report = run(args.minutes, args.batch, args.strategy or list(STRATEGIES), first_seed)
    report["seed"] = first_seed
    print(json.dumps(report, indent=2))
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
