"""``shell_clusters``: companies joined by a shared address, phone, e-mail or tax id, ranked by risk.

Addresses are joined by their key (:func:`tracekit.resolve.address.address_key`), so firms at one
address group however it was written; ``address_spellings`` lists every spelling behind the key.

Clusters are connected components of the entity–identifier graph. An identifier shared by more than
``max_share`` entities (a registered-agent address, a forwarder's phone) would chain unrelated
companies together, so it does not join a cluster; it is reported in the cluster's ``hub_keys``.

Indicators (each 0–1) and their weights in ``score``:

===========================  ====  ==========================================================
indicator                    w     meaning
===========================  ====  ==========================================================
``crowding``                 2     companies at one identifier (saturates at 10)
``one_buyer_one_product``    2     share of members whose exports go to one buyer in one HS6
``newly_appearing``          1     share of members whose first shipment is in the last
                                   ``new_days`` of the data
``watch_listed``             3     any member traded goods named on the precursor watch list
``identifier_kinds``         1     how many kinds of identifier tie the cluster (of 4)
===========================  ====  ==========================================================
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph as ig
import networkx as nx
import numpy as np
import pandas as pd

from tracekit.errors import TracekitError
from tracekit.graph.filters import TradeFilter
from tracekit.graph.flags import PRECURSOR_ENTITY_FLAGS
from tracekit.graph.project import add_context
from tracekit.query.results import GraphResult
from tracekit.query.subgraphs import among, on_spark, prepared

__all__ = ["shell_clusters", "ShellClustersResult", "WEIGHTS"]

WEIGHTS = {"crowding": 2.0, "one_buyer_one_product": 2.0, "newly_appearing": 1.0, "watch_listed": 3.0,
           "identifier_kinds": 1.0}

MEMBER_SQL = f"""
WITH trade AS (
  SELECT src AS entity_id, count(DISTINCT dst) AS buyers, count(DISTINCT hs6) AS products,
         min(date) AS first_date
  FROM graph_trade WHERE src IS NOT NULL GROUP BY src
), seen AS (
  SELECT entity_id, min(date) AS first_seen FROM (
    SELECT src AS entity_id, date FROM graph_trade UNION ALL SELECT dst, date FROM graph_trade
  ) WHERE entity_id IS NOT NULL GROUP BY entity_id
), flagged AS (
  SELECT DISTINCT entity_id FROM graph_flags WHERE flag IN {PRECURSOR_ENTITY_FLAGS}
)
SELECT c.entity_id, c.cluster, e.name, e.country,
       coalesce(trade.buyers = 1 AND trade.products = 1, FALSE) AS one_buyer_one_product,
       seen.first_seen, flagged.entity_id IS NOT NULL AS watch_listed
FROM tk_cluster_members c
LEFT JOIN flagged ON flagged.entity_id = c.entity_id
LEFT JOIN entities e ON e.entity_id = c.entity_id
LEFT JOIN trade ON trade.entity_id = c.entity_id
LEFT JOIN seen ON seen.entity_id = c.entity_id
"""  # noqa: S608 - constants only


@dataclass(repr=False)
class ShellClustersResult(GraphResult):
    """``to_frame()``: one row per cluster, highest score first; ``members``: one row per company."""

    members: pd.DataFrame | None = None
    workspace: object = None

    def summary_lines(self) -> list[str]:
        return [f"{len(self.frame):,} clusters of companies sharing identifiers; .graph shows the top one"]

    def cluster_graph(self, cluster: int) -> nx.DiGraph:
        """Trade among a cluster's members plus their shared-identifier links."""
        ids = self.members.loc[self.members["cluster"] == cluster, "entity_id"]
        return add_context(among(self.workspace, ids), self.workspace.store, ["shared"], TradeFilter())


def _components(shared: pd.DataFrame) -> pd.DataFrame:
    """Connected components of entities linked through shared keys: (entity_id, cluster).

    Clusters are numbered by their smallest member (igraph numbers components in vertex order and the
    entities come first, sorted), which ``query/spark_shells.py`` reproduces on Spark."""
    entities = np.unique(shared["entity_id"].to_numpy())
    keys = pd.factorize(shared["kind"] + "\x1f" + shared["key"])[0]
    e_pos = np.searchsorted(entities, shared["entity_id"].to_numpy())
    graph = ig.Graph(n=len(entities) + int(keys.max()) + 1,
                     edges=np.column_stack([e_pos, len(entities) + keys]), directed=False)
    membership = np.asarray(graph.connected_components().membership)[: len(entities)]
    return pd.DataFrame({"entity_id": entities, "cluster": membership})


def _address_spellings(store, keyed: pd.DataFrame) -> dict[int, list[str]]:
    """Per cluster, the distinct ways its members wrote the addresses that tie it (most used first).

    One address is written many ways (abbreviated, in Chinese script, with or without district);
    the key groups them, and the analyst sees every spelling behind the key.
    """
    shared = keyed.loc[keyed["kind"] == "address", ["entity_id", "key", "cluster"]].drop_duplicates()
    if shared.empty:
        return {}
    with store.registered("tk_cluster_addresses", shared):
        rows = store.df("""
            SELECT c.cluster, m.address, count(*) AS uses
            FROM tk_cluster_addresses c
            JOIN mention_entities me ON me.entity_id = c.entity_id
            JOIN mention_features f ON f.mention_id = me.mention_id AND f.address_key = c.key
            JOIN party_mentions m ON m.mention_id = me.mention_id
            WHERE m.address IS NOT NULL
            GROUP BY 1, 2 ORDER BY 1, uses DESC, 2""")
    return {int(c): group["address"].tolist() for c, group in rows.groupby("cluster")}


