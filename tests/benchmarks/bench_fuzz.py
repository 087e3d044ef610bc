"""Fuzz benchmark: N hypothesis-generated delimited files through ``ws.load``, the invariant on each.

Figure (one JSON line): ``files_checked`` with ``failures`` (must be 0: every file ends in a
TracekitError with one clear message, or a load where read = loaded + quarantined and every line is
accounted for; see ``tests/hardening/fuzzcsv.py``), the outcomes, and files per second. Baseline, on the
same files in the same run: ``pandas.read_csv(dtype=str)``, counting the files it answers with an
exception (a traceback for a user) instead of a table.

Run: ``python -m tests.benchmarks.bench_fuzz [--quick] [--examples N]`` (default 10,000; --quick 500).
"""

from __future__ import annotations

import argparse
import collections
import json
import shutil
import tempfile
import time
import traceback
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings

from tests.hardening.fuzzcsv import GeneratedFile, check_load, generated_files


def run(examples: int) -> dict:
    import pandas as pd

    import tracekit

    ws = tracekit.Workspace()
    folder = Path(tempfile.mkdtemp(prefix="tracekit-fuzz-"))
    outcomes: collections.Counter = collections.Counter()
    failures: list[str] = []
    pandas_errors = 0
    pandas_seconds = 0.0

    @settings(max_examples=examples, deadline=None, phases=[Phase.generate], database=None,
              suppress_health_check=list(HealthCheck))
    @given(generated=generated_files())
    def one(generated: GeneratedFile) -> None:
        nonlocal pandas_errors, pandas_seconds
        try:
            outcomes[check_load(ws, generated, folder).kind] += 1
        except Exception:  # noqa: BLE001 - a broken invariant is this benchmark's finding
            outcomes["failed"] += 1
            if len(failures) < 5:
                failures.append(f"{generated.name} {generated.data[:120]!r}: {traceback.format_exc()[-600:]}")
        started = time.perf_counter()
        try:
            pd.read_csv(folder / generated.name, dtype=str, sep=None, engine="python")
        except Exception:  # noqa: BLE001 - counting the baseline's tracebacks
            pandas_errors += 1
        pandas_seconds += time.perf_counter() - started

    started = time.perf_counter()
    one()
    seconds = time.perf_counter() - started - pandas_seconds
    ws.close()
    shutil.rmtree(folder, ignore_errors=True)
    return {"outcomes": dict(outcomes), "failures": failures, "seconds": seconds, "pandas_errors": pandas_errors,
            "files": sum(outcomes.values())}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--examples", type=int, default=None)
    args = parser.parse_args(argv)
    examples = args.examples or (500 if args.quick else 10_000)
    result = run(examples)
    files = result["files"]
    print(json.dumps({
        "bench": "fuzz", "figure": "files_checked", "value": files,
        "failures": result["outcomes"].get("failed", 0), "outcomes": result["outcomes"],
        "files_per_s": round(files / result["seconds"], 1) if result["seconds"] else None,
        "baseline": "pandas.read_csv(dtype=str, sep=None) on the same files: files answered with an exception",
        "baseline_value": result["pandas_errors"],
        "target": "0 failures (every file a clear TracekitError or a reconciled load)",
        "met": result["outcomes"].get("failed", 0) == 0,
    }), flush=True)
    for failure in result["failures"]:
        print("# " + failure.replace("\n", "\n# "), flush=True)


if __name__ == "__main__":
    main()
