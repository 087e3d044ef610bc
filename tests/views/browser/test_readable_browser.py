"""What an analyst sees in a real JupyterLab + Chromium: labels readable at the fitted zoom, the seed and
the tiers marked, hover text, dates as dates, tables that scroll, Han names drawn as glyphs, no page
errors — and a restored explorer that says how to reconnect."""

from __future__ import annotations

import re

import pytest

from tests.views.browser.conftest import open_notebook, run_all, screenshot, write_notebook
from tests.views.browser.seen import assert_readable, canvas_labels, glyphs, renders

pytestmark = [pytest.mark.browser, pytest.mark.slow]

HAN = "上海化工有限公司"

# a two-tier trace: two suppliers (one with a Han name) → the seed → four buyers, one of them buying on
SETUP = f'''
import pandas as pd, tracekit
rows = []
for month, supplier in enumerate([{HAN!r}, "HUBEI SUPPLIER LTD"] * 3):
    rows.append(dict(shipper_name=supplier, shipper_country="CN", consignee_name="ALPHA CHEM CO",
                     consignee_country="MX", hs_code="293339", date=f"2024-0{{month + 1}}-1{{month}}",
                     description="4-piperidone hydrochloride intermediate", weight_kg=100 + month))
for i in range(4):
    for k in range(i + 1):
        rows.append(dict(shipper_name="ALPHA CHEM CO", shipper_country="MX",
                         consignee_name=f"BUYER {{i}} SA DE CV", consignee_country="MX", hs_code="293339",
                         date=f"2024-0{{k + 2}}-2{{i}}", description="intermediate", weight_kg=10))
rows.append(dict(shipper_name="BUYER 0 SA DE CV", shipper_country="MX", consignee_name="LAB FRONT LLC",
                 consignee_country="US", hs_code="293339", date="2024-05-02", description="intermediate",
                 weight_kg=5))
ws = tracekit.Workspace("readable-ws")
if not ws.info().shipments:
    ws.load(pd.DataFrame(rows)); ws.resolve()
alpha = int(ws.search("ALPHA CHEM CO", 1).entity_id[0])
'''

SHOW = "ex = ws.show(alpha, hops=2)\nex"

# 100 companies: 12 suppliers, the seed, 60 buyers and 27 of their buyers
HUNDRED = '''
import networkx as nx
from tracekit.views.explorer import Explorer
def tiered(sizes):
    G, key = nx.DiGraph(), 1
    G.add_node(0, label="SEED IMPORTS SA", kind="company", country="MX", tier=0)
    for tier, count in sizes.items():
        for i in range(count):
            G.add_node(key, label=f"{'SUPPLIER' if tier < 0 else 'BUYER'} {i} TRADING COMPANY LIMITED",
                       kind="company", country="CN", tier=tier, mentions=i % 7)
            if tier < 0:
                G.add_edge(key, 0, kind="trade", shipments=1 + i % 9)
            else:
                G.add_edge(0 if tier == 1 else key - count, key, kind="trade", shipments=1 + i % 5)
            key += 1
    return G
Explorer(tiered({-1: 12, 1: 60, 2: 27}), title="hundred")
'''

THREE_HUNDRED = "Explorer(tiered({-2: 40, -1: 60, 1: 140, 2: 59}), title='three hundred', max_nodes=300)"

CY = "document.querySelector('.tk-canvas').tkCy"
PAINTED = "() => document.querySelectorAll('.tk-canvas[data-tk-painted]').length >= {n}"


def _page(browser, errors: list[str]):
    page = browser.new_page(viewport={"width": 1500, "height": 1000})
    page.on("pageerror", lambda exc: errors.append(f"{exc}\n{exc.stack}"))
    return page


def _hover(page, selector: str) -> str:
    """Move the mouse onto the element ``selector`` picks; the text of the hover tooltip."""
    x, y = page.evaluate(f"""() => {{ const cy = {CY}; const e = cy.$({selector!r})[0];
        const p = e.isNode() ? e.renderedPosition() : e.renderedMidpoint();
        const box = cy.container().getBoundingClientRect(); return [box.left + p.x, box.top + p.y]; }}""")
    page.mouse.move(x - 30, y - 30)
    page.mouse.move(x, y, steps=4)
    page.wait_for_function("() => { const t = document.querySelector('.tk-tip');"
                           " return t && t.style.display === 'block'; }", timeout=10_000)
    return page.locator(".tk-tip").inner_text()


