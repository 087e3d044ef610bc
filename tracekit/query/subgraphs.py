"""The small graphs the verbs draw (flags' top companies, a risk ranking, a shell cluster, a community),
built the same way on both engines.

A DuckDB workspace cuts them out of the in-memory trade index; a Spark workspace never loads that index
(it is the whole graph): the rows among the drawn companies are selected on the cluster and only they
come to the driver (:mod:`tracekit.graph.spark_project`). Either way the rows go through the same
``build_digraph``, so the drawings carry the same nodes, edges and attributes.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np

from tracekit.graph.filters import TradeFilter
from tracekit.graph.project import build_digraph
from tracekit.graph.traverse import rows_among

__all__ = ["on_spark", "prepared", "among", "around", "AROUND_ROWS"]

AROUND_ROWS = 200
"""Trade rows drawn around one company (its busiest), so a hub's drawing stays readable."""


def on_spark(ws) -> bool:
    """Whether ``ws`` is a Spark workspace (its verbs must not load the whole graph)."""
    return getattr(ws.store, "engine", "duckdb") == "spark"


def prepared(ws) -> str:
    """Graph tables, flags and risk up to date on either engine; returns the graph fingerprint."""
    if on_spark(ws):
        from tracekit.query.spark_prepared import prepare

        return prepare(ws)
    from tracekit.query.prepared import graph_index

    return graph_index(ws).fingerprint


def among(ws, ids: Iterable[int], flt: TradeFilter | None = None, *, alone: bool = True) -> nx.DiGraph:
    """Trade among the companies ``ids`` passing ``flt``, each company a node with tier None (``alone``
    False: only companies with such a row). Ids the trade graph does not know are left out on DuckDB
    (not in the index); on Spark an id with no trade row is drawn alone, named from ``entities``.
    """
    flt = flt or TradeFilter()
    ids = [int(i) for i in ids]
    if on_spark(ws):
        from tracekit.graph.spark_project import digraph_among

        return digraph_among(ws.store, ids, flt, alone=alone) if ids else nx.DiGraph()
    from tracekit.query.prepared import graph_index

    index = graph_index(ws)
    known = set(index.node_ids.tolist())
    ids = [i for i in ids if i in known]
    if not ids:
        return nx.DiGraph()
    positions = index.positions(ids)
    arrays = index.arrays_for(flt)
    rows = rows_among(index, arrays, positions, flt)
    return build_digraph(index, arrays, rows, flt, tiers={int(p): None for p in positions} if alone else None)


def around(ws, entity_id: int, limit: int = AROUND_ROWS) -> nx.DiGraph:
    """One company and its ``limit`` busiest trade rows (in or out): a risk card's picture."""
    if on_spark(ws):
        from tracekit.graph.spark_project import digraph_among, rows_around

        return digraph_among(ws.store, [entity_id], rows=rows_around(ws.store, entity_id, limit))
    from tracekit.query.prepared import graph_index

    index = graph_index(ws)
    if entity_id not in set(index.node_ids.tolist()):
        return nx.DiGraph()
    position = index.positions([entity_id])
    edges = index.edges
    rows = np.unique(np.concatenate([edges.out_rows(position), edges.in_rows(position)]))
    # the busiest rows, ties by the ends' ids and HS code: the order the Spark pull uses
    key = np.lexsort((index.hs_vocab[edges.hs[rows]], index.node_ids[edges.dst[rows]],
                      index.node_ids[edges.src[rows]], -edges.shipments[rows].astype(np.int64)))
    rows = rows[key][:limit]
    return build_digraph(index, edges, rows, TradeFilter(), tiers={int(p): None for p in position})
