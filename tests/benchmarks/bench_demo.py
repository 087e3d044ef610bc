"""Benchmark: demo world generation speed and memory (``python -m tests.benchmarks.bench_demo [--quick]``).

Each size runs in a fresh interpreter so its peak memory is its own. The baseline is the obvious way to
write such a dataset, a Python loop that draws every field per row and hands it to ``csv.writer``,
measured in the same run on a 100k-row sample.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "bench-data" / "demo"
TARGET_ROWS_PER_S = 1e5
TARGET_PEAK_GB = 6.0

_CHILD = """
import json, resource, sys, time
from tracekit.demo import generate
rows, out = int(sys.argv[1]), sys.argv[2]
started = time.perf_counter()
summary = generate(out, rows=rows, seed=7, progress=False)
print(json.dumps({"seconds": time.perf_counter() - started,
                  "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
                  "bytes": sum(summary.files.values())}))
"""


def _run(rows: int) -> dict:
    out = OUT / f"rows-{rows}"
    shutil.rmtree(out, ignore_errors=True)
    done = subprocess.run([sys.executable, "-c", _CHILD, str(rows), str(out)], cwd=REPO, check=True,
                          capture_output=True, text=True, timeout=1800)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _baseline(rows: int = 100_000) -> float:
    """Rows per second of a per-row Python generator writing a comparable 20-column CSV."""
    rng = random.Random(7)
    names = [f"COMPANY {i} TRADING CO LTD" for i in range(5_000)]
    addresses = [f"NO. {i} INDUSTRIAL ROAD, SHANGHAI 200000, CHINA" for i in range(5_000)]
    path = OUT / "baseline.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        for i in range(rows):
            s, c = rng.randrange(5_000), rng.randrange(5_000)
            writer.writerow([i, f"2022-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", names[s], addresses[s],
                             f"+86 21 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}", names[c], addresses[c],
                             names[c], f"{rng.randint(2801, 9999)}{rng.randint(10, 99)}", "CHEMICAL PRODUCTS",
                             round(rng.uniform(100, 25000), 1), "KG", rng.randint(1, 400), "CTN", "SHANGHAI",
                             "Los Angeles, California", "SHANGHAI", "OCEAN STAR", "ABCD",
                             f"ABCU{rng.randint(0, 9999999):07d}"])
    return rows / (time.perf_counter() - started)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    sizes = [200_000] if "--quick" in argv else [1_000_000, 10_000_000]
    baseline = _baseline(20_000 if "--quick" in argv else 100_000)
    for rows in sizes:
        result = _run(rows)
        speed = rows / result["seconds"]
        label = f"{rows // 1_000_000}M" if rows >= 1_000_000 else f"{rows // 1000}k"
        print(json.dumps({"bench": "demo", "figure": f"rows_per_s_{label}", "value": round(speed),
                          "baseline": "python per-row csv.writer loop", "baseline_value": round(baseline),
                          "target": f">= {TARGET_ROWS_PER_S:.0e} rows/s", "met": speed >= TARGET_ROWS_PER_S,
                          "seconds": round(result["seconds"], 1), "gb_written": round(result["bytes"] / 1e9, 2)}),
              flush=True)
        print(json.dumps({"bench": "demo", "figure": f"peak_rss_gb_{label}", "value": round(result["peak_gb"], 2),
                          "baseline": None, "baseline_value": None, "target": f"<= {TARGET_PEAK_GB} GB",
                          "met": result["peak_gb"] <= TARGET_PEAK_GB}), flush=True)


if __name__ == "__main__":
    main()
