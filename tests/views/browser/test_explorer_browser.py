"""The explorer in a real JupyterLab + Chromium: renders, clicks, expands, resists hostile names."""

from __future__ import annotations

import pytest

from tests.views.browser.conftest import open_notebook, run_all, screenshot, write_notebook
from tests.views.browser.seen import assert_readable

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HOSTILE = '<img src=x onerror="window.__pwned=1">'

SETUP = f'''
import pandas as pd, tracekit
rows = [dict(shipper_name="Alpha Chem Co", consignee_name=f"Buyer {{i}} SA", hs_code="293339",
             date=f"2023-0{{1 + i % 9}}-10", description="NPP", weight_kg=10) for i in range(12)]
rows += [dict(shipper_name={HOSTILE!r}, consignee_name="Alpha Chem Co", hs_code="293339",
              date="2023-01-01", description="=cmd|' /C calc'!A0", weight_kg=3)]
ws = tracekit.Workspace("explorer-ws")
if not ws.info().shipments:
    ws.load(pd.DataFrame(rows)); ws.resolve()
alpha = int(ws.search("Alpha Chem Co", 1).entity_id[0])
hostile = int(ws.search({HOSTILE!r}, 1).entity_id[0])
'''

SHOW = "ex = ws.show(alpha, limit=4)\nex"

CY = "document.querySelector('.tk-canvas').tkCy"


def _node_point(page, node_id: str) -> tuple[float, float]:
    return page.evaluate(
        f"""(id) => {{ const cy = {CY}; const p = cy.getElementById(id).renderedPosition();
                       const box = cy.container().getBoundingClientRect();
                       return [box.left + p.x, box.top + p.y]; }}""", node_id)


def test_explorer_renders_clicks_expands_and_never_runs_a_hostile_name(lab, browser):
    base, root = lab
    name = write_notebook(root, "explorer.ipynb", [SETUP, SHOW])
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{exc}\n{exc.stack}"))
    try:
        open_notebook(page, base, name)
        run_all(page)
        page.wait_for_function("() => { const c = document.querySelector('.tk-canvas');"
                               " return c && c.dataset.tkPainted; }", timeout=90_000)
        # alpha + its 4 busiest partners shown, the rest folded into one "more" node
        counts = page.evaluate(f"() => [{CY}.nodes().length, {CY}.nodes('[kind = \"more\"]').length]")
        assert counts == [6, 1]
        page.wait_for_timeout(200)
        assert_readable(page)  # what a person sees: every label drawn at ≥ 8 px, none overlapping
        alpha = page.evaluate("() => document.querySelector('.tk-canvas').tkCy.nodes('.seed').id()")
        # the hostile company is drawn as text on the canvas, never as markup
        labels = page.evaluate(f"() => {CY}.nodes().map(n => n.data('label'))")
        assert HOSTILE in labels

        x, y = _node_point(page, alpha)
        page.mouse.click(x, y)
        page.wait_for_function("() => document.querySelector('.tk-panel').innerText.includes('shipments')",
                               timeout=30_000)
        panel = page.locator(".tk-panel").inner_text()
        assert "Alpha Chem Co" in panel and "13 shipments" in panel and "Buyer 0 SA" in panel

        more = page.evaluate(f"() => {CY}.nodes('[kind = \"more\"]').id()")
        x, y = _node_point(page, more)
        page.mouse.click(x, y)
        page.wait_for_function(f"() => {CY}.nodes('[kind != \"more\"]').length > 5", timeout=30_000)
        page.wait_for_function(f"() => {CY}.nodes('[kind = \"more\"]').length == 0", timeout=30_000)
        shown = page.evaluate(f"() => {CY}.nodes().length")
        status = page.locator(".tk-explorer").inner_text()
        assert f"{shown} of {shown} nodes shown" in status  # every partner of alpha is now on the canvas

        hostile = page.evaluate(f"() => {CY}.nodes().filter(n => n.data('label').startsWith('<img')).id()")
        x, y = _node_point(page, hostile)
        page.mouse.click(x, y)  # also opens ipycytoscape's tooltip, which uses innerHTML
        page.wait_for_function("() => document.querySelector('.tk-panel').innerText.includes('onerror')",
                               timeout=30_000)
        assert HOSTILE in page.locator(".tk-panel").inner_text()
        page.wait_for_timeout(300)
        assert page.evaluate("() => window.__pwned") is None
        assert page.evaluate("() => document.querySelectorAll('img[src=\"x\"]').length") == 0
        screenshot(page, "explorer.png")
        assert_readable(page)  # after expanding: still readable
        assert errors == []  # none at all (the 'then' page error came from the widget manager, not tracekit)
    finally:
        screenshot(page, "explorer-final.png")
        page.close()
