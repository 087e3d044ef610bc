"""The trade index of a workspace, with the graph's flag tables up to date."""

from __future__ import annotations

from tracekit.graph.flags import ensure_flags, flags_stamp
from tracekit.graph.index import TradeIndex, current_index
from tracekit.graph.risk import ensure_risk, risk_stamp

__all__ = ["graph_index"]


def graph_index(ws) -> TradeIndex:
    """Build or reuse the trade index (rebuilt when resolution changed), the flag and risk tables.

    The flags follow the index's fingerprint plus the watch lists in force; the stamp is remembered on
    the index so a second call costs one digest, not a rebuild. A Spark workspace:
    :func:`tracekit.query.spark_prepared.spark_graph_index` (tables brought up to date on the cluster,
    then the index pulled).
    """
    if getattr(ws.store, "engine", "duckdb") == "spark":
        from tracekit.query.spark_prepared import spark_graph_index

        return spark_graph_index(ws)
    index = current_index(ws.store)
    stamp = flags_stamp(ws.store, index.fingerprint)
    if getattr(index, "flags_stamp", None) != stamp:
        ensure_flags(ws.store, index.fingerprint)
        index.flags_stamp = stamp
    # risk also follows the sanctions lists and the weights file: its stamp costs one digest each
    risk = risk_stamp(ws.store, stamp)
    if getattr(index, "risk_stamp", None) != risk:
        ensure_risk(ws.store, stamp)
        index.risk_stamp = risk
    return index
