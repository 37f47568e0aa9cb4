"""trust/ is plain Python: importing every module of it loads neither Django nor an app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("django", "rest_framework", "shop_ai", "catalog", "content", "livestream", "webhooks")

# Run in a fresh interpreter: this test process has Django loaded by pytest-django already.
PROBE = f"""
import importlib, pkgutil, sys
import trust
names = [m.name for m in pkgutil.walk_packages(trust.__path__, "trust.")]
assert names, "no trust modules found"
for name in names:
    importlib.import_module(name)
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set({FORBIDDEN!r}))
assert not loaded, f"trust imported {{loaded}}"
print(len(names))
"""


def test_every_trust_module_imports_without_django_or_an_app():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    # grounding, compliance, findings, labels, watermark, content_credentials, review_marks
    assert int(result.stdout) >= 7
