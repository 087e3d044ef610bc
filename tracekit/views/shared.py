"""Notebooks that show their graphs everywhere they are opened.

What JupyterLab 4 + ipywidgets 8 do with an explorer output (checked in a real browser, see
``tests/views/browser/test_reopen_browser.py``):

* with the widget state saved in the notebook (``saveState``, switched on for tracekit users by
  ``widgets/overrides.d/tracekit.json``, installed into ``share/jupyter/lab/settings/overrides.d``), a
  re-opened notebook restores the explorer from that state and draws its graph, without a kernel;
* without saved state it shows "Error displaying widget: model not found" and never falls back to the
  static SVG in the same output — so the state must be saved.

Saved state has a cost outside JupyterLab: nbconvert then renders the widget through the HTML embed
manager, loaded from a CDN (unpkg), instead of the SVG. :class:`StaticGraphsHTMLExporter` (``jupyter
nbconvert --to tracekit_html``, and "Save and Export Notebook As → Tracekit_html" in JupyterLab) drops the
widget state before rendering, so every widget output falls back to its static representation: the
explorer to its SVG, progress bars to their text — and nothing is fetched from the network.
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat
from jinja2 import DictLoader
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets import default

__all__ = ["StaticGraphsHTMLExporter", "StaticGraphsPreprocessor", "export_html", "without_widget_state",
           "WIDGET_STATE", "WIDGET_VIEW", "STATIC_MARK", "OFFLINE_TEMPLATE"]

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: CSS class of the static rendering an explorer carries in its mime bundle
STATIC_MARK = "tracekit-explorer-static"


def without_widget_state(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` whose widget outputs fall back to their static representation.

    The widget-view entry is removed from every output that has another representation (an output with
    nothing else keeps it, so no output is lost), and the notebook's saved widget state is dropped.

    Examples
    --------
    >>> nb = nbformat.v4.new_notebook(metadata={"widgets": {WIDGET_STATE: {"state": {}}}})
    >>> cell = nbformat.v4.new_code_cell("ex")
    >>> cell.outputs = [nbformat.v4.new_output("display_data", data={
    ...     WIDGET_VIEW: {"model_id": "a", "version_major": 2, "version_minor": 0},
    ...     "image/svg+xml": "<svg/>"})]
    >>> nb.cells = [cell]
    >>> static = without_widget_state(nb)
    >>> sorted(static.cells[0].outputs[0].data), "widgets" in static.metadata, WIDGET_VIEW in cell.outputs[0].data
    (['image/svg+xml'], False, True)
    """
    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            data = output.get("data")
            if data and WIDGET_VIEW in data and len(data) > 1:
                del data[WIDGET_VIEW]
    return nb


class StaticGraphsPreprocessor(Preprocessor):
    """nbconvert preprocessor: every widget output shows its static fallback (see the module docstring)."""

    def preprocess(self, nb, resources):
        return without_widget_state(nb), resources


#: nbconvert's lab template without its CDN scripts: require.js and MathJax (cdnjs), mermaid (loaded when a
#: diagram is present) and the widget manager (unpkg). Offline pages must fetch nothing (nbconvert #754), and a
#: fetch also tells an outside server that the page was opened. Cost: LaTeX in markdown shows as written.
OFFLINE_TEMPLATE = "tracekit_offline.html.j2"
_OFFLINE_SOURCE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
"""


class StaticGraphsHTMLExporter(HTMLExporter):
    """HTML export that shows each tracekit graph as its static SVG and loads nothing from a CDN."""

    export_from_notebook = "HTML (static graphs, offline)"
    #: templates served from memory, name → source (subclasses extend it)
    memory_templates: dict[str, str] = {OFFLINE_TEMPLATE: _OFFLINE_SOURCE}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("extra_loaders", [DictLoader(self.memory_templates)])
        super().__init__(*args, **kwargs)
        self.register_preprocessor(StaticGraphsPreprocessor, enabled=True)

    @default("template_file")
    def _template_file_default(self) -> str:
        return OFFLINE_TEMPLATE


def export_html(notebook: str | Path | nbformat.NotebookNode, path: str | Path | None = None) -> str:
    """Render a notebook to self-contained HTML with static graphs; write it to ``path`` if given.

    Parameters
    ----------
    notebook : path or NotebookNode
        The notebook (as saved by JupyterLab, with or without widget state).
    path : path, optional
        Where to write the HTML.

    Returns
    -------
    str
        The HTML document.
    """
    nb = notebook if isinstance(notebook, nbformat.NotebookNode) else nbformat.read(notebook, as_version=4)
    body, _ = StaticGraphsHTMLExporter().from_notebook_node(nb)
    if path is not None:
        Path(path).write_text(body, encoding="utf-8")
    return body
