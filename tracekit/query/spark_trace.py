"""``trace`` on a Spark workspace: the frontier loop on the cluster, the same :class:`TraceResult` here.

:func:`tracekit.query.trace.trace` hands a Spark workspace to :func:`spark_trace` (same parameters,
same defaults: it is called with them). The walk is :func:`tracekit.graph.spark_traverse.reach_rows`
(one join of the frontier to the filtered trade per hop, visited anti-joined, ``max_nodes`` capping the
fan-out); only the rows it used come to the driver, as a subgraph index
(:mod:`tracekit.graph.spark_project`), and the result is built by the very code the DuckDB trace uses
(``build_digraph``, ``trace_result``): same tiers, edges, attributes, evidence and rendering.
"""

from __future__ import annotations

from tracekit.graph.filters import TradeFilter
from tracekit.graph.spark_project import pull_rows, subgraph_digraph
from tracekit.graph.spark_traverse import reach_rows
from tracekit.query.entities import resolve_entity
from tracekit.query.spark_prepared import prepare

__all__ = ["spark_trace"]


def spark_trace(ws, entity, direction: str, hops: int, *, flt: TradeFilter, time_respecting: bool,
                max_lag_days: int, max_nodes: int | None, evidence: bool):
    """The body of :func:`tracekit.query.trace.trace` for a Spark workspace (see the module doc)."""
    from tracekit.query.trace import trace_result

    seed = resolve_entity(ws, entity)
    prepare(ws)
    tiers, used = reach_rows(ws.store, [seed], direction=direction, hops=hops, time_respecting=time_respecting,
                             max_lag_days=max_lag_days, max_nodes=max_nodes, flt=flt)
    rows = pull_rows(used, shipments=time_respecting or flt.dated)
    graph, index = subgraph_digraph(ws.store, rows, flt, tiers=tiers, evidence=evidence)
    shipment_ids = index.edges.shipment_id if time_respecting else None
    return trace_result(ws, graph, seed, direction, hops, flt, time_respecting=time_respecting,
                        shipment_ids=shipment_ids)
