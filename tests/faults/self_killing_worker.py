"""A real Celery worker in which the copy stage of one product (SKU in FAULTS_DOOMED_SKU)
SIGKILLs its own process, every time: the fault no retry can fix.

Test-only: the fault is patched in here, before the worker starts; production code has no
switch for it. Run as ``python -m tests.faults.self_killing_worker <celery worker args>``.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from content import services

    doomed = os.environ["FAULTS_DOOMED_SKU"]
    real = services.run_stage_outputs

    def run_stage_outputs(stage: str, ctx: Any) -> Any:
        if ctx.sku == doomed:
            # What an out-of-memory kill or a segfault in a native library looks like.
            os.kill(os.getpid(), signal.SIGKILL)
        return real(stage, ctx)

    # The pool's children are forked from this process and inherit the patch.
    services.run_stage_outputs = run_stage_outputs
    from config.celery import app

    app.worker_main(["worker", *sys.argv[1:]])


if __name__ == "__main__":
    main()
