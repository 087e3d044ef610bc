"""Pair scoring and EM on Spark's executors give the driver's answers, pair for pair and entity for entity.

The executors call the resolver's own functions (``pair_levels``, ``score_pairs``, ``estimate``), so the
comparison here is with those same functions run once on the driver over all pairs: a batch of pairs on
an executor must score each pair as the whole set does (the word counts are global, the rest per pair).
Batches are made tiny (``maxRecordsPerBatch``) so the pairs really are cut into many pieces.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tracekit.resolve.model import estimate
from tracekit.resolve.pipeline import profiles_sql
from tracekit.resolve.scoring import ProfileArrays, pair_levels, score_pairs
from tracekit.resolve.spark_score import (
    LEVELS,
    SHARED,
    estimate_on_executors,
    levels_on_executors,
    pairs_with_profiles,
    score_on_executors,
)


@pytest.fixture(scope="module")
def candidates(duck_world):
    """The DuckDB world's profiles and a mix of pairs: every stored edge, plus pairs blocking never made."""
    store = duck_world.store
    profiles = store.df(profiles_sql("(SELECT * EXCLUDE (entity_id, anchor_key) FROM resolve_profiles)",
                                     "resolve_profile_keys"))
    edges = store.df("SELECT a, b, shared_phone, shared_email, shared_address FROM resolve_edges ORDER BY a, b")
    rng = np.random.default_rng(5)
    ids = profiles["profile_id"].to_numpy(dtype=np.int64)
    x, y = rng.choice(ids, 300), rng.choice(ids, 300)
    extra = pd.DataFrame({"a": np.minimum(x, y), "b": np.maximum(x, y)}).query("a != b")
    extra = extra.assign(shared_phone=False, shared_email=False, shared_address=False)
    pairs = (pd.concat([edges, extra]).drop_duplicates(["a", "b"]).sort_values(["a", "b"])
             .reset_index(drop=True))
    assert len(pairs) > 300 and pairs["shared_address"].any()
    return profiles, pairs


@pytest.fixture(scope="module")
def small_batches(spark):
    key = "spark.sql.execution.arrow.maxRecordsPerBatch"
    before = spark.conf.get(key)
    spark.conf.set(key, "37")
    yield
    spark.conf.set(key, before)


def _on_driver(profiles: pd.DataFrame, pairs: pd.DataFrame):
    arrays = ProfileArrays(profiles)
    index = pd.Index(profiles["profile_id"])
    a, b = index.get_indexer(pairs["a"]), index.get_indexer(pairs["b"])
    levels = pair_levels(arrays, a, b, pairs[list(SHARED)])
    return arrays, levels


def _spark_levels(spark, profiles, pairs, arrays):
    joined = pairs_with_profiles(spark.createDataFrame(pairs), spark.createDataFrame(profiles))
    return levels_on_executors(joined, arrays.word_uses()).localCheckpoint()


def test_executors_score_every_pair_as_the_driver_does(spark, candidates, small_batches):
    profiles, pairs = candidates
    arrays, levels = _on_driver(profiles, pairs)
    model = estimate(levels[1])
    expected = score_pairs(arrays, None, None, levels=levels, model=model)
    spark_levels = _spark_levels(spark, profiles, pairs, arrays)
    assert spark_levels.rdd.getNumPartitions() >= 1
    got = score_on_executors(spark_levels, model).toPandas().sort_values(["a", "b"]).reset_index(drop=True)
    assert got[["a", "b"]].equals(pairs[["a", "b"]].astype(np.int64))
    assert list(got.columns[2:]) == list(expected.columns)
    for column in expected.columns:
        if not pd.api.types.is_numeric_dtype(expected[column]):  # the rule's text
            assert got[column].tolist() == expected[column].tolist(), column
            continue
        want, have = expected[column].to_numpy(), got[column].to_numpy(dtype=expected[column].dtype)
        if want.dtype.kind == "f":
            np.testing.assert_array_equal(np.isnan(want), np.isnan(have), err_msg=column)
            np.testing.assert_array_equal(np.nan_to_num(want), np.nan_to_num(have), err_msg=column)
        else:
            np.testing.assert_array_equal(want, have, err_msg=column)
    # not a vacuous comparison: the pairs span matches, non-matches and the hard rules
    assert (expected["score"] >= 0.86).any() and (expected["score"] < 0.5).any()
    assert (expected["rule"] != "").any()


def test_em_on_pattern_counts_fits_the_model_of_all_pairs(spark, candidates, small_batches):
    profiles, pairs = candidates
    arrays, levels = _on_driver(profiles, pairs)
    expected = estimate(levels[1])
    spark_levels = _spark_levels(spark, profiles, pairs, arrays)
    got = estimate_on_executors(spark_levels)
    assert spark_levels.select(*LEVELS).distinct().count() < len(pairs)  # patterns, not pairs, reach the driver
    assert got.pairs == expected.pairs == len(pairs) and got.iterations == expected.iterations
    assert got.prior == expected.prior
    for m_got, m_want, u_got, u_want in zip(got.m, expected.m, got.u, expected.u, strict=True):
        np.testing.assert_array_equal(m_got, m_want)
        np.testing.assert_array_equal(u_got, u_want)


def test_estimate_with_counts_is_estimate_of_the_expanded_rows():
    rng = np.random.default_rng(1)
    from tracekit.resolve.model import COMPARISONS

    levels = rng.integers(-1, 2, size=(5_000, len(COMPARISONS)))
    patterns, counts = np.unique(levels, axis=0, return_counts=True)
    shuffled = rng.permutation(len(patterns))
    a, b = estimate(levels), estimate(patterns[shuffled], counts=counts[shuffled])
    assert a.prior == b.prior and a.pairs == b.pairs == 5_000
    assert all(np.array_equal(x, y) for x, y in zip(a.m + a.u, b.m + b.u, strict=True))
