"""What keeping the explorer readable costs: the Python build and the in-page label passes.

Figures (one JSON line each) for bench_browser's worlds (200 nodes / 300 edges and 2,000 / 3,000):

* ``explorer_build_ms``: ``Explorer(graph)`` in Python (capping, tier layout, hover text, elements),
  best of 5; baseline in the same run: the static SVG of the same graph, which every result draws;
* ``overlap_pass_ms`` / ``label_size_ms`` (in Chromium): deciding which labels fit, and setting every
  label's size for a new zoom; best of 5 after the first paint.

    .venv/bin/python -m tests.benchmarks.bench_readable
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from tests.benchmarks.bench_browser import SETUP
from tests.views.browser.conftest import (
    CHROMIUM,
    chromium,
    open_notebook,
    run_all,
    running_lab,
    write_notebook,
)

SIZES = ((200, 300), (2000, 3000))

IN_PAGE = """() => Array.from(document.querySelectorAll('.tk-canvas')).map(c => {
  const cy = c.tkCy, overlap = [], size = [];
  for (let i = 0; i < 5; i++) { const t = performance.now(); c.tkReadable(); overlap.push(performance.now() - t); }
  for (let i = 0; i < 5; i++) {
    const t = performance.now(); cy.nodes().style('font-size', 11 / cy.zoom() + i * 0.01); size.push(performance.now() - t);
  }
  return {elements: cy.elements().length, overlap: Math.min(...overlap), size: Math.min(...size)}; })"""


def _best(action, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def main() -> int:
    namespace: dict = {}
    exec(SETUP, namespace)  # noqa: S102 - bench_browser's own world builder, the same graphs as its figures
    from tracekit.graph.draw import to_svg
    from tracekit.views.explorer import Explorer

    for nodes, edges in SIZES:
        graph = namespace["world"](nodes, edges)
        build = _best(lambda graph=graph, nodes=nodes: Explorer(graph, max_nodes=nodes))

        svg = _best(lambda graph=graph, nodes=nodes: to_svg(graph, max_nodes=nodes))
        print(json.dumps({"bench": "readable", "figure": "explorer_build_ms", "elements": nodes + edges,
                          "value": round(build), "baseline": "static SVG of the same graph (every result draws it)",
                          "baseline_value": round(svg)}), flush=True)
    if not CHROMIUM.exists():
        print(json.dumps({"bench": "readable", "skipped": "/usr/bin/chromium is missing"}))
        return 0
    cells = [SETUP] + [f"Explorer(world({n}, {e}), max_nodes={n})" for n, e in SIZES]
    with tempfile.TemporaryDirectory() as folder, running_lab(Path(folder)) as (base, root), chromium() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_notebook(page, base, write_notebook(root, "readable.ipynb", cells))
        run_all(page)
        page.wait_for_function(f"() => document.querySelectorAll('.tk-canvas[data-tk-painted]').length >= {len(SIZES)}",
                               timeout=300_000)
        page.wait_for_timeout(1000)
        for row in page.evaluate(IN_PAGE):
            for figure, key in (("overlap_pass_ms", "overlap"), ("label_size_ms", "size")):
                print(json.dumps({"bench": "readable", "figure": figure, "elements": row["elements"],
                                  "value": round(row[key], 1)}), flush=True)
        page.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
