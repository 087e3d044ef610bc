"""Explorer rendering in a real JupyterLab + Chromium: from cell execution to painted canvas.

Figures (one JSON line each), measured in the same run as their baseline, ipycytoscape's own
``add_graph_from_networkx`` (one widget per element):

* ``trace_500_ms``: a 500-element trace (200 nodes, 300 edges) — target ≤ 2,000 ms;
* ``overview_5000_ms``: a 5,000-element overview (2,000 nodes, 3,000 edges) — target ≤ 5,000 ms.

"Painted" means cytoscape holds every element, the layout has stopped and two animation frames have
passed. ``--quick`` measures the 500-element figure only.

    .venv/bin/python -m tests.benchmarks.bench_browser [--quick]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from tests.views.browser.conftest import CHROMIUM, chromium, open_notebook, running_lab, write_notebook

SETUP = '''
import networkx as nx, ipycytoscape
from tracekit.views.explorer import Explorer

def world(nodes, edges, seed=1):
    G = nx.gnm_random_graph(nodes, edges, seed=seed, directed=True)
    for n in G:
        G.nodes[n].update(label=f"Company {n}", kind="company", tier=n % 5 - 2, country="CN", risk=None)
    for u, v in G.edges:
        G.edges[u, v].update(kind="trade", shipments=1 + (u + v) % 7)
    return G
'''
EXPLORER = "Explorer(world({n}, {e}), max_nodes={n})"
BASELINE = ("w = ipycytoscape.CytoscapeWidget(); w.cytoscape_layout = {{'name': 'grid'}}\n"
            "w.graph.add_graph_from_networkx(world({n}, {e}), directed=True); w")

PAINTED_EXPLORER = """(expected) => {
  const c = [...document.querySelectorAll('.tk-canvas')].pop();
  if (!c || !c.tkCy || !c.dataset.tkPainted || c.tkCy.elements().length < expected) return false;
  window.__tk_done = performance.now(); return true; }"""
PAINTED_BASELINE = """(expected) => {
  const c = [...document.querySelectorAll('.custom-widget:not(.tk-canvas)')].pop();
  const cy = c && c._cyreg && c._cyreg.cy;
  if (!cy || cy.elements().length < expected) return false;
  if (!window.__tk_seen) { window.__tk_seen = true;
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__tk_done = performance.now(); })); }
  return window.__tk_done !== undefined; }"""


def _time_cell(page, source_index: int, check: str, expected: int, timeout_s: float) -> float:
    """Execute cell ``source_index``; milliseconds until ``check`` holds (``inf`` on timeout)."""
    page.evaluate("() => { delete window.__tk_done; delete window.__tk_seen; }")
    page.locator(".jp-Notebook .jp-Cell").nth(source_index).click()
    page.keyboard.press("Escape")
    started = page.evaluate("performance.now()")
    page.keyboard.press("Control+Enter")
    try:
        page.wait_for_function(check, arg=expected, timeout=timeout_s * 1000, polling="raf")
    except Exception:  # noqa: BLE001 - a timeout is a measured result, reported as inf
        return float("inf")
    page.wait_for_function("() => window.__tk_done !== undefined", timeout=10_000)
    return page.evaluate("() => window.__tk_done") - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench_browser")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(json.dumps({"bench": "browser", "skipped": "/usr/bin/chromium is missing"}))
        return 0
    sizes = [("trace_500_ms", 200, 300, 2000)] + ([] if args.quick else [("overview_5000_ms", 2000, 3000, 5000)])
    cells = [SETUP]
    for _name, n, e, _target in sizes:
        cells += [EXPLORER.format(n=n, e=e), BASELINE.format(n=n, e=e)]
    Path("bench-data").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir="bench-data") as folder, running_lab(Path(folder)) as (base, root), \
            chromium() as browser:
        name = write_notebook(root, "bench.ipynb", cells)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_notebook(page, base, name)
        page.locator(".jp-Notebook .jp-Cell").first.click()
        page.keyboard.press("Escape")
        page.keyboard.press("Control+Enter")
        page.wait_for_timeout(500)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
        for i, (figure, n, e, target) in enumerate(sizes):
            value = _time_cell(page, 1 + 2 * i, PAINTED_EXPLORER, n + e, 60)
            time.sleep(0.5)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=120_000)
            baseline = _time_cell(page, 2 + 2 * i, PAINTED_BASELINE, n + e, 180)
            page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=300_000)
            print(json.dumps({
                "bench": "browser", "figure": figure, "value": round(value),
                "baseline": "ipycytoscape add_graph_from_networkx (one widget per element)",
                # a baseline that never painted within its 180 s budget is reported as that budget
                "baseline_value": 180_000 if baseline == float("inf") else round(baseline),
                "baseline_timed_out": baseline == float("inf"),
                "target": f"<= {target} ms from cell execution to painted canvas",
                "met": value <= target}), flush=True)
        page.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
