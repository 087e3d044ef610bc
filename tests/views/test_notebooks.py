"""The tutorial notebook runs and matches its saved outputs (nbval), and exports with static graphs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from tracekit.views.shared import WIDGET_STATE, WIDGET_VIEW, StaticGraphsHTMLExporter, export_html

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
TUTORIAL = NOTEBOOKS / "01-getting-started.ipynb"

pytestmark = pytest.mark.slow


def test_getting_started_runs_and_its_checked_outputs_match():
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", str(TUTORIAL),
         "--nbval-sanitize-with", str(NOTEBOOKS / "nbval-sanitize.cfg"), "-o", "addopts="],
        capture_output=True, text=True, timeout=240, cwd=NOTEBOOKS)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]


def test_tutorial_is_saved_with_widget_state_so_reopening_it_shows_the_explorer():
    nb = nbformat.read(TUTORIAL, as_version=4)
    state = nb.metadata["widgets"][WIDGET_STATE]["state"]
    views = [o.data[WIDGET_VIEW]["model_id"] for cell in nb.cells for o in cell.get("outputs", ())
             if WIDGET_VIEW in o.get("data", {})]
    explorers = [m for m in views if "tk-explorer" in state.get(m, {}).get("state", {}).get("_dom_classes", [])]
    assert explorers and all(m in state for m in views)  # every widget output can be restored


def test_exported_html_shows_every_graph_as_static_svg_and_loads_nothing_from_a_cdn():
    body = export_html(TUTORIAL)
    assert body.count('class="tracekit-graph"') >= 3  # trace, communities and the explorer
    assert "tracekit-explorer-static" in body
    assert "unpkg.com" not in body and "widget-view+json" not in body


def test_plain_nbconvert_would_hide_the_saved_explorer_behind_a_cdn_widget():
    # why the tracekit_html exporter exists: stock nbconvert prefers the saved widget
    from nbconvert import HTMLExporter

    body, _ = HTMLExporter().from_notebook_node(nbformat.read(TUTORIAL, as_version=4))
    assert "unpkg.com" in body and "tracekit-explorer-static" not in body


def test_tracekit_html_is_an_nbconvert_exporter():
    from nbconvert.exporters import get_exporter

    assert get_exporter("tracekit_html") is StaticGraphsHTMLExporter


def test_explorer_output_falls_back_to_svg_without_widget_state():
    from tests.views.conftest import HOSTILE, trade_graph
    from tracekit.views.explorer import Explorer

    bundle = Explorer(trade_graph())._repr_mimebundle_()
    nb = nbformat.v4.new_notebook(metadata={"widgets": {WIDGET_STATE: {"state": {bundle[WIDGET_VIEW]["model_id"]: {}}}}})
    cell = nbformat.v4.new_code_cell("ex")
    cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
    nb.cells = [cell]
    body = export_html(nb)
    assert "tracekit-explorer-static" in body and 'class="tracekit-graph"' in body
    assert HOSTILE not in body and "&lt;img src=x onerror=" in body
