"""Pair scoring: name similarity (rapidfuzz, in bulk) combined with address, country and identifier evidence.

A pair's score starts from the best of three name similarities, capped by how alike the
*distinctive* words are (generic, place and legal words left out: "KELORA LOGISTICS" is not "FENORA
LOGISTICS"), and is then moved up by shared identifiers (tax id, phone, e-mail, address) and down by
contradicting ones (two different tax ids, countries or numbers in the names). A distinctive word in
common (spelt or sounding alike) plus a shared identifier is decisive. Every term is kept in the
output so :func:`tracekit.resolve.explain` can show why a pair scored what it did.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from tracekit.resolve.normalize import is_generic_word, word_sound

__all__ = ["Weights", "WEIGHTS", "ProfileArrays", "score_pairs", "pair_scores", "PROFILE_COLUMNS"]

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
    # A distinctive word in both names (not generic, place, trade or stop word; spelt alike or
    # sounding alike) plus a shared phone, e-mail, exact address or tax id, with no contradicting
    # country, tax id or number, scores this: "GOLFRATE" and "GOLFRATE PAINTS" at one address.
    # Shell companies sharing an address have different distinctive words.
    word_and_identifier: float = 1.0
    # Both names carry numbers (digits, roman numerals, ordinals) and they differ: a numbered series
    # of companies ("FIRST OCEAN GMBH", "FOURTH OCEAN GMBH"; "VABO 2005", "VABO 2008"), not one.
    different_numbers: float = -0.30
    # Name similarity is at most the similarity of the distinctive words (generic, place and legal
    # words left out) plus this: one typo in "KELORA" passes, "KELORA" vs "FENORA" does not.
    distinctive_slack: float = 0.06
    distinctive_slack_with_identifier: float = 0.20


WEIGHTS = Weights()


class ProfileArrays:
    """The profile columns scoring reads, converted to numpy once.

    Clustering scores thousands of small batches of pairs on demand; converting the DataFrame's
    (Arrow-backed) columns for every batch would cost far more than the scoring itself.

    Examples
    --------
    >>> p = ProfileArrays(pd.DataFrame({"name_key": ["xyz chem"], "core_key": ["xyz chem"],
    ...                                 "country": ["CN"], "tax_id_key": [None], "address_key": [""]}))
    >>> p.column("compact")[0], p.column("tax_id_key")[0]
    ('xyzchem', '')
    """

    def __init__(self, profiles: pd.DataFrame):
        self.columns = {c: profiles[c].fillna("").to_numpy(dtype=object) for c in PROFILE_COLUMNS}
        compact = [key.replace(" ", "") for key in self.columns["name_key"].tolist()]
        self.columns["compact"] = np.asarray(compact, dtype=object)
        self.words = _distinctive_words(self.columns["core_key"])
        distinctive = [" ".join(w for w in key.split() if not is_generic_word(w)) for key in self.columns["core_key"].tolist()]
        self.columns["distinctive"] = np.asarray(distinctive, dtype=object)
        self.columns["distinctive_compact"] = np.asarray([d.replace(" ", "") for d in distinctive], dtype=object)
        self.numbers = np.asarray([_numbers(key) for key in self.columns["name_key"].tolist()] or [], dtype=object)

    def column(self, name: str) -> np.ndarray:
        return self.columns[name]

    def __len__(self) -> int:
        return len(self.columns["name_key"])


def _distinctive_words(core_keys: np.ndarray) -> np.ndarray:
    """Per profile, its words that name the company (not generic), by spelling and by sound."""
    out = []
    for key in core_keys.tolist():
        words = {w for w in key.split() if len(w) >= 3 and not is_generic_word(w)}
        out.append(frozenset(words | {"~" + word_sound(w) for w in words if len(w) >= 4}))
    return np.asarray(out, dtype=object)


_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
             "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()
_ROMAN = "i ii iii iv v vi vii viii ix x xi xii xiii xiv xv xvi xvii xviii xix xx".split()
_NUMBER_WORDS = {w: str(k) for k, w in enumerate(_ORDINALS, 1)} | {w: str(k) for k, w in enumerate(_ROMAN, 1)}
_DIGITS = re.compile(r"\d+")


def _numbers(key: str) -> frozenset[str]:
    """The numbers a name key carries, as digit strings ("fourth ocean" -> {"4"}; "vabo 2005" -> {"2005"}).

    Examples
    --------
    >>> sorted(_numbers("rim group investments ii")), sorted(_numbers("vabo 2005 1st"))
    (['2'], ['1', '2005'])
    """
    found = set()
    for token in key.split():
        if token in _NUMBER_WORDS:
            found.add(_NUMBER_WORDS[token])
        found.update(d.lstrip("0") or "0" for d in _DIGITS.findall(token))
    return frozenset(found)


def _differ(sets: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether both sides of each pair have a non-empty set and the sets differ."""
    out = np.zeros(len(a), dtype=bool)
    if not len(a):
        return out
    if 2 * len(a) < len(sets):  # a small batch (clustering's on-demand pairs): look only at its profiles
        has_a = np.fromiter((bool(sets[i]) for i in a.tolist()), dtype=bool, count=len(a))
        has_b = np.fromiter((bool(sets[i]) for i in b.tolist()), dtype=bool, count=len(b))
    else:
        has = np.fromiter((bool(x) for x in sets.tolist()), dtype=bool, count=len(sets))
        has_a, has_b = has[a], has[b]
    idx = np.flatnonzero(has_a & has_b)
    out[idx] = [sets[i] != sets[j] for i, j in zip(a[idx].tolist(), b[idx].tolist(), strict=True)]
    return out


