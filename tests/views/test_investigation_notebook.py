"""The investigation notebook (notebooks/02-investigation.ipynb) runs and matches its saved outputs (nbval).

Volatile text (the temporary folder, progress-bar widgets, widget model ids) is sanitised by
notebooks/nbval-sanitize.cfg; every other output — tables, the static SVG graphs, the checks against the
demo world's answer key and the export read-back — must match what is saved.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
INVESTIGATION = NOTEBOOKS / "02-investigation.ipynb"

pytestmark = pytest.mark.slow


def test_investigation_runs_and_its_checked_outputs_match():
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", str(INVESTIGATION),
         "--nbval-sanitize-with", str(NOTEBOOKS / "nbval-sanitize.cfg"), "-o", "addopts="],
        capture_output=True, text=True, timeout=600, cwd=NOTEBOOKS)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_every_code_cell_is_explained_and_no_output_is_ignored_wholesale():
    nb = nbformat.read(INVESTIGATION, as_version=4)
    assert nb.cells[0].cell_type == "markdown"
    run = 0  # code cells since the last explanation: at most two share one
    for cell in nb.cells:
        run = run + 1 if cell.cell_type == "code" else 0
        assert run <= 2, f"code cell without its explanation: {cell.source[:80]!r}"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert not any("NBVAL_IGNORE_OUTPUT" in c.source or "NBVAL_SKIP" in c.source for c in code)
    assert all(c.outputs for c in code[1:])  # every step after the set-up shows something that is checked
    saved = "".join(str(o.get("data", {}).get("text/plain", o.get("text", ""))) for c in code for o in c.outputs)
    assert "'N1 found whole': True" in saved and "'N3 swap: new intermediary': True" in saved
    assert "FtM entities valid" in saved
