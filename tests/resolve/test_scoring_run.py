"""Chunked scoring of a resolve run (``scoring_run.score_candidates``) gives what scoring every pair at
once gives: the same EM model, the same score and rule per pair, the same stored edges.

The pairs come from a resolved demo world (real names, addresses, look-alikes), plus pairs across
entities so the low scores and the hard rules' caps are exercised too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import tracekit
from tracekit.resolve.model import estimate, prior_model
from tracekit.resolve.pipeline import profiles_sql
from tracekit.resolve.scoring import ProfileArrays, pair_levels, score_pairs
from tracekit.resolve.scoring_run import STORED_COLUMNS, score_candidates
from tracekit.resolve.tables import EDGE_FLOOR


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    from tracekit.demo.generate import generate

    folder = tmp_path_factory.mktemp("scoring-run")
    generate(folder, rows=1_000, seed=3, progress=False)
    ws = tracekit.Workspace()
    ws.load(str(folder / "shipments-*.csv"), progress=False)
    ws.resolve(progress=False)
    profiles = ws.store.df(profiles_sql("(SELECT * EXCLUDE (entity_id, anchor_key) FROM resolve_profiles)",
                                        "resolve_profile_keys"))
    stored = ws.store.df("SELECT a, b, shared_phone, shared_email, shared_address FROM resolve_edges")
    ws.close()
    rng = np.random.default_rng(0)
    ids = profiles["profile_id"].to_numpy()
    x, y = rng.choice(ids, 3000), rng.choice(ids, 3000)
    other = pd.DataFrame({"a": np.minimum(x, y), "b": np.maximum(x, y)})
    other = other[other["a"] != other["b"]]
    other = other.assign(shared_phone=False, shared_email=False, shared_address=rng.random(len(other)) < 0.05)
    pairs = (pd.concat([stored, other]).drop_duplicates(["a", "b"]).sort_values(["a", "b"])
             .reset_index(drop=True))
    return profiles, pairs


def _all_at_once(profiles, pairs, model=None):
    arrays = ProfileArrays(profiles)
    index = pd.Index(profiles["profile_id"])
    a, b = index.get_indexer(pairs["a"]), index.get_indexer(pairs["b"])
    levels = pair_levels(arrays, a, b, pairs)
    model = model or estimate(levels[1].astype(np.int64))
    return score_pairs(arrays, a, b, pairs, model=model, levels=levels), model


@pytest.mark.parametrize("chunk", [97, 1_000_000])
def test_chunked_scoring_equals_scoring_all_pairs_at_once(world, chunk):
    profiles, pairs = world
    expected, model = _all_at_once(profiles, pairs)
    got = score_candidates(pairs, profiles, ProfileArrays(profiles), chunk=chunk)
    assert len(pairs) > 3 * chunk or chunk > len(pairs)
    assert got.estimated and got.model.pairs == len(pairs) == model.pairs
    for mine, theirs in zip(got.model.m + got.model.u, model.m + model.u, strict=True):
        np.testing.assert_array_equal(mine, theirs)
    assert got.model.prior == model.prior
    np.testing.assert_array_equal(got.score, expected["score"].to_numpy())
    np.testing.assert_array_equal(got.a, pairs["a"].to_numpy())
    kept = expected["score"].to_numpy() >= EDGE_FLOOR
    assert 0 < kept.sum() < len(expected)  # some pairs stored, some not
    want = expected[kept].assign(a=pairs["a"].to_numpy()[kept], b=pairs["b"].to_numpy()[kept]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got.stored, want[["a", "b", *STORED_COLUMNS]], check_dtype=False)
    assert set(got.stored["rule"]) >= {""} and (got.stored["rule"] != "").any()


def test_an_imposed_model_is_used_not_estimated(world):
    profiles, pairs = world
    expected, _ = _all_at_once(profiles, pairs, model=prior_model())
    got = score_candidates(pairs, profiles, ProfileArrays(profiles), model=prior_model(), chunk=500)
    assert not got.estimated
    np.testing.assert_array_equal(got.score, expected["score"].to_numpy())


def test_no_pairs():
    profiles = pd.DataFrame({"profile_id": [1], "name_key": ["xyz chem"], "core_key": ["xyz chem"], "country": ["CN"],
                             "tax_id_key": [""], "address_key": [""]})
    pairs = pd.DataFrame({"a": pd.Series(dtype="int64"), "b": pd.Series(dtype="int64"),
                          "shared_phone": pd.Series(dtype=bool), "shared_email": pd.Series(dtype=bool),
                          "shared_address": pd.Series(dtype=bool)})
    got = score_candidates(pairs, profiles, ProfileArrays(profiles))
    assert len(got.score) == 0 and got.stored.empty and list(got.stored.columns) == ["a", "b", *STORED_COLUMNS]


def test_chunks_scored_by_worker_processes_equal_scoring_all_pairs_at_once(world, monkeypatch):
    """Inside a resolve run the chunks of pass 1 go to forked workers: same model, scores and stored edges."""
    from tracekit.resolve import workers

    profiles, pairs = world
    expected, model = _all_at_once(profiles, pairs)
    monkeypatch.setenv("TRACEKIT_WORKERS", "2")
    forked = []
    real = workers._forked_pool
    monkeypatch.setattr(workers, "_forked_pool", lambda *args: forked.append(1) or real(*args))
    with workers.pooled():
        got = score_candidates(pairs, profiles, ProfileArrays(profiles), chunk=211)
    if workers._can_fork():
        assert forked, "the chunks never left this process"
    assert got.model.pairs == model.pairs and got.model.prior == model.prior
    for mine, theirs in zip(got.model.m + got.model.u, model.m + model.u, strict=True):
        np.testing.assert_array_equal(mine, theirs)
    np.testing.assert_array_equal(got.score, expected["score"].to_numpy())
    kept = expected["score"].to_numpy() >= EDGE_FLOOR
    want = expected[kept].assign(a=pairs["a"].to_numpy()[kept], b=pairs["b"].to_numpy()[kept]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got.stored, want[["a", "b", *STORED_COLUMNS]], check_dtype=False)
