"""The trade index of a workspace, with the query stage's entity flags up to date."""

from __future__ import annotations

from tracekit.graph.index import TradeIndex, current_index
from tracekit.query.precursors import ensure_flags

__all__ = ["graph_index"]


def graph_index(ws) -> TradeIndex:
    """Build or reuse the trade index (rebuilt when resolution changed) and the precursor flags."""
    index = current_index(ws.store)
    if getattr(index, "flags_ready", False) is not True:  # flags follow the same fingerprint as the index
        ensure_flags(ws.store, index.fingerprint)
        index.flags_ready = True
    return index
