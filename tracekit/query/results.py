"""Result objects of the graph verbs: one mixin renders them all, escaping every untrusted string.

A result holds a networkx graph (``.graph``) and a table (``.to_frame()``); it prints as text in a
terminal, as an HTML table (plus a static SVG of its graph when the drawing module is present) in a
notebook, as JSON for ``--json``, and as CSV with spreadsheet formula prefixes neutralised.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from tracekit.safetext import visible

__all__ = ["GraphResult", "csv_safe", "html_table", "safe_frame", "frame_records"]

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
    """JSON-ready records of a frame (NaN → null, numpy scalars → numbers, dates → ISO text)."""
    return json.loads(frame.to_json(orient="records", date_format="iso", force_ascii=False))


def _cell(value: Any) -> str:
    if hasattr(value, "tolist") and not isinstance(value, str | int | float):  # numpy arrays/scalars
        value = value.tolist()
    if isinstance(value, list | tuple):
        value = ", ".join(str(v) for v in value[:6]) + (" …" if len(value) > 6 else "")
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"
    return visible(value)  # control and bidi characters from the data shown as marks, never obeyed


def html_table(frame: pd.DataFrame, *, max_rows: int = _HTML_ROWS) -> str:
    """An escaped HTML table of the first ``max_rows`` rows of ``frame``."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_cell(v))}</td>" for v in row) + "</tr>"
        for row in frame.head(max_rows).itertuples(index=False)
    )
    more = (f"<p><em>{len(frame) - max_rows:,} more rows: use .to_frame()</em></p>"
            if len(frame) > max_rows else "")
    return f"<table class='tracekit-result'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


@dataclass
class GraphResult:
    """Base of every graph verb's result.

    Subclasses set ``title`` and ``frame`` (and may override :meth:`summary_lines`).
    """

    title: str
    graph: nx.DiGraph
    frame: pd.DataFrame
    filters: str = "all trade"
    highlight: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)

    def to_frame(self) -> pd.DataFrame:
        """The result as a table (a copy: change it freely)."""
        return self.frame.copy()

    def summary_lines(self) -> list[str]:
        return [f"{self.graph.number_of_nodes():,} companies/nodes, {self.graph.number_of_edges():,} edges"]

    def to_json(self) -> dict:
        return {
            "title": self.title,
            "filters": self.filters,
            "summary": self.summary_lines(),
            "rows": frame_records(self.frame),
            **{k: frame_records(v) if isinstance(v, pd.DataFrame) else v for k, v in self.meta.items()},
        }

    def to_csv(self, path: str | Path) -> Path:
        """Write the table as CSV, with formula prefixes in text neutralised; returns the path."""
        path = Path(path)
        safe_frame(self.frame).to_csv(path, index=False)
        return path

    def __len__(self) -> int:
        return len(self.frame)

    def __str__(self) -> str:
        lines = [self.title, f"filters: {self.filters}", *self.summary_lines()]
        if len(self.frame):
            shown = self.frame.head(_TEXT_ROWS).map(_cell)
            lines.append(shown.to_string(index=False))
            if len(self.frame) > _TEXT_ROWS:
                lines.append(f"… {len(self.frame) - _TEXT_ROWS:,} more rows (to_frame() has them all)")
        else:
            lines.append("(nothing found)")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.title!r}: {len(self.frame):,} rows>"

    def _repr_html_(self) -> str:
        summary = "".join(f"<li>{html.escape(s)}</li>" for s in self.summary_lines())
        return (
            f"<div class='tracekit-result'><h4>{html.escape(self.title)}</h4>"
            f"<p>filters: {html.escape(self.filters)}</p><ul>{summary}</ul>{html_table(self.frame)}</div>"
        )

    def _repr_svg_(self) -> str | None:
        if self.graph.number_of_nodes() == 0:
            return None
        try:
            from tracekit.graph.draw import to_svg
        except ImportError:  # the drawing module is written by another stage; HTML alone until then
            return None
        return to_svg(self.graph, highlight=self.highlight or None)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        bundle = {"text/plain": str(self), "text/html": self._repr_html_()}
        svg = self._repr_svg_()
        if svg:
            bundle["text/html"] = bundle["text/html"].replace(
                "<div class='tracekit-result'>", f"<div class='tracekit-result'>{svg}", 1)
            bundle["image/svg+xml"] = svg
        if include:
            bundle = {k: v for k, v in bundle.items() if k in include}
        if exclude:
            bundle = {k: v for k, v in bundle.items() if k not in exclude}
        return bundle
