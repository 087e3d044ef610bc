"""``resolve`` on a Spark store: the same stages as :func:`tracekit.resolve.pipeline.resolve`, with the
pair work on the executors.

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

import time

import igraph
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from tracekit.resolve.blocking import BlockingCaps, block_keys_sql, candidate_pairs_sql
from tracekit.resolve.features import NAMED, compute_features, compute_profiles
from tracekit.resolve.model import MatchModel, stored_model
from tracekit.resolve.pipeline import (
    ResolveReport,
    _cluster,
    _sounds,
    _stage_profiles,
    _write_assignment,
    _write_run,
    profiles_sql,
)
from tracekit.resolve.scoring import WEIGHTS, ProfileArrays, Weights
from tracekit.resolve.spark_score import (
    estimate_on_executors,
    levels_on_executors,
    pairs_with_profiles,
    score_on_executors,
)
from tracekit.resolve.tables import EDGE_FLOOR, ensure_resolve_tables

__all__ = ["resolve_on_spark", "inside_strong_components", "strong_components"]


def resolve_on_spark(store, *, full: bool = False, weights: Weights = WEIGHTS,  # noqa: ANN001 - a SparkStore
                     caps: BlockingCaps | None = None, progress: bool = True,
                     model: MatchModel | None = None) -> ResolveReport:
    """:func:`tracekit.resolve.pipeline.resolve` for a :class:`~tracekit.store.spark.SparkStore`."""
    imposed = model
    started = time.perf_counter()
    caps = caps or BlockingCaps()
    ensure_resolve_tables(store)
    full = full or store.count("resolve_profiles") == 0
    bar = tqdm(total=5, desc="resolve (spark)", unit="step", disable=not progress, leave=False)
    stages: dict[str, float] = {}
    clock = [time.perf_counter()]

    def step(name: str, next_name: str | None = None) -> None:
        now = time.perf_counter()
        stages[name] = round(now - clock[0], 3)
        clock[0] = now
        bar.update()
        if next_name:
            bar.set_postfix_str(next_name)

    try:
        mentions = f"SELECT * FROM party_mentions WHERE {NAMED}"
        if not full:
            mentions += " AND mention_id NOT IN (SELECT mention_id FROM mention_features)"
        bar.set_postfix_str("normalising")
        n_new = compute_features(store, mentions)
        if n_new == 0 and not full:
            bar.update(bar.total - bar.n)
            return ResolveReport(False, 0, 0, store.count("resolve_profiles"), 0, store.count("entities"),
                                 time.perf_counter() - started)
        first_id = 1 if full else int(store.scalar("SELECT coalesce(max(profile_id), 0) + 1 "
                                                   "FROM resolve_profiles"))
        new_profiles = compute_profiles(store, first_id, None if full else "resolve_profiles")
        _stage_profiles(store, full)
        step("normalise", "blocking")
        with store.registered("tk_res_sounds", _sounds_on_executors(store)):
            store.execute(f"CREATE OR REPLACE TEMP TABLE tk_res_blocks AS "
                          f"{block_keys_sql('tk_res_all', 'tk_res_allkeys', caps, 'tk_res_sounds')}")
        store.execute("CREATE OR REPLACE TEMP TABLE tk_res_pairs AS "
                      f"{candidate_pairs_sql('tk_res_blocks', None if full else 'tk_res_newids')}")
        n_pairs = store.count("tk_res_pairs")
        step("block", "scoring")
        profiles = store.df(profiles_sql("tk_res_all", "tk_res_allkeys"))
        arrays = ProfileArrays(profiles)  # the driver's, for clustering's on-demand pairs and the word counts
        joined = pairs_with_profiles(store.table("tk_res_pairs"), store.spark(profiles_sql("tk_res_all",
                                                                                           "tk_res_allkeys")))
        levels = levels_on_executors(joined, arrays.word_uses(), weights).localCheckpoint()
        model = imposed or (None if full else stored_model(store))
        estimated = model is None
        if estimated:
            model = estimate_on_executors(levels)
        scored = score_on_executors(levels, model, weights).localCheckpoint()
        step("score", "clustering")
        edges = inside_strong_components(store, profiles, scored, weights.threshold, full)
        assignment, conflicts = _cluster(store, profiles, edges, weights, model, arrays)
        step("cluster", "writing")
        with store.transaction():
            if estimated:
                store.execute("DELETE FROM resolve_model")
                with store.registered("tk_res_model", model.to_frame()):
                    store.execute("INSERT INTO resolve_model SELECT * FROM tk_res_model")
            # One file in (a, b) order: reclustering after a decision reads `SELECT * FROM resolve_edges`
            # and breaks score ties in that order, as DuckDB's table (written in that order) does.
            kept = scored.where(scored["score"] >= EDGE_FLOOR).orderBy("a", "b").coalesce(1)
            _write_run(store, full, kept)
            _write_assignment(store, assignment)
        step("write")
    finally:
        bar.close()
    return ResolveReport(full, n_new, new_profiles, len(profiles), n_pairs, store.count("entities"),
                         time.perf_counter() - started, conflicts, model.pairs if estimated else 0, stages)


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
    """The scored pairs (``a, b, score``) whose two profiles share a component of strong pairs, in the
    order the DuckDB pipeline hands clustering its pairs (stored edges first on an incremental run, each
    part by ``a, b``): the only pairs :func:`tracekit.resolve.cluster.cluster` ever weighs."""
    from pyspark.sql import functions as F

    edges = scored.select("a", "b", "score").withColumn("run", F.lit(1))
    if not full:
        edges = store.table("resolve_edges").select("a", "b", F.col("score").cast("float")) \
            .withColumn("run", F.lit(0)).unionByName(edges)
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
              .where(F.col("ca") == F.col("cb")).select("run", "a", "b", "score").toPandas())
    inside = inside.sort_values(["run", "a", "b"], kind="stable").reset_index(drop=True)
    return inside[["a", "b", "score"]].astype({"a": np.int64, "b": np.int64, "score": np.float32})
