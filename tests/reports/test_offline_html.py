"""nbconvert exports that load nothing from the network (nbconvert #754): tracekit_html and the brief's own."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from tracekit.reports.render import CSP, BriefHTMLExporter
from tracekit.views.shared import export_html

TUTORIAL = Path(__file__).resolve().parents[2] / "notebooks" / "01-getting-started.ipynb"
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|@import|import\(["']https?:""", re.I)


def test_tracekit_html_has_no_cdn_script():
    body = export_html(TUTORIAL)
    assert not REMOTE.search(body), REMOTE.search(body)
    assert "cdnjs" not in body and "unpkg" not in body and "require.js" not in body.lower()
    assert "<script" not in body.lower()  # nothing to load: the graphs are static SVG


def _notebook(*outputs, markdown: str = "# Title") -> nbformat.NotebookNode:
    params = nbformat.v4.new_code_cell("entity = 1", metadata={"tags": ["parameters"]})
    cell = nbformat.v4.new_code_cell("secret_code_line()")
    cell.outputs = list(outputs)
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(markdown), params, cell])


@pytest.mark.parametrize("output, absent", [
    (nbformat.v4.new_output("display_data", data={"application/javascript": "window.__pwned = 1"}), "__pwned"),
    (nbformat.v4.new_output("stream", name="stderr", text="progress 50%|#####"), "progress 50%"),
])
def test_brief_exporter_drops_code_scripts_and_stderr(output, absent):
    body, _ = BriefHTMLExporter().from_notebook_node(_notebook(output))
    assert f'content="{CSP}"' in body
    assert "secret_code_line" not in body and "entity = 1" not in body
    assert absent not in body
    assert "<script" not in body.lower() and not REMOTE.search(body)


def test_brief_exporter_keeps_html_outputs_and_markdown():
    out = nbformat.v4.new_output("display_data", data={"text/html": "<p class='x'>Findings &lt;b&gt;</p>"})
    body, _ = BriefHTMLExporter().from_notebook_node(_notebook(out, markdown="## Method notes"))
    assert "Findings &lt;b&gt;" in body and "Method notes" in body
