"""The Fellegi–Sunter weights: estimated by EM from the data, deterministic, different for different
data, reused by incremental runs, and every one of them shown by explain."""

from __future__ import annotations

import html
import itertools
import random

import numpy as np
import pandas as pd

from tests.resolve.conftest import add_mentions
from tracekit.resolve.model import COMPARISONS, MatchModel, comparison_index, estimate

NAME, COUNTRY, TAX = comparison_index("name"), comparison_index("country"), comparison_index("tax id")


def _simulate(n: int, prior: float, seed: int) -> tuple[np.ndarray, dict]:
    """Levels drawn from known m and u for three comparisons (the others unknown)."""
    rng = np.random.default_rng(seed)
    truth = {NAME: ([.6, .3, .1], [.02, .08, .9], [0, 3, 15]),  # (m, u, the levels they sit on)
             COUNTRY: ([.95, .05], [.5, .5], [0, 1]),
             TAX: ([.9, .1], [.05, .95], [0, 1])}
    match = rng.random(n) < prior
    levels = np.full((n, len(COMPARISONS)), -1, dtype=np.int64)
    for k, (m, u, at) in truth.items():
        draw_m = rng.choice(at, size=n, p=m)
        draw_u = rng.choice(at, size=n, p=u)
        levels[:, k] = np.where(match, draw_m, draw_u)
    return levels, truth


def test_em_recovers_the_parameters_that_made_the_data():
    levels, truth = _simulate(40_000, 0.15, seed=1)
    model = estimate(levels)
    assert abs(model.prior - 0.15) < 0.02
    for k, (m, u, at) in truth.items():
        assert np.allclose(model.m[k][at], m, atol=0.03), (COMPARISONS[k].name, model.m[k][at])
        assert np.allclose(model.u[k][at], u, atol=0.03), (COMPARISONS[k].name, model.u[k][at])


def test_estimate_is_deterministic_whatever_the_order_of_pairs():
    levels, _ = _simulate(5_000, 0.2, seed=2)
    first = estimate(levels)
    again = estimate(levels[np.random.default_rng(9).permutation(len(levels))])
    assert first.prior == again.prior
    assert all(np.array_equal(x, y) for x, y in zip(first.m + first.u, again.m + again.u, strict=True))
    # Different data, different weights.
    other = estimate(_simulate(5_000, 0.2, seed=3)[0])
    assert not np.array_equal(first.weights()[TAX], other.weights()[TAX])


def test_model_round_trips_through_its_table():
    model = estimate(_simulate(3_000, 0.1, seed=4)[0])
    back = MatchModel.from_frame(model.to_frame())
    assert back is not None and back.pairs == model.pairs and abs(back.prior - model.prior) < 1e-12
    assert all(np.allclose(x, y) for x, y in zip(model.m + model.u, back.m + back.u, strict=True))
    assert MatchModel.from_frame(model.to_frame().iloc[:5]) is None  # a table from other comparisons is ignored


def _firms(seed: int, shared_address: bool, n: int = 60) -> list[dict]:
    """Invented firms, three spellings each; the spellings share one address or each has its own."""
    rng = random.Random(seed)
    syllables = ["ka", "lo", "ven", "dra", "mi", "sol", "tor", "bel", "qui", "nor", "zan", "rit"]
    cores = rng.sample(list(itertools.permutations(syllables, 3)), n)
    out = []
    for k in range(n):
        core = "".join(cores[k]).capitalize()
        spellings = [f"{core} Trading Ltd", f"{core.upper()} TRDG LTD", f"{core[:-1]}{core[-1] * 2} Trading Limited"]
        road = rng.choice(["Harbour", "Canal", "Mill"])
        for j, name in enumerate(spellings):
            street = f"{k} {road} Road" if shared_address else f"{100 * k + j} {rng.choice(['Quay', 'Dock'])} Lane"
            out.append({"name": name, "address": f"{street}, Unit {k}"})
    return out


def _model(ws) -> pd.DataFrame:
    return ws.sql("SELECT comparison, level, m, u, weight FROM resolve_model ORDER BY comparison, level")


