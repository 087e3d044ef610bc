"""The scalable clusterer takes exactly the decisions of the previous one (kept as the reference).

Random pair sets are built to hit every branch: strong pairs that chain, weak pairs that keep clusters
apart, duplicate pairs, pairs blocking never scored (scored on demand), components above the batch size,
analyst splits, merges and never-merges.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.resolve import reference_cluster
from tracekit.resolve import cluster as current
from tracekit.resolve.cluster import Constraints

THRESHOLD, MARGIN = 0.86, 0.05


def _scorer(n: int, seed: int):
    """A deterministic score per unordered pair, independent of the batch it is asked in (float32)."""
    table = np.random.default_rng(seed).random((n, n)).astype(np.float32)
    table = np.maximum(table, table.T) * np.float32(1.02)

    def score(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return table[np.minimum(i, j), np.maximum(i, j)]

    return score


def _same_partition(x: np.ndarray, y: np.ndarray) -> bool:
    return bool(np.array_equal(pd.factorize(x)[0], pd.factorize(y)[0]))


@st.composite
def pair_sets(draw):
    n = draw(st.integers(2, 60))
    m = draw(st.integers(0, 4 * n))
    a = np.array(draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)), dtype=np.int64)
    b = np.array(draw(st.lists(st.integers(0, n - 1), min_size=m, max_size=m)), dtype=np.int64)
    keep = a != b
    a, b = a[keep], b[keep]
    # Scores clustered near the threshold and the link bar, where a decision can go either way.
    levels = st.sampled_from([0.0, 0.3, 0.8, 0.81, 0.84, 0.86, 0.87, 0.9, 0.95, 1.0])
    score = np.array(draw(st.lists(levels | st.floats(0, 1, width=32), min_size=len(a), max_size=len(a))),
                     dtype=np.float32)
    seed = draw(st.integers(0, 2**16))
    on_demand = draw(st.booleans())
    positions = st.integers(0, n - 1)
    constraints = Constraints(
        must_link=[(i, j, f"m{k}") for k, (i, j) in enumerate(draw(st.lists(st.tuples(positions, positions),
                                                                             max_size=3)))],
        cannot_link=[(i, j, f"c{k}") for k, (i, j) in enumerate(draw(st.lists(st.tuples(positions, positions),
                                                                               max_size=3))) if i != j],
        isolated=set(draw(st.lists(positions, max_size=2))))
    return n, a, b, score, seed, on_demand, constraints


def _both(n, a, b, score, scorer, constraints, batch=None, monkeypatch=None, shares=None):
    if batch is not None:
        monkeypatch.setattr(current, "BATCH_COMPONENT", batch)
    kwargs = {"threshold": THRESHOLD, "margin": MARGIN, "pair_scorer": scorer}
    new, new_conflicts = current.cluster(n, a, b, score, constraints=constraints, shares=shares, **kwargs)
    old, old_conflicts = reference_cluster.cluster(n, a, b, score, constraints=constraints, **kwargs)
    return new, old, new_conflicts, old_conflicts


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=pair_sets(), batch=st.sampled_from([2, 4, 256]), shares=st.sampled_from([1, 2, 5]))
def test_same_clusters_and_conflicts_as_the_reference(case, batch, shares, monkeypatch):
    # ``shares``: the components linked in that many independent parts (one per worker process in a run).
    n, a, b, score, seed, on_demand, constraints = case
    scorer = _scorer(n, seed) if on_demand else None
    new, old, new_conflicts, old_conflicts = _both(n, a, b, score, scorer, constraints, batch, monkeypatch, shares)
    assert np.array_equal(new, old)  # same labels, not only the same partition
    assert new_conflicts == old_conflicts


def _variant_groups(rng: np.random.Generator, n: int, groups: int, pairs: int) -> tuple:
    """Random pairs among ``n`` profiles in ``groups`` groups of spelling variants: pairs within a group
    score 0.7-1.0, noisy look-alikes across groups 0.0-0.9 (so they chain)."""
    group = rng.integers(0, groups, n)
    a, b = rng.integers(0, n, pairs), rng.integers(0, n, pairs)
    keep = a != b
    a, b = a[keep], b[keep]
    same = group[a] == group[b]
    score = np.where(same, rng.uniform(0.7, 1.0, len(a)), rng.uniform(0.0, 0.9, len(a))).astype(np.float32)
    return a, b, score


def test_chains_of_look_alikes_and_duplicates_match_the_reference():
    """A larger world: 400 profiles in groups of spelling variants, chained by noisy look-alikes."""
    n = 400
    a, b, score = _variant_groups(np.random.default_rng(4), n, groups=60, pairs=6000)
    a, b, score = np.r_[a, a[:300]], np.r_[b, b[:300]], np.r_[score, score[:300]]  # duplicate pairs
    scorer = _scorer(n, 9)
    constraints = Constraints(cannot_link=[(int(a[0]), int(b[0]), "c")], isolated={int(a[5])},
                              must_link=[(1, 2, "m1"), (3, 4, "m2")])
    new, old, new_conflicts, old_conflicts = _both(n, a, b, score, scorer, constraints)
    assert np.array_equal(new, old) and new_conflicts == old_conflicts
    assert 1 < len(set(new.tolist())) < n  # the case is not trivial: some merged, not everything
    for shares in (2, 3, 8):
        split, _, split_conflicts, _ = _both(n, a, b, score, scorer, constraints, shares=shares)
        assert np.array_equal(split, old) and split_conflicts == old_conflicts, f"{shares} shares"


def test_shares_linked_by_worker_processes_give_the_same_clusters(monkeypatch):
    """Inside a resolve run the shares go to forked workers, whose pair_scorer is the parent's (by the fork)."""
    from tracekit.resolve import workers

    n = 600
    a, b, score = _variant_groups(np.random.default_rng(8), n, groups=90, pairs=8000)
    scorer = _scorer(n, 2)
    constraints = Constraints(cannot_link=[(int(a[0]), int(b[0]), "c")], must_link=[(1, 2, "m1")])
    monkeypatch.setenv("TRACEKIT_WORKERS", "2")
    forked = []
    real = workers._forked_pool
    monkeypatch.setattr(workers, "_forked_pool", lambda *args: forked.append(1) or real(*args))
    with workers.pooled():
        new, new_conflicts = current.cluster(n, a, b, score.astype(np.float32), threshold=THRESHOLD, margin=MARGIN,
                                             pair_scorer=scorer, constraints=constraints)
    old, old_conflicts = reference_cluster.cluster(n, a, b, score.astype(np.float32), threshold=THRESHOLD,
                                                   margin=MARGIN, pair_scorer=scorer, constraints=constraints)
    if workers._can_fork():
        assert forked, "the shares never left this process"
    assert np.array_equal(new, old) and new_conflicts == old_conflicts
    assert 1 < len(set(new.tolist())) < n


