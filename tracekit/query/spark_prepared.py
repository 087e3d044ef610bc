"""The graph tables, flags and risk of a Spark workspace brought up to date — without the whole graph.

:func:`tracekit.query.prepared.graph_index` on DuckDB loads the whole trade graph into the in-memory
index. On Spark that is exactly what must not happen for the multi-hop verbs (a frontier loop reads
the edges where they are), so :func:`prepare` only brings the workspace's derived tables up to date —
``graph_trade`` / ``graph_edges`` / ``graph_shared`` (the graph room's SQL, transpiled), the flags (the
matcher on the driver over *distinct* descriptions, every rule as transpiled SQL) and risk — each
stamped as on DuckDB, and remembered per store so a second verb costs the stamps' queries only.

:func:`spark_graph_index` is what the verbs that still work on the whole graph get (``paths``'
networkx search, ``communities``, the drawings of ``flags`` and ``shell_clusters``): the in-memory
index loaded from the Spark tables, i.e. ``graph_edges`` pulled to the driver. That holds while the
aggregated edges fit the driver (tens of millions of rows), not at billions: docs/SCALING.md says
which verbs run where.
"""

from __future__ import annotations

import weakref

from tracekit.graph.flags import ensure_flags, flags_stamp
from tracekit.graph.index import TradeIndex, current_index
from tracekit.graph.risk import ensure_risk, risk_stamp
from tracekit.graph.tables import ensure_graph_tables

__all__ = ["prepare", "remember", "spark_graph_index"]

_STAMPS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def prepare(ws, *, progress: bool = True) -> str:
    """Graph tables, flags and risk up to date on a Spark workspace; returns the graph fingerprint."""
    store = ws.store
    fingerprint, _ = ensure_graph_tables(store, progress=progress)
    seen = _STAMPS.setdefault(store, {})
    stamp = flags_stamp(store, fingerprint)
    if seen.get("flags") != stamp:
        ensure_flags(store, fingerprint, progress=progress)
        seen["flags"] = stamp
    risk = risk_stamp(store, stamp)
    if seen.get("risk") != risk:
        ensure_risk(store, stamp)
        seen["risk"] = risk
    return fingerprint


def remember(ws, what: str, stamp: str) -> None:
    """Record that ``what`` (``flags`` or ``risk``) was just rebuilt for ``stamp`` by a verb itself."""
    _STAMPS.setdefault(ws.store, {})[what] = stamp


class _PulledOnUse:
    """The whole-graph index, pulled from the Spark tables only when a verb first reads it (``changes``
    and the ranking part of ``flags`` only need the tables up to date, not the index)."""

    def __init__(self, store):
        self._store = store

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(current_index(self._store), name)


def spark_graph_index(ws) -> TradeIndex:
    """:func:`prepare`, then the in-memory index of the whole graph, pulled on first use (module doc)."""
    prepare(ws)
    return _PulledOnUse(ws.store)  # type: ignore[return-value] - reads as a TradeIndex
