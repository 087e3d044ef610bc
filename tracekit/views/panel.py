"""HTML for the explorer's side panel: details of a node or edge, and its evidence shipments.

ipywidgets' ``HTML`` widget assigns its value to ``innerHTML`` without sanitising, so every value that
reaches it passes through :func:`html.escape` here (company names, addresses and descriptions come from
bills of lading and are attacker-controlled).
"""

from __future__ import annotations

import datetime as dt
import html

import networkx as nx
import pandas as pd

from tracekit.query.results import html_table
from tracekit.safetext import visible
from tracekit.views.layout import tier_heading

__all__ = ["node_details", "edge_details", "evidence_html", "message", "as_date", "dates_as_dates", "PANEL_CSS"]

_NODE_FIELDS = ("kind", "country", "mentions", "risk", "flags", "community", "tier", "hidden")
_EDGE_FIELDS = ("kind", "shipments", "kg", "usd", "first_date", "last_date", "hs_codes", "descriptions")


#: the panel's tables keep their columns (no wrapping mid-date) and scroll sideways inside the panel
_SCROLL = "max-width:100%;overflow-x:auto;overflow-y:auto"
#: CSS for the panel (one HTML widget in it): its text widgets may shrink to the panel's width (a flex
#: item's min-width is its content's width otherwise, and a wide table pushed out past the right edge)
PANEL_CSS = ("<style>.tk-panel .widget-html,.tk-panel .widget-html-content{min-width:0;max-width:100%}"
             ".tk-panel table td,.tk-panel table th{white-space:nowrap;padding:1px 6px}</style>")


def _show(value: object) -> str:
    """Escaped for HTML, with control and bidi characters shown as marks (a name cannot spoof another)."""
    return html.escape(visible(value))


def as_date(value: object) -> object:
    """A timestamp at midnight as ``YYYY-MM-DD``, any other timestamp to the minute; other values unchanged.

    Examples
    --------
    >>> as_date(pd.Timestamp("2024-04-03")), as_date(dt.datetime(2024, 4, 3, 9, 30)), as_date("x")
    ('2024-04-03', '2024-04-03 09:30', 'x')
    """
    if isinstance(value, pd.Timestamp | dt.datetime):
        if pd.isna(value):
            return None
        midnight = (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)
        return value.strftime("%Y-%m-%d" if midnight else "%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def dates_as_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose date and datetime columns read as dates (``2024-04-03``, not ``… 00:00:00``).

    Examples
    --------
    >>> f = pd.DataFrame({"date": pd.to_datetime(["2024-04-03", None]), "n": [1, 2]})
    >>> dates_as_dates(f)["date"].tolist()
    ['2024-04-03', None]
    """
    out = frame.copy()
    for column in out.columns:
        series = out[column]
        if pd.api.types.is_datetime64_any_dtype(series) or (
                series.dtype == object and series.map(lambda v: isinstance(v, dt.date)).any()):
            out[column] = series.map(as_date).astype(object).where(series.notna(), None)
    return out


def _rows(pairs: list[tuple[str, object]]) -> str:
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:8px'>{html.escape(k)}</th>"
        f"<td>{_show(', '.join(map(str, v)) if isinstance(v, list | tuple) else str(as_date(v)))}</td></tr>"
        for k, v in pairs if v is not None and v != []
    )
    return f"<div class='tk-scroll' style='{_SCROLL}'><table class='tk-details'>{body}</table></div>"


def node_details(G: nx.Graph, node) -> str:
    """Escaped HTML: the node's label as a heading and its attributes as a table.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_node(1, label="<b>X</b>", kind="company", country="CN")
    >>> "&lt;b&gt;X&lt;/b&gt;" in node_details(G, 1)
    True
    """
    attrs = G.nodes[node]
    pairs = [("entity id", node)] + [(k, _tier(attrs.get(k)) if k == "tier" else attrs.get(k)) for k in _NODE_FIELDS]
    if G.is_directed():
        pairs += [("suppliers", G.in_degree(node)), ("buyers", G.out_degree(node))]
    return f"<h4 class='tk-title'>{_show(attrs.get('label') or node)}</h4>{_rows(pairs)}"


def _tier(tier: object) -> object:
    if isinstance(tier, int) and not isinstance(tier, bool):
        return f"{tier} ({tier_heading(tier).strip('←→ ')})"
    return tier


def edge_details(G: nx.Graph, u, v) -> str:
    """Escaped HTML: shipper → consignee and the edge's trade figures."""
    attrs = G.edges[u, v]
    title = f"{G.nodes[u].get('label') or u} → {G.nodes[v].get('label') or v}"
    return f"<h4 class='tk-title'>{_show(title)}</h4>{_rows([(k, attrs.get(k)) for k in _EDGE_FIELDS])}"


def evidence_html(frame: pd.DataFrame | None, *, max_rows: int = 25) -> str:
    """The evidence shipments as an escaped table that scrolls inside the panel (or a note when none).

    Dates read as dates. ``frame`` may also be a result object with ``.to_frame()``.
    """
    if frame is None:
        return ""
    if not isinstance(frame, pd.DataFrame) and callable(getattr(frame, "to_frame", None)):
        frame = frame.to_frame()
    if frame.empty:
        return "<p class='tk-evidence'><em>no shipments under the current filters</em></p>"
    return (f"<b>{len(frame):,} shipments</b><div class='tk-evidence tk-scroll' "
            f"style='max-height:320px;{_SCROLL}'>{html_table(dates_as_dates(frame), max_rows=max_rows)}</div>")


def message(text: str, *, error: bool = False) -> str:
    """One escaped status line."""
    colour = "#b00020" if error else "#555"
    return f"<span style='color:{colour}'>{html.escape(text)}</span>"
