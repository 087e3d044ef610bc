"""Explorable by default: in a live kernel a graph result displays as the explorer, SVG in the same output."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell

from tracekit.views.result_display import WIDGET_VIEW, install, result_bundle, uninstall

GRAPH_VERBS = {
    "trace": lambda ws: ws.trace("Alpha Chem Co", direction="both"),
    "paths": lambda ws: ws.paths("Alpha Chem Co", "Delta Labs SA"),
    "neighbourhood": lambda ws: ws.neighbourhood("Alpha Chem Co"),
    "flags": lambda ws: ws.flags(),
    "communities": lambda ws: ws.communities(),
    "risk": lambda ws: ws.risk("Alpha Chem Co"),
    "changes": lambda ws: ws.changes("2023-01..2023-03", "2023-04..2023-12"),
}


@pytest.fixture
def kernel_shell():
    """An InteractiveShell with the explorer display installed as a kernel would have it."""
    shell = InteractiveShell.instance()
    assert install(shell, live=True)
    yield shell
    uninstall(shell)


def _published(shell, monkeypatch) -> list[dict]:
    shown: list[dict] = []
    monkeypatch.setattr(shell.display_pub, "publish", lambda data, *a, **k: shown.append(data))
    return shown


def test_trace_bundle_holds_the_widget_and_the_svg(ws, kernel_shell):
    data, _ = kernel_shell.display_formatter.format(ws.trace("Alpha Chem Co", direction="both"))
    assert data[WIDGET_VIEW]["model_id"]
    assert data["image/svg+xml"].startswith("<svg")
    assert "<svg" in data["text/html"] and "tracekit-result" in data["text/html"]
    assert "text/plain" in data
    from ipywidgets.widgets.widget import _instances

    box = _instances[data[WIDGET_VIEW]["model_id"]]
    under = box.children[1].value  # summary in sight, table under a click, every name escaped
    assert "seed" in under and "<details" in under and "Alpha Chem Co" in under



@pytest.mark.parametrize("verb", sorted(GRAPH_VERBS))
def test_every_graph_verb_is_explorable(ws, kernel_shell, verb):
    result = GRAPH_VERBS[verb](ws)
    data, _ = kernel_shell.display_formatter.format(result)
    assert WIDGET_VIEW in data and "image/svg+xml" in data, verb
    from ipywidgets.widgets.widget import _instances

    box = _instances[data[WIDGET_VIEW]["model_id"]]  # the widget shown: the explorer on the result's graph
    assert box.explorer.full.number_of_nodes() == result.graph.number_of_nodes()


def test_display_static_opts_out(ws, kernel_shell):
    data, _ = kernel_shell.display_formatter.format(ws.trace("Alpha Chem Co", display="static"))
    assert WIDGET_VIEW not in data and data["image/svg+xml"].startswith("<svg")
    with pytest.raises(Exception, match="display='live'"):
        ws.trace("Alpha Chem Co", display="live")


def test_magic_trace_shows_the_explorer_and_static_opts_out(closed_ws, kernel_shell, monkeypatch):
    kernel_shell.run_line_magic("load_ext", "tracekit")
    install(kernel_shell, live=True)  # load_ext installs only inside a real kernel
    shown = _published(kernel_shell, monkeypatch)
    try:
        kernel_shell.run_line_magic("tk", f"use {closed_ws}")
        kernel_shell.run_line_magic("tk", "trace 'Alpha Chem Co' --direction both -o t")
        kernel_shell.run_line_magic("tk", "trace 'Alpha Chem Co' --direction both --static")
    finally:
        kernel_shell.run_line_magic("tk", "close")
        kernel_shell.run_line_magic("unload_ext", "tracekit")
    live, static = shown[-2], shown[-1]
    assert WIDGET_VIEW in live and "image/svg+xml" in live
    assert WIDGET_VIEW not in static and "image/svg+xml" in static
    assert kernel_shell.user_ns["t"].to_frame().shape[0] >= 2  # results keep to_frame() and .graph
    assert kernel_shell.user_ns["t"].graph.number_of_nodes() >= 3


def test_no_kernel_means_static(ws):
    shell = InteractiveShell.instance()
    assert not install(shell)  # a terminal IPython: no widget front end
    data, _ = shell.display_formatter.format(ws.trace("Alpha Chem Co"))
    assert WIDGET_VIEW not in data and "image/svg+xml" in data


def test_plain_python_never_loads_the_widget_stack(closed_ws):
    code = ("import sys, tracekit; ws = tracekit.Workspace(sys.argv[1], read_only=True); "
            "r = ws.trace('Alpha Chem Co'); b = r._repr_mimebundle_(); "
            "print(sorted(b), 'ipywidgets' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(closed_ws)], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "['image/svg+xml', 'text/html', 'text/plain'] False"


def test_nbconvert_shows_the_svg_when_no_widget_state_is_saved(ws):
    from nbconvert import HTMLExporter

    bundle = result_bundle(ws.trace("Alpha Chem Co", direction="both"))
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("%tk trace 'Alpha Chem Co'")
    cell.outputs = [nbformat.v4.new_output("display_data", data=bundle)]
    nb.cells = [cell]
    body, _ = HTMLExporter().from_notebook_node(nb)
    assert "tracekit-result" in body and "<svg" in body
    assert WIDGET_VIEW not in body  # the view is skipped without saved state: the static output stands


def test_batch_runs_can_force_static(ws, kernel_shell, monkeypatch):
    monkeypatch.setenv("TRACEKIT_DISPLAY", "static")  # papermill / nbconvert --execute kernels
    data, _ = kernel_shell.display_formatter.format(ws.trace("Alpha Chem Co"))
    assert WIDGET_VIEW not in data and "image/svg+xml" in data


def test_unload_ext_makes_results_static_again(ws):
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "tracekit")
    install(shell, live=True)
    assert WIDGET_VIEW in shell.display_formatter.format(ws.trace("Alpha Chem Co"))[0]
    shell.run_line_magic("unload_ext", "tracekit")
    assert WIDGET_VIEW not in shell.display_formatter.format(ws.trace("Alpha Chem Co"))[0]
