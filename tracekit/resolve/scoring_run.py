"""Scoring every candidate pair of a resolve run in bounded memory.

Three million mentions give about ten million candidate pairs. Scored in one piece, the features,
the level matrix, the scored frame and its stored (≥ ``EDGE_FLOOR``) copy were all alive at once —
about 10 GB at 3M mentions. Here the pairs go through in chunks of ``CHUNK_PAIRS``, twice:

1. each chunk's comparison levels (int8) and the few features the hard rules and the stored edges
   read (float32, int8, bool), and the counts of each *pattern* of levels, which is all EM needs;
2. once the model is known (estimated from those counts, or given), each chunk's score and rule;
   only the chunk's stored edges keep their features.

Pass 1 is most of the work (rapidfuzz, word-by-word comparison in Python): inside a resolve run its chunks
go to forked worker processes, one per core (:func:`tracekit.resolve.workers.map_forked`): the profile
arrays and the pairs' positions reach them by the fork, only a chunk's bounds go out and only its levels,
kept features and pattern counts (~30 MB per million pairs) come back, in chunk order. Pass 2 is a few
vectorised steps and stays here.

What clustering needs of every pair — the two profile ids and the score — is kept for all of them;
nothing else is. A pair's levels, features and score depend on that pair alone (:func:`pair_levels`
compares each pair on its own), so chunking changes no score: ``tests/resolve/test_scoring_run.py``
checks it against :func:`score_pairs` over all pairs at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracekit.resolve.model import COMPARISONS, MatchModel, estimate
from tracekit.resolve.scoring import WEIGHTS, ProfileArrays, Weights, _hard_rules, pair_levels
from tracekit.resolve.tables import EDGE_FLOOR
from tracekit.resolve.workers import map_forked

__all__ = ["CHUNK_PAIRS", "ScoredPairs", "score_candidates", "STORED_COLUMNS"]

CHUNK_PAIRS = 500_000  # ~75 MB of transient arrays per chunk (per worker); the chunk count is pairs / this

# What ``resolve_edges`` keeps of a pair (besides its ids): explain and recluster read them back.
STORED_COLUMNS = ("score", "name_sim", "address_sim", "country", "tax_id", "shared_phone", "shared_email",
                  "shared_address", "log_odds", "rule")
# Features kept for every pair between the two passes: the stored ones and what the hard rules read.
_KEPT = {"name_sim": np.float32, "address_sim": np.float32, "country": np.int8, "tax_id": np.int8,
         "shared_phone": bool, "shared_email": bool, "shared_address": bool, "identifier": bool,
         "numbers_differ": bool, "words_disjoint": bool, "word_and_identifier": bool}
_SHARED = ("shared_phone", "shared_email", "shared_address")
_BITS = 6  # bits per comparison in a pattern code (levels + 1 < 64), as model.estimate codes them


@dataclass
class ScoredPairs:
    """Every candidate pair's ids and score (what clustering weighs), the stored edges, and the model."""

    a: np.ndarray  # profile ids
    b: np.ndarray
    score: np.ndarray  # float32, the linkage score after the hard rules
    stored: pd.DataFrame  # pairs scoring ≥ EDGE_FLOOR: ``a, b`` and STORED_COLUMNS
    model: MatchModel
    estimated: bool  # the model was estimated on these pairs (not given)

    def edges(self) -> pd.DataFrame:
        """``a, b, score`` of every pair, as clustering takes them."""
        return pd.DataFrame({"a": self.a, "b": self.b, "score": self.score})


