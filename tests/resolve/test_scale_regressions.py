"""Defects found by the resolution-at-scale benchmark (issue 8), kept as small cases.

At 1M mentions recall fell to 0.957: a firm's largest profile (its name in its country) also held a
same-named look-alike's mentions from another city, so it shared that firm's address too. Every pair
lifted by "distinctive word + shared identifier" scored exactly 1.0, clustering met those ties in
profile-id order, and the look-alike's variant (``CERERO ELECTRÓNICA``, sorting first) joined the big
profile before the firm's own variants, which then could no longer join it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tests.resolve.conftest import add_mentions, entity_of
from tracekit.resolve.scoring import WEIGHTS, score_pairs

HOME = "Cra. 16 No. 642-3111, El Bosque, Bogotá, Cundinamarca"
OTHER = "Cra. 11 No. 469-411, El Poblado, Barranquilla, Atlántico"


def test_pairs_lifted_by_a_shared_identifier_keep_the_order_of_their_evidence():
    profiles = pd.DataFrame({
        "name_key": ["electronica cerero", "electronica cerero", "cerero electronica", "electronica ceeero"],
        "core_key": ["electronica cerero", "electronica cerero", "cerero electronica", "electronica ceeero"],
        "country": ["CO", "CO", "", "CO"], "tax_id_key": ["", "", "", ""],
        "address_key": ["a", "a", "b", "a"], "display_name": ["Electrónica Cerero S.A.S."] * 2
        + ["Cerero Electrónica S.A.", "Electrónica Ceeero S.A.S."]})
    a, b = np.array([0, 0, 0]), np.array([1, 2, 3])
    shared = pd.DataFrame({"shared_phone": [False] * 3, "shared_email": [False] * 3, "shared_address": [True] * 3})
    scored = score_pairs(profiles, a, b, shared)
    lifted = scored[scored["rule"] == "distinctive word + shared identifier"]
    assert len(lifted) >= 2
    assert (lifted["score"] >= WEIGHTS.word_and_identifier - 0.002).all()
    order = np.argsort(lifted["log_odds"].to_numpy(), kind="stable")
    assert np.all(np.diff(lifted["score"].to_numpy()[order]) >= 0)  # more evidence, never a lower score
    assert lifted["score"].nunique() > 1 or lifted["log_odds"].nunique() == 1


def test_a_look_alike_sharing_the_big_profile_does_not_split_the_firm(mem_ws):
    firm = (
        [{"name": "Electrónica Cerero S.A.S.", "country": "CO", "address": HOME}] * 30
        + [{"name": "Electrónica Ceeero S.A.S.", "country": "CO", "address": HOME}] * 8
        + [{"name": "ELECTRÓNICA CEERRO S A S", "address": HOME}] * 6
        + [{"name": "ELECTRONICA CERREO S.A.S.", "country": "CO", "address": HOME}] * 8
        + [{"name": "Electrónica Cerero S.A.S.", "address": HOME}] * 6
    )
    look_alike = (
        [{"name": "Electrónica Cerero SA", "country": "CO", "address": OTHER}] * 2
        + [{"name": "CERERO ELECTRÓNICA S. A.", "address": OTHER}] * 3
    )
    firm_ids = add_mentions(mem_ws, firm)
    add_mentions(mem_ws, look_alike)
    mem_ws.resolve(progress=False)
    assert len({entity_of(mem_ws, m) for m in firm_ids}) == 1
