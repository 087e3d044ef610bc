"""Colour by risk in a real JupyterLab + Chromium: the toolbar's colour menu repaints nodes by their risk."""

from __future__ import annotations

import pytest

from tests.views.browser.conftest import open_notebook, run_all, screenshot, write_notebook
from tests.views.browser.seen import assert_readable
from tracekit.views.elements import node_colour

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BROKER = "PACIFIC BRIDGE TRADING LIMITED"
BYSTANDER = "NORDIC OFFICE SUPPLIES AB"

SETUP = f'''
import pandas as pd, tracekit
rows = [
    dict(shipper_name="HUBEI YONGSHENG FINE CHEMICAL CO LTD", consignee_name={BROKER!r}, hs_code="293339",
         date="2024-01-10", description="4-piperidone", weight_kg=500),
    dict(shipper_name={BROKER!r}, consignee_name="LABORATORIOS WILMAR SA", hs_code="293339",
         date="2024-02-10", description="pharmaceutical intermediate", weight_kg=480),
    dict(shipper_name={BROKER!r}, consignee_name="LABORATORIOS WILMAR SA", hs_code="293339",
         date="2024-03-10", description="chemical raw material", weight_kg=470),
    dict(shipper_name={BYSTANDER!r}, consignee_name="OSLO PAPER AS", hs_code="482010",
         date="2024-04-01", description="notebooks", weight_kg=20),
]
ws = tracekit.Workspace("risk-ws")
if not ws.info().shipments:
    ws.load(pd.DataFrame(rows)); ws.resolve()
ranking = ws.risk()
'''

SHOW = "ex = ws.show(ranking)\nex"

CY = "document.querySelector('.tk-canvas').tkCy"


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r},{g},{b})"


def test_explorer_colours_by_risk(lab, browser):
    base, root = lab
    name = write_notebook(root, "risk.ipynb", [SETUP, SHOW])
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"{exc}\n{exc.stack}"))
    try:
        open_notebook(page, base, name)
        run_all(page)
        page.wait_for_function("() => { const c = document.querySelector('.tk-canvas');"
                               " return c && c.dataset.tkPainted; }", timeout=120_000)
        node = f"(label) => {CY}.nodes().filter(n => n.data('label') === label)[0]"
        read = f"""(label) => {{ const n = ({node})(label);
            return [n.data('risk'), n.style('background-color').replace(/ /g, ''), n.classes()]; }}"""
        high_risk, high_before, _ = page.evaluate(read, BROKER)
        low_risk, low_before, _ = page.evaluate(read, BYSTANDER)
        assert high_risk >= 0.3 and low_risk < 0.3  # the payload carries risk: medium/high vs low
        assert high_before == low_before  # colour by kind: both companies alike

        page.locator(".widget-dropdown:has(label:text-is('colour')) select").select_option("risk")
        page.wait_for_function(
            f"""(label) => {{ const n = ({node})(label);
                              return n && n.style('background-color').replace(/ /g, '') === '{_rgb(node_colour({"risk": 0.0}, "risk"))}'
                                     || n && n.data('colour') !== undefined && n.data('colour') !== '{node_colour({"kind": "company"})}'; }}""",
            arg=BYSTANDER, timeout=60_000)
        high_risk, high_after, high_classes = page.evaluate(read, BROKER)
        low_risk, low_after, low_classes = page.evaluate(read, BYSTANDER)
        assert high_after != low_after
        assert high_after == _rgb(node_colour({"risk": high_risk}, "risk"))
        assert low_after == _rgb(node_colour({"risk": low_risk}, "risk"))
        assert high_after != high_before
        assert "risk-medium" in high_classes or "risk-high" in high_classes
        assert "risk-low" in low_classes
        # the high-risk outline is drawn
        border = page.evaluate(f"(label) => ({node})(label).style('border-width')", BROKER)
        assert float(border.removesuffix("px")) >= 3
        screenshot(page, "explorer-risk.png")
        assert_readable(page)  # what a person sees: every label drawn at ≥ 8 px, none overlapping
        assert not errors, "\n".join(errors)
    finally:
        page.close()
