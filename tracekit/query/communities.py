"""``communities``: groups of companies that trade mostly among themselves, summarised for triage."""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from tracekit.errors import TracekitError
from tracekit.graph.communities import save_communities
from tracekit.graph.filters import TradeFilter
from tracekit.graph.flags import PRECURSOR_ENTITY_FLAGS
from tracekit.graph.per_component import communities_by_component, component_of
from tracekit.graph.whole import community_membership, undirected_weights
from tracekit.query.prepared import graph_index
from tracekit.query.results import GraphResult
from tracekit.query.subgraphs import among, on_spark

__all__ = ["communities", "CommunitiesResult"]

_DRAWN_NODES = 300


def summary_sql(where: str) -> str:
    """Per community: size, countries, top HS codes, internal volume, flagged members, top members."""
    return f"""
WITH m AS (SELECT entity_id, community FROM tk_membership),
internal AS (
  SELECT ma.community, t.src, t.dst, t.hs6, t.kg, t.usd
  FROM graph_trade t
  JOIN m ma ON ma.entity_id = t.src JOIN m mb ON mb.entity_id = t.dst AND mb.community = ma.community
  WHERE {where}
),
volume AS (
  SELECT community, count(*) AS internal_shipments, coalesce(sum(kg), 0) AS internal_kg,
         coalesce(sum(usd), 0) AS internal_usd FROM internal GROUP BY community
),
hs AS (
  SELECT community, list(hs6 ORDER BY n DESC, hs6)[1:3] AS top_hs FROM (
    SELECT community, hs6, count(*) AS n FROM internal WHERE hs6 <> '' GROUP BY community, hs6
  ) GROUP BY community
),
flagged AS (
  SELECT DISTINCT entity_id FROM graph_flags WHERE flag IN {PRECURSOR_ENTITY_FLAGS}
),
members AS (
  SELECT m.community, m.entity_id, e.name, coalesce(e.country, '??') AS country,
         coalesce(e.shipment_count, 0) AS shipments, flagged.entity_id IS NOT NULL AS flagged
  FROM m LEFT JOIN entities e ON e.entity_id = m.entity_id
  LEFT JOIN flagged ON flagged.entity_id = m.entity_id
),
countries AS (
  SELECT community, list(country || ' ' || n ORDER BY n DESC, country)[1:4] AS countries FROM (
    SELECT community, country, count(*) AS n FROM members GROUP BY community, country
  ) GROUP BY community
),
agg AS (
  SELECT community, count(*) AS size, count(*) FILTER (WHERE flagged) AS flagged_members,
         list(name ORDER BY shipments DESC, entity_id)[1:3] AS top_members
  FROM members GROUP BY community
)
SELECT agg.community, agg.size, countries.countries, hs.top_hs,
       coalesce(volume.internal_shipments, 0) AS internal_shipments,
       coalesce(volume.internal_kg, 0) AS internal_kg, coalesce(volume.internal_usd, 0) AS internal_usd,
       agg.flagged_members, agg.top_members
FROM agg LEFT JOIN countries USING (community) LEFT JOIN hs USING (community)
LEFT JOIN volume USING (community)
ORDER BY agg.size DESC, agg.community
"""  # noqa: S608 - constants and validated filter literals only


@dataclass(repr=False)
class CommunitiesResult(GraphResult):
    """``to_frame()``: one row per community (size ≥ 2); ``membership``: every company's community."""

    membership: pd.DataFrame = field(default_factory=pd.DataFrame)
    workspace: object = None
    trade_filter: TradeFilter = field(default_factory=TradeFilter)

    def summary_lines(self) -> list[str]:
        singles = int((self.membership.groupby("community").size() == 1).sum()) if len(self.membership) else 0
        return [f"{len(self.frame):,} communities of 2+ companies ({len(self.membership):,} companies, "
                f"{singles:,} alone); .graph shows community {self.meta.get('drawn')}"]

    def subgraph(self, community: int) -> nx.DiGraph:
        """The trade graph inside one community (evidence on each edge)."""
        members = self.membership.loc[self.membership["community"] == community, "entity_id"]
        return among(self.workspace, members, self.trade_filter, alone=False)


