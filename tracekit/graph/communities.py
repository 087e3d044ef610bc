"""``graph_communities``: the stored community of every company, written by the graph stage.

The query verb (:func:`tracekit.query.communities.communities`) computes a membership and asks this
module to keep it, so every later graph carries ``community`` on its nodes (``node_frame`` reads it).
"""

from __future__ import annotations

import pandas as pd

from tracekit.store import Store

__all__ = ["save_communities"]


def save_communities(store: Store, membership: pd.DataFrame) -> bool:
    """Replace ``graph_communities`` with ``membership`` (entity_id, community); False if read-only."""
    if store.read_only:
        return False
    frame = membership[["entity_id", "community"]].astype("int64")
    with store.transaction(), store.registered("tk_membership_new", frame):
        store.execute("CREATE OR REPLACE TABLE graph_communities AS "
                      "SELECT entity_id, community FROM tk_membership_new")
    return True
