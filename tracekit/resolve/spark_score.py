"""Pair scoring and EM on Spark's executors, with the resolver's own functions.

On DuckDB the resolver pulls every candidate pair to Python and scores them there
(:func:`tracekit.resolve.scoring.pair_levels` / :func:`~tracekit.resolve.scoring.score_pairs`). On a
:class:`~tracekit.store.spark.SparkStore` the pairs stay on the executors:

1. each pair is joined in Spark with the scoring columns of both of its profiles (``a_*``, ``b_*``);
2. ``mapInPandas`` hands the executors batches of such rows; each batch becomes a small profile frame
   (the distinct profiles it touches) and the resolver's own :func:`pair_levels` gives every pair's
   features and comparison levels — nothing here re-implements a comparison;
3. EM needs only how many pairs show each *pattern* of levels: a Spark ``GROUP BY`` over the level
   columns, a few hundred rows, goes to the driver, where
   :func:`tracekit.resolve.model.estimate` (``counts=``) fits the same model as on all the pairs;
4. a second ``mapInPandas`` applies the model and the hard rules (:func:`score_pairs` with the levels
   already computed) on the executors.

The one input that is not per pair: how many distinct names carry each distinctive word
(:meth:`ProfileArrays.word_uses`, used by the "one common word apart at one address" level). It is
computed once over all profiles on the driver and shipped to the executors with the function.

Spark's Python workers must have tracekit and its dependencies (rapidfuzz, rigour) installed; on
``local[*]`` they run the driver's interpreter (:func:`tracekit.store.spark.spark_session`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from tracekit.resolve.model import COMPARISONS, MatchModel, estimate
from tracekit.resolve.scoring import WEIGHTS, ProfileArrays, Weights, pair_levels, score_pairs

__all__ = ["SIDE_COLUMNS", "SHARED", "pairs_with_profiles", "levels_on_executors", "estimate_on_executors",
           "score_on_executors", "LEVELS"]

# What scoring reads of a profile (scoring.PROFILE_COLUMNS + OPTIONAL_COLUMNS + the identifier flags).
SIDE_COLUMNS = ("profile_id", "name_key", "core_key", "country", "tax_id_key", "address_key", "locality",
                "country_source", "display_name", "legal_form", "has_phone", "has_email")
SHARED = ("shared_phone", "shared_email", "shared_address")
LEVELS = tuple(f"level_{k}" for k in range(len(COMPARISONS)))


class _ShardArrays(ProfileArrays):
    """The profile arrays of one batch, with the word counts of ALL profiles (computed on the driver)."""

    def __init__(self, profiles: pd.DataFrame, word_uses: dict[str, int]):
        super().__init__(profiles)
        self._all_word_uses = word_uses

    def word_uses(self) -> dict[str, int]:
        return self._all_word_uses


def pairs_with_profiles(pairs: Any, profiles: Any) -> Any:
    """Spark DataFrame: each pair ``(a, b, shared_*)`` with ``a_<col>`` and ``b_<col>`` of its profiles."""
    from pyspark.sql import functions as F

    def side(prefix: str) -> Any:
        return profiles.select(*[F.col(c).alias(f"{prefix}_{c}") for c in SIDE_COLUMNS])

    return (pairs.join(side("a"), F.col("a") == F.col("a_profile_id"))
            .join(side("b"), F.col("b") == F.col("b_profile_id"))
            .drop("a_profile_id", "b_profile_id"))


def _batch_levels(frame: pd.DataFrame, word_uses: dict[str, int],
                  weights: Weights) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """:func:`pair_levels` of one batch of joined pair rows."""
    sides = [frame[[f"{p}_{c}" if c != "profile_id" else p for c in SIDE_COLUMNS]].set_axis(SIDE_COLUMNS, axis=1)
             for p in ("a", "b")]
    profiles = pd.concat(sides, ignore_index=True).drop_duplicates("profile_id").reset_index(drop=True)
    index = pd.Index(profiles["profile_id"])
    a, b = index.get_indexer(frame["a"]), index.get_indexer(frame["b"])
    shared = pd.DataFrame({c: frame[c].fillna(False).to_numpy(dtype=bool) for c in SHARED})
    return pair_levels(_ShardArrays(profiles, word_uses), a, b, shared, weights)


def _level_frame(frame: pd.DataFrame, features: dict[str, np.ndarray], matrix: np.ndarray) -> pd.DataFrame:
    out = {"a": frame["a"].to_numpy(dtype=np.int64), "b": frame["b"].to_numpy(dtype=np.int64), **features}
    for k, name in enumerate(LEVELS):
        out[name] = matrix[:, k].astype(np.int8)
    return pd.DataFrame(out)


def _split_levels(frame: pd.DataFrame, feature_types: dict[str, np.dtype]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    # Back to the dtypes pair_levels gave (Arrow hands a NULL float — NaN before — back as NaN).
    features = {name: frame[name].to_numpy(dtype=dtype) for name, dtype in feature_types.items()}
    matrix = frame[list(LEVELS)].to_numpy(dtype=np.int64)
    return features, matrix


def _spark_type(dtype) -> str:  # noqa: ANN001 - a numpy or pandas dtype
    types = pd.api.types
    if types.is_bool_dtype(dtype):
        return "BOOLEAN"
    if types.is_integer_dtype(dtype):
        return {1: "TINYINT", 2: "SMALLINT", 4: "INT"}.get(np.dtype(dtype).itemsize, "BIGINT")
    if types.is_float_dtype(dtype):
        return "FLOAT" if np.dtype(dtype).itemsize == 4 else "DOUBLE"
    return "STRING"


def _schema(frame: pd.DataFrame) -> str:
    return ", ".join(f"`{c}` {_spark_type(frame[c].dtype)}" for c in frame.columns)


def _probe(weights: Weights, model: MatchModel | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The level frame and scored frame of one made-up pair: their columns and types give the Spark
    schemas, so a feature the resolver adds tomorrow flows through without an edit here."""
    row = {"a": 1, "b": 2, "shared_phone": False, "shared_email": False, "shared_address": False}
    for p, name in (("a", "ACME CHEM"), ("b", "ACME CHEMICAL")):
        row.update({f"{p}_name_key": name, f"{p}_core_key": name, f"{p}_country": "CN", f"{p}_tax_id_key": None,
                    f"{p}_address_key": "1 MAIN ST", f"{p}_locality": None, f"{p}_country_source": "column",
                    f"{p}_display_name": name, f"{p}_legal_form": None, f"{p}_has_phone": False,
                    f"{p}_has_email": False})
    frame = pd.DataFrame([row])
    features, matrix = _batch_levels(frame, {}, weights)
    levels = _level_frame(frame, features, matrix)
    scored = _scored_frame(levels, {k: v.dtype for k, v in features.items()}, weights, model)
    return levels, scored