def test_weights_come_from_the_workspace_data(mem_ws):
    import tracekit

    add_mentions(mem_ws, _firms(1, shared_address=True, n=400))
    report = mem_ws.resolve(progress=False)
    assert report.model_pairs == report.candidate_pairs > 0
    first = _model(mem_ws)
    assert len(first) == 1 + sum(len(c.levels) for c in COMPARISONS)
    mem_ws.resolve(full=True, progress=False)
    pd.testing.assert_frame_equal(first, _model(mem_ws))  # same data, same weights

    other = tracekit.Workspace()
    add_mentions(other, _firms(1, shared_address=False, n=400))
    other.resolve(progress=False)
    second = _model(other)
    other.close()

    def value(frame: pd.DataFrame, comparison: str, level: int, column: str) -> float:
        return float(frame[(frame["comparison"] == comparison) & (frame["level"] == level)][column].iloc[0])

    # Where one firm's spellings share an address, most matching pairs are at one address and that is
    # strong evidence; where every spelling has its own address, EM learns that matches rarely share one.
    assert value(first, "address", 0, "m") > 0.4 > 0.15 > value(second, "address", 0, "m")
    assert value(first, "address", 0, "weight") > value(second, "address", 0, "weight") + 1.0


def test_incremental_run_reuses_the_stored_weights(mem_ws):
    add_mentions(mem_ws, _firms(2, shared_address=True))
    mem_ws.resolve(progress=False)
    before = _model(mem_ws)
    add_mentions(mem_ws, [{"name": "Quillmoor Trading Ltd", "address": "9 Mill Road"}])
    report = mem_ws.resolve(progress=False)
    assert not report.full and report.model_pairs == 0
    pd.testing.assert_frame_equal(before, _model(mem_ws))


def test_explain_shows_every_comparison_with_its_weights(mem_ws):
    ids = add_mentions(mem_ws, _firms(3, shared_address=True) + [
        {"name": "Timber <Quartz> Chemical Inc.", "address": "120 Ferry Street, Newark", "locality": "NEWARK",
         "country": "US", "country_source": "address"},
        {"name": "Ember Quartz Chemical S.A. de C.V.", "locality": "MONTERREY", "country": "MX"}])
    mem_ws.resolve(progress=False)
    explanation = mem_ws.explain(ids[-2], ids[-1])
    assert [c["comparison"] for c in explanation.comparisons] == [c.name for c in COMPARISONS]
    known = [c for c in explanation.comparisons if c["m"] is not None]
    assert {"name", "legal form", "country", "locality"} <= {c["comparison"] for c in known}
    assert abs(explanation.prior_weight + sum(c["weight"] for c in known) - explanation.log_odds) < 0.01
    assert explanation.model_pairs > 0
    text = str(explanation)
    for expected in ("legal form vs country", "jurisdictions contradict", "NEWARK", "MONTERREY", "US (address)",
                     "MX (column)", "HN, MX, SV", "differ (one from an address)", "weight (bits)", "total"):
        assert expected in text, expected
    page = explanation._repr_html_()
    assert html.escape("Timber <Quartz>") in page and "<Quartz>" not in page
    as_json = explanation.to_json()
    assert as_json["left"]["locality"] == "NEWARK" and as_json["right"]["legal_form_jurisdictions"] == ["HN", "MX", "SV"]
    assert len(as_json["comparisons"]) == len(COMPARISONS)


def test_signs_hold_where_em_would_otherwise_flip_them(tmp_path):
    """On a 1,000-row world unconstrained EM gave "no distinctive word in common" +0.9 bits (its "match"
    class had caught firms of one place); agreement levels must never count against, disagreement never for."""
    import tracekit
    from tracekit.demo.generate import generate
    from tracekit.resolve.model import stored_model

    generate(tmp_path, rows=1_000, seed=3, progress=False)
    ws = tracekit.Workspace()
    ws.load(str(tmp_path / "shipments-*.csv"), progress=False)
    ws.resolve(progress=False)
    model = stored_model(ws.store)
    ws.close()
    assert model is not None and model.pairs > 1000
    for comparison, weights in zip(COMPARISONS, model.weights(), strict=True):
        for level, weight in enumerate(weights):
            sign = comparison.sign(level)
            assert sign * weight >= -1e-9, (comparison.name, comparison.levels[level], weight)