def _share_word(words: np.ndarray, a: np.ndarray, b: np.ndarray, where: np.ndarray) -> np.ndarray:
    """Whether the pairs (only those flagged in ``where``) have a distinctive word in common."""
    out = np.zeros(len(a), dtype=bool)
    idx = np.flatnonzero(where)
    out[idx] = [not words[i].isdisjoint(words[j]) for i, j in zip(a[idx].tolist(), b[idx].tolist(), strict=True)]
    return out


# Below this many pairs rapidfuzz's thread pool costs more than it saves.
_PARALLEL_FROM = 20_000


def _sim(a: np.ndarray, b: np.ndarray, scorer) -> np.ndarray:
    if not len(a):
        return np.zeros(0, dtype=np.float32)
    workers = 2 if len(a) >= _PARALLEL_FROM else 1
    return process.cpdist(a.tolist(), b.tolist(), scorer=scorer, workers=workers, dtype=np.float32) / 100.0


def score_pairs(
    profiles: pd.DataFrame | ProfileArrays,
    a: np.ndarray,
    b: np.ndarray,
    shared: pd.DataFrame | None = None,
    weights: Weights = WEIGHTS,
) -> pd.DataFrame:
    """Score profile pairs ``(a[k], b[k])`` (positions into ``profiles``) in bulk.

    Parameters
    ----------
    profiles : DataFrame or ProfileArrays
        One row per profile with columns ``name_key, core_key, country, tax_id_key, address_key``
        (``""`` or null for unknown); pass a :class:`ProfileArrays` when scoring many batches.
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
    [0.75, 0.08]
    """
    return pd.DataFrame(_score(profiles, a, b, shared, weights))


def pair_scores(profiles: ProfileArrays, a: np.ndarray, b: np.ndarray, weights: Weights = WEIGHTS) -> np.ndarray:
    """Only the scores of pairs sharing no identifier (clustering's on-demand path: no DataFrame).

    Examples
    --------
    >>> p = ProfileArrays(pd.DataFrame({"name_key": ["xyz chem", "xyz chem"], "core_key": ["", ""],
    ...                                 "country": ["CN", "CN"], "tax_id_key": ["", ""],
    ...                                 "address_key": ["", ""]}))
    >>> pair_scores(p, np.array([0]), np.array([1])).tolist()
    [1.0]
    """
    return _score(profiles, a, b, None, weights)["score"]


