"""The HTML pieces a brief is made of; every string from the data goes through :func:`text` here.

A brief is handed on, opened offline, maybe by a browser with nothing but a file path. So its pieces
are plain HTML with inline styles, images as ``data:`` URIs, and no script of any kind. Names,
descriptions, addresses and file names come from the data (written by the people under
investigation): they are shown through :func:`tracekit.safetext.visible` (control and bidi characters
as marks) and HTML-escaped.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from tracekit.safetext import visible

__all__ = ["Html", "text", "table", "svg_image", "bullets", "note", "cell_text", "place"]


def text(value: Any) -> str:
    """Untrusted text, readable and inert in HTML.

    Examples
    --------
    >>> text('<script>alert(1)</script>')
    '&lt;script&gt;alert(1)&lt;/script&gt;'
    >>> text("A\\u202eB")
    'A\\\\u202eB'
    """
    return html.escape(visible("" if value is None else value), quote=True)


def cell_text(value: Any) -> str:
    """One table cell as text: lists joined, missing values empty, numbers readable."""
    if hasattr(value, "tolist") and not isinstance(value, str | int | float):  # numpy arrays and scalars
        value = value.tolist()
    if isinstance(value, list | tuple):
        shown = [cell_text(v) for v in value[:8]]
        return ", ".join(shown) + (f" … (+{len(value) - 8})" if len(value) > 8 else "")
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


class Html:
    """A piece of (already safe) HTML that a notebook displays as such."""

    def __init__(self, body: str):
        self.body = body

    def _repr_html_(self) -> str:
        return self.body

    def __str__(self) -> str:
        return self.body

    def __add__(self, other: Html) -> Html:
        return Html(self.body + other.body)


def table(frame: pd.DataFrame, *, columns: dict[str, str] | None = None, max_rows: int = 40,
          empty: str = "none", wide: Sequence[str] = ()) -> Html:
    """An escaped table of ``frame`` (``columns`` renames and orders: source column → heading; ``wide``
    headings get room for sentences)."""
    if columns:
        frame = frame[[c for c in columns if c in frame.columns]].rename(columns=columns)
    if frame.empty:
        return note(empty)
    head = "".join(f"<th>{text(c)}</th>" for c in frame.columns)
    roomy = [c in wide for c in frame.columns]
    rows = "".join("<tr>" + "".join(_cell(v, w) for v, w in zip(row, roomy, strict=True)) + "</tr>"
                   for row in frame.head(max_rows).itertuples(index=False))
    more = (f"<p class='tk-more'>{len(frame) - max_rows:,} more rows not shown (the executed notebook "
            "beside this brief has the full tables)</p>" if len(frame) > max_rows else "")
    return Html(f"<div class='tk-scroll'><table class='tk-brief'><thead><tr>{head}</tr></thead><tbody>{rows}"
                f"</tbody></table></div>{more}")


def _cell(value: Any, wide: bool = False) -> str:
    """One escaped ``<td>``: a list one item per line, a short unbroken value (id, date, file:line) unwrapped."""
    if hasattr(value, "tolist") and not isinstance(value, str | int | float):
        value = value.tolist()
    opening = "<td class='tk-wide'>" if wide else "<td>"
    if isinstance(value, list | tuple) and len(value) > 1:
        shown = "<br>".join(text(cell_text(v)) for v in value[:8])
        more = f"<br>… (+{len(value) - 8})" if len(value) > 8 else ""
        return f"{opening}{shown}{more}</td>"
    shown = cell_text(value)
    short = len(shown) <= 24 and " " not in shown
    return f"<td class='tk-nw'>{text(shown)}</td>" if short and not wide else f"{opening}{text(shown)}</td>"


def svg_image(svg: str, alt: str) -> Html:
    """An SVG drawing embedded as an ``<img>`` with a ``data:`` URI.

    An SVG loaded as an image cannot run script or fetch anything, whatever its text says, and the
    brief carries it inside the file (no widget state for papermill to drop: papermill #400).
    """
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return Html(f"<img class='tk-graph' alt='{text(alt)}' src='data:image/svg+xml;base64,{data}'"
                " style='max-width:100%;height:auto;border:1px solid #ddd'/>")


def bullets(items: Iterable[str], *, safe: bool = False) -> Html:
    """A list; items are escaped unless ``safe`` (already built from escaped pieces)."""
    body = "".join(f"<li>{item if safe else text(item)}</li>" for item in items)
    return Html(f"<ul class='tk-brief'>{body}</ul>")


def note(message: str) -> Html:
    return Html(f"<p class='tk-note'><em>{text(message)}</em></p>")


def heading(message: str, level: int = 3) -> Html:
    return Html(f"<h{level}>{text(message)}</h{level}>")


def place(source_file: Any, line: Any) -> str:
    """``file.csv:123`` for an evidence row (the file's name only; the method notes give full paths)."""
    name = str(source_file or "?").replace("\\", "/").rsplit("/", 1)[-1]
    return f"{name}:{'' if line is None else int(line)}"


def key_values(pairs: Sequence[tuple[str, Any]]) -> Html:
    """A two-column table of labels and values (values escaped)."""
    rows = "".join(f"<tr><th>{text(k)}</th><td>{text(cell_text(v))}</td></tr>" for k, v in pairs)
    return Html(f"<table class='tk-brief tk-kv'><tbody>{rows}</tbody></table>")
