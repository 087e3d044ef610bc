"""``paths``: how two companies are connected through trade: shortest, k-shortest or all bounded paths.

The search space is cut in the index first: only companies within ``max_hops`` of both ends (by hop
distance from ``a`` plus distance to ``b``) can lie on a qualifying path. networkx then runs its
well-tested path algorithms on that small subgraph.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from tracekit.errors import TracekitError
from tracekit.graph.filters import TradeFilter
from tracekit.graph.project import build_digraph
from tracekit.graph.traverse import hop_distances, rows_among
from tracekit.query.entities import entity_name, resolve_entity
from tracekit.query.prepared import graph_index
from tracekit.query.results import GraphResult

__all__ = ["paths", "PathsResult", "METHODS", "edge_cost"]

METHODS = ("hops", "weight")


def edge_cost(shipments: int) -> float:
    """Cost of an edge when paths follow trade weight: busier ties are cheaper (1 / shipments).

    Examples
    --------
    >>> edge_cost(4)
    0.25
    """
    return 1.0 / max(int(shipments), 1)


@dataclass(repr=False)
class PathsResult(GraphResult):
    """Paths from ``a`` to ``b``; ``to_frame()`` has one row per path, best first."""

    def summary_lines(self) -> list[str]:
        return [f"{len(self.frame):,} path(s); {self.graph.number_of_nodes():,} companies on them"]


def _search_graph(graph: nx.DiGraph, directed: bool) -> nx.Graph:
    """The graph networkx searches, built in id order: its algorithms break ties between equally good
    paths by insertion order, so the same trade gives the same paths whatever order it was read in."""
    search = nx.DiGraph() if directed else nx.Graph()
    search.add_nodes_from(sorted(graph.nodes))
    for a, b, d in sorted(graph.edges(data=True), key=lambda edge: (edge[0], edge[1])):
        cost = d["cost"]
        if not search.has_edge(a, b) or search.edges[a, b]["cost"] > cost:
            search.add_edge(a, b, cost=cost)
    return search


def _found_paths(search: nx.Graph, a: int, b: int, method: str, k: int, all_paths: bool,
                 max_hops: int, max_paths: int) -> list[list[int]]:
    weight = "cost" if method == "weight" else None
    try:
        if all_paths:
            found = nx.all_simple_paths(search, a, b, cutoff=max_hops)
            ranked = sorted(itertools.islice(found, max_paths * 10),
                            key=lambda p: (nx.path_weight(search, p, "cost") if weight else len(p), p))
            return ranked[:max_paths]
        generator = nx.shortest_simple_paths(search, a, b, weight=weight)
        return [p for p in itertools.islice(generator, k) if len(p) - 1 <= max_hops]
    except (nx.NetworkXNoPath, nx.NodeNotFound):
        return []


def paths(ws, a, b, *, method: str = "hops", k: int = 1, all_paths: bool = False, max_hops: int = 6,
          directed: bool = True, max_paths: int = 100, max_nodes: int | None = 20000, hs=None,
          since=None, until=None, countries=None, min_shipments: int = 1) -> PathsResult:
    """Trade paths from company ``a`` to company ``b``.

    Parameters
    ----------
    ws : Workspace
    a, b : int or str
        Entity ids or names.
    method : {"hops", "weight"}
        Fewest hops, or strongest ties (edge cost ``1 / shipments``; see :func:`edge_cost`).
    k : int
        Number of shortest simple paths (Yen's algorithm), best first.
    all_paths : bool
        Every simple path of at most ``max_hops`` hops instead (at most ``max_paths``).
    max_hops : int
        Paths longer than this are not searched.
    directed : bool
        Follow the direction of goods (default); False finds any trade connection.
    hs, since, until, countries, min_shipments
        Trade filters, as in every graph verb.
    """
    if method not in METHODS:
        raise TracekitError(f"method={method!r}: use one of {', '.join(METHODS)}")
    if k < 1 or max_hops < 1 or max_paths < 1:
        raise TracekitError("k, max_hops and max_paths must be at least 1")
    flt = TradeFilter(hs=hs, since=since, until=until, countries=countries, min_shipments=min_shipments)
    source, target = resolve_entity(ws, a), resolve_entity(ws, b)
    if source == target:
        raise TracekitError(f"a and b are the same entity ({source}): give two different companies")
    if getattr(ws.store, "engine", "duckdb") == "spark":  # a bidirectional frontier first: query/spark_paths.py
        from tracekit.query.spark_paths import path_subgraph

        index = path_subgraph(ws, source, target, flt, max_hops=max_hops, directed=directed, max_nodes=max_nodes)
        arrays, walk = index.edges, TradeFilter()  # its rows passed flt on the cluster already
    else:
        index = graph_index(ws)
        arrays, walk = index.arrays_for(flt), flt
    forward = True if directed else None
    seeds_a, seeds_b = np.array([index.position(source)]), np.array([index.position(target)])
    from_a, _ = hop_distances(index, arrays, seeds_a, forward=forward, hops=max_hops, flt=walk,
                              max_nodes=max_nodes)
    to_b, _ = hop_distances(index, arrays, seeds_b, forward=False if directed else None, hops=max_hops,
                            flt=walk, max_nodes=max_nodes)
    on_path = np.flatnonzero((from_a >= 0) & (to_b >= 0) & (from_a + to_b <= max_hops))
    rows = rows_among(index, arrays, on_path, walk) if len(on_path) else np.empty(0, dtype=np.int64)
    graph = build_digraph(index, arrays, rows, flt, evidence=True)
    for _u, _v, d in graph.edges(data=True):
        d["cost"] = edge_cost(d["shipments"])
    found = _found_paths(_search_graph(graph, directed), source, target, method, k, all_paths, max_hops,
                         max_paths) if source in graph and target in graph else []
    keep = {n for p in found for n in p} | {source, target}
    sub = graph.subgraph(keep).copy()
    if source not in sub:
        sub.add_node(source, label=entity_name(ws, source), kind="company", tier=0)
    names = nx.get_node_attributes(graph, "label")
    records = []
    for rank, path in enumerate(found, start=1):
        hops = list(zip(path, path[1:], strict=False))
        ties = [graph.edges[u, v] if graph.has_edge(u, v) else graph.edges[v, u] for u, v in hops]
        records.append({
            "rank": rank, "hops": len(hops), "cost": round(sum(t["cost"] for t in ties), 6),
            "weakest_shipments": min(t["shipments"] for t in ties),
            "path": " → ".join(str(names.get(n, n)) for n in path), "entity_ids": list(path),
            "reversed_hops": sum(1 for u, v in hops if not graph.has_edge(u, v)),
        })
    frame = pd.DataFrame(records, columns=["rank", "hops", "cost", "weakest_shipments", "path",
                                           "entity_ids", "reversed_hops"])
    title = f"paths: {names.get(source, source)} → {names.get(target, target)} ({method})"
    return PathsResult(title=title, graph=sub, frame=frame, filters=flt.describe(),
                       highlight=[source, target], workspace=ws)