def score_candidates(pairs: pd.DataFrame, profiles: pd.DataFrame, arrays: ProfileArrays,
                     weights: Weights = WEIGHTS, model: MatchModel | None = None,
                     chunk: int | None = None) -> ScoredPairs:
    """Score candidate ``pairs`` (profile ids ``a, b`` and the ``shared_*`` flags blocking found).

    ``profiles`` gives the positions (its ``profile_id`` column, in the order ``arrays`` were built);
    ``model`` imposes the weights, else they are estimated by EM on every pair's levels.
    """
    n = len(pairs)
    chunk = chunk or CHUNK_PAIRS
    ids_a = pairs["a"].to_numpy(dtype=np.int64)
    ids_b = pairs["b"].to_numpy(dtype=np.int64)
    index = pd.Index(profiles["profile_id"])
    pos_a, pos_b = index.get_indexer(ids_a), index.get_indexer(ids_b)
    shared = {c: pairs[c].fillna(False).to_numpy(dtype=bool) if c in pairs else np.zeros(n, dtype=bool)
              for c in _SHARED}
    levels = np.empty((n, len(COMPARISONS)), dtype=np.int8)
    kept = {name: np.empty(n, dtype=dtype) for name, dtype in _KEPT.items()}
    pattern_counts: list[tuple[np.ndarray, np.ndarray]] = []
    bounds = [(start, min(start + chunk, n)) for start in range(0, n, chunk)]

    def receive(k: int, result: tuple[np.ndarray, dict[str, np.ndarray], tuple | None]) -> None:
        matrix, features, counts = result
        part = slice(*bounds[k])
        levels[part] = matrix
        for name in _KEPT:
            kept[name][part] = features[name]
        if counts is not None:
            pattern_counts.append(counts)

    map_forked(_chunk_levels, bounds, _Pass1(arrays, pos_a, pos_b, shared, weights, model is None), receive)
    estimated = model is None
    if estimated:
        model = _estimate_from_counts(pattern_counts)
    score = np.empty(n, dtype=np.float32)
    stored: list[pd.DataFrame] = []
    for start in range(0, n, chunk):
        part = slice(start, min(start + chunk, n))
        features = {name: values[part] for name, values in kept.items()}
        log_odds = model.log_odds(levels[part])
        score[part], rule = _hard_rules(features, levels[part], log_odds, weights)
        keep = np.flatnonzero(score[part] >= EDGE_FLOOR)
        columns = {"a": ids_a[part][keep], "b": ids_b[part][keep], "score": score[part][keep]}
        columns.update({c: features[c][keep] for c in STORED_COLUMNS if c in features})
        columns.update(log_odds=log_odds[keep].astype(np.float32), rule=rule[keep])
        stored.append(pd.DataFrame(columns)[["a", "b", *STORED_COLUMNS]])
    edges = pd.concat(stored, ignore_index=True) if stored else _empty_stored()
    return ScoredPairs(ids_a, ids_b, score, edges, model, estimated)


@dataclass
class _Pass1:
    """What every chunk of pass 1 reads (in a worker: by the fork, not pickled)."""

    arrays: ProfileArrays
    pos_a: np.ndarray
    pos_b: np.ndarray
    shared: dict[str, np.ndarray]
    weights: Weights
    count_patterns: bool


def _chunk_levels(run: _Pass1, bounds: tuple[int, int]) -> tuple[np.ndarray, dict[str, np.ndarray], tuple | None]:
    """One chunk's levels, the features kept between the passes, and (for EM) its pattern counts."""
    part = slice(*bounds)
    flags = pd.DataFrame({c: run.shared[c][part] for c in _SHARED})
    features, matrix = pair_levels(run.arrays, run.pos_a[part], run.pos_b[part], flags, run.weights)
    kept = {name: np.ascontiguousarray(features[name], dtype=dtype) for name, dtype in _KEPT.items()}
    counts = np.unique(_pattern_codes(matrix), return_counts=True) if run.count_patterns else None
    return matrix, kept, counts


def _pattern_codes(levels: np.ndarray) -> np.ndarray:
    """One integer per row of levels (null = 0), as :func:`tracekit.resolve.model.estimate` groups them."""
    code = np.zeros(len(levels), dtype=np.int64)
    for k in range(levels.shape[1]):
        code = (code << _BITS) | (levels[:, k].astype(np.int64) + 1)
    return code


def _estimate_from_counts(pattern_counts: list[tuple[np.ndarray, np.ndarray]]) -> MatchModel:
    """EM on the distinct patterns with how many pairs show each: the model all the pairs would give."""
    if not pattern_counts:
        return estimate(np.zeros((0, len(COMPARISONS)), dtype=np.int64))
    codes = np.concatenate([c for c, _ in pattern_counts])
    counts = np.concatenate([k for _, k in pattern_counts])
    distinct, inverse = np.unique(codes, return_inverse=True)
    totals = np.bincount(inverse.ravel(), weights=counts.astype(np.float64), minlength=len(distinct))
    k = len(COMPARISONS)
    patterns = np.stack([((distinct >> (_BITS * (k - 1 - c))) & ((1 << _BITS) - 1)) - 1 for c in range(k)], axis=1)
    return estimate(patterns, counts=totals)


def _empty_stored() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object if c == "rule" else np.float32) for c in ["a", "b", *STORED_COLUMNS]})
