"""Explorable by default: graph results display as the explorer in a live kernel, static everywhere else.

The query stage never imports views. Instead this module registers an IPython mime-bundle formatter for
:class:`tracekit.query.results.GraphResult` (trace, paths, neighbourhood, shell clusters, communities,
flags, changes, risk, screen): a registered formatter wins over the result's own ``_repr_mimebundle_``.
For a result with ``display="auto"`` (the default) and a non-empty graph, the output's bundle holds

* ``application/vnd.jupyter.widget-view+json``: the explorer (:class:`~tracekit.views.explorer.Explorer`)
  with the result's summary and table under it — what JupyterLab draws while the kernel lives;
* ``image/svg+xml`` and ``text/html`` (title, the SVG, summary and table, every name escaped): what
  nbconvert, GitHub and the brief show. nbconvert skips the widget view when the notebook carries no
  widget state for it, and the ``tracekit_html`` exporter (:mod:`tracekit.views.shared`) drops the state
  so it always shows the static image;
* ``text/plain``.

``display="static"`` (``%tk VERB … --static``, ``result.static()``) gives the static bundle alone.

It is installed by ``%load_ext tracekit`` and on ``import tracekit.views`` (which opening a Workspace
does) when IPython runs inside a kernel. A terminal IPython or plain Python has no widget front end:
nothing is registered there and results stay static. A kernel run by a batch tool (papermill, ``jupyter
nbconvert --execute``, nbclient) cannot tell that no one will see its widgets, and nbclient saves their
state by default (stock nbconvert then draws them from a CDN instead of the SVG): run such kernels with
``TRACEKIT_DISPLAY=static`` in the environment, or export with ``--to tracekit_html``.
"""

from __future__ import annotations

import os
from typing import Any

import ipywidgets as widgets

__all__ = ["install", "uninstall", "result_bundle", "result_widget", "in_kernel", "WIDGET_VIEW", "ENV"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
ENV = "TRACEKIT_DISPLAY"
"""Environment variable: ``static`` keeps every result static (batch runs of notebooks)."""


def _static_forced() -> bool:
    return os.environ.get(ENV, "").strip().lower() == "static"
_TYPE = ("tracekit.query.results", "GraphResult")


def in_kernel(shell: Any = None) -> bool:
    """Whether ``shell`` (default: the running IPython) runs in a kernel that can show widgets."""
    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:  # pragma: no cover - IPython ships with ipywidgets
            return False
        shell = get_ipython()
    return shell is not None and getattr(shell, "kernel", None) is not None


def result_widget(result: Any) -> widgets.Widget:
    """The explorer on ``result.graph`` with the result's summary and table under it (one widget)."""
    from tracekit.views.explorer import Explorer

    highlight = list(getattr(result, "highlight", None) or [])
    explorer = Explorer(result.graph, ws=getattr(result, "workspace", None), title=result.title,
                        highlight=highlight or None)
    table = widgets.HTML(  # the summary in sight, the table one click away (the canvas comes first)
        f"<div class='tracekit-result'>{result.summary_html()}<details class='tk-result-table'>"
        f"<summary>table: {len(result):,} rows (.to_frame())</summary>{result.tables_html()}</details></div>")
    box = widgets.VBox([explorer, table], layout=widgets.Layout(width="100%"))
    box.add_class("tk-result")
    box.explorer = explorer  # for code that wants the live explorer of a displayed result
    return box


def result_bundle(result: Any, *, live: bool = True) -> dict:
    """The mime bundle of a graph result: explorer widget + static SVG/HTML (or static alone).

    Static alone when ``live`` is False, ``TRACEKIT_DISPLAY=static`` is set, the result asks for
    ``display="static"``, or its graph is empty (nothing to explore).
    """
    static = result._repr_mimebundle_()
    if (not live or _static_forced() or getattr(result, "display", "auto") == "static"
            or result.graph.number_of_nodes() == 0):
        return static
    box = result_widget(result)
    bundle = dict(box._repr_mimebundle_() or {})
    if WIDGET_VIEW not in bundle:  # pragma: no cover - ipywidgets without a view name
        return static
    bundle.update(static)  # text/plain, text/html and image/svg+xml: the same output, for every reader
    return bundle


def install(shell: Any = None, *, live: bool | None = None) -> bool:
    """Register the explorer display for graph results on ``shell``; returns whether it did.

    ``live=None`` registers only inside a kernel (:func:`in_kernel`); ``True`` forces it (tests drive a
    bare ``InteractiveShell``).
    """
    if shell is None:
        from IPython import get_ipython

        shell = get_ipython()
    if shell is None or not (in_kernel(shell) if live is None else live):
        return False
    formatter = shell.display_formatter.mimebundle_formatter
    formatter.for_type_by_name(*_TYPE, result_bundle)
    return True


def uninstall(shell: Any) -> None:
    """Remove the explorer display (graph results render statically again)."""
    formatter = shell.display_formatter.mimebundle_formatter
    try:
        formatter.pop(".".join(_TYPE))
    except KeyError:
        pass
    from tracekit.query.results import GraphResult

    formatter.type_printers.pop(GraphResult, None)
