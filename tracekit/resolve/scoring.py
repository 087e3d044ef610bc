"""Pair scoring: name similarity (rapidfuzz, in bulk) combined with address, country and identifier evidence.

A pair's score starts from the best of three name similarities and is then moved up by shared
identifiers (tax id, phone, e-mail, address) and down by contradicting ones (two different tax ids,
two different countries). Every term is kept in the output so :func:`tracekit.resolve.explain`
can show why a pair scored what it did.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

__all__ = ["Weights", "WEIGHTS", "score_pairs", "PROFILE_COLUMNS"]

PROFILE_COLUMNS = ("name_key", "core_key", "country", "tax_id_key", "address_key")


@dataclass(frozen=True)
class Weights:
    """How much each piece of evidence moves a pair's score (name similarity is on a 0–1 scale)."""

    threshold: float = 0.86  # a pair at or above this is the same company
    link_margin: float = 0.05  # clusters merge when their average pair score >= threshold - margin
    same_tax_id: float = 0.30
    different_tax_id: float = -0.60
    same_country: float = 0.02
    different_country: float = -0.25
    shared_phone: float = 0.12
    shared_email: float = 0.15
    shared_address: float = 0.10
    similar_address: float = 0.05  # addresses >= 90 similar without an identical key
    different_address: float = -0.04  # both known and < 40 similar
    place_penalty: float = 0.03  # a match that needed place names dropped is slightly weaker


WEIGHTS = Weights()


def _col(profiles: pd.DataFrame, name: str, idx: np.ndarray) -> list[str]:
    return profiles[name].to_numpy(dtype=object)[idx].tolist()


def _sim(a: list[str], b: list[str], scorer) -> np.ndarray:
    if not a:
        return np.zeros(0, dtype=np.float32)
    return process.cpdist(a, b, scorer=scorer, workers=-1, dtype=np.float32) / 100.0


def score_pairs(
    profiles: pd.DataFrame,
    a: np.ndarray,
    b: np.ndarray,
    shared: pd.DataFrame | None = None,
    weights: Weights = WEIGHTS,
) -> pd.DataFrame:
    """Score profile pairs ``(a[k], b[k])`` (positions into ``profiles``) in bulk.

    Parameters
    ----------
    profiles : DataFrame
        One row per profile with columns ``name_key, core_key, country, tax_id_key, address_key``
        (``""`` for unknown).
    a, b : int arrays
        Positions of the two sides of each pair.
    shared : DataFrame, optional
        Columns ``shared_phone, shared_email, shared_address`` (bool, aligned with the pairs), from
        blocking; absent means no identifier is shared.

    Returns
    -------
    DataFrame with ``name_sim, address_sim, country, tax_id, shared_phone, shared_email,
    shared_address, score`` (country/tax_id: 1 agree, -1 differ, 0 unknown).

    Examples
    --------
    >>> p = pd.DataFrame({"name_key": ["xyz chem", "xyz chem", "abc logistics"],
    ...                   "core_key": ["xyz chem", "xyz chem", "abc logistics"],
    ...                   "country": ["CN", "MX", "CN"], "tax_id_key": ["", "", ""],
    ...                   "address_key": ["", "", ""]})
    >>> s = score_pairs(p, np.array([0, 0]), np.array([1, 2]))
    >>> [round(float(x), 2) for x in s["score"]]  # same name, other country; other industry
    [0.75, 0.21]
    """
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    n = len(a)
    key_a, key_b = _col(profiles, "name_key", a), _col(profiles, "name_key", b)
    core_a, core_b = _col(profiles, "core_key", a), _col(profiles, "core_key", b)
    name = _sim(key_a, key_b, fuzz.token_sort_ratio)
    compact = _sim([k.replace(" ", "") for k in key_a], [k.replace(" ", "") for k in key_b], fuzz.ratio)
    core = _sim(core_a, core_b, fuzz.token_sort_ratio)
    core_ok = np.array([bool(x) and bool(y) and (x != ka or y != kb)
                        for x, y, ka, kb in zip(core_a, core_b, key_a, key_b, strict=True)], dtype=bool)
    core = np.where(core_ok, core - weights.place_penalty, 0.0)
    name_sim = np.maximum(np.maximum(name, compact), core)

    addr_a, addr_b = _col(profiles, "address_key", a), _col(profiles, "address_key", b)
    address_sim = _sim(addr_a, addr_b, fuzz.token_set_ratio)
    addr_known = np.array([bool(x) and bool(y) for x, y in zip(addr_a, addr_b, strict=True)], dtype=bool)
    address_sim = np.where(addr_known, address_sim, np.nan)

    country = _agreement(_col(profiles, "country", a), _col(profiles, "country", b))
    tax_id = _agreement(_col(profiles, "tax_id_key", a), _col(profiles, "tax_id_key", b))
    if shared is None:
        shared = pd.DataFrame({"shared_phone": np.zeros(n, bool), "shared_email": np.zeros(n, bool),
                               "shared_address": np.zeros(n, bool)})
    phone = shared["shared_phone"].to_numpy(dtype=bool)
    email = shared["shared_email"].to_numpy(dtype=bool)
    address = shared["shared_address"].to_numpy(dtype=bool) | (np.nan_to_num(address_sim) >= 0.999)

    w = weights
    score = (
        name_sim
        + np.select([country == 1, country == -1], [w.same_country, w.different_country], 0.0)
        + np.select([tax_id == 1, tax_id == -1], [w.same_tax_id, w.different_tax_id], 0.0)
        + phone * w.shared_phone
        + email * w.shared_email
        + address * w.shared_address
        + np.where(~address & (np.nan_to_num(address_sim) >= 0.9), w.similar_address, 0.0)
        + np.where(addr_known & (np.nan_to_num(address_sim, nan=1.0) < 0.4), w.different_address, 0.0)
    )
    return pd.DataFrame({
        "name_sim": name_sim.astype(np.float32),
        "address_sim": address_sim.astype(np.float32),
        "country": country,
        "tax_id": tax_id,
        "shared_phone": phone,
        "shared_email": email,
        "shared_address": address,
        "score": np.clip(score, 0.0, 1.0).astype(np.float32),
    })


def _agreement(left: list[str], right: list[str]) -> np.ndarray:
    """1 where both known and equal, -1 where both known and different, 0 otherwise."""
    x = np.asarray(left, dtype=object)
    y = np.asarray(right, dtype=object)
    known = (x != "") & (y != "")
    return np.where(known, np.where(x == y, 1, -1), 0).astype(np.int8)
