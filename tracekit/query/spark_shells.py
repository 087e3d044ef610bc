"""``shell_clusters`` on a Spark workspace: components of the shared-identifier graph on the cluster.

:func:`tracekit.query.shell_clusters.shell_clusters` scores clusters of companies that share an address,
phone, e-mail or tax id. On DuckDB the components come from igraph over ``graph_shared``; here
``graph_shared`` stays a Spark table: each linking key joins its companies to the key's smallest
member (a star per key, so the entity graph has as many edges as key memberships), the components are
:func:`tracekit.graph.spark_traverse.component_labels`' min-label propagation, and clusters are numbered
by their smallest member, exactly as igraph numbers them on DuckDB. Only the reported clusters' members,
linking keys and hub keys come to the driver, where the DuckDB verb's own scoring runs on them.
"""

from __future__ import annotations

import pandas as pd

from tracekit.graph.spark_traverse import component_labels

__all__ = ["spark_clusters"]


def spark_clusters(store, max_share: int, min_size: int) -> tuple | None:
    """The clusters of at least ``min_size`` members as a Spark DataFrame (entity_id, cluster), and
    pulled: their linking keys (kind, key, entity_id, group_size, cluster) and hub keys; None when no
    identifier links two companies."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F  # noqa: N812 - pyspark's own convention

    shared = store.table("graph_shared").select("kind", "key", "entity_id", "group_size")
    linking = shared.where(F.col("group_size") <= max_share)
    star = linking.groupBy("kind", "key").agg(F.min("entity_id").alias("v"))
    edges = linking.join(star, on=["kind", "key"]).select(F.col("entity_id").alias("u"), "v")
    if not edges.take(1):
        return None
    labels = component_labels(edges)
    # numbered as igraph numbers them on DuckDB: by smallest member (one number per component)
    number = labels.select("label").distinct().withColumn(
        "cluster", F.dense_rank().over(Window.orderBy("label")) - 1)
    sized = labels.join(number, on="label").withColumn(
        "size", F.count("*").over(Window.partitionBy("cluster")))
    clusters = sized.where(F.col("size") >= min_size) \
        .select(F.col("node").alias("entity_id"), F.col("cluster").cast("bigint").alias("cluster")) \
        .localCheckpoint()
    keyed = linking.join(clusters, on="entity_id").select("kind", "key", "entity_id", "group_size", "cluster")
    hubs = shared.where(F.col("group_size") > max_share).join(clusters, on="entity_id") \
        .select("kind", "key", "entity_id", "group_size", "cluster")
    return clusters, _pulled(keyed), _pulled(hubs)


def _pulled(frame) -> pd.DataFrame:
    return frame.toArrow().to_pandas().astype({"entity_id": "int64", "cluster": "int64"})