def _clusters(store, max_share: int, min_size: int) -> tuple | None:
    """DuckDB: the clusters of at least ``min_size`` (entity_id, cluster), their linking keys
    (kind, key, entity_id, group_size, cluster) and hub keys; None when no identifier links."""
    shared = store.df("SELECT kind, key, entity_id, group_size FROM graph_shared")
    linking = shared[shared["group_size"] <= max_share]
    if linking.empty:
        return None
    clusters = _components(linking)
    sizes = clusters.groupby("cluster")["entity_id"].transform("size")
    clusters = clusters[sizes >= min_size].reset_index(drop=True)
    keyed = linking.merge(clusters, on="entity_id")
    hubs = shared[shared["group_size"] > max_share].merge(clusters, on="entity_id")
    return clusters, keyed, hubs


def _spark_clusters(store, max_share: int, min_size: int) -> tuple | None:
    from tracekit.query.spark_shells import spark_clusters

    return spark_clusters(store, max_share, min_size)


def shell_clusters(ws, *, min_size: int = 2, max_share: int = 50, new_days: int = 365,
                   top: int | None = None) -> ShellClustersResult:
    """Clusters of companies sharing identifiers, ranked by shell-company indicators.

    Parameters
    ----------
    ws : Workspace
    min_size : int
        Smallest cluster reported.
    max_share : int
        Identifiers shared by more entities than this do not link (reported as ``hub_keys``).
    new_days : int
        A member is "newly appearing" if first seen within this many days of the latest shipment.
    top : int, optional
        Keep only the ``top`` highest-scoring clusters.
    """
    if min_size < 2 or max_share < 2 or new_days < 0:
        raise TracekitError("min_size and max_share must be at least 2 and new_days not negative")
    prepared(ws)  # graph tables and flags up to date
    store = ws.store
    columns = ["rank", "cluster", "score", "size", "members", "countries", "shared", "address_spellings",
               "max_at_one_key", "one_buyer_one_product", "newly_appearing", "watch_listed", "hub_keys"]
    found = _spark_clusters(store, max_share, min_size) if on_spark(ws) else \
        _clusters(store, max_share, min_size)
    if found is None:
        return ShellClustersResult(title="shell clusters", graph=nx.DiGraph(),
                                   frame=pd.DataFrame(columns=columns), members=pd.DataFrame(), workspace=ws)
    clusters, keyed, hubs = found
    with store.registered("tk_cluster_members", clusters):
        members = store.df(MEMBER_SQL)
    latest = store.scalar("SELECT max(date) FROM graph_trade")
    cutoff = pd.Timestamp(latest) - pd.Timedelta(days=new_days) if latest is not None else None
    members["newly_appearing"] = (pd.to_datetime(members["first_seen"]) >= cutoff) if cutoff is not None \
        else False
    spellings = _address_spellings(store, keyed)
    rows = []
    for cluster, group in members.groupby("cluster"):
        if len(group) < min_size:
            continue
        keys = keyed[keyed["cluster"] == cluster]
        crowd = int(keys.groupby(["kind", "key"])["entity_id"].nunique().max())
        ind = {
            "crowding": min(crowd, 10) / 10,
            "one_buyer_one_product": float(group["one_buyer_one_product"].mean()),
            "newly_appearing": float(group["newly_appearing"].mean()),
            "watch_listed": float(group["watch_listed"].any()),
            "identifier_kinds": keys["kind"].nunique() / 4,
        }
        hub = hubs[hubs["cluster"] == cluster]
        rows.append({
            "cluster": int(cluster), "score": round(sum(WEIGHTS[k] * v for k, v in ind.items()), 3),
            "size": len(group), "members": group.sort_values("entity_id")["name"].fillna("?").tolist(),
            "countries": sorted(group["country"].dropna().unique().tolist()),
            "shared": sorted(f"{k}: {v}" for k, v in keys.groupby("kind")["key"].nunique().items()),
            "address_spellings": spellings.get(int(cluster), []),
            "max_at_one_key": crowd,
            "one_buyer_one_product": int(group["one_buyer_one_product"].sum()),
            "newly_appearing": int(group["newly_appearing"].sum()),
            "watch_listed": int(group["watch_listed"].sum()),
            "hub_keys": sorted(set(hub["kind"] + ": " + hub["key"])),
        })
    frame = pd.DataFrame(rows, columns=columns[1:])
    frame = frame.sort_values(["score", "size", "cluster"], ascending=[False, False, True], ignore_index=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    if top is not None:
        frame = frame.head(int(top))
    result = ShellClustersResult(title="shell clusters", graph=nx.DiGraph(), frame=frame,
                                 members=members, workspace=ws)
    if len(frame):
        result.graph = result.cluster_graph(int(frame["cluster"].iloc[0]))
    return result
