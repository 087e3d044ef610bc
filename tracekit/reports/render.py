"""An executed brief notebook → one self-contained HTML file (and, where Chromium is installed, a PDF).

The HTML is built for being handed on and opened anywhere, offline:

* no code: inputs and prompts are hidden, stderr (progress bars, warnings) is left in the notebook;
* nothing fetched: nbconvert's CDN scripts are gone (:data:`tracekit.views.shared.OFFLINE_TEMPLATE`),
  images are ``data:`` URIs, and a Content-Security-Policy forbids every script and every request
  other than ``data:`` images and inline styles — so even a name that slipped past escaping could
  neither run nor call home;
* widget outputs fall back to their static rendering (papermill drops widget state: papermill #400).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor

from tracekit.errors import TracekitError
from tracekit.views.shared import OFFLINE_TEMPLATE, StaticGraphsHTMLExporter

__all__ = ["BriefHTMLExporter", "render_html", "print_pdf", "find_chromium", "CHROMIUM", "CSP"]

CHROMIUM = Path("/usr/bin/chromium")
#: nothing but data: images, data: fonts and inline styles
CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:; base-uri 'none'; "
       "form-action 'none'")
BRIEF_TEMPLATE = "tracekit_brief.html.j2"
_BRIEF_SOURCE = (
    "{%- extends '" + OFFLINE_TEMPLATE + "' -%}\n"
    "{%- block html_head_js -%}<meta http-equiv=\"Content-Security-Policy\" content=\"" + CSP + "\">"
    "{%- endblock html_head_js -%}\n"
    "{%- block extra_css -%}<style type=\"text/css\">\n"
    "main { max-width: 1500px; margin: 0 auto; padding: 1em 2em; }\n"
    "table.tk-brief { border-collapse: collapse; font-size: 12px; margin: 0.4em 0 1em; table-layout: auto; }\n"
    ".jp-RenderedHTMLCommon table.tk-brief th, .jp-RenderedHTMLCommon table.tk-brief td {\n"
    "  border: 1px solid #d0d7de; padding: 3px 6px; text-align: left !important; vertical-align: top;\n"
    "  max-width: 16em; overflow-wrap: break-word; }\n"
    ".jp-RenderedHTMLCommon table.tk-brief td.tk-nw { white-space: nowrap; }\n"
    ".jp-RenderedHTMLCommon table.tk-brief td.tk-wide { min-width: 18em; max-width: 32em; }\n"
    "div.tk-scroll { overflow-x: auto; max-width: 100%; }\n"
    "table.tk-brief th { background: #f3f5f7; }\n"
    "table.tk-kv th { width: 14em; }\n"
    "p.tk-note { color: #555; } p.tk-caption { color: #444; font-size: 12px; }\n"
    "h2.tk-entity { margin-top: 0.2em; }\n"
    "@media print { main { max-width: none; padding: 0; } img.tk-graph { max-height: 18cm; }\n"
    "  table.tk-brief { font-size: 8px; } div.tk-scroll { overflow: visible; } }\n"
    "</style>{%- endblock extra_css -%}\n"
    "{%- block data_javascript scoped -%}<p><em>(a JavaScript output is not included in the brief)</em></p>"
    "{%- endblock data_javascript -%}\n"
    "{%- block stream_stderr -%}{%- endblock stream_stderr -%}\n"
)


class _NoParameterCells(Preprocessor):
    """Drop the parameters and papermill's injected-parameters cells (inputs only: nothing to show)."""

    def preprocess(self, nb, resources):  # noqa: ANN001, ANN201
        nb.cells = [c for c in nb.cells
                    if not {"parameters", "injected-parameters"} & set(c.get("metadata", {}).get("tags", []))]
        return nb, resources


class BriefHTMLExporter(StaticGraphsHTMLExporter):
    """The brief's HTML: no inputs, no prompts, no scripts, nothing fetched (see the module docstring)."""

    export_from_notebook = "HTML brief (no code, offline)"
    memory_templates = {**StaticGraphsHTMLExporter.memory_templates, BRIEF_TEMPLATE: _BRIEF_SOURCE}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("template_file", BRIEF_TEMPLATE)
        kwargs.setdefault("exclude_input", True)
        kwargs.setdefault("exclude_input_prompt", True)
        kwargs.setdefault("exclude_output_prompt", True)
        super().__init__(*args, **kwargs)
        self.register_preprocessor(_NoParameterCells, enabled=True)


def render_html(notebook: nbformat.NotebookNode, path: Path, *, title: str) -> Path:
    """Write ``notebook`` (executed) to ``path`` as the brief's HTML."""
    nb = nbformat.from_dict(notebook)
    nb.metadata["title"] = title
    body, _ = BriefHTMLExporter().from_notebook_node(nb)
    path.write_text(body, encoding="utf-8")
    return path


def find_chromium() -> Path | None:
    """Debian's Chromium (``/usr/bin/chromium``) or one named ``chromium`` on the PATH."""
    if CHROMIUM.exists():
        return CHROMIUM
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return Path(found) if found else None


def require_chromium() -> Path:
    """The Chromium for the PDF, or an error that says how to get one (or to drop ``--pdf``)."""
    chromium = find_chromium()
    if chromium is None:
        raise TracekitError("a PDF brief needs Chromium, and none is installed (looked for /usr/bin/chromium and "
                            "`chromium` on the PATH): install it (apt-get install chromium, or `make browser`) "
                            "or leave out --pdf / pdf=True to write the HTML brief only")
    return chromium


def print_pdf(html_path: Path, pdf_path: Path, *, chromium: Path | None = None, timeout: float = 120) -> Path:
    """Print the brief with headless Chromium, network off; raises with Chromium's words if it fails."""
    chromium = chromium or require_chromium()
    pdf_path.unlink(missing_ok=True)
    command = [str(chromium), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}", html_path.resolve().as_uri()]
    try:
        run = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise TracekitError(f"Chromium did not finish printing {html_path} within {timeout:.0f} s") from exc
    if run.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
        said = (run.stderr or run.stdout or "").strip().splitlines()[-3:]
        raise TracekitError(f"Chromium could not print {html_path} to PDF (exit {run.returncode}): "
                            + (" | ".join(said) or "no message"))
    return pdf_path
