"""``brief``: run the briefing template for one entity with papermill and write a self-contained HTML brief.

The template (``notebooks/templates/briefing.ipynb``, or an analyst's own) is executed in a fresh kernel
by papermill (nbclient under it) with the parameters ``workspace``, ``entity``, ``hops``, ``window``
and ``watchlists``; the executed notebook is kept next to the HTML, so every table can be re-read in
full. The HTML has no code, fetches nothing and runs nothing (:mod:`tracekit.reports.render`).

The kernel opens a folder workspace read-only beside the caller, who keeps their own store open (a
workspace is shared by processes: many readers, one writer, :mod:`tracekit.store.sessions`); an
in-memory workspace is copied to a temporary folder for the kernel to read.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import nbformat

import tracekit
from tracekit.errors import TracekitError
from tracekit.query.changes import parse_window
from tracekit.query.entities import entity_name, resolve_entity
from tracekit.reports.render import print_pdf, render_html, require_chromium
from tracekit.reports.sections import SUMMARY_MIME
from tracekit.store.engine import DATABASE_FILE, quote_literal

__all__ = ["brief", "Brief", "default_template", "check_template", "slug"]

_PACKAGED = Path(__file__).resolve().parent / "templates" / "briefing.ipynb"


def default_template() -> Path:
    """The briefing template shipped with tracekit (``notebooks/templates/briefing.ipynb``)."""
    return _PACKAGED


def slug(name: str, fallback: str = "entity") -> str:
    """A file-name-safe form of a company name.

    Examples
    --------
    >>> slug("Química Delta S.A. de C.V."), slug("<script>"), slug("四川", "42")
    ('quimica-delta-s-a-de-c-v', 'script', '42')
    """
    ascii_text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    return text or fallback


def check_template(path: str | Path) -> nbformat.NotebookNode:
    """Read a template, refusing one papermill would run unparameterised (papermill only warns: #245)."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise TracekitError(f"brief template {path} does not exist")
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # noqa: BLE001 - any unreadable notebook is the user's file to fix
        raise TracekitError(f"brief template {path} is not a readable notebook: {exc}") from exc
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if not tagged:
        raise TracekitError(
            f"brief template {path} has no cell tagged 'parameters', so the brief's workspace, entity, hops, "
            "window and watchlists would never reach it (papermill would run it with whatever values it holds). "
            "Tag the cell that sets them: in JupyterLab, select it, open the property inspector (gear icon) and "
            "add the tag `parameters`")
    if nb.metadata.get("kernelspec", {}).get("language", "python") != "python":
        raise TracekitError(f"brief template {path} is a {nb.metadata['kernelspec']['language']} notebook; "
                            "briefs run Python templates")
    # a notebook written by a tool (not JupyterLab) may name no kernel: papermill then refuses to run it
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    nb.metadata.setdefault("language_info", {"name": "python"})
    if nb.cells[tagged[0]].cell_type != "code":
        raise TracekitError(f"brief template {path}: the cell tagged 'parameters' (cell {tagged[0] + 1}) is not a "
                            "code cell")
    return nb


@dataclass
class Brief:
    """A written brief: ``html_path``, ``notebook_path`` (executed), ``pdf_path`` (or None) and its key facts."""

    html_path: Path
    notebook_path: Path
    pdf_path: Path | None
    entity_id: int
    name: str
    facts: dict = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def findings(self) -> list[str]:
        return list(self.facts.get("findings", []))

    def __str__(self) -> str:
        lines = [f"brief of {self.name} (entity {self.entity_id}) in {self.seconds:.1f} s"]
        lines += [f"  - {f}" for f in self.findings]
        lines += [f"HTML:     {self.html_path}", f"notebook: {self.notebook_path}"]
        if self.pdf_path:
            lines.append(f"PDF:      {self.pdf_path}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<Brief {self.name!r}: {self.html_path}>"

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{escape(f)}</li>" for f in self.findings)
        links = [f"<a href='{escape(self.html_path.resolve().as_uri())}' target='_blank'>{escape(str(self.html_path))}</a>",
                 f"executed notebook: {escape(str(self.notebook_path))}"]
        if self.pdf_path:
            links.append(f"<a href='{escape(self.pdf_path.resolve().as_uri())}' target='_blank'>PDF</a>")
        return (f"<div class='tracekit-brief'><h4>brief of {escape(self.name)}</h4><ul>{items}</ul>"
                f"<p>{'<br>'.join(links)}</p></div>")

    def to_json(self) -> dict:
        return {"entity_id": str(self.entity_id), "name": self.name, "html": str(self.html_path),
                "notebook": str(self.notebook_path), "pdf": str(self.pdf_path) if self.pdf_path else None,
                "findings": self.findings, "score": self.facts.get("score"), "seconds": round(self.seconds, 1)}


@contextlib.contextmanager
def _readable_by_kernel(ws) -> Iterator[Path]:  # noqa: ANN001
    """The workspace folder the kernel opens read-only, with the caller's writer out of its way."""
    store = ws.store
    if store.folder is None:
        with tempfile.TemporaryDirectory(prefix="tracekit-brief-") as tmp:
            folder = Path(tmp) / "workspace"
            folder.mkdir()
            store.execute(f"ATTACH {quote_literal(str(folder / DATABASE_FILE))} AS tk_brief_copy; "
                          "COPY FROM DATABASE memory TO tk_brief_copy; DETACH tk_brief_copy")
            yield folder
        return
    # A folder workspace is shared by processes (many readers, one writer): the caller's store gives the
    # file back after each write block or when idle, so the kernel opens it read-only beside it and the
    # caller's workspace, its temporary tables and its cached index stay as they were.
    yield store.folder


@contextlib.contextmanager
def _kernel_environment() -> Iterator[None]:
    """The kernel imports this tracekit (first on PYTHONPATH) and draws no progress bars (tqdm reads
    ``TQDM_DISABLE`` when it is imported: in the kernel, not in this process, whose tqdm is loaded)."""
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "TQDM_DISABLE")}
    package_root = str(Path(tracekit.__file__).resolve().parent.parent)
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, saved["PYTHONPATH"]) if p)
    os.environ["TQDM_DISABLE"] = "1"
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _watchlist_names(ws, watchlists) -> list[str] | None:  # noqa: ANN001
    """Names of the selected watch lists; a CSV path is added to the workspace first (it then stays)."""
    if watchlists is None:
        return None
    items = [watchlists] if isinstance(watchlists, str | Path) else list(watchlists)
    names = []
    for item in items:
        path = Path(str(item)).expanduser()
        if str(item).lower().endswith(".csv") or path.is_file():
            if ws.store.read_only:
                raise TracekitError(f"watch list {path} must be added to the workspace, which is open read-only: "
                                    "add it first (tracekit watchlists add FILE) or open the workspace writable")
            summary = ws.watchlists.add(path, replace=True)
            names.extend(str(n) for n in summary["list"])
        else:
            names.append(str(item))
    known = set(ws.watchlists.list()["list"])
    unknown = sorted(set(names) - known)
    if unknown:
        raise TracekitError(f"no watch list named {', '.join(map(repr, unknown))}; lists in force: "
                            f"{', '.join(sorted(known))}")
    return names


