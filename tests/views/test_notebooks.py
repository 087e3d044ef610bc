"""The tutorial notebook runs and matches its saved outputs (nbval), and exports with static graphs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
TUTORIAL = NOTEBOOKS / "01-getting-started.ipynb"

pytestmark = pytest.mark.slow


def test_getting_started_runs_and_its_checked_outputs_match():
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", str(TUTORIAL),
         "--nbval-sanitize-with", str(NOTEBOOKS / "nbval-sanitize.cfg"), "-o", "addopts="],
        capture_output=True, text=True, timeout=240, cwd=NOTEBOOKS)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_exported_html_shows_every_graph_as_static_svg_and_escapes_names():
    from nbconvert import HTMLExporter

    nb = nbformat.read(TUTORIAL, as_version=4)
    body, _ = HTMLExporter().from_notebook_node(nb)
    assert body.count('class="tracekit-graph"') >= 3  # trace, communities and the explorer
    assert "tracekit-explorer-static" in body


def test_explorer_output_falls_back_to_svg_without_widget_state(tmp_path):
    from nbconvert import HTMLExporter

    from tests.views.conftest import HOSTILE, trade_graph
    from tracekit.views.explorer import Explorer

    bundle = Explorer(trade_graph())._repr_mimebundle_()
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("ex")
    cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
    nb.cells = [cell]
    body, _ = HTMLExporter().from_notebook_node(nb)
    assert "tracekit-explorer-static" in body and 'class="tracekit-graph"' in body
    assert HOSTILE not in body and "&lt;img src=x onerror=" in body
