"""Hops from every entity to the nearest listed (sanctioned) party, through trade in either direction.

One breadth-first pass over the trade index from all listed entities at once (a broker that buys from
a listed party and one that sells to it are both one hop away), up to ``max_hops``. Each reached entity
keeps the edge that reached it first, so its path to the nearest listed party is read back hop by hop,
with the shipments that make up each hop as evidence. Which entities are listed is decided before this
stage (:func:`tracekit.resolve.screen.screen_matches`); the query stage's ``ws.screen`` and a risk
score can both use this.
"""

# ruff: noqa: S608  -- SQL here names internal tables only; ids reach it as a registered frame.

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from tracekit.graph.filters import TradeFilter
from tracekit.graph.index import current_index
from tracekit.graph.project import build_digraph
from tracekit.graph.traverse import hop_distances
from tracekit.store import Store

__all__ = ["sanctions_hops", "HOPS_COLUMNS", "MAX_HOPS", "EVIDENCE_PER_HOP"]

MAX_HOPS = 3
EVIDENCE_PER_HOP = 5
HOPS_COLUMNS = ["entity_id", "entity_name", "hops", "nearest_listed_id", "nearest_listed_name", "listed_as",
                "path", "path_entity_ids", "evidence_shipment_ids"]


def _parents(index, arrays, hop_of: np.ndarray, kept: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """Per node position: the neighbour one hop nearer a listed party, and the edge row between them."""
    parent = np.full(index.n_nodes, -1, dtype=np.int64)
    via = np.full(index.n_nodes, -1, dtype=np.int64)
    for hop, rows in enumerate(kept, start=1):
        # ties go to the smallest (shipper id, consignee id, HS6) row: the same data gives the same path,
        # on either engine (graph/spark_sanctions.py picks the same row with a window)
        keys = (index.hs_vocab[arrays.hs[rows]], index.node_ids[arrays.dst[rows]], index.node_ids[arrays.src[rows]])
        if arrays.shipment_id is not None:  # shipments (a date window): the smallest id among equals
            keys = (arrays.shipment_id[rows], *keys)
        rows = rows[np.lexsort(keys)]
        src, dst = arrays.src[rows], arrays.dst[rows]
        forward = (hop_of[dst] == hop) & (hop_of[src] == hop - 1)
        child, near = np.where(forward, dst, src), np.where(forward, src, dst)
        children, pick = np.unique(child, return_index=True)  # each child's first row in that order
        parent[children], via[children] = near[pick], rows[pick]
    return parent, via


def _hop_evidence(store, pairs: pd.DataFrame) -> dict[tuple[int, int], list[int]]:  # noqa: ANN001
    """Up to a few shipment ids per (entity, neighbour) hop, in either direction."""
    if not len(pairs):
        return {}
    with store.registered("tk_scr_hops", pairs):
        found = store.df(f"""
            SELECT u, v, list(shipment_id ORDER BY shipment_id) AS ids FROM (
                SELECT h.u, h.v, t.shipment_id,
                       row_number() OVER (PARTITION BY h.u, h.v ORDER BY t.shipment_id) AS k
                FROM tk_scr_hops h JOIN graph_trade t
                  ON (t.src = h.u AND t.dst = h.v) OR (t.src = h.v AND t.dst = h.u)
            ) WHERE k <= {EVIDENCE_PER_HOP} GROUP BY u, v""")  # noqa: S608
    return {(int(u), int(v)): [int(x) for x in ids] for u, v, ids in found.itertuples(index=False)}


def sanctions_hops(store: Store, matches: pd.DataFrame, max_hops: int = MAX_HOPS,
                   flt: TradeFilter | None = None) -> tuple[pd.DataFrame, nx.DiGraph]:
    """Hops from every entity to the nearest entity in ``matches`` (``entity_id``, ``list_name``,
    ``entry_id``, ``listed_name``), with the path and evidence shipments; and the graph of those hops.

    A Spark store walks on the cluster (:func:`tracekit.graph.spark_sanctions.spark_reached`) and pulls
    only the reached companies and their one edge each; both engines then share the assembly below.
    """
    flt = flt or TradeFilter()
    listed_ids = np.unique(matches["entity_id"].to_numpy(dtype=np.int64))
    if getattr(store, "engine", "duckdb") == "spark":
        from tracekit.graph.spark_sanctions import spark_reached

        reached, graph = spark_reached(store, listed_ids, max_hops, flt)
    else:
        reached, graph = _reached(store, listed_ids, max_hops, flt)
    if not len(reached):
        return pd.DataFrame(columns=HOPS_COLUMNS), nx.DiGraph()
    return _records(store, matches, reached), graph


def _reached(store: Store, listed_ids: np.ndarray, max_hops: int, flt: TradeFilter) -> tuple[pd.DataFrame, nx.DiGraph]:
    """DuckDB: every company within ``max_hops`` of a listed one (``entity_id, hops, parent, via_src,
    via_dst``: the neighbour one hop nearer and the edge between them) and the graph of those edges."""
    index = current_index(store)
    arrays = index.arrays_for(flt)
    present = listed_ids[np.isin(listed_ids, index.node_ids)]
    if not len(present):
        return pd.DataFrame(columns=_REACHED), nx.DiGraph()
    hop_of, kept = hop_distances(index, arrays, index.positions(present), forward=None, hops=max_hops, flt=flt)
    parent, via = _parents(index, arrays, hop_of, kept)
    reached = np.flatnonzero(hop_of >= 0)
    ids = index.node_ids
    far = reached[hop_of[reached] > 0]
    rows = via[far]
    frame = pd.DataFrame({
        "entity_id": ids[reached], "hops": hop_of[reached].astype(np.int64),
        "parent": pd.array(np.where(hop_of[reached] > 0, ids[np.maximum(parent[reached], 0)], 0), dtype="Int64"),
    })
    frame.loc[frame["hops"] == 0, "parent"] = pd.NA
    ends = pd.DataFrame({"entity_id": ids[far], "via_src": pd.array(ids[arrays.src[rows]], dtype="Int64"),
                         "via_dst": pd.array(ids[arrays.dst[rows]], dtype="Int64")})  # Int64: ids exact beside NA
    frame = frame.merge(ends, on="entity_id", how="left")
    graph = build_digraph(index, arrays, np.unique(rows), flt, evidence=True)
    return frame, graph


_REACHED = ["entity_id", "hops", "parent", "via_src", "via_dst"]


def _records(store: Store, matches: pd.DataFrame, reached: pd.DataFrame) -> pd.DataFrame:
    """One row per reached company: hops, nearest listed party, the path as text, evidence per hop."""
    reached = reached.sort_values(["hops", "entity_id"], kind="stable", ignore_index=True)
    hop_of = dict(zip(reached["entity_id"].astype("int64"), reached["hops"].astype(int), strict=True))
    parent = {int(e): int(p) for e, p in zip(reached["entity_id"], reached["parent"], strict=True) if not pd.isna(p)}
    via = {int(e): (int(a), int(b)) for e, a, b in zip(reached["entity_id"], reached["via_src"], reached["via_dst"],
                                                         strict=True) if not pd.isna(a)}
    hop_pairs = pd.DataFrame({"u": list(parent), "v": list(parent.values())}, dtype="int64")
    evidence = _hop_evidence(store, hop_pairs)
    with store.registered("tk_scr_reached", pd.DataFrame({"entity_id": reached["entity_id"].astype("int64")})):
        names = store.df("SELECT e.entity_id, e.name FROM entities e JOIN tk_scr_reached r ON r.entity_id = e.entity_id")
    names = dict(zip(names["entity_id"].astype("int64"), names["name"], strict=True))
    listed_as = matches.groupby("entity_id").apply(
        lambda g: "; ".join(f"{ln}:{e} {n}" for ln, e, n in
                            zip(g["list_name"], g["entry_id"], g["listed_name"], strict=True)),
        include_groups=False).to_dict()
    records = []
    for entity in reached["entity_id"].astype("int64").tolist():
        chain = [entity]
        while hop_of[chain[-1]] > 0:
            chain.append(parent[chain[-1]])
        text = str(names.get(chain[0], chain[0]))
        for p, q in zip(chain, chain[1:], strict=False):
            arrow = "→" if via[p] == (p, q) else "←"
            text += f" {arrow} {names.get(q, q)}"
        records.append({
            "entity_id": chain[0], "entity_name": names.get(chain[0]), "hops": len(chain) - 1,
            "nearest_listed_id": chain[-1], "nearest_listed_name": names.get(chain[-1]),
            "listed_as": listed_as.get(chain[-1]), "path": text, "path_entity_ids": chain,
            "evidence_shipment_ids": [evidence.get((u, v), []) for u, v in zip(chain, chain[1:], strict=False)],
        })
    return pd.DataFrame(records, columns=HOPS_COLUMNS)