def _scored_frame(levels: pd.DataFrame, feature_types: dict[str, np.dtype], weights: Weights,
                  model: MatchModel | None) -> pd.DataFrame:
    features, matrix = _split_levels(levels, feature_types)
    a, b = levels["a"].to_numpy(dtype=np.int64), levels["b"].to_numpy(dtype=np.int64)
    scored = score_pairs(None, a, b, weights=weights, model=model, levels=(features, matrix))
    scored.insert(0, "b", b)
    scored.insert(0, "a", a)
    return scored


def levels_on_executors(joined: Any, word_uses: dict[str, int], weights: Weights = WEIGHTS) -> Any:
    """Spark DataFrame ``a, b, <features>, level_0 …``: :func:`pair_levels` run inside each partition."""
    probe, _ = _probe(weights, None)

    def per_partition(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:  # runs on the executors
        for frame in frames:
            if len(frame):
                yield _level_frame(frame, *_batch_levels(frame, word_uses, weights))

    return joined.mapInPandas(per_partition, schema=_schema(probe))


def estimate_on_executors(levels: Any) -> MatchModel:
    """EM on the pattern counts: Spark counts the pairs per pattern of levels, the driver fits the model."""
    from pyspark.sql import functions as F

    counted = levels.groupBy(*LEVELS).agg(F.count(F.lit(1)).alias("pairs")).toPandas()
    patterns = counted[list(LEVELS)].to_numpy(dtype=np.int64).reshape(-1, len(LEVELS))
    return estimate(patterns, counts=counted["pairs"].to_numpy(dtype=np.float64))


def score_on_executors(levels: Any, model: MatchModel, weights: Weights = WEIGHTS) -> Any:
    """Spark DataFrame of :func:`score_pairs` output (with ``a, b``) for a levels DataFrame."""
    probe_levels, probe_scored = _probe(weights, model)
    feature_types = {c: probe_levels[c].dtype for c in probe_levels.columns if c not in ("a", "b") and c not in LEVELS}

    def per_partition(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:  # runs on the executors
        for frame in frames:
            if len(frame):
                yield _scored_frame(frame, feature_types, weights, model)

    return levels.mapInPandas(per_partition, schema=_schema(probe_scored))
