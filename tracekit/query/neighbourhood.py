"""``neighbourhood``: what the explorer widget expands when the analyst clicks a company.

Each expanded company shows its ``limit`` busiest trade partners (both directions); the rest are
folded into one ``more:<entity>`` node whose ``hidden`` attribute counts them, so a hub with ten
thousand buyers stays a readable picture.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracekit.errors import TracekitError
from tracekit.graph.filters import TradeFilter
from tracekit.graph.project import build_digraph
from tracekit.graph.traverse import step
from tracekit.query.entities import resolve_entity
from tracekit.query.prepared import graph_index
from tracekit.query.results import GraphResult
from tracekit.query.trace import edge_table

__all__ = ["neighbourhood", "NeighbourhoodResult", "neighbourhood_result"]


@dataclass(repr=False)
class NeighbourhoodResult(GraphResult):
    """Companies around one; ``.graph`` has ``more:`` nodes for folded partners."""

    def summary_lines(self) -> list[str]:
        hidden = sum(d.get("hidden", 0) for _n, d in self.graph.nodes(data=True) if d.get("kind") == "more")
        companies = sum(1 for _n, d in self.graph.nodes(data=True) if d.get("kind") == "company")
        return [f"{companies:,} companies shown, {hidden:,} more partners folded"]


def _partners(index, arrays, node: np.ndarray, flt: TradeFilter) -> pd.DataFrame:
    """Per (expanded node, partner): rows, shipments and the sign (+1 buyer, -1 supplier)."""
    frames = []
    for forward, sign in ((True, 1), (False, -1)):
        rows, far = step(index, arrays, node, forward, flt)
        near = (arrays.src if forward else arrays.dst)[rows]
        frames.append(pd.DataFrame({"near": near, "far": far, "row": rows, "sign": sign,
                                    "shipments": arrays.shipments[rows]}))
    return pd.concat(frames, ignore_index=True)


def neighbourhood(ws, entity, hops: int = 1, limit: int = 50, *, hs=None, since=None, until=None, countries=None,
                  min_shipments: int = 1) -> NeighbourhoodResult:
    """Trade partners of a company up to ``hops`` away, at most ``limit`` per expanded company.

    Parameters
    ----------
    ws : Workspace
    entity : int or str
        Entity id or name.
    hops : int
        How far to expand (1 or 2 is what a click needs).
    limit : int
        Partners shown per expanded company (busiest first); the rest fold into ``more:<entity>``.
    hs, since, until, countries, min_shipments
        Trade filters (see :class:`~tracekit.graph.filters.TradeFilter`).

    Returns
    -------
    NeighbourhoodResult
        ``.graph`` follows the ARCHITECTURE.md conventions; ``more:`` nodes carry ``hidden``.
    """
    if hops < 1 or limit < 1:
        raise TracekitError("hops and limit must be at least 1")
    flt = TradeFilter(hs=hs, since=since, until=until, countries=countries, min_shipments=min_shipments)
    seed = resolve_entity(ws, entity)
    if getattr(ws.store, "engine", "duckdb") == "spark":  # the same loop on the cluster: query/spark_neighbourhood.py
        from tracekit.query.spark_neighbourhood import spark_neighbourhood

        graph, hidden = spark_neighbourhood(ws, seed, hops, limit, flt)
        return neighbourhood_result(ws, graph, seed, hidden, flt)
    index = graph_index(ws)
    arrays = index.arrays_for(flt)
    start = index.position(seed)
    tiers = {start: 0}
    kept_rows: list[np.ndarray] = []
    hidden: dict[int, int] = {}
    frontier = np.array([start])
    for hop in range(1, hops + 1):
        partners = _partners(index, arrays, frontier, flt)
        partners = partners[partners["far"] != partners["near"]]
        if partners.empty:
            break
        per_pair = partners.groupby(["near", "far"], as_index=False).agg(
            shipments=("shipments", "sum"), sign=("sign", "max"))
        per_pair = per_pair.sort_values(["near", "shipments", "far"], ascending=[True, False, True])
        per_pair["rank"] = per_pair.groupby("near").cumcount()
        shown = per_pair[per_pair["rank"] < limit]
        folded = per_pair[(per_pair["rank"] >= limit) & ~per_pair["far"].isin(list(tiers))]
        for near, count in folded.groupby("near").size().items():
            hidden[int(near)] = hidden.get(int(near), 0) + int(count)
        keep = set(zip(shown["near"], shown["far"], strict=True))
        pair_ok = np.fromiter(((n, f) in keep for n, f in zip(partners["near"], partners["far"], strict=True)),
                              dtype=bool, count=len(partners))
        kept_rows.append(partners["row"].to_numpy()[pair_ok])
        fresh: set[int] = set()
        for far, sign in zip(shown["far"].tolist(), shown["sign"].tolist(), strict=True):
            if far not in tiers:  # tier: + for buyers, - for suppliers, by hop
                tiers[far] = sign * hop
                fresh.add(far)
        frontier = np.array(sorted(fresh), dtype=np.int64)
        if not len(frontier):
            break
    rows = np.unique(np.concatenate(kept_rows)) if kept_rows else np.empty(0, dtype=np.int64)
    graph = build_digraph(index, arrays, rows, flt, tiers=tiers, evidence=True)
    hidden_by_id = {int(index.node_ids[position]): count for position, count in hidden.items()}
    return neighbourhood_result(ws, graph, seed, hidden_by_id, flt)


def neighbourhood_result(ws, graph, seed: int, hidden: dict[int, int], flt: TradeFilter) -> NeighbourhoodResult:
    """The result of either engine's walk: ``graph`` plus one ``more:<entity>`` node per company with
    folded partners (``hidden``: entity id → how many), title, edge table and filters."""
    for owner, count in hidden.items():
        node = f"more:{owner}"
        graph.add_node(node, label=f"{count:,} more", kind="more", hidden=count, country=None, mentions=0,
                       risk=None, flags=[], community=None, tier=graph.nodes[owner].get("tier"))
        graph.add_edge(owner, node, kind="more", hidden=count)
    name = graph.nodes[seed]["label"] if seed in graph else str(seed)
    return NeighbourhoodResult(title=f"neighbourhood of {name}", graph=graph, frame=edge_table(graph),
                               filters=flt.describe(), highlight=[seed], workspace=ws)
