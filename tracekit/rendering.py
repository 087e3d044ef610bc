"""One render mixin for every result object: text, escaped HTML, a mime bundle, JSON and safe CSV.

A result is a title and a table (``frame``), optionally a summary, further tables and a static figure
(an SVG of its graph). :class:`Rendered` turns that into every form a front end needs:

* ``str(result)``: terminal text, control and bidi characters from the data shown as visible marks;
* ``_repr_html_`` / ``_repr_mimebundle_``: HTML with every untrusted string escaped (names,
  descriptions, addresses come from trade data and may hold ``<script>``), plus ``image/svg+xml`` when
  there is a figure;
* ``to_frame()`` (a copy), ``to_json()`` (JSON-ready, ids kept as integers: ``--json`` writes them as
  strings, see :mod:`tracekit.store.ids`) and ``to_csv(path)`` with spreadsheet formula prefixes
  neutralised.

:class:`Report` is a result that tells what a verb did (``ws.load``, ``ws.resolve``, ``ws.info``): it keeps
its own terminal text and ``--json`` (scripts parse them) and takes its HTML, mime bundle, table and CSV
from the mixin like every other result.

:class:`TableResult` is a result that is only a table (``search``, ``evidence``, ``quarantine``,
``source_rows``, ``decisions``). It reads like its DataFrame (``hits["entity_id"]``, ``hits.iloc[0]``,
``len(hits)``) so code written against the old DataFrame return values keeps working.

This module sits below every stage (like :mod:`tracekit.safetext`): any room may give its results this
mixin.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pandas as pd

from tracekit.safetext import visible

__all__ = ["Rendered", "Report", "TableResult", "csv_safe", "safe_frame", "frame_records", "html_table", "text_table",
           "cell_text"]

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_HTML_ROWS = 50
_TEXT_ROWS = 40


def csv_safe(value: Any) -> Any:
    """Neutralise a spreadsheet formula prefix in untrusted text (a leading quote makes it text).

    Examples
    --------
    >>> csv_safe("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> csv_safe("ACME LTD"), csv_safe(-3)
    ('ACME LTD', -3)
    """
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell passed through :func:`csv_safe` (lists joined)."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or str(out[column].dtype).startswith(("string", "str")):
            out[column] = [csv_safe("; ".join(map(str, v)) if isinstance(v, list) else v) for v in out[column]]
    return out


def frame_records(frame: pd.DataFrame) -> list[dict]:
    """JSON-ready records of a frame (NaN → null, numpy scalars → numbers, dates → ISO text).

    Id columns keep their exact integers (``to_json`` of pandas would go through float64 for a
    nullable ``Int64`` column with a missing value).
    """
    records = json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))
    for column in frame.columns:
        if str(frame[column].dtype) in ("Int64", "int64"):
            for record, value in zip(records, frame[column].tolist(), strict=True):
                record[str(column)] = None if value is pd.NA else int(value)
    return records


def cell_text(value: Any) -> str:
    """One table cell as display text (lists shortened, numbers rounded, control characters marked)."""
    if hasattr(value, "tolist") and not isinstance(value, str | int | float):  # numpy arrays/scalars
        value = value.tolist()
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value[:6]) + (" …" if len(value) > 6 else "")
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return value.date().isoformat()  # a date, not "2024-04-03 00:00:00"
    return visible(value)  # control and bidi characters from the data shown as marks, never obeyed


def html_table(frame: pd.DataFrame, *, max_rows: int = _HTML_ROWS) -> str:
    """An escaped HTML table of the first ``max_rows`` rows of ``frame``."""
    head = "".join(f"<th>{html.escape(visible(str(c)))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(cell_text(v))}</td>" for v in row) + "</tr>"
        for row in frame.head(max_rows).itertuples(index=False)
    )
    more = (f"<p><em>{len(frame) - max_rows:,} more rows: use .to_frame()</em></p>"
            if len(frame) > max_rows else "")
    return f"<table class='tracekit-result'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


def text_table(frame: pd.DataFrame, *, max_rows: int | None = None) -> str:
    """Terminal text of a table, every text cell passed through :func:`~tracekit.safetext.visible`."""
    if not len(frame):
        return "(no rows)"
    shown = frame if max_rows is None else frame.head(max_rows)
    # Mark cells before laying out the table, so the columns line up with the marks.
    shown = shown.map(lambda v: visible(v) if isinstance(v, str) else v)
    shown.columns = [visible(str(c)) for c in shown.columns]
    return shown.to_string(index=False)


class Rendered:
    """The render mixin. A subclass has ``title`` and ``frame``; it may override the hooks
    :meth:`summary_lines`, :meth:`extra_tables` and :meth:`figure_svg`, and :attr:`filters`."""

    title: str
    frame: pd.DataFrame
    filters: str | None = None

    # -- hooks ------------------------------------------------------------------------------------
    def summary_lines(self) -> list[str]:
        """Short lines shown above the table (text and HTML)."""
        return [f"{len(self.frame):,} rows"]

    def extra_tables(self) -> dict[str, pd.DataFrame]:
        """Further tables shown under the main one, by heading (e.g. the flagged companies)."""
        return {}

    def warning_lines(self) -> list[str]:
        """Loud warnings shown first (text: ``!! WARNING …``; HTML: bold red), e.g. a source with no dates."""
        return []

    def figure_svg(self) -> str | None:
        """A static SVG of the result (graph results draw their graph), or None."""
        return None

    # -- forms --------------------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """The result as a table (a copy: change it freely)."""
        return self.frame.copy()

    def to_json(self) -> dict | list:
        """JSON-ready: title, filters, summary, rows and every extra table (ids as integers)."""
        out: dict[str, Any] = {"title": self.title}
        if self.filters is not None:
            out["filters"] = self.filters
        out.update(summary=self.summary_lines(), rows=frame_records(self.frame))
        out.update({name: frame_records(table) for name, table in self.extra_tables().items()})
        return out

    def to_csv(self, path: str | Path) -> Path:
        """Write the table as CSV, with formula prefixes in text neutralised; returns the path."""
        path = Path(path)
        safe_frame(self.frame).to_csv(path, index=False)
        return path

    def __len__(self) -> int:
        return len(self.frame)

    def __str__(self) -> str:
        lines = [visible(self.title)]
        lines += [f"!! WARNING {visible(w)}" for w in self.warning_lines()]
        if self.filters is not None:
            lines.append(f"filters: {visible(self.filters)}")
        lines += [visible(s) for s in self.summary_lines()]
        if len(self.frame):
            shown = self.frame.head(_TEXT_ROWS).map(cell_text)
            lines.append(shown.to_string(index=False))
            if len(self.frame) > _TEXT_ROWS:
                lines.append(f"… {len(self.frame) - _TEXT_ROWS:,} more rows (to_frame() has them all)")
        else:
            lines.append("(nothing found)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {visible(self.title)!r}: {len(self.frame):,} rows>"

    def summary_html(self) -> str:
        """Warnings, filters and summary lines, escaped."""
        loud = "".join(f"<p class='tracekit-warning' style='color:#b00;font-weight:bold'>&#9888; "
                       f"{html.escape(visible(w))}</p>" for w in self.warning_lines())
        summary = "".join(f"<li>{html.escape(visible(s))}</li>" for s in self.summary_lines())
        filters = f"<p>filters: {html.escape(visible(self.filters))}</p>" if self.filters is not None else ""
        return f"{loud}{filters}<ul>{summary}</ul>" if summary else f"{loud}{filters}"

    def tables_html(self) -> str:
        """The table and every extra table, escaped (a table with no columns is left out)."""
        extra = "".join(f"<h5>{html.escape(visible(name))}</h5>{html_table(table)}"
                        for name, table in self.extra_tables().items())
        return (html_table(self.frame) if len(self.frame.columns) else "") + extra

    def to_html(self, *, figure: bool | str = True) -> str:
        """The escaped HTML of the result; ``figure=False`` leaves the SVG out (the explorer shows it),
        a string is an SVG drawn already."""
        svg = figure if isinstance(figure, str) else (self.figure_svg() if figure else None)
        return (f"<div class='tracekit-result'><h4>{html.escape(visible(self.title))}</h4>{svg or ''}"
                f"{self.summary_html()}{self.tables_html()}</div>")

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_svg_(self) -> str | None:
        return self.figure_svg()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """Text, escaped HTML (with the figure inline) and the figure as ``image/svg+xml``."""
        svg = self.figure_svg()  # drawn once, for both the HTML and the image entry
        bundle = {"text/plain": str(self), "text/html": self.to_html(figure=svg or False)}
        if svg:
            bundle["image/svg+xml"] = svg
        if include:
            bundle = {k: v for k, v in bundle.items() if k in include}
        if exclude:
            bundle = {k: v for k, v in bundle.items() if k not in exclude}
        return bundle


class Report(Rendered):
    """What a verb did (a load, a resolution, the workspace's contents), on the mixin.

    A subclass gives ``title``, ``frame`` (its table: one row per source, per count …) and usually
    keeps the ``__str__`` and ``to_json`` its users and scripts know; summary lines default to none.
    A report is always true (``if report:``), even when its table is empty.
    """

    def summary_lines(self) -> list[str]:
        return []

    def __bool__(self) -> bool:
        return True


class TableResult(Rendered):
    """A result that is one table: renders like every result and reads like its DataFrame.

    ``to_json()`` is the list of row records (what ``--json`` printed when these verbs returned bare
    DataFrames); ``str()`` the table alone, as before.

    Examples
    --------
    >>> hits = TableResult("search: <b>acme</b>", pd.DataFrame({"entity_id": [7], "name": ["<script>"]}))
    >>> int(hits["entity_id"].iloc[0]), len(hits), hits.empty
    (7, 1, False)
    >>> "<script>" in hits._repr_html_(), "&lt;script&gt;" in hits._repr_html_()
    (False, True)
    """

    def __init__(self, title: str, frame: pd.DataFrame, *, summary: list[str] | None = None):
        self.title = title
        self.frame = frame
        self._summary = summary

    def summary_lines(self) -> list[str]:
        return self._summary if self._summary is not None else [f"{len(self.frame):,} rows"]

    def to_json(self) -> list[dict]:
        return frame_records(self.frame)

    def __str__(self) -> str:
        return text_table(self.frame)

    # -- reads like its DataFrame -----------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name == "frame":  # no recursion while unpickling / before __init__
            raise AttributeError(name)
        return getattr(self.frame, name)

    def __getitem__(self, key: Any) -> Any:
        return self.frame[key]

    def __iter__(self):
        return iter(self.frame)

    def __contains__(self, key: Any) -> bool:
        return key in self.frame
