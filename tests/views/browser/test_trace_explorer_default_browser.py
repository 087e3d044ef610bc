"""Explorable by default, in a real JupyterLab + Chromium: a `%tk trace` cell shows the explorer canvas,
and `--static` shows the SVG instead."""

from __future__ import annotations

import pytest

from tests.views.browser.conftest import open_notebook, run_all, screenshot, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SETUP = '''
import pandas as pd, tracekit
rows = [dict(shipper_name="Alpha Chem Co", consignee_name=f"Buyer {i} SA", hs_code="293339",
             date=f"2023-0{1 + i % 9}-10", description="NPP", weight_kg=10) for i in range(5)]
rows += [dict(shipper_name="Buyer 0 SA", consignee_name="Delta Labs SA", hs_code="293339",
              date="2023-11-01", description="NPP", weight_kg=3)]
with tracekit.Workspace("trace-ws") as ws:
    if not ws.info().shipments:
        ws.load(pd.DataFrame(rows), progress=False); ws.resolve(progress=False)
%load_ext tracekit
%tk use trace-ws
'''

TRACE = '%tk trace "Alpha Chem Co" --hops 2 -o t'
STATIC = '%tk trace "Alpha Chem Co" --hops 2 --static'
CHECK = 'print("rows", len(t.to_frame()), "nodes", t.graph.number_of_nodes())'

CY = "document.querySelector('.tk-canvas').tkCy"


def test_trace_cell_shows_an_explorer_and_static_shows_the_svg(lab, browser):
    base, root = lab
    name = write_notebook(root, "trace-default.ipynb", [SETUP, TRACE, STATIC, CHECK])
    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    try:
        open_notebook(page, base, name)
        run_all(page)
        page.wait_for_function("() => { const c = document.querySelector('.tk-canvas');"
                               " return c && c.dataset.tkPainted; }", timeout=120_000)
        page.wait_for_function("() => document.body.innerText.includes('rows 6 nodes 7')", timeout=60_000)
        cells = page.locator(".jp-Notebook .jp-Cell")
        trace_cell, static_cell = cells.nth(1), cells.nth(2)
        # the trace cell: one explorer (canvas with the seed and its 6 partners) and its table under it
        assert trace_cell.locator(".tk-explorer .tk-canvas").count() == 1
        assert page.evaluate(f"() => {CY}.nodes().length") == 7
        assert trace_cell.locator(".tk-result details").count() == 1
        # --static: the SVG drawing and the table, no widget
        assert static_cell.locator(".tk-canvas").count() == 0
        assert static_cell.locator(".jp-OutputArea-output svg").count() >= 1
        assert "trace: buyers of Alpha Chem Co" in static_cell.inner_text()
    finally:
        screenshot(page, "trace-explorer-default.png")
        page.close()
