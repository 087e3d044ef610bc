"""Benchmark: seconds per brief, and how much of it is the kernel papermill starts.

``python -m tests.benchmarks.bench_brief [--quick] [--rows N] [--seed S]``

A demo world (default 20,000 rows, seed 7; ``--quick``: 5,000) is generated, loaded, resolved and
screened against its fictional list; then the riskiest company is briefed three times (the median is
reported). Baseline, same run: papermill running a two-cell notebook (parameters + ``import tracekit``)
in the same kind of kernel — what any papermill-based brief pays before it computes anything.

Figures, one JSON line each: brief seconds (median of 3), baseline seconds (median of 3), HTML size.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "bench-data" / "brief"


def emit(**figure) -> None:
    print(json.dumps(figure, default=float), flush=True)


def _world(seed: int, rows: int) -> Path:
    out = OUT / f"seed{seed}-{rows}"
    if not (out / "truth.json").exists():
        subprocess.run([sys.executable, "-m", "tracekit", "demo", "--rows", str(rows), "--seed", str(seed),
                        "--out", str(out), "--no-progress"], check=True, capture_output=True)
    return out


def _baseline(folder: Path) -> float:
    import papermill

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("workspace = None", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import tracekit")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    source = folder / "baseline.ipynb"
    nbformat.write(nb, source)
    started = time.perf_counter()
    papermill.execute_notebook(str(source), str(folder / "baseline-out.ipynb"), parameters={"workspace": "x"},
                               kernel_name="python3", progress_bar=False)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    rows = 5_000 if "--quick" in argv else 20_000
    seed = 7
    if "--rows" in argv:
        rows = int(argv[argv.index("--rows") + 1])
    if "--seed" in argv:
        seed = int(argv[argv.index("--seed") + 1])
    import tracekit
    from tracekit.demo.sanctions import SANCTIONS_FILE

    world = _world(seed, rows)
    with tempfile.TemporaryDirectory(prefix="bench-brief-") as tmp:
        tmp = Path(tmp)
        ws = tracekit.Workspace(tmp / "ws")
        ws.load([str(p) for p in sorted(world.glob("shipments-*.csv"))], progress=False)
        ws.resolve(progress=False)
        ws.screen_lists.add(world / SANCTIONS_FILE, name="fictional")
        top = int(ws.risk(top=1).to_frame()["entity_id"].iloc[0])
        briefs, bases, size = [], [], 0
        for k in range(3):
            result = ws.brief(top, out=tmp / f"brief-{k}.html")
            briefs.append(result.seconds)
            size = result.html_path.stat().st_size
            bases.append(_baseline(tmp))
        ws.close()
    emit(figure="brief seconds (median of 3)", rows=rows, seed=seed, value=round(statistics.median(briefs), 2),
         baseline=round(statistics.median(bases), 2), baseline_is="papermill: parameters + import tracekit")
    emit(figure="brief HTML bytes", rows=rows, seed=seed, value=size)


if __name__ == "__main__":
    main()
