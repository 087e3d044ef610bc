"""A saved notebook re-opened in a fresh JupyterLab session still shows its explorer's graph."""

from __future__ import annotations

import json
import time
import urllib.request

import pytest

from tests.views.browser.conftest import open_notebook, run_all, screenshot, write_notebook
from tests.views.browser.seen import assert_readable

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = '<img src=x onerror="window.__pwned=1">'

CELL = f'''
import networkx as nx
from tracekit.views.explorer import Explorer
G = nx.DiGraph()
G.add_node(1, label="Reopen Seed Chem", kind="company", tier=0)
for i, name in enumerate(["Supplier Uno", {HOSTILE!r}]):
    G.add_node(10 + i, label=name, kind="company", tier=-1)
    G.add_edge(10 + i, 1, kind="trade", shipments=5 - i)
G.add_node(20, label="Buyer Dos SA", kind="company", tier=1)
G.add_edge(1, 20, kind="trade", shipments=2)
Explorer(G, title="re-open check")
'''

LABELS = ["Reopen Seed Chem", "Supplier Uno", HOSTILE, "Buyer Dos SA"]
PAINTED = "() => { const c = document.querySelector('.tk-canvas'); return c && c.dataset.tkPainted; }"


def _shut_down_kernels(base: str) -> None:
    for session in json.loads(urllib.request.urlopen(f"{base}/api/sessions").read()):
        urllib.request.urlopen(urllib.request.Request(f"{base}/api/sessions/{session['id']}", method="DELETE"))


def _saved_with_state(path) -> dict:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        nb = json.loads(path.read_text())
        if "application/vnd.jupyter.widget-state+json" in nb["metadata"].get("widgets", {}):
            return nb
        time.sleep(0.3)
    raise AssertionError("JupyterLab saved the notebook without widget state: is saveState on?")


def test_reopened_notebook_restores_the_explorer_and_exports_its_svg(lab, browser):
    from tracekit.views.shared import export_html

    base, root = lab
    name = write_notebook(root, "reopen.ipynb", [CELL])
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        open_notebook(page, base, name)
        run_all(page)
        page.wait_for_function(PAINTED, timeout=90_000)
        page.keyboard.press("Control+s")
        saved = _saved_with_state(root / name)
    finally:
        page.close()
    _shut_down_kernels(base)

    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{exc}\n{exc.stack}"))
    try:
        open_notebook(page, base, name)  # a fresh lab session and a new kernel that knows no widget
        page.wait_for_function(PAINTED, timeout=60_000)
        labels = page.evaluate("() => document.querySelector('.tk-canvas').tkCy.nodes().map(n => n.data('label'))")
        assert sorted(labels) == sorted(LABELS)
        assert "model not found" not in page.locator(".jp-OutputArea-output").first.inner_text()
        assert page.evaluate("() => window.__pwned") is None
        page.wait_for_timeout(200)
        assert_readable(page)
        # the restored explorer cannot reach Python: it says so, and how to get a live one back
        page.wait_for_selector(".tk-explorer .tk-reconnect", timeout=10_000)
        note = page.locator(".tk-explorer .tk-reconnect").inner_text()
        assert "Not connected to a kernel" in note and "re-run this cell" in note
        screenshot(page, "reopened-explorer.png")
        run_all(page)  # re-running the cell gives a live explorer: no note
        page.wait_for_function("() => { const c = document.querySelector('.tk-canvas');"
                               " return c && c.dataset.tkPainted && !document.querySelector('.tk-reconnect'); }",
                               timeout=60_000)
        assert errors == []
    finally:
        page.close()

    # the same saved notebook, exported: the SVG with the same names (escaped), nothing from a CDN
    body = export_html(root / name)
    assert 'class="tracekit-graph"' in body and "Reopen Seed Chem" in body and "Buyer Dos SA" in body
    assert HOSTILE not in body and "unpkg" not in body and "jsdelivr" not in body
    assert saved["metadata"]["widgets"]  # the export dropped the state, the saved notebook keeps it
