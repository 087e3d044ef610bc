"""``neighbourhood`` on a Spark workspace: the partners of the frontier ranked on the cluster.

The DuckDB verb (:func:`tracekit.query.neighbourhood.neighbourhood`) expands a company hop by hop,
showing each expanded company's ``limit`` busiest partners and folding the rest into a ``more:`` node.
Here every hop is one frontier step over the filtered trade rows (:func:`tracekit.graph.spark_filters.
trade_rows`): partners per (expanded company, partner) summed and ranked by a window on the cluster; only
the shown pairs (≤ ``limit`` per expanded company) and the folded counts come to the driver, then the
rows behind the shown pairs, once, as a subgraph index for the same ``build_digraph``.
"""

from __future__ import annotations

import networkx as nx

from tracekit.graph.filters import TradeFilter
from tracekit.graph.spark_filters import ROW_COLUMNS, trade_rows
from tracekit.graph.spark_project import id_frame, pull_rows, subgraph_digraph
from tracekit.query.spark_prepared import prepare

__all__ = ["spark_neighbourhood"]


def spark_neighbourhood(ws, seed: int, hops: int, limit: int, flt: TradeFilter) -> tuple[nx.DiGraph, dict[int, int]]:
    """The graph of the shown partners (tier on each node) and the folded count per company (entity id
    → partners not shown), as the DuckDB walk computes them."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F  # noqa: N812 - pyspark's own convention

    prepare(ws)
    store = ws.store
    rows = trade_rows(store, flt)
    columns = ["shipment_id", *ROW_COLUMNS] if flt.dated else list(ROW_COLUMNS)
    tiers: dict[int, int] = {seed: 0}
    hidden: dict[int, int] = {}
    kept = []
    frontier = [seed]
    by_near = Window.partitionBy("near").orderBy(F.col("shipments").desc(), F.col("far"))
    for hop in range(1, hops + 1):
        nodes = id_frame(store, frontier)
        partners = rows.join(nodes.withColumnRenamed("node", "src"), on="src", how="left_semi") \
            .withColumns({"near": F.col("src"), "far": F.col("dst"), "sign": F.lit(1)}) \
            .unionByName(rows.join(nodes.withColumnRenamed("node", "dst"), on="dst", how="left_semi")
                         .withColumns({"near": F.col("dst"), "far": F.col("src"), "sign": F.lit(-1)})) \
            .where(F.col("near") != F.col("far")).localCheckpoint()
        per_pair = partners.groupBy("near", "far").agg(F.sum("shipments").alias("shipments"),
                                                      F.max("sign").alias("sign")) \
            .withColumn("rank", F.row_number().over(by_near) - 1).localCheckpoint()
        shown = per_pair.where(F.col("rank") < limit).orderBy("near", F.col("shipments").desc(), "far") \
            .select("near", "far", "sign").collect()
        if not shown:
            break
        visited = id_frame(store, tiers, column="far")
        folded = per_pair.where(F.col("rank") >= limit).join(visited, on="far", how="left_anti") \
            .groupBy("near").count().orderBy("near").collect()
        for near, count in folded:
            hidden[int(near)] = hidden.get(int(near), 0) + int(count)
        shown_pairs = per_pair.where(F.col("rank") < limit).select("near", "far")
        kept.append(partners.join(shown_pairs, on=["near", "far"], how="left_semi").select(*columns))
        fresh: set[int] = set()
        for _near, far, sign in shown:
            far = int(far)
            if far not in tiers:  # tier: + for buyers, - for suppliers, by hop (first in near order wins)
                tiers[far] = int(sign) * hop
                fresh.add(far)
        frontier = sorted(fresh)
        if not frontier:
            break
    pulled = pull_rows(kept, shipments=flt.dated)
    graph, _index = subgraph_digraph(store, pulled, flt, tiers=tiers, evidence=True)
    return graph, hidden