def _membership(ws, flt: TradeFilter, *, method: str, resolution: float, seed: int,
                components: int | None) -> pd.DataFrame:
    """DuckDB: the whole-graph run, or per component over the N largest (as on Spark)."""
    index = graph_index(ws)
    if components is None:
        nodes, labels = community_membership(index, flt, method=method, resolution=resolution, seed=seed)
        return pd.DataFrame({"entity_id": index.node_ids[nodes].astype(np.int64), "community": labels.astype(np.int64)})
    a, b, weight = undirected_weights(index, flt)
    u, v = index.node_ids[a].astype(np.int64), index.node_ids[b].astype(np.int64)
    ids, smallest = component_of(u, v)
    firsts, sizes = np.unique(smallest, return_counts=True)
    chosen = firsts[np.lexsort((firsts, -sizes))][: int(components)]
    keep = np.isin(smallest[np.searchsorted(ids, u)], chosen) if len(ids) else np.zeros(0, dtype=bool)
    ids, labels = communities_by_component(u[keep], v[keep], weight[keep], total_weight=float(weight.sum()),
                                           method=method, resolution=resolution, seed=seed)
    return pd.DataFrame({"entity_id": ids.astype(np.int64), "community": labels.astype(np.int64)})


def communities(ws, method: str = "leiden", resolution: float = 1.0, *, seed: int = 0, hs=None,
                since=None, until=None, countries=None, min_shipments: int = 1, components: int | None = None,
                save: bool = True) -> CommunitiesResult:
    """Community detection on the whole filtered trade graph (igraph, weighted by shipments).

    Parameters
    ----------
    ws : Workspace
    method : {"leiden", "louvain"}
        Leiden (modularity; the default and the fast one: 40 s on 10M edges here) or Louvain (igraph
        multilevel; measured 13x slower than Leiden on that graph, fine for small ones).
    resolution : float
        Higher gives more, smaller communities.
    seed : int
        Random seed: the same data and seed give the same communities.
    hs, since, until, countries, min_shipments
        Trade filters.
    components : int, optional
        Only the N largest trade components (by companies), each split on its own against the whole
        graph's weight (:mod:`tracekit.graph.per_component`); the other companies get no community.
        On a Spark workspace this is how a graph too big for the driver is split (docs/SCALING.md).
    save : bool
        Store the membership in ``graph_communities`` so every later graph shows ``community``.
    """
    flt = TradeFilter(hs=hs, since=since, until=until, countries=countries, min_shipments=min_shipments)
    if components is not None and int(components) < 1:
        raise TracekitError(f"components={components} must be at least 1")
    if on_spark(ws):  # components on the cluster, Leiden on the pulled ones: query/spark_communities.py
        from tracekit.query.spark_communities import spark_membership

        membership = spark_membership(ws, flt, method=method, resolution=resolution, seed=seed,
                                      components=components)
    else:
        membership = _membership(ws, flt, method=method, resolution=resolution, seed=seed,
                                 components=components)
    store = ws.store
    if save:
        save_communities(store, membership)
    # A real (temporary) table, not a registered DataFrame: the join planner needs its statistics.
    with store.registered("tk_membership_frame", membership):
        store.execute("CREATE OR REPLACE TEMP TABLE tk_membership AS SELECT * FROM tk_membership_frame")
    try:
        frame = store.df(summary_sql(flt.where_sql("t")))
    finally:
        store.execute("DROP TABLE IF EXISTS tk_membership")
    frame = frame[frame["size"] >= 2].reset_index(drop=True)
    result = CommunitiesResult(
        title=f"communities ({method}, resolution {resolution:g})", graph=nx.DiGraph(), frame=frame,
        filters=flt.describe(), membership=membership, workspace=ws, trade_filter=flt,
    )
    if len(frame):
        drawn = int(frame["community"].iloc[0])
        if int(frame["size"].iloc[0]) <= _DRAWN_NODES:
            result.graph = result.subgraph(drawn)
        result.meta["drawn"] = drawn
    return result
