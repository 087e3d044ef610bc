"""HTML for the explorer's side panel: details of a node or edge, and its evidence shipments.

ipywidgets' ``HTML`` widget assigns its value to ``innerHTML`` without sanitising, so every value that
reaches it passes through :func:`html.escape` here (company names, addresses and descriptions come from
bills of lading and are attacker-controlled).
"""

from __future__ import annotations

import html

import networkx as nx
import pandas as pd

from tracekit.query.results import html_table
from tracekit.safetext import visible

__all__ = ["node_details", "edge_details", "evidence_html", "message"]

_NODE_FIELDS = ("kind", "country", "mentions", "risk", "flags", "community", "tier", "hidden")
_EDGE_FIELDS = ("kind", "shipments", "kg", "usd", "first_date", "last_date", "hs_codes", "descriptions")


def _show(value: object) -> str:
    """Escaped for HTML, with control and bidi characters shown as marks (a name cannot spoof another)."""
    return html.escape(visible(value))


def _rows(pairs: list[tuple[str, object]]) -> str:
    body = "".join(
        f"<tr><th style='text-align:left;padding-right:8px'>{html.escape(k)}</th>"
        f"<td>{_show(', '.join(map(str, v)) if isinstance(v, list | tuple) else str(v))}</td></tr>"
        for k, v in pairs if v is not None and v != []
    )
    return f"<table class='tk-details'>{body}</table>"


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
    pairs = [("entity id", node)] + [(k, attrs.get(k)) for k in _NODE_FIELDS]
    if G.is_directed():
        pairs += [("suppliers", G.in_degree(node)), ("buyers", G.out_degree(node))]
    return f"<h4 class='tk-title'>{_show(attrs.get('label') or node)}</h4>{_rows(pairs)}"


def edge_details(G: nx.Graph, u, v) -> str:
    """Escaped HTML: shipper → consignee and the edge's trade figures."""
    attrs = G.edges[u, v]
    title = f"{G.nodes[u].get('label') or u} → {G.nodes[v].get('label') or v}"
    return f"<h4 class='tk-title'>{_show(title)}</h4>{_rows([(k, attrs.get(k)) for k in _EDGE_FIELDS])}"


def evidence_html(frame: pd.DataFrame | None, *, max_rows: int = 25) -> str:
    """The evidence shipments as an escaped table (or a note when there are none)."""
    if frame is None:
        return ""
    if frame.empty:
        return "<p class='tk-evidence'><em>no shipments under the current filters</em></p>"
    return (f"<div class='tk-evidence' style='max-height:320px;overflow:auto'><b>{len(frame):,} shipments</b>"
            f"{html_table(frame, max_rows=max_rows)}</div>")


def message(text: str, *, error: bool = False) -> str:
    """One escaped status line."""
    colour = "#b00020" if error else "#555"
    return f"<span style='color:{colour}'>{html.escape(text)}</span>"
