"""The explorer's timeline in a real JupyterLab + Chromium: the slider hides edges, play lights flows in order.

Driven as a person would: keyboard on the range sliders, clicks on the buttons. What is checked is what
cytoscape draws (``:visible`` edges, the bypass colour of lit edges), not the widget's own counters.
"""

from __future__ import annotations

import pytest

from tests.views.browser.conftest import open_notebook, run_all, screenshot, write_notebook

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SETUP = '''
import pandas as pd, tracekit
def row(s, c, d, hs="293339"):
    return dict(shipper_name=s, consignee_name=c, hs_code=hs, date=d, description="NPP", weight_kg=10)
rows = [row("Alpha Chem Co", "Bravo Trading Ltd", "2023-01-10"), row("Alpha Chem Co", "Bravo Trading Ltd", "2023-03-02"),
        row("Bravo Trading Ltd", "Charlie Labs SA", "2023-02-01"), row("Bravo Trading Ltd", "Delta Pharma SA", "2022-12-01"),
        row("Charlie Labs SA", "Echo Distribuidora", "2023-04-15"), row("Zulu Supplies", "Alpha Chem Co", "2022-11-20"),
        row("Yankee Kimya", "Alpha Chem Co", "2022-10-02")]
ws = tracekit.Workspace("timeline-ws")
if not ws.info().shipments:
    ws.load(pd.DataFrame(rows)); ws.resolve()
ids = {n.split()[0]: str(int(ws.search(n, 1).entity_id[0])) for n in
       ("Alpha Chem Co", "Bravo Trading Ltd", "Charlie Labs SA", "Delta Pharma SA", "Echo Distribuidora")}
'''
SHOW = 'ex = ws.show(ws.trace(int(ids["Alpha"]), "both", 3))\nex.timeline.bar.step_ms = 150\nex'
WINDOW = "print('window', ex.timeline.bar.window)"

CY = "document.querySelector('.tk-canvas').tkCy"
FLOW = "rgb(230,85,13)"


def _visible_edges(page) -> set[str]:
    return set(page.evaluate(f"() => {CY}.edges(':visible').map(e => e.id())"))


def _lit_edges(page) -> set[str]:
    return set(page.evaluate(f"() => {CY}.edges().filter(e => e.style('line-color') === '{FLOW}').map(e => e.id())"))


def _slide(page, which: str, keys: list[str]) -> None:
    page.locator(f".tk-timeline input.{which}").focus()
    for key in keys:
        page.keyboard.press(key)