def test_pair_scorer_is_called_in_batches_not_per_merge():
    """Small components score their unscored pairs up front: a handful of calls, not one per merge."""
    n = 3000
    a = np.arange(0, n - 1)
    b = a + 1
    cut = np.arange(n - 1) % 5 == 4  # chains of five profiles
    score = np.where(cut, 0.1, 0.95).astype(np.float32)
    calls = []
    base = _scorer(n, 1)

    def counting(i, j):
        calls.append(len(i))
        return base(i, j)

    labels, _ = current.cluster(n, a, b, score, threshold=THRESHOLD, margin=MARGIN, pair_scorer=counting)
    old, _ = reference_cluster.cluster(n, a, b, score, threshold=THRESHOLD, margin=MARGIN, pair_scorer=base)
    assert np.array_equal(labels, old)
    assert len(calls) <= 2 and sum(calls) > 0


def test_pair_scores_do_not_depend_on_the_batch():
    """Batching unscored pairs relies on it: a pair scores the same alone, in a small or a full batch."""
    from tracekit.resolve.normalize import normalize_name
    from tracekit.resolve.scoring import ProfileArrays, pair_scores

    names = ["Vabo 2005 Trading Ltd", "VABO 2006 TRADING LTD", "Fourth Ocean Chemical", "4th Ocean Chemical Co",
             "Kelora Logistics LLC", "Fenora Logistics LLC", "Rim Group Investments II", "Rim Group Investments"]
    keys = [normalize_name(n) for n in names]
    profiles = ProfileArrays(pd.DataFrame({
        "name_key": [k.key for k in keys], "core_key": [k.core for k in keys],
        "country": ["CN", "CN", "", "", "US", "US", "", ""], "tax_id_key": [""] * 8, "address_key": [""] * 8}))
    a, b = np.triu_indices(len(names), 1)
    full = pair_scores(profiles, a, b)
    alone = np.concatenate([pair_scores(profiles, a[k:k + 1], b[k:k + 1]) for k in range(len(a))])
    assert np.array_equal(full, alone) and full.dtype == alone.dtype
