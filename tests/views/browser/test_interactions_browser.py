"""No page error anywhere an analyst goes: `%tk show`, every layout and colour mode, clicks on nodes, edges
and the background, double-click expansion, filters, search. (Issue 11: every explorer used to raise
"Cannot read properties of undefined (reading 'then')": the widget manager built a child view from the
feeder's ``layout`` dict; see tests/views/test_frontend_pins.py.)"""

from __future__ import annotations

import pytest

from tests.views.browser.conftest import open_notebook, run_all, screenshot, write_notebook
from tests.views.browser.seen import canvas_labels
from tests.views.browser.test_readable_browser import SETUP, _click
from tracekit.views.canvas import LAYOUTS
from tracekit.views.elements import COLOUR_MODES

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MAGIC = "ws.close()\n%load_ext tracekit\n%tk use interact-ws\n%tk show 'ALPHA CHEM CO' --hops 2"

CY = "document.querySelector('.tk-canvas').tkCy"


def _menu(page, label: str):
    return page.locator(f".tk-explorer .widget-dropdown:has(label:text-is('{label}')) select")


def _still_readable(page, where: str) -> None:
    page.wait_for_timeout(1500)  # the layout runs, then overlaps are re-checked once the zoom settles
    [report] = canvas_labels(page)
    assert report["labelled"] > 0 and report["min_px"] >= 8 and report["overlaps"] == 0, (where, report)


def test_no_page_error_anywhere_an_analyst_goes(lab, browser):
    base, root = lab
    name = write_notebook(root, "interact.ipynb", [SETUP.replace("readable-ws", "interact-ws"), MAGIC])
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{exc}\n{exc.stack}"))
    try:
        open_notebook(page, base, name)
        run_all(page)
        page.wait_for_function("() => { const c = document.querySelector('.tk-canvas');"
                               " return c && c.dataset.tkPainted; }", timeout=120_000)
        _still_readable(page, "%tk show")
        for layout in list(LAYOUTS)[1:] + ["tiers"]:
            _menu(page, "layout").select_option(layout)
            _still_readable(page, layout)
            headings = page.locator(".tk-tier-heading").count()
            assert (headings > 0) == (layout == "tiers"), layout  # headings only where tiers are columns
        for mode in COLOUR_MODES:
            _menu(page, "colour").select_option(mode)
            page.wait_for_timeout(200)
        page.locator(".tk-canvas").evaluate("c => c.scrollIntoView({block: 'center'})")
        page.wait_for_timeout(300)
        box = page.locator(".tk-canvas").bounding_box()
        page.mouse.click(box["x"] + 8, box["y"] + box["height"] - 8)  # the background
        edge = page.evaluate(f"() => {CY}.edges('[kind = \"trade\"]').filter(e => e.target().data('label') === 'BUYER 3 SA DE CV').renderedMidpoint()")
        page.mouse.click(box["x"] + edge["x"], box["y"] + edge["y"])
        page.wait_for_function("() => document.querySelector('.tk-panel h4') &&"
                               " document.querySelector('.tk-panel h4').innerText.includes('→')", timeout=30_000)
        before = page.evaluate(f"() => {CY}.nodes().length")
        buyer = page.evaluate(f"() => {CY}.nodes().filter(n => n.data('label') === 'HUBEI SUPPLIER LTD').id()")
        _click(page, f"[id = '{buyer}']")
        page.locator(".tk-explorer button:text-is('expand')").click()
        page.wait_for_timeout(1500)
        assert page.evaluate(f"() => {CY}.nodes().length") >= before
        page.locator(".tk-explorer input[placeholder='since YYYY-MM-DD']").fill("2024-03-01")
        page.locator(".tk-explorer button:text-is('apply filters')").click()
        # ALPHA → BUYER 0 shipped once, on 2024-02-20: filtered out
        page.wait_for_function(f"""() => {CY}.edges().filter(e => e.source().data('label') === 'ALPHA CHEM CO'
                                          && e.target().data('label') === 'BUYER 0 SA DE CV').length === 0""",
                               timeout=30_000)
        _still_readable(page, "filtered")
        page.locator(".tk-explorer input[placeholder='find a company…']").fill("BUYER 2")
        page.keyboard.press("Enter")
        page.wait_for_timeout(1500)
        assert errors == [], "\n".join(errors)
    finally:
        screenshot(page, "interactions.png")
        page.close()
