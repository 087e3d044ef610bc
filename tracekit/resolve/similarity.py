"""Name similarity in bulk (rapidfuzz) and the set tests scoring needs: numbers in names, shared words.

The name similarity is the best of three (token-sorted key, key without spaces, key without place
names), capped by how alike the *distinctive* words are (generic, place and legal words left out):
"KELORA LOGISTICS" is not "FENORA LOGISTICS".
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from tracekit.resolve.workers import in_worker

__all__ = ["name_similarity", "distinct_pairs", "numbers", "differ", "share_word", "similarity"]


_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
             "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()
_ROMAN = "i ii iii iv v vi vii viii ix x xi xii xiii xiv xv xvi xvii xviii xix xx".split()
_NUMBER_WORDS = {w: str(k) for k, w in enumerate(_ORDINALS, 1)} | {w: str(k) for k, w in enumerate(_ROMAN, 1)}
_DIGITS = re.compile(r"\d+")
# A number, or an ordinal written with digits ("140TH"). Digits inside a longer word are a misprint of
# letters ("5ILVER", "META1S", "OPA1"), not a number that tells two firms apart.
_NUMERAL = re.compile(r"\d+(st|nd|rd|th)?")


def numbers(key: str) -> frozenset[str]:
    """The numbers a name key carries, as digit strings ("fourth ocean" -> {"4"}; "vabo 2005" -> {"2005"}).

    Examples
    --------
    >>> sorted(numbers("rim group investments ii")), sorted(numbers("vabo 2005 1st")), sorted(numbers("5ilver a1"))
    (['2'], ['1', '2005'], ['1'])
    """
    found: set[str] = set()
    for token in key.split():
        found.update(_token_numbers(token))
    return frozenset(found)


@lru_cache(maxsize=500_000)
def _token_numbers(token: str) -> tuple[str, ...]:
    """The numbers one word carries (cached: the same words recur across hundreds of thousands of names)."""
    if token in _NUMBER_WORDS:
        return (_NUMBER_WORDS[token],)
    if _NUMERAL.fullmatch(token) or sum(ch.isalpha() for ch in token) <= 2:
        return tuple(d.lstrip("0") or "0" for d in _DIGITS.findall(token))
    return ()


def differ(sets: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
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


def share_word(words: np.ndarray, a: np.ndarray, b: np.ndarray, where: np.ndarray) -> np.ndarray:
    """Whether the pairs (only those flagged in ``where``) have a distinctive word in common."""
    out = np.zeros(len(a), dtype=bool)
    idx = np.flatnonzero(where)
    out[idx] = [not words[i].isdisjoint(words[j]) for i, j in zip(a[idx].tolist(), b[idx].tolist(), strict=True)]
    return out


# Below this many pairs rapidfuzz's thread pool costs more than it saves.
_PARALLEL_FROM = 20_000


def similarity(a: np.ndarray, b: np.ndarray, scorer) -> np.ndarray:
    if not len(a):
        return np.zeros(0, dtype=np.float32)
    # In one of resolution's worker processes every core already has a worker: no threads (and no
    # thread pool in a forked process).
    workers = 2 if len(a) >= _PARALLEL_FROM and not in_worker() else 1
    return process.cpdist(a.tolist(), b.tolist(), scorer=scorer, workers=workers, dtype=np.float32) / 100.0


def distinct_pairs(ids: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (into ``a``/``b``) of one pair per distinct ``(ids[a], ids[b])``, and each pair's
    index among them: compare the distinct pairs, then ``result[inverse]`` gives every pair's value.

    Candidate pairs repeat their strings: one firm's profiles in several countries or at several
    addresses share a name key, so a million pairs hold about a third as many pairs of names.

    Examples
    --------
    >>> first, inverse = distinct_pairs(np.array([7, 7, 9]), np.array([0, 1, 0]), np.array([2, 2, 1]))
    >>> first.tolist(), inverse.tolist()
    ([2, 0], [1, 1, 0])
    """
    if not len(a):
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ids = np.asarray(ids, dtype=np.int64)
    codes = ids[a] * (int(ids.max()) + 1) + ids[b]
    _, first, inverse = np.unique(codes, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)


def name_similarity(col, a: np.ndarray, b: np.ndarray, identifier: np.ndarray,  # noqa: ANN001
                    weights, name_ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # noqa: ANN001
    """Best of three name similarities, capped by the distinctive words' similarity (and that one, and the
    uncapped one).

    ``name_ids`` (one per profile, equal for equal ``(name_key, core_key)``) lets each distinct pair of
    names be compared once."""
    if name_ids is not None and len(a) > 1:
        first, inverse = distinct_pairs(name_ids, a, b)
        if len(first) < len(a):
            name_sim, distinctive_sim = _name_similarity(col, a[first], b[first], weights.place_penalty)
            name_sim, distinctive_sim = name_sim[inverse], distinctive_sim[inverse]
            return _capped(name_sim, distinctive_sim, identifier, weights)
    return _capped(*_name_similarity(col, a, b, weights.place_penalty), identifier, weights)


def _name_similarity(col, a: np.ndarray, b: np.ndarray,  # noqa: ANN001
                     place_penalty: float) -> tuple[np.ndarray, np.ndarray]:
    """Uncapped name similarity (before the place penalty's floor) and the distinctive words' one."""
    key_a, key_b = col("name_key")[a], col("name_key")[b]
    core_a, core_b = col("core_key")[a], col("core_key")[b]
    name = similarity(key_a, key_b, fuzz.token_sort_ratio)
    compact = similarity(col("compact")[a], col("compact")[b], fuzz.ratio)
    core = similarity(core_a, core_b, fuzz.token_sort_ratio)
    core_ok = (core_a != "") & (core_b != "") & ((core_a != key_a) | (core_b != key_b))
    core = np.where(core_ok, core - place_penalty, 0.0)
    name_sim = np.maximum(np.maximum(name, compact), core)
    dist_a, dist_b = col("distinctive")[a], col("distinctive")[b]
    both = (dist_a != "") & (dist_b != "")
    distinctive_sim = np.full(len(a), np.nan, dtype=np.float32)
    if both.any():
        distinctive_sim[both] = np.maximum(
            similarity(dist_a[both], dist_b[both], fuzz.token_sort_ratio),
            similarity(col("distinctive_compact")[a][both], col("distinctive_compact")[b][both], fuzz.ratio))
    return name_sim, distinctive_sim


def _capped(name_sim: np.ndarray, distinctive_sim: np.ndarray, identifier: np.ndarray,
            weights) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # noqa: ANN001
    # The words that tell companies apart must agree too: "KELORA LOGISTICS LLC" and "FENORA LOGISTICS
    # LLC" share most of their letters, but not the part that names them. Behind a shared address or
    # phone a worse misspelling is still believable ("PALUX TRDG" and "PUUX TRADING" at one flat).
    uncapped = name_sim.copy()
    both = ~np.isnan(distinctive_sim)
    if both.any():
        slack = np.where(identifier, weights.distinctive_slack_with_identifier, weights.distinctive_slack)
        name_sim = np.where(both, np.minimum(name_sim, distinctive_sim + slack), name_sim)
    return name_sim, distinctive_sim, uncapped