def test_slider_hides_edges_outside_the_window_and_play_lights_flows_in_order(lab, browser):
    base, root = lab
    name = write_notebook(root, "timeline.ipynb", [SETUP, SHOW, WINDOW])
    page = browser.new_page(viewport={"width": 1500, "height": 1100})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        open_notebook(page, base, name)
        run_all(page)
        page.wait_for_function("() => { const c = document.querySelector('.tk-canvas');"
                               " return c && c.dataset.tkPainted && c.tkTimeline"
                               " && c.tkTimeline.dataset.tkVisibleEdges; }", timeout=90_000)
        ids = {k: page.evaluate(f"() => {CY}.nodes().filter(n => n.data('label').startsWith('{k}')).id()")
               for k in ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Zulu", "Yankee")}
        ab, bc, bd, ce = (f"{ids[a]}->{ids[b]}" for a, b in
                          (("Alpha", "Bravo"), ("Bravo", "Charlie"), ("Bravo", "Delta"), ("Charlie", "Echo")))
        za, ya = f"{ids['Zulu']}->{ids['Alpha']}", f"{ids['Yankee']}->{ids['Alpha']}"
        everything = {ab, bc, bd, ce, za, ya}
        assert _visible_edges(page) == everything
        assert page.locator(".tk-timeline .tk-window").inner_text().startswith("2022-10 → 2023-04")

        # months 2022-10 … 2023-04; "to" back to 2022-12: only the three shipments of Oct–Dec 2022 stay
        _slide(page, "tk-to", ["Home", "ArrowRight", "ArrowRight"])
        page.wait_for_function(f"() => {CY}.edges(':visible').length === 3", timeout=10_000)
        assert _visible_edges(page) == {ya, za, bd}
        assert "3 of 6 trade edges" in page.locator(".tk-timeline .tk-window").inner_text()
        # Charlie and Echo have no shipment in the window: faded, not gone
        assert page.evaluate(f"() => {CY}.getElementById('{ids['Echo']}').style('opacity')") == "0.2"

        # 2023-03 … 2023-04: Alpha → Bravo (March) and Charlie → Echo (April)
        _slide(page, "tk-to", ["End"])
        _slide(page, "tk-from", ["End", "ArrowLeft"])
        page.wait_for_function(f"() => {CY}.edges(':visible').length === 2", timeout=10_000)
        assert _visible_edges(page) == {ab, ce}
        # the window chosen in the browser reaches Python (on release of the slider)
        page.locator(".jp-Notebook .jp-Cell").nth(2).click()
        page.keyboard.press("Escape")
        page.keyboard.press("Control+Enter")
        page.wait_for_function("() => [...document.querySelectorAll('.jp-OutputArea-output')]"
                               ".some(o => o.innerText.includes(\"window ['2023-03', '2023-04']\"))", timeout=30_000)

        # step through time from the beginning: each hop lights after its inbound shipment arrived
        page.locator(".tk-timeline .tk-reset").click()
        page.wait_for_function(f"() => {CY}.edges(':visible').length === 6", timeout=10_000)
        assert _lit_edges(page) == set()
        seen: list[set[str]] = []
        for _ in range(30):
            before = page.evaluate("() => document.querySelector('.tk-canvas').tkTimeline.dataset.tkStep || '-1'")
            page.locator(".tk-timeline .tk-step").click()
            page.wait_for_function("(b) => (document.querySelector('.tk-canvas').tkTimeline.dataset.tkStep"
                                   " || '-1') !== b", arg=before, timeout=10_000)
            lit = _lit_edges(page)
            assert not seen or seen[-1] <= lit  # flows only accumulate
            seen.append(lit)
            if lit == {ya, za, ab, bc, ce}:
                break
        first_time = {edge: next(i for i, lit in enumerate(seen) if edge in lit) for edge in seen[-1]}
        assert first_time[ab] < first_time[bc] < first_time[ce]  # Alpha → Bravo → Charlie → Echo, in order
        assert bd not in seen[-1]  # Bravo shipped to Delta before it received anything
        # edges outside the moving window are hidden while stepping (the window ends at the step's month)
        assert all(e in _visible_edges(page) for e in seen[-1])

        # play from the start runs to the end by itself and lights every flow
        page.locator(".tk-timeline .tk-reset").click()
        page.locator(".tk-timeline .tk-play").click()
        page.wait_for_function("() => document.querySelector('.tk-canvas').tkTimeline.dataset.tkPlaying === '1'",
                               timeout=5_000)
        page.wait_for_function("() => document.querySelector('.tk-canvas').tkTimeline.dataset.tkPlaying === '0'",
                               timeout=30_000)
        assert _lit_edges(page) == {ya, za, ab, bc, ce}
        assert _visible_edges(page) == everything

        # zoomed far out (as a 2,000-edge graph fits), arrowheads too small to show a direction are dropped,
        # except on lit hops and on the edge under the pointer; zooming back in brings them all back
        def arrows() -> dict[str, str]:
            return page.evaluate(f"() => Object.fromEntries({CY}.edges().map(e => [e.id(), e.style('target-arrow-shape')]))")

        assert set(arrows().values()) == {"triangle"}
        page.evaluate(f"() => {{ const cy = {CY}; cy.zoom({{ level: 0.15, renderedPosition: {{ x: cy.width() / 2, y: cy.height() / 2 }} }}); }}")
        page.wait_for_function(f"() => {CY}.getElementById('{bd}').style('target-arrow-shape') === 'none'", timeout=10_000)
        assert {e for e, shape in arrows().items() if shape == "triangle"} == {ya, za, ab, bc, ce}  # the lit hops
        page.locator(".tk-timeline .tk-reset").click()  # flows cleared: no edge keeps its arrowhead
        page.wait_for_function(f"() => {CY}.edges().every(e => e.style('target-arrow-shape') === 'none')", timeout=10_000)
        page.locator(".tk-canvas").first.scroll_into_view_if_needed()
        middle = page.evaluate(f"""() => {{ const cy = {CY}; const p = cy.getElementById('{bd}').renderedMidpoint();
                               const box = cy.container().getBoundingClientRect(); return [box.left + p.x, box.top + p.y]; }}""")
        page.mouse.move(middle[0] - 30, middle[1] - 30)
        page.mouse.move(*middle, steps=4)
        page.wait_for_function(f"() => {CY}.edges('.tk-hover').length === 1", timeout=10_000)
        hovered = page.evaluate(f"() => {CY}.edges('.tk-hover').id()")
        assert {e for e, shape in arrows().items() if shape == "triangle"} == {hovered}
        page.mouse.move(middle[0], middle[1] + 200)
        page.wait_for_function(f"() => {CY}.edges().every(e => e.style('target-arrow-shape') === 'none')", timeout=10_000)
        page.evaluate(f"() => {{ const cy = {CY}; cy.fit(undefined, 30); }}")
        page.wait_for_function(f"() => {CY}.getElementById('{bd}').style('target-arrow-shape') === 'triangle'", timeout=10_000)
        assert set(arrows().values()) == {"triangle"}
        # after all that hiding, fading, lighting and zooming, every cached box cytoscape draws from (explorer.js
        # keeps node boxes cached) equals a fresh computation, and a node still has no target
        stale = page.evaluate(f"""() => {CY}.elements().filter(e => {{
            const a = e.boundingBox(), b = e.boundingBox({{ useCache: false }});
            return ['x1', 'y1', 'x2', 'y2'].some(k => Math.abs(a[k] - b[k]) > 1e-6); }}).map(e => e.id())""")
        assert stale == []
        assert page.evaluate(f"() => {CY}.nodes().every(n => n.target().length === 0)")

        # clicking a company draws its shipments-over-time chart in the panel
        # (the canvas is scrolled into view and the click repeated: in a full run the page may have scrolled,
        # or the kernel may be slow to answer the first selection)
        page.locator(".tk-canvas").first.scroll_into_view_if_needed()
        for attempt in range(3):
            point = page.evaluate(f"""() => {{ const cy = {CY}; const p = cy.getElementById('{ids["Bravo"]}').renderedPosition();
                           const box = cy.container().getBoundingClientRect(); return [box.left + p.x, box.top + p.y]; }}""")
            page.mouse.click(*point)
            try:
                page.wait_for_selector(".tk-panel .tk-timeline-chart svg", timeout=20_000)
                break
            except Exception:  # noqa: BLE001 - playwright's TimeoutError; the last attempt re-raises below
                if attempt == 2:
                    raise
        assert "4 dated shipments, 2022-12 to 2023-03" in page.locator(".tk-panel .tk-timeline-chart").first.inner_text()
        box = page.locator(".tk-panel .tk-timeline-chart svg").first.bounding_box()
        assert box and box["width"] > 150 and box["height"] > 60  # drawn at a readable size
        screenshot(page, "timeline.png")
        assert errors == []
    finally:
        screenshot(page, "timeline-final.png")
        page.close()
