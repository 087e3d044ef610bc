"""Two notebooks and the CLI on one case at once, in a real JupyterLab driven through Chromium (issue 11).

An investigation notebook and a briefing notebook (two kernels) open the same workspace; the
investigation runs a long read while the CLI loads a file into the workspace: the load waits, naming
the notebook that holds the workspace, then goes through; both notebooks then see the new source. No
cell shows a lock error.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import pytest

from tests.concurrency.conftest import HEADER, csv_rows, environment
from tests.views.browser.conftest import (
    CHROMIUM,
    REPO,
    chromium,
    open_notebook,
    running_lab,
    screenshot,
    write_notebook,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def lab_and_browser(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is missing: run `make browser` (apt-get install chromium)")
    with running_lab(tmp_path_factory.mktemp("lab")) as (base, root), chromium() as browser:
        yield base, root, browser


def _run_cell(page, index: int) -> None:
    cell = page.locator(".jp-Notebook .jp-Cell").nth(index)
    cell.click()
    page.keyboard.press("Escape")
    page.keyboard.press("Shift+Enter")


def _output(page, index: int, expected: str, timeout: float = 90) -> str:
    """The text of cell ``index``'s output once it contains ``expected``."""
    area = page.locator(".jp-Notebook .jp-Cell").nth(index).locator(".jp-OutputArea")
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = area.inner_text() if area.count() else ""
        if expected in text or "Error" in text:
            return text
        time.sleep(0.25)
    raise AssertionError(f"cell {index} never showed {expected!r}; it shows {text!r}")


def test_two_kernels_and_a_cli_write_on_one_workspace(lab_and_browser, tmp_path):
    import tracekit

    base, root, browser = lab_and_browser
    case = root / "case"
    source = tmp_path / "bills.csv"
    source.write_text(HEADER + csv_rows(200))
    with tracekit.Workspace(case) as ws:
        ws.load(source, progress=False)
        ws.resolve(progress=False)
    more = tmp_path / "more.csv"
    more.write_text(HEADER + csv_rows(40, start=500).replace("ACME", "ZENITH"))
    open_cell = (f"import sys; sys.path.insert(0, {str(REPO)!r})\n"
                 f"import tracekit\nws = tracekit.Workspace({str(case)!r})\nprint('sources', ws.info().sources)")
    write_notebook(root, "investigation.ipynb", [
        open_cell,
        # a long read: it goes on until the test has seen the CLI load waiting for it
        f"import pathlib, time\ngo = pathlib.Path({str(tmp_path / 'go')!r})\n"
        "with ws.store.reading('the long read'):\n"
        "    print('reading', ws.info().shipments, flush=True)\n"
        "    for _ in range(1200):\n        if go.exists(): break\n        time.sleep(0.1)\n"
        "print('read done')",
        "print('now', ws.info().sources, 'sources')",
    ])
    write_notebook(root, "briefing.ipynb", [open_cell, "print('now', ws.info().sources, 'sources')"])

    investigation = browser.new_page(viewport={"width": 1200, "height": 900})
    briefing = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    for page in (investigation, briefing):
        page.on("pageerror", lambda exc: errors.append(str(exc)))
    open_notebook(investigation, base, "investigation.ipynb")
    open_notebook(briefing, base, "briefing.ipynb")
    _run_cell(investigation, 0)
    _run_cell(briefing, 0)
    assert "sources 1" in _output(investigation, 0, "sources")
    assert "sources 1" in _output(briefing, 0, "sources")  # two kernels opened the workspace

    _run_cell(investigation, 1)  # the investigation reads for a while…
    assert "reading" in _output(investigation, 1, "reading")
    load = subprocess.Popen([sys.executable, "-m", "tracekit", "load", str(more), "-w", str(case), "--no-progress"],
                            cwd=REPO, env=environment(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _run_cell(briefing, 1)  # …the briefing reads beside it, without waiting for it…
    assert "now 1 sources" in _output(briefing, 1, "sources")
    notice = load.stderr.readline()  # …and the CLI load waits for the read, naming the notebook…
    assert "Jupyter kernel (investigation.ipynb" in notice and "the long read) reading it since" in notice, notice
    assert load.poll() is None
    (tmp_path / "go").touch()
    out, err = load.communicate(timeout=180)  # …then goes through when the read is done
    assert load.returncode == 0, err
    assert "read 40 = loaded 40" in out
    assert "read done" in _output(investigation, 1, "read done")

    _run_cell(investigation, 2)
    _run_cell(briefing, 1)
    assert "now 2 sources" in _output(investigation, 2, "now")
    deadline = time.monotonic() + 60
    while "now 2 sources" not in _output(briefing, 1, "now") and time.monotonic() < deadline:
        time.sleep(0.25)
    assert "now 2 sources" in _output(briefing, 1, "now")
    screenshot(investigation, "concurrent-investigation.png")
    screenshot(briefing, "concurrent-briefing.png")
    for page in (investigation, briefing):
        text = page.locator(".jp-Notebook").inner_text()
        assert "Conflicting lock" not in text and "Error" not in text, text
    assert errors == []
    for page in (investigation, briefing):
        page.close()
    shutil.rmtree(case, ignore_errors=True)
