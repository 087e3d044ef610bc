"""Benchmark: what exports cost on a bigger workspace, against DuckDB writing the bare table.

``python -m tests.benchmarks.bench_export [--quick] [--rows N]``

A demo world (seed 11, 200,000 rows; ``--quick``: 20,000) is generated, loaded and resolved once into
``bench-data/export/``. Each export then runs in its own process on the workspace opened read-only, so
its peak resident memory is its own. Figures, one JSON line each: seconds, rows per
second and peak memory added during the export (``VmHWM`` reset after opening) of ``ws.export`` for shipments (CSV, Parquet) and FollowTheMoney, and of the
entities CSV. Baseline, same run, same kind of process: DuckDB's own ``COPY shipments TO`` the same
format (CSV, Parquet; JSON lines for FtM) — the bare table, without the joins to entities, the flags,
the formula quoting or the FtM objects.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "bench-data" / "export"

_CHILD = r"""
import json, sys, time
import tracekit


def status(key):  # kB, from the kernel: VmHWM is the peak resident size, resettable through clear_refs
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1])

from tracekit.store import quote_literal
what, fmt, out, how = sys.argv[1:5]
ws = tracekit.Workspace(sys.argv[5], read_only=True)
ws.store.scalar("SELECT count(*) FROM shipments")
open("/proc/self/clear_refs", "w").write("5")  # reset the peak: measure the export alone
before = status("VmRSS")
start = time.perf_counter()
if how == "tracekit":
    rows = ws.export(what, out, fmt, progress=False).rows
else:
    options = {"csv": "FORMAT csv, HEADER true", "parquet": "FORMAT parquet", "jsonl": "FORMAT json"}[fmt]
    ws.store.execute(f"COPY (SELECT * FROM shipments) TO {quote_literal(out)} ({options})")
    rows = ws.store.scalar("SELECT count(*) FROM shipments")
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": rows, "peak_mb": (status("VmHWM") - before) / 1024}))
"""


def emit(**figure) -> None:
    print(json.dumps(figure, default=float), flush=True)


def _workspace(rows: int, seed: int = 11) -> Path:
    folder = OUT / f"seed{seed}-{rows}"
    ws_path = folder / "ws"
    if (folder / "ready").exists():
        return ws_path
    import shutil

    import tracekit
    from tracekit.demo import generate

    shutil.rmtree(folder, ignore_errors=True)
    generate(folder / "demo", rows=rows, seed=seed, progress=False)
    with tracekit.Workspace(ws_path) as ws:
        ws.load(str(folder / "demo" / "shipments-*.csv"), progress=False)
        ws.resolve(progress=False)
        ws.export("ftm", folder / "warm.jsonl", progress=False)  # graph tables, flags, risk and the FtM key
    (folder / "ready").write_text("")
    return ws_path


def _child(what: str, fmt: str, out: Path, how: str, ws: Path) -> dict:
    run = subprocess.run([sys.executable, "-c", _CHILD, what, fmt, str(out), how, str(ws)], capture_output=True,
                         text=True, check=True, cwd=REPO, env={"PYTHONPATH": str(REPO), "TQDM_DISABLE": "1",
                                                               "PATH": "/usr/bin:/bin"})
    return json.loads(run.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    rows = 20_000 if "--quick" in argv else 200_000
    if "--rows" in argv:
        rows = int(argv[argv.index("--rows") + 1])
    started = time.perf_counter()
    ws = _workspace(rows)
    emit(figure="export workspace ready", rows=rows, seconds=round(time.perf_counter() - started, 1))
    files = OUT / "files"
    files.mkdir(parents=True, exist_ok=True)
    for what, fmt in (("shipments", "csv"), ("shipments", "parquet"), ("ftm", "jsonl"), ("entities", "csv")):
        ours = _child(what, fmt, files / f"{what}.{fmt}", "tracekit", ws)
        base = _child("shipments", fmt, files / f"bare.{fmt}", "duckdb", ws)
        emit(figure=f"export {what} as {fmt}", rows=ours["rows"], seconds=round(ours["seconds"], 2),
             rows_per_s=round(ours["rows"] / ours["seconds"]), peak_mb=round(ours["peak_mb"]),
             bytes=(files / f"{what}.{fmt}").stat().st_size,
             baseline="duckdb COPY shipments (bare table), same format", baseline_rows=base["rows"],
             baseline_seconds=round(base["seconds"], 2), baseline_peak_mb=round(base["peak_mb"]))


if __name__ == "__main__":
    main()