def _name_similarity(col, a: np.ndarray, b: np.ndarray, identifier: np.ndarray,  # noqa: ANN001
                     weights: Weights) -> tuple[np.ndarray, np.ndarray]:
    """Best of three name similarities, capped by the distinctive words' similarity (and that one)."""
    key_a, key_b = col("name_key")[a], col("name_key")[b]
    core_a, core_b = col("core_key")[a], col("core_key")[b]
    name = _sim(key_a, key_b, fuzz.token_sort_ratio)
    compact = _sim(col("compact")[a], col("compact")[b], fuzz.ratio)
    core = _sim(core_a, core_b, fuzz.token_sort_ratio)
    core_ok = (core_a != "") & (core_b != "") & ((core_a != key_a) | (core_b != key_b))
    core = np.where(core_ok, core - weights.place_penalty, 0.0)
    name_sim = np.maximum(np.maximum(name, compact), core)
    # The words that tell companies apart must agree too: "KELORA LOGISTICS LLC" and "FENORA LOGISTICS
    # LLC" share most of their letters, but not the part that names them. Behind a shared address or
    # phone a worse misspelling is still believable ("PALUX TRDG" and "PUUX TRADING" at one flat).
    dist_a, dist_b = col("distinctive")[a], col("distinctive")[b]
    both = (dist_a != "") & (dist_b != "")
    distinctive_sim = np.full(len(a), np.nan, dtype=np.float32)
    if both.any():
        distinctive_sim[both] = np.maximum(
            _sim(dist_a[both], dist_b[both], fuzz.token_sort_ratio),
            _sim(col("distinctive_compact")[a][both], col("distinctive_compact")[b][both], fuzz.ratio))
        slack = np.where(identifier, weights.distinctive_slack_with_identifier, weights.distinctive_slack)
        name_sim = np.where(both, np.minimum(name_sim, distinctive_sim + slack), name_sim)
    return name_sim, distinctive_sim


def _score(profiles, a, b, shared, weights) -> dict[str, np.ndarray]:  # noqa: ANN001 -- see score_pairs
    if not isinstance(profiles, ProfileArrays):
        profiles = ProfileArrays(profiles)
    col = profiles.column
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    n = len(a)
    addr_a, addr_b = col("address_key")[a], col("address_key")[b]
    addr_known = (addr_a != "") & (addr_b != "")
    address_sim = np.full(n, np.nan, dtype=np.float32)
    if addr_known.any():
        address_sim[addr_known] = _sim(addr_a[addr_known], addr_b[addr_known], fuzz.token_set_ratio)

    country = _agreement(col("country")[a], col("country")[b])
    tax_id = _agreement(col("tax_id_key")[a], col("tax_id_key")[b])
    if shared is None:
        phone = email = shared_address = np.zeros(n, bool)
    else:
        phone = shared["shared_phone"].to_numpy(dtype=bool)
        email = shared["shared_email"].to_numpy(dtype=bool)
        shared_address = shared["shared_address"].to_numpy(dtype=bool)
    known_sim = np.nan_to_num(address_sim)
    address = shared_address | (known_sim >= 0.999)

    identifier = phone | email | address | (tax_id == 1)
    name_sim, distinctive_sim = _name_similarity(col, a, b, identifier, weights)
    numbers_ok = ~_differ(profiles.numbers, a, b)
    corroborated = _share_word(profiles.words, a, b, identifier & (country != -1) & (tax_id != -1) & numbers_ok)

    w = weights
    score = (
        name_sim
        + np.select([country == 1, country == -1], [w.same_country, w.different_country], 0.0)
        + np.select([tax_id == 1, tax_id == -1], [w.same_tax_id, w.different_tax_id], 0.0)
        + phone * w.shared_phone
        + email * w.shared_email
        + address * w.shared_address
        + np.where(~address & (known_sim >= 0.9), w.similar_address, 0.0)
        + np.where(addr_known & (np.nan_to_num(address_sim, nan=1.0) < 0.4), w.different_address, 0.0)
    )
    score = score + ~numbers_ok * w.different_numbers
    score = np.where(corroborated, np.maximum(score, w.word_and_identifier), score)
    return {
        "name_sim": name_sim.astype(np.float32),
        "address_sim": address_sim,
        "country": country,
        "tax_id": tax_id,
        "shared_phone": phone,
        "shared_email": email,
        "shared_address": address,
        "distinctive_sim": distinctive_sim,
        "word_and_identifier": corroborated,
        "numbers_differ": ~numbers_ok,
        "score": np.clip(score, 0.0, 1.0).astype(np.float32),
    }


def _agreement(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """1 where both known and equal, -1 where both known and different, 0 otherwise."""
    known = (x != "") & (y != "")
    return np.where(known, np.where(x == y, 1, -1), 0).astype(np.int8)
