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
        rows = np.sort(rows)  # the lowest row wins ties: same data, same path
        src, dst = arrays.src[rows], arrays.dst[rows]
        forward = (hop_of[dst] == hop) & (hop_of[src] == hop - 1)
        child, near = np.where(forward, dst, src), np.where(forward, src, dst)
        child_rev, first = np.unique(child[::-1], return_index=True)  # reversed: keep each child's first row
        pick = len(child) - 1 - first
        parent[child_rev], via[child_rev] = near[pick], rows[pick]
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
    ``entry_id``, ``listed_name``), with the path and evidence shipments; and the graph of those hops."""
    flt = flt or TradeFilter()
    index = current_index(store)
    arrays = index.arrays_for(flt)
    listed_ids = np.unique(matches["entity_id"].to_numpy(dtype=np.int64))
    present = listed_ids[np.isin(listed_ids, index.node_ids)]
    if not len(present):
        return pd.DataFrame(columns=HOPS_COLUMNS), nx.DiGraph()
    seeds = index.positions(present)
    hop_of, kept = hop_distances(index, arrays, seeds, forward=None, hops=max_hops, flt=flt)
    parent, via = _parents(index, arrays, hop_of, kept)
    reached = np.flatnonzero(hop_of >= 0)
    ids = index.node_ids
    hop_pairs = pd.DataFrame({"u": ids[reached[hop_of[reached] > 0]],
                              "v": ids[parent[reached[hop_of[reached] > 0]]]}).astype("int64")
    evidence = _hop_evidence(store, hop_pairs)
    names = store.df("SELECT entity_id, name FROM entities").set_index("entity_id")["name"].to_dict()
    listed_as = matches.groupby("entity_id").apply(
        lambda g: "; ".join(f"{ln}:{e} {n}" for ln, e, n in
                            zip(g["list_name"], g["entry_id"], g["listed_name"], strict=True)),
        include_groups=False).to_dict()
    records = []
    for pos in reached[np.argsort(hop_of[reached], kind="stable")].tolist():
        chain = [pos]
        while hop_of[chain[-1]] > 0:
            chain.append(int(parent[chain[-1]]))
        chain_ids = [int(ids[p]) for p in chain]
        text = str(names.get(chain_ids[0], chain_ids[0]))
        for p, q in zip(chain, chain[1:], strict=False):
            arrow = "→" if (arrays.src[via[p]], arrays.dst[via[p]]) == (p, q) else "←"
            text += f" {arrow} {names.get(int(ids[q]), int(ids[q]))}"
        records.append({
            "entity_id": chain_ids[0], "entity_name": names.get(chain_ids[0]), "hops": len(chain) - 1,
            "nearest_listed_id": chain_ids[-1], "nearest_listed_name": names.get(chain_ids[-1]),
            "listed_as": listed_as.get(chain_ids[-1]), "path": text, "path_entity_ids": chain_ids,
            "evidence_shipment_ids": [evidence.get((u, v), []) for u, v in zip(chain_ids, chain_ids[1:],
                                                                                 strict=False)],
        })
    rows = via[reached[hop_of[reached] > 0]]
    graph = build_digraph(index, arrays, np.unique(rows), flt, evidence=True)
    return pd.DataFrame(records, columns=HOPS_COLUMNS), graph