def _click(page, selector: str) -> None:
    x, y = page.evaluate(f"""() => {{ const cy = {CY}; const p = cy.$({selector!r})[0].renderedPosition();
        const box = cy.container().getBoundingClientRect(); return [box.left + p.x, box.top + p.y]; }}""")
    page.mouse.click(x, y)


def test_a_trace_reads_at_first_sight(lab, browser):
    base, root = lab
    name = write_notebook(root, "readable.ipynb", [SETUP, SHOW])
    errors: list[str] = []
    page = _page(browser, errors)
    try:
        open_notebook(page, base, name)
        run_all(page)
        page.wait_for_function(PAINTED.format(n=1), timeout=120_000)
        page.wait_for_timeout(300)
        [report] = assert_readable(page)
        assert report["nodes"] == 8 and report["min_px"] >= 10
        # the tiers are headed, left to right, and each heading stands over its column
        assert report["headings"] == ["← suppliers", "seed", "buyers →", "2 tiers down →"]
        columns = page.evaluate(f"""() => {{ const cy = {CY}; const out = {{}};
            for (const h of document.querySelectorAll('.tk-tier-heading')) {{
              const r = h.getBoundingClientRect(), box = cy.container().getBoundingClientRect();
              const xs = cy.nodes().filter(n => n.data('tier') === Number(h.dataset.tier))
                           .map(n => n.renderedPosition().x + box.left);
              out[h.dataset.tier] = [r.left + r.width / 2, Math.min(...xs), Math.max(...xs), r.top - box.top];
            }} return out; }}""")
        for tier, (centre, low, high, top) in columns.items():
            assert low - 40 <= centre <= high + 40 and 0 <= top < 30, (tier, columns)
        # the seed stands out: larger, heavy outline, bold label
        seed = page.evaluate(f"""() => {{ const n = {CY}.nodes('.seed');
            const other = {CY}.nodes('[tier = 1]')[0];
            return [n.length, n.data('label'), parseFloat(n.style('border-width')), n.style('font-weight'),
                    n.renderedWidth() > other.renderedWidth()]; }}""")
        assert seed == [1, "ALPHA CHEM CO", 5, "bold", True]
        # edge width grows with shipments: BUYER 3 (4 shipments) over BUYER 0 (1)
        widths = page.evaluate(f"""() => Object.fromEntries({CY}.edges().map(e =>
            [e.target().data('label'), parseFloat(e.renderedStyle('width'))]))""")
        assert widths["BUYER 3 SA DE CV"] > widths["BUYER 0 SA DE CV"]

        # hover: name, country, shipments, date span (a node), shipper → consignee and shipments (an edge)
        tip = _hover(page, "node.seed")
        assert tip.splitlines()[0] == "ALPHA CHEM CO" and "MX" in tip
        assert "16 shipments (6 in, 10 out)" in tip and "2024-01-10 – 2024-06-15" in tip, tip
        edge = page.evaluate(f"() => {CY}.edges().filter(e => e.target().data('label') === 'BUYER 3 SA DE CV').id()")
        tip = _hover(page, f"[id = '{edge}']")
        assert tip.splitlines()[:2] == ["ALPHA CHEM CO → BUYER 3 SA DE CV", "4 shipments, 40 kg"], tip

        # Han names draw as glyphs on the canvas (the label's own font) and in the panel
        font = page.evaluate(f"""() => {{ const n = {CY}.nodes().filter(n => n.data('label') === {HAN!r})[0];
            return `${{n.style('font-weight')}} 20px ${{n.style('font-family')}}`; }}""")
        assert renders(glyphs(page, HAN, font)), glyphs(page, HAN, font)
        assert not renders(glyphs(page, "\U000F0001\U000F0002", font))  # the check can fail: no font has these
        han = page.evaluate(f"() => {CY}.nodes().filter(n => n.data('label') === {HAN!r}).id()")
        _click(page, f"[id = '{han}']")
        page.wait_for_function(f"() => document.querySelector('.tk-panel h4') &&"
                               f" document.querySelector('.tk-panel h4').innerText.includes({HAN!r})", timeout=30_000)
        panel_font = page.evaluate("() => getComputedStyle(document.querySelector('.tk-panel h4')).font")
        assert renders(glyphs(page, HAN, panel_font)), panel_font

        # the panel: dates as dates; the evidence table scrolls inside the panel instead of being cut off
        _click(page, "node.seed")
        page.wait_for_function("() => document.querySelector('.tk-panel').innerText.includes('16 shipments')",
                               timeout=30_000)
        text = page.locator(".tk-panel").inner_text()
        assert "00:00:00" not in text and re.search(r"\b2024-0\d-\d\d\b", text), text
        scroll = page.evaluate("""() => { const s = document.querySelector('.tk-panel .tk-evidence');
            const panel = document.querySelector('.tk-panel').getBoundingClientRect();
            const r = s.getBoundingClientRect(); const before = s.scrollLeft; s.scrollLeft = 10000;
            const moved = s.scrollLeft > before; s.scrollLeft = 0;
            return {wide: s.scrollWidth > s.clientWidth, moved, inside: r.right <= panel.right + 1,
                    overflow: getComputedStyle(s).overflowX}; }""")
        assert scroll["inside"] and scroll["overflow"] == "auto", scroll
        assert scroll["wide"] and scroll["moved"], scroll  # the evidence table is wide: it scrolls to its end

        # zoomed far out the columns crowd together: the headings left stand apart, the seed's among them
        def headings_at(zoom: float) -> list:
            for _ in range(5):  # the panel opened above may still refit the view once: zoom until it holds
                page.evaluate(f"() => {{ const cy = {CY}; cy.zoom({{level: {zoom}, renderedPosition:"
                              f" {{x: cy.width() / 2, y: cy.height() / 2}}}}); }}")
                page.wait_for_timeout(300)
                if abs(page.evaluate(f"() => {CY}.zoom()") - zoom) < 1e-6:
                    break
            return page.evaluate("""() => Array.from(document.querySelectorAll('.tk-tier-heading')).map(h => {
                const r = h.getBoundingClientRect(); return [h.textContent, r.left, r.right]; })""")
        for zoom in (0.1, 0.05):
            shown = headings_at(zoom)
            assert "seed" in [text for text, _, _ in shown] and len(shown) < 4, (zoom, shown)
            for (_, _, right), (_, left, _) in zip(shown, shown[1:], strict=False):
                assert right <= left, (zoom, shown)  # in page order, left to right, none over another
        assert len(headings_at(0.6)) == 4  # zoomed back in, every tier is headed again
        assert errors == []
    finally:
        screenshot(page, "readable-trace.png")
        page.close()


