"""Benchmark: what "explorable by default" costs the kernel when a graph result is displayed.

``python -m tests.benchmarks.bench_display [--quick] [--rows N] [--seed S]``

A demo world (20,000 rows, seed 5 by default) is generated, loaded and resolved. For a trace (the
largest 3-hop trace among the 30 busiest shippers), a 2-hop neighbourhood of the busiest shipper
(50 partners each), communities and flags, the time for IPython's display formatter to build the
output is measured (median of 3) with the explorer display installed: the explorer widget, its table and
the static SVG/HTML. Baseline, same run: the static bundle alone (what a result displayed before issue
11, and what ``--static`` gives). The browser side (cell to painted canvas) is ``bench_browser``.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _emit(figure: str, value: float, baseline_value: float, **extra) -> None:
    print(json.dumps({"bench": "display", "figure": figure, "value": value,
                      "baseline": "static bundle alone (same result, same run)", "baseline_value": baseline_value,
                      "unit": "s", **extra}), flush=True)


def _median(action, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    quick = "--quick" in argv
    rows = int(argv[argv.index("--rows") + 1]) if "--rows" in argv else (5_000 if quick else 20_000)
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 5
    from IPython.core.interactiveshell import InteractiveShell

    import tracekit
    from tracekit.demo import generate
    from tracekit.views.result_display import install

    with tempfile.TemporaryDirectory(prefix="tracekit-bench-display-") as tmp:
        folder = Path(tmp)
        generate(folder / "data", rows=rows, seed=seed, progress=False)
        ws = tracekit.Workspace(folder / "ws")
        ws.load(sorted(str(p) for p in (folder / "data").glob("shipments-*.csv")), progress=False)
        ws.resolve(progress=False)
        ws.graph()
        shell = InteractiveShell.instance()
        install(shell, live=True)
        busiest = ws.sql("SELECT src, count(DISTINCT dst) AS n FROM graph_trade GROUP BY src "
                         "ORDER BY n DESC, src LIMIT 30")["src"].astype("int64").tolist()
        traces = [ws.trace(s, direction="both", hops=3) for s in busiest]
        largest = max(traces, key=lambda r: r.graph.number_of_nodes() + r.graph.number_of_edges())
        for label, result in (("trace, 3 hops both ways", largest),
                              ("neighbourhood, 2 hops, 50 partners each", ws.neighbourhood(busiest[0], 2, 50)),
                              ("communities", ws.communities()), ("flags", ws.flags())):
            elements = result.graph.number_of_nodes() + result.graph.number_of_edges()
            static = _median(lambda r=result: r._repr_mimebundle_())
            live = _median(lambda r=result: shell.display_formatter.format(r))
            _emit(f"display: {label}", live, static, elements=elements, rows=rows, seed=seed)
        ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