def _failure(exc: Exception, notebook_path: Path) -> TracekitError:
    """A papermill execution error as one line naming the cell and where the executed notebook is."""
    ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
    cell = getattr(exc, "exec_count", None)
    where = f" in cell [{cell}]" if cell else ""
    return TracekitError(f"the brief template failed{where}: {ename}: {evalue} (executed notebook with the "
                         f"traceback: {notebook_path})")


def _facts(nb: nbformat.NotebookNode) -> dict:
    for cell in nb.cells:
        for output in cell.get("outputs", ()):
            data = output.get("data", {})
            if SUMMARY_MIME in data:
                return dict(data[SUMMARY_MIME])
    return {}


def brief(ws, entity, *, out=None, hops: int = 2, window=None, watchlists=None, template=None,  # noqa: ANN001
          pdf: bool = False, timeout: float = 600, progress: bool = True) -> Brief:
    """Write the brief of one entity: self-contained HTML, the executed notebook beside it, optionally a PDF.

    Parameters
    ----------
    ws : Workspace
    entity : int or str
        Entity id or company name (an ambiguous name is an error listing the candidates).
    out : str or Path, optional
        The HTML file to write, or a folder (an existing one, or a path ending in ``/``) to write
        ``brief-<name>.html`` in; default: ``brief-<name>.html`` in the current folder. The executed
        notebook is written beside it with the suffix ``.ipynb``, the PDF with ``.pdf``.
    hops : int
        Tiers of suppliers and buyers traced (1–4).
    window : str, optional
        ``"2024-01..2024-06"`` (or ``"2024"``): trade in the window only; changes against the same span
        before it. Default: all trade, changes over the latest six months.
    watchlists : str or list of str, optional
        Watch lists whose matches count as flags: names of lists in force, or CSV files (added to the
        workspace first, like ``tracekit watchlists add``). Default: every list in force.
    template : str or Path, optional
        An analyst's own template notebook; it must have a cell tagged ``parameters``.
    pdf : bool
        Also print a PDF with headless Chromium (an error, before any work, when it is not installed).
    timeout : float
        Seconds any one cell may run.
    progress : bool
        Show a progress bar over the template's cells (tqdm.auto: a widget in a notebook).
    """
    started = time.perf_counter()
    nb = check_template(template if template is not None else default_template())
    chromium = require_chromium() if pdf else None
    if not 1 <= int(hops) <= 4:
        raise TracekitError(f"hops={hops}: use 1 to 4")
    if window not in (None, ""):
        parse_window(window)
    entity_id = resolve_entity(ws, entity)
    name = entity_name(ws, entity_id)
    names = _watchlist_names(ws, watchlists)
    if not ws.store.read_only:
        from tracekit.query.prepared import graph_index

        graph_index(ws)  # flags and risk up to date: the kernel opens the workspace read-only
    default_name = f"brief-{slug(name, str(entity_id))}.html"
    html_path = Path(out).expanduser() if out is not None else Path.cwd() / default_name
    if out is not None and (html_path.is_dir() or str(out).endswith(("/", os.sep))):
        html_path = html_path / default_name
    elif html_path.suffix.lower() not in (".html", ".htm"):
        html_path = html_path.with_suffix(html_path.suffix + ".html") if html_path.suffix else html_path.with_suffix(".html")
    html_path.parent.mkdir(parents=True, exist_ok=True)
    notebook_path = html_path.with_suffix(".ipynb")

    import papermill
    from jupyter_client import KernelManager
    from papermill.exceptions import PapermillExecutionError

    with tempfile.TemporaryDirectory(prefix="tracekit-template-") as tmp:
        source = Path(tmp) / "template.ipynb"
        nbformat.write(nb, source)
        with _readable_by_kernel(ws) as folder, _kernel_environment():
            parameters = {"workspace": str(folder), "entity": str(entity_id), "hops": int(hops),
                          "window": window or None, "watchlists": names}
            # IPC sockets (files in Jupyter's runtime folder): no TCP port opened for the kernel
            km = KernelManager(kernel_name="python3", transport="ipc", connection_file=str(Path(tmp) / "kernel.json"))
            try:
                executed = papermill.execute_notebook(
                    str(source), str(notebook_path), parameters=parameters, kernel_name="python3", km=km,
                    progress_bar={"desc": "brief", "leave": False} if progress else False, log_output=False, cwd=str(html_path.parent), execution_timeout=timeout)
            except PapermillExecutionError as exc:
                raise _failure(exc, notebook_path) from None
            finally:  # a kernel manager passed in is ours to stop; it reads the workspace until it exits
                if km.has_kernel:
                    km.shutdown_kernel(now=False)
                km.cleanup_resources()
    render_html(executed, html_path, title=f"Brief: {name}")
    pdf_path = print_pdf(html_path, html_path.with_suffix(".pdf"), chromium=chromium) if pdf else None
    return Brief(html_path=html_path, notebook_path=notebook_path, pdf_path=pdf_path, entity_id=entity_id,
                 name=name, facts=_facts(executed), seconds=time.perf_counter() - started)
