"""Hops to the nearest listed party on Spark: one multi-source frontier loop, a parent per company.

:func:`tracekit.graph.sanctions.sanctions_hops` walks the in-memory index from every listed company at
once, trade in either direction, and keeps for each company reached the edge that reached it first. Here
the same walk is a frontier loop over the filtered trade rows: per hop, the rows from the frontier to
companies not reached yet; per new company, ONE of them by a window — the smallest (shipper id, consignee
id, HS6), the tie rule the in-memory walk uses too. Only the reached companies (with hop, parent and that
row) come to the driver — what ``.hops`` shows, one row per company — never the graph.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from tracekit.graph.filters import TradeFilter
from tracekit.graph.spark_filters import ROW_COLUMNS, trade_rows
from tracekit.graph.spark_project import id_frame, pull_rows, subgraph_digraph

__all__ = ["spark_reached"]


def spark_reached(store, listed_ids: np.ndarray, max_hops: int, flt: TradeFilter) -> tuple[pd.DataFrame, nx.DiGraph]:
    """``entity_id, hops, parent, via_src, via_dst`` for every company within ``max_hops`` of a listed
    one (listed ones at hop 0 when they trade or are entities), and the graph of the chosen rows."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F  # noqa: N812 - pyspark's own convention

    columns = ["shipment_id", *ROW_COLUMNS] if flt.dated else list(ROW_COLUMNS)
    known = store.table("entities").select(F.col("entity_id").alias("node"))
    seeds = id_frame(store, listed_ids.tolist()).join(known, on="node", how="left_semi").localCheckpoint()
    listed = [int(r[0]) for r in seeds.collect()]
    if not listed:
        return pd.DataFrame(columns=["entity_id", "hops", "parent", "via_src", "via_dst"]), nx.DiGraph()
    rows = trade_rows(store, flt)
    visited = seeds
    frontier = seeds
    first = Window.partitionBy("child").orderBy("src", "dst", "hs6", *(["shipment_id"] if flt.dated else []))
    chosen = []
    for hop in range(1, max_hops + 1):
        out = rows.join(frontier.withColumnRenamed("node", "src"), on="src", how="left_semi") \
            .join(visited.withColumnRenamed("node", "dst"), on="dst", how="left_anti") \
            .withColumns({"child": F.col("dst"), "parent": F.col("src")})
        back = rows.join(frontier.withColumnRenamed("node", "dst"), on="dst", how="left_semi") \
            .join(visited.withColumnRenamed("node", "src"), on="src", how="left_anti") \
            .withColumns({"child": F.col("src"), "parent": F.col("dst")})
        picked = out.unionByName(back).withColumn("_k", F.row_number().over(first)).where("_k = 1") \
            .drop("_k").withColumn("hops", F.lit(hop)).localCheckpoint()
        frontier = picked.select(F.col("child").alias("node")).localCheckpoint()
        if not frontier.take(1):
            break
        visited = visited.unionByName(frontier).localCheckpoint()
        chosen.append(picked)
    table = pull_rows([c.select(*columns, "child", "parent", "hops") for c in chosen], shipments=flt.dated,
                      extra=["child", "parent", "hops"]) if chosen else None
    none = pd.array([None] * len(listed), dtype="Int64")  # Int64: ids stay exact beside the missing ones
    frame = pd.DataFrame({"entity_id": pd.Series(listed, dtype="int64"), "hops": 0, "parent": none,
                          "via_src": none, "via_dst": none})
    if table is None or not table.num_rows:
        return frame, nx.DiGraph()
    far = pd.DataFrame({"entity_id": table["child"].to_numpy(), "hops": table["hops"].to_numpy().astype(np.int64),
                        **{name: pd.array(table[column].to_numpy(), dtype="Int64")
                           for name, column in (("parent", "parent"), ("via_src", "src"), ("via_dst", "dst"))}})
    graph, _index = subgraph_digraph(store, table.select(columns), flt, evidence=True)
    return pd.concat([frame, far], ignore_index=True), graph
