"""``communities`` on a Spark workspace: components on the cluster, Leiden on the pulled components.

Whole-graph Leiden needs the whole graph in one process; at the sizes Spark is for (hundreds of millions
of trade pairs) the driver cannot hold it. So the filtered trade is folded into undirected weighted pairs
on the cluster (:func:`tracekit.graph.spark_traverse.trade_pairs`), its total weight summed there, and:

* ``components=None`` (every component): the pairs are pulled when there are at most
  :data:`PAIRS_ON_DRIVER` of them, else the verb stops and names the largest components;
* ``components=N``: connected components by min-label propagation on the cluster, and only the N
  largest (by companies, ties to the smallest member) are pulled.

Leiden then runs per component on the driver against the whole graph's weight
(:func:`tracekit.graph.per_component.communities_by_component`): the same objective as the whole-graph
run, and on the demo world the same communities as DuckDB (tests).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tracekit.errors import TracekitError
from tracekit.graph.filters import TradeFilter
from tracekit.graph.per_component import communities_by_component
from tracekit.graph.spark_traverse import component_labels, trade_pairs
from tracekit.query.spark_prepared import prepare

__all__ = ["spark_membership", "PAIRS_ON_DRIVER"]

PAIRS_ON_DRIVER = 5_000_000
"""Most trade pairs pulled for Leiden on the driver (~120 MB of arrays; igraph's Leiden takes ~40 s on
10 M edges on this machine, docs/benchmarks.md)."""


def _largest(labels, pairs, limit: int):
    """The ``limit`` largest components: rows (label, companies, pairs), biggest first."""
    from pyspark.sql import functions as F  # noqa: N812 - pyspark's own convention

    nodes = labels.groupBy("label").agg(F.count("*").alias("companies"))
    edges = pairs.join(labels.withColumnRenamed("node", "u"), on="u").groupBy("label") \
        .agg(F.count("*").alias("pairs"))
    return nodes.join(edges, on="label").orderBy(F.col("companies").desc(), "label").limit(limit).collect()


def _too_big(count: int, largest: list) -> TracekitError:
    sizes = ", ".join(f"{int(r['companies']):,} companies / {int(r['pairs']):,} pairs" for r in largest)
    return TracekitError(
        f"the filtered trade graph has {count:,} trading pairs, more than the {PAIRS_ON_DRIVER:,} Leiden can be "
        f"given on the driver (largest components: {sizes}): pass components=N (the N largest components) "
        "or narrow it with hs=, since=/until=, countries= or min_shipments=")


def spark_membership(ws, flt: TradeFilter, *, method: str, resolution: float, seed: int,
                     components: int | None) -> pd.DataFrame:
    """Community of every company in the pulled components (``entity_id``, ``community``)."""
    from pyspark.sql import functions as F  # noqa: N812 - pyspark's own convention

    prepare(ws)
    pairs = trade_pairs(ws.store, flt).localCheckpoint()
    count, total = pairs.agg(F.count("*"), F.sum("weight")).first()
    if not count:
        return pd.DataFrame({"entity_id": pd.Series(dtype="int64"), "community": pd.Series(dtype="int64")})
    if components is None:
        if count > PAIRS_ON_DRIVER:
            raise _too_big(count, _largest(component_labels(pairs), pairs, 5))
        chosen = pairs
    else:
        labels = component_labels(pairs)
        largest = _largest(labels, pairs, int(components))
        if sum(int(r["pairs"]) for r in largest) > PAIRS_ON_DRIVER:
            raise _too_big(count, largest)
        keep = ws.store.session.createDataFrame([(int(r["label"]),) for r in largest], "label BIGINT")
        chosen = pairs.join(labels.withColumnRenamed("node", "u"), on="u").join(keep, on="label", how="left_semi")
    table = chosen.select("u", "v", "weight").toArrow()
    ids, labels_ = communities_by_component(
        table["u"].to_numpy(), table["v"].to_numpy(), table["weight"].to_numpy(), total_weight=float(total),
        method=method, resolution=resolution, seed=seed)
    return pd.DataFrame({"entity_id": ids.astype(np.int64), "community": labels_.astype(np.int64)})
