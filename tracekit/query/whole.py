"""``ws.graph()``: the whole filtered trade graph as networkx, with optional context nodes."""

from __future__ import annotations

import networkx as nx
import numpy as np

from tracekit.errors import TracekitError
from tracekit.graph.filters import TradeFilter
from tracekit.graph.project import add_context, build_digraph
from tracekit.query.prepared import graph_index

__all__ = ["whole_graph"]

_EVIDENCE_UP_TO = 50_000


def whole_graph(ws, *, context=(), max_edges: int | None = 500_000, **filters) -> nx.DiGraph:
    """Every trade edge passing the filters, as a networkx DiGraph (ARCHITECTURE.md conventions).

    Parameters
    ----------
    context : iterable of str
        Extra relations: ``notify`` (consignee → notify party), ``shared`` (shared address, phone,
        e-mail, tax id), ``product`` (company → ``hs:`` node), ``port`` (company → ``port:`` node of
        lading), ``address`` (company → ``addr:`` node).
    max_edges : int or None
        Refuse (with an explanation) to build a networkx graph larger than this; whole-graph analytics
        (communities) run on the compiled index instead.
    **filters
        ``hs``, ``since``, ``until``, ``countries``, ``min_shipments``.
    """
    flt = TradeFilter.from_kwargs(filters)
    index = graph_index(ws)
    arrays, rows = index.all_rows(flt)
    pairs = len(np.unique(arrays.src[rows].astype(np.int64) * index.n_nodes + arrays.dst[rows]))
    if max_edges is not None and pairs > max_edges:
        raise TracekitError(
            f"the filtered graph has {pairs:,} trade edges, more than max_edges={max_edges:,}: narrow it "
            "(hs=, since=/until=, countries=, min_shipments=) or pass max_edges=None"
        )
    graph = build_digraph(index, arrays, rows, flt, evidence=pairs <= _EVIDENCE_UP_TO)
    return add_context(graph, ws.store, context, flt) if context else graph
