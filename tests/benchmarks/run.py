"""Run every benchmark module (``make bench``); pass ``--quick`` for a smoke run.

Each ``bench_*.py`` module has ``main(argv)`` and prints one JSON line per figure, with the baseline
measured in the same run. This runner only sequences them so one failing benchmark does not hide the
others' figures.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import time
import traceback

import tests.benchmarks as package


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    only = [a for a in argv if not a.startswith("-")]
    flags = [a for a in argv if a.startswith("-")]
    failed = 0
    for module in sorted(m.name for m in pkgutil.iter_modules(package.__path__)):
        if not module.startswith("bench_") or (only and module.removeprefix("bench_") not in only):
            continue
        started = time.perf_counter()
        print(f"# {module}", file=sys.stderr, flush=True)
        try:
            importlib.import_module(f"tests.benchmarks.{module}").main(flags)
        except Exception:  # keep going: one broken benchmark must not hide the other figures
            failed += 1
            traceback.print_exc()
        print(f"# {module} took {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