def test_labels_stay_readable_on_a_hundred_and_three_hundred_nodes(lab, browser):
    base, root = lab
    name = write_notebook(root, "hundred.ipynb", [HUNDRED, THREE_HUNDRED])
    errors: list[str] = []
    page = _page(browser, errors)
    try:
        open_notebook(page, base, name)
        run_all(page)
        page.wait_for_function(PAINTED.format(n=2), timeout=120_000)
        page.wait_for_timeout(300)
        hundred, three_hundred = canvas_labels(page)
        assert hundred["nodes"] == 100 and three_hundred["nodes"] == 300
        assert_readable(page)  # 100 nodes: every label at ≥ 8 px; 300: those drawn, none overlapping
        # 300 nodes fitted into one canvas: rows closer than a label is tall, so about every other label is
        # drawn (136 when this was written); the rest show on hover, selection or zooming in
        assert three_hundred["labelled"] >= 100, three_hundred
        # zooming in: labels grow with the zoom, never shrink below the size they had
        page.evaluate("""() => { const cy = document.querySelector('.tk-canvas').tkCy;
            cy.zoom({level: cy.zoom() * 3, renderedPosition: {x: 200, y: 200}}); }""")
        page.wait_for_timeout(400)
        zoomed = canvas_labels(page)[0]
        assert zoomed["min_px"] >= hundred["min_px"] and zoomed["overlaps"] == 0, zoomed
        # a quieted label shows while the pointer is on its node (a style rule joining the two classes
        # matched nothing in the bundled cytoscape 3.21.0: hovered labels stayed blank)
        second = "[...document.querySelectorAll('.tk-canvas')][1]"
        page.evaluate(f"() => {second}.scrollIntoView({{block: 'center'}})")
        node, x, y = page.evaluate(f"""() => {{ const cy = {second}.tkCy; const n = cy.nodes('.tk-quiet')[0];
            const p = n.renderedPosition(); const box = cy.container().getBoundingClientRect();
            return [n.id(), box.left + p.x, box.top + p.y]; }}""")
        assert page.evaluate(f"() => {second}.tkCy.getElementById({node!r}).style('label')") == ""
        page.mouse.move(x - 30, y - 30)
        page.mouse.move(x, y, steps=4)
        page.wait_for_function(f"() => {second}.tkCy.getElementById({node!r}).style('label') !== ''", timeout=10_000)
        assert errors == []
    finally:
        screenshot(page, "readable-100-300.png")
        page.close()
