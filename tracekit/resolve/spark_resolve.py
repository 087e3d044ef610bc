"""``resolve`` on a Spark store: :func:`tracekit.resolve.pipeline.resolve`'s own run, with the pair work
on the executors (the engine hook, :class:`SparkResolution`: :mod:`tracekit.resolve.engines`).

What runs where, and why (docs/SCALING.md has the measured cost):

- **executors**: mention normalisation (``store/spark_map.py``), the word sounds for ``s:`` blocking keys
  (the resolver's ``_sounds`` per partition), blocking keys and candidate pairs (the resolver's SQL,
  transpiled), every pair's features and comparison levels, the EM pattern counts and the final
  scores (:mod:`tracekit.resolve.spark_score`: the resolver's own scoring functions in ``mapInPandas``),
  and the ``resolve_edges`` write.
- **driver**: the profiles (one row per distinct name/country/tax id: far fewer than mentions), EM over
  the pattern counts (a few hundred rows), and the clustering. Clustering sees only the pairs inside the
  connected components of *strong* pairs (score ≥ the threshold): :func:`tracekit.resolve.cluster.cluster`
  never weighs any other pair, so giving it only those gives exactly the entities it gives on all pairs,
  and those components are small (name variants, shell clusters) while the candidate pairs are many.
  The strong pairs are pulled and their components found with igraph on the driver: strong pairs
  number about the profiles merged, far fewer than the candidates; where even they outgrow one machine,
  the components are ``graph/spark_traverse.py``'s work (not wired here).

Same answers as DuckDB on the demo world (tests/spark/test_score_spark.py).
"""

# ruff: noqa: S608  -- SQL here is assembled from module constants and internal table names only

from __future__ import annotations

from typing import Any

import igraph
import numpy as np
import pandas as pd

from tracekit.resolve.blocking import candidate_pairs_sql
from tracekit.resolve.engines import ResolutionEngine
from tracekit.resolve.model import MatchModel
from tracekit.resolve.pipeline import _sounds, profiles_sql
from tracekit.resolve.scoring import ProfileArrays, Weights
from tracekit.resolve.spark_score import (
    estimate_on_executors,
    levels_on_executors,
    pairs_with_profiles,
    score_on_executors,
)
from tracekit.resolve.tables import EDGE_FLOOR

__all__ = ["SparkResolution", "inside_strong_components", "strong_components"]


class SparkResolution(ResolutionEngine):
    """The engine steps of :func:`tracekit.resolve.pipeline.resolve` on a :class:`~tracekit.store.spark.SparkStore`:
    the pairs stay on the cluster; the driver gets the strong pairs' components."""

    label = "resolve (spark)"

    def __init__(self) -> None:
        self.scored: Any = None  # a Spark DataFrame of the scored pairs, checkpointed

    def sounds(self, store) -> Any:  # noqa: ANN001 - a SparkStore
        return _sounds_on_executors(store)

    def candidate_pairs(self, store, full: bool) -> int:  # noqa: ANN001
        store.execute("CREATE OR REPLACE TEMP TABLE tk_res_pairs AS "
                      f"{candidate_pairs_sql('tk_res_blocks', None if full else 'tk_res_newids')}")
        return store.count("tk_res_pairs")

    def score(self, store, profiles: pd.DataFrame, arrays: ProfileArrays, weights: Weights,  # noqa: ANN001
              model: MatchModel | None) -> MatchModel:
        # the driver's arrays give the word counts; the executors compare each pair
        joined = pairs_with_profiles(store.table("tk_res_pairs"), store.spark(profiles_sql("tk_res_all",
                                                                                           "tk_res_allkeys")))
        levels = levels_on_executors(joined, arrays.word_uses(), weights).localCheckpoint()
        if model is None:
            model = estimate_on_executors(levels)
        self.scored = score_on_executors(levels, model, weights).localCheckpoint()
        return model

    def clustering_edges(self, store, profiles: pd.DataFrame, threshold: float,  # noqa: ANN001
                         full: bool) -> pd.DataFrame:
        return inside_strong_components(store, profiles, self.scored, threshold, full)

    def stored_edges(self) -> Any:
        # (a, b) order and one file, though recluster() sorts what it reads: a file per run, not per task.
        return self.scored.where(self.scored["score"] >= EDGE_FLOOR).orderBy("a", "b").coalesce(1)


def _sounds_on_executors(store):  # noqa: ANN001, ANN202 - SparkStore in, Spark DataFrame out
    """``(profile_id, sound)`` as :func:`tracekit.resolve.pipeline._sounds` gives it, per partition."""

    def per_partition(frames):  # noqa: ANN001, ANN202 - runs on the executors
        for frame in frames:
            yield _sounds(frame)

    return store.spark("SELECT profile_id, core_key FROM tk_res_all").mapInPandas(
        per_partition, schema="profile_id BIGINT, sound STRING").localCheckpoint()


def strong_components(n: int, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Component of each of ``n`` profiles over the strong pairs ``a``–``b`` (positions), and whether it
    has two or more members: pairs are weighed by clustering only inside such a component.

    Examples
    --------
    >>> membership, grouped = strong_components(4, np.array([0]), np.array([2]))
    >>> bool(membership[0] == membership[2]), grouped.tolist()
    (True, [True, False, True, False])
    """
    if n == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    graph = igraph.Graph(n=n, edges=np.column_stack([a, b]).astype(np.int64).tolist(), directed=False)
    membership = np.asarray(graph.connected_components().membership, dtype=np.int64)
    return membership, np.bincount(membership)[membership] >= 2


def inside_strong_components(store, profiles: pd.DataFrame, scored, threshold: float,  # noqa: ANN001
                             full: bool) -> pd.DataFrame:
    """The scored pairs (``a, b, score``) whose two profiles share a component of strong pairs, in ``a, b``
    order as the DuckDB run hands clustering its pairs (stored and new alike on an incremental run): the
    only pairs :func:`tracekit.resolve.cluster.cluster` ever weighs."""
    from pyspark.sql import functions as F

    edges = scored.select("a", "b", "score")
    if not full:
        edges = store.table("resolve_edges").select("a", "b", F.col("score").cast("float")).unionByName(edges)
    strong = edges.where((F.col("score") >= threshold) & (F.col("a") != F.col("b"))).select("a", "b").toPandas()
    index = pd.Index(profiles["profile_id"])
    membership, grouped = strong_components(len(index), index.get_indexer(strong["a"]),
                                            index.get_indexer(strong["b"]))
    empty = pd.DataFrame({"a": pd.Series(dtype=np.int64), "b": pd.Series(dtype=np.int64),
                          "score": pd.Series(dtype=np.float32)})
    if not grouped.any():
        return empty
    members = pd.DataFrame({"profile_id": profiles["profile_id"].to_numpy(dtype=np.int64)[grouped],
                            "component": membership[grouped]})
    component = store.session.createDataFrame(members)
    inside = (edges.join(component.withColumnRenamed("profile_id", "a").withColumnRenamed("component", "ca"), "a")
              .join(component.withColumnRenamed("profile_id", "b").withColumnRenamed("component", "cb"), "b")
              .where(F.col("ca") == F.col("cb")).select("a", "b", "score").toPandas())
    inside = inside.sort_values(["a", "b"], kind="stable").reset_index(drop=True)
    return inside[["a", "b", "score"]].astype({"a": np.int64, "b": np.int64, "score": np.float32})
