"""``paths`` on a Spark workspace: a bidirectional frontier on the cluster, the path search on its subgraph.

The DuckDB verb (:func:`tracekit.query.paths.paths`) keeps the companies that can lie on a path of at
most ``max_hops`` hops — hop distance from ``a`` plus distance to ``b`` ≤ ``max_hops`` — and lets
networkx search the trade among them. Every such company is within ``h_a`` hops of ``a`` or ``h_b`` hops
of ``b`` whenever ``h_a + h_b ≥ max_hops − 1`` (else its two distances add up to more), and so is every
company on the shortest ways to it; so two balls grown from both ends, always the side with the smaller
frontier first, hold the whole search space. The balls are grown on the cluster (one join per hop,
visited anti-joined, ``max_nodes`` capping each); if they neither meet nor touch through one trade row
there is no path within ``max_hops`` and nothing is pulled. Otherwise only the trade rows among the two
balls come to the driver, as a subgraph index, and the DuckDB verb's own code (hop distances, the cut,
``build_digraph``, networkx) runs on it: the same search graph, so the same paths.
"""

from __future__ import annotations

from tracekit.errors import TracekitError
from tracekit.graph.filters import TradeFilter
from tracekit.graph.index import TradeIndex
from tracekit.graph.spark_filters import trade_rows
from tracekit.graph.spark_project import empty_rows, id_frame, rows_among, subgraph_index
from tracekit.query.spark_prepared import prepare

__all__ = ["path_subgraph"]


def _grow(edges, side: dict, max_nodes: int | None) -> None:
    """One hop more for ``side``: its new frontier (nodes not visited yet) and visited set."""
    from pyspark.sql import functions as F  # noqa: N812 - pyspark's own convention

    near, far = side["near"], side["far"]
    grown = edges.join(side["frontier"].withColumnRenamed("node", near), on=near, how="left_semi") \
        .select(F.col(far).alias("node")).distinct() \
        .join(side["visited"], on="node", how="left_anti").localCheckpoint()
    side["depth"] += 1
    side["new"] = grown.count()
    side["size"] += side["new"]
    if max_nodes is not None and side["size"] > max_nodes:
        raise TracekitError(
            f"the traversal reached more than {max_nodes:,} companies at hop {side['depth']}: narrow it "
            "with hs=, since=/until=, countries= or min_shipments=, or lower hops")
    side["visited"] = side["visited"].unionByName(grown).localCheckpoint()
    side["frontier"] = grown


def path_subgraph(ws, source: int, target: int, flt: TradeFilter, *, max_hops: int, directed: bool,
                  max_nodes: int | None) -> TradeIndex:
    """The subgraph index holding every trade row (passing ``flt``) among the companies that can lie on
    a path of at most ``max_hops`` hops from ``source`` to ``target`` (module doc); just the two
    companies when no such path exists."""
    from pyspark.sql import functions as F  # noqa: N812 - pyspark's own convention

    prepare(ws)
    store = ws.store
    edges = trade_rows(store, flt).select("src", "dst").distinct()
    if not directed:
        edges = edges.unionByName(edges.select(F.col("dst").alias("src"), F.col("src").alias("dst"))).distinct()
    edges = edges.localCheckpoint()
    sides = []
    for seed, near, far in ((source, "src", "dst"), (target, "dst", "src")):
        start = id_frame(store, [seed]).localCheckpoint()
        sides.append({"visited": start, "frontier": start, "size": 1, "new": 1, "depth": 0,
                      "near": near, "far": far})
    a, b = sides
    while a["depth"] + b["depth"] < max_hops - 1 and a["new"] and b["new"]:
        _grow(edges, a if a["new"] <= b["new"] else b, max_nodes)
    met = a["visited"].join(b["visited"], on="node").take(1) or edges \
        .join(a["visited"].withColumnRenamed("node", "src"), on="src", how="left_semi") \
        .join(b["visited"].withColumnRenamed("node", "dst"), on="dst", how="left_semi").take(1)
    if not met:  # no path within max_hops: nothing to pull
        return subgraph_index(store, empty_rows(shipments=flt.dated), [source, target])
    union = a["visited"].unionByName(b["visited"]).distinct()
    return subgraph_index(store, rows_among(store, union, flt), [source, target])
