"""The trade index of a workspace, with the graph's flag tables up to date."""

from __future__ import annotations

from tracekit.graph.flags import ensure_flags, flags_stamp
from tracekit.graph.index import TradeIndex, current_index

__all__ = ["graph_index"]


def graph_index(ws) -> TradeIndex:
    """Build or reuse the trade index (rebuilt when resolution changed) and the flag tables.

    The flags follow the index's fingerprint plus the watch lists in force; the stamp is remembered on
    the index so a second call costs one digest, not a rebuild.
    """
    index = current_index(ws.store)
    stamp = flags_stamp(ws.store, index.fingerprint)
    if getattr(index, "flags_stamp", None) != stamp:
        ensure_flags(ws.store, index.fingerprint)
        index.flags_stamp = stamp
    return index
