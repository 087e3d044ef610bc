"""Exports of what the explorer shows: GraphML and GEXF (Gephi), evidence CSV (formula-safe).

GraphML and GEXF hold only scalar attributes, so lists (flags, HS codes) are joined with ``"; "`` and
missing values are dropped rather than written as the text ``"None"``. Node keys become strings (GEXF
and GraphML ids are text); the entity id stays available as the ``entity_id`` attribute.
"""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import pandas as pd

from tracekit.query.results import csv_safe, safe_frame

__all__ = ["exportable_graph", "write_graphml", "write_gexf", "write_evidence_csv"]


def _scalar(value: object) -> object | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item") and callable(value.item):
        value = value.item()
    if isinstance(value, list | tuple | set | frozenset):
        return "; ".join(str(v) for v in value) or None
    if isinstance(value, bool | int | float):
        return value
    return str(value)


def exportable_graph(G: nx.Graph) -> nx.DiGraph:
    """A copy of ``G`` with string node ids and only scalar, non-missing attributes.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_node(7, label="ACME", flags=["new", "hub"], risk=None)
    >>> dict(exportable_graph(G).nodes["7"])
    {'label': 'ACME', 'flags': 'new; hub', 'entity_id': 7}
    """
    out = nx.DiGraph()
    for node, attrs in G.nodes(data=True):
        clean = {k: s for k, v in attrs.items() if (s := _scalar(v)) is not None}
        if isinstance(node, int):
            clean["entity_id"] = node
        out.add_node(str(node), **clean)
    for u, v, attrs in G.edges(data=True):
        out.add_edge(str(u), str(v), **{k: s for k, v2 in attrs.items() if (s := _scalar(v2)) is not None})
    return out


def write_graphml(G: nx.Graph, path: str | Path) -> Path:
    """Write ``G`` as GraphML (yEd, Cytoscape desktop, Gephi); returns the path."""
    path = Path(path)
    nx.write_graphml(exportable_graph(G), path)
    return path


def write_gexf(G: nx.Graph, path: str | Path) -> Path:
    """Write ``G`` as GEXF 1.2 (Gephi's own format); returns the path."""
    path = Path(path)
    nx.write_gexf(exportable_graph(G), path)
    return path


def write_evidence_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write an evidence table as CSV; text starting ``= + - @``, tab or CR is made inert.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "e.csv"
    >>> _ = write_evidence_csv(pd.DataFrame({"shipper": ["=cmd|' /C calc'!A0"]}), p)
    >>> p.read_text().splitlines()[1].startswith("'=cmd")
    True
    """
    path = Path(path)
    frame = safe_frame(frame)
    frame.columns = [csv_safe(str(c)) for c in frame.columns]
    frame.to_csv(path, index=False)
    return path
