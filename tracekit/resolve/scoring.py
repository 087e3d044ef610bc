"""Pair scoring: comparison levels of two profiles, weighed by the Fellegi–Sunter model of the workspace.

A pair is compared on its name (overall similarity, capped by how alike the *distinctive* words are, and
how those words relate: same, typos, an extra word, another order, a substitution, nothing in common),
legal-form jurisdictions, countries (weighed by where each came from), localities, addresses, phones,
e-mails and tax ids (:mod:`tracekit.resolve.comparisons`). :class:`tracekit.resolve.model.MatchModel`
turns the levels into a match probability with weights estimated from the workspace's own pairs.

A few rules stand above the weights because they follow from what the evidence *means*, not from how
often it occurs: two different tax ids, or different numbers in the names ("FIRST OCEAN" / "FOURTH
OCEAN"), are two companies; so are the same name in two cities, or with legal forms of two jurisdictions,
unless an identifier (tax id, phone, e-mail, address) agrees. A distinctive word in common plus a shared
identifier, with nothing contradicting, is one company ("GOLFRATE" and "GOLFRATE PAINTS" at one address).
Every level and term is kept in the output so :func:`tracekit.resolve.explain` can show it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from rapidfuzz import fuzz

from tracekit.resolve import comparisons as cmp
from tracekit.resolve.model import COMPARISONS, MatchModel, comparison_index, prior_model
from tracekit.resolve.profile_arrays import PROFILE_COLUMNS, ProfileArrays
from tracekit.resolve.similarity import (
    differ,
    distinct_pairs,
    name_similarity,
    numbers,
    share_word,
    similarity,
)
from tracekit.resolve.workers import map_chunks

_numbers = numbers  # the name the scoring-rule tests know it by

__all__ = ["Weights", "WEIGHTS", "ProfileArrays", "score_pairs", "pair_scores", "pair_levels", "PROFILE_COLUMNS"]



@dataclass(frozen=True)
class Weights:
    """Decision thresholds, the name-similarity construction and the hard rules (the evidence weights
    themselves are estimated: :mod:`tracekit.resolve.model`)."""

    threshold: float = 0.86  # a pair whose match probability is at least this is the same company
    link_margin: float = 0.05  # clusters merge when their average pair score >= threshold - margin
    # The linkage score clustering averages is linear in the evidence (log-odds), not the probability:
    # it equals ``threshold`` where the probability does, and moves one unit per this many bits. A
    # cluster then joins another when the evidence *summed* over their pairs is strong, so one
    # misspelt variant ("PLEAA") does not cancel five sure links, yet two firms stay apart.
    bits_per_unit: float = 20.0
    # Ceiling for a pair a hard rule says are two companies (below the clustering bar, so an
    # average with it cannot pass either).
    contradiction_ceiling: float = 0.4
    # Floor for a distinctive word in common plus a shared identifier with nothing contradicting: such a
    # pair scores at least ``word_and_identifier - 0.002`` (its own linkage score when higher), ordered
    # by its evidence within that last band.
    word_and_identifier: float = 1.0
    place_penalty: float = 0.03  # a match that needed place names dropped is slightly weaker
    # Name similarity is at most the similarity of the distinctive words (generic, place and legal
    # words left out) plus this: one typo in "KELORA" passes, "KELORA" vs "FENORA" does not.
    distinctive_slack: float = 0.06
    distinctive_slack_with_identifier: float = 0.20


WEIGHTS = Weights()


def _identifiers(profiles: ProfileArrays, a: np.ndarray, b: np.ndarray,
                 shared: pd.DataFrame | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    n = len(a)
    if shared is None:
        return np.zeros(n, bool), np.zeros(n, bool), np.zeros(n, bool)
    return (shared["shared_phone"].to_numpy(dtype=bool), shared["shared_email"].to_numpy(dtype=bool),
            shared["shared_address"].to_numpy(dtype=bool))


def pair_levels(profiles: pd.DataFrame | ProfileArrays, a: np.ndarray, b: np.ndarray,
                shared: pd.DataFrame | None = None, weights: Weights = WEIGHTS) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The features of each pair and its level in every comparison (pairs × comparisons, -1 null)."""
    if not isinstance(profiles, ProfileArrays):
        profiles = ProfileArrays(profiles)
    col = profiles.column
    a = np.asarray(a, dtype=np.int64)
    b = np.asarray(b, dtype=np.int64)
    n = len(a)
    addr_a, addr_b = col("address_key")[a], col("address_key")[b]
    addr_known = (addr_a != "") & (addr_b != "")
    address_sim = np.full(n, np.nan, dtype=np.float32)
    if addr_known.any():  # once per distinct pair of addresses
        known_a, known_b = a[addr_known], b[addr_known]
        first, inverse = distinct_pairs(profiles.address_ids, known_a, known_b)
        address_sim[addr_known] = similarity(col("address_key")[known_a[first]], col("address_key")[known_b[first]],
                                             fuzz.token_set_ratio)[inverse]
    phone, email, shared_address = _identifiers(profiles, a, b, shared)
    address = shared_address | (np.nan_to_num(address_sim) >= 0.999)
    tax_id = _agreement(col("tax_id_key")[a], col("tax_id_key")[b])
    identifier = phone | email | address | (tax_id == 1)
    name_sim, distinctive_sim, uncapped = name_similarity(col, a, b, identifier, weights, profiles.name_ids)
    relation = _word_relations(profiles, a, b, distinctive_sim)
    levels = np.full((n, len(COMPARISONS)), -1, dtype=np.int8)  # every level index is < 20
    levels[:, comparison_index("name")] = cmp.name_levels(
        relation, name_sim, col("name_key")[a] == col("name_key")[b], profiles.han[a] != profiles.han[b], uncapped)
    jur = profiles.jurisdictions
    levels[:, comparison_index("legal form")] = cmp.legal_levels(jur, a, b)
    levels[:, comparison_index("legal form vs country")] = cmp.form_country_levels(jur, col("country"), a, b)
    levels[:, comparison_index("country")] = cmp.country_levels(col("country"), profiles.source_rank, a, b)
    levels[:, comparison_index("locality")] = cmp.locality_levels(col("locality"), a, b)
    swapped = _common_word_swapped(profiles, a, b, address & (relation == cmp.SUBSTITUTED))
    levels[:, comparison_index("address")] = cmp.address_levels(address_sim, address, swapped)
    cmp.count_address_once(levels, comparison_index("address"), comparison_index("locality"),
                           comparison_index("country"), profiles.source_rank, a, b)
    levels[:, comparison_index("phone")] = cmp.identifier_levels(phone, profiles.has_phone, a, b)
    levels[:, comparison_index("e-mail")] = cmp.identifier_levels(email, profiles.has_email, a, b)
    levels[:, comparison_index("tax id")] = np.where(tax_id == 0, -1, np.where(tax_id == 1, 0, 1))
    country = _agreement(col("country")[a], col("country")[b])
    features = {
        "name_sim": name_sim.astype(np.float32),
        "address_sim": address_sim,
        "country": country,
        "tax_id": tax_id,
        "shared_phone": phone,
        "shared_email": email,
        "shared_address": address,
        "distinctive_sim": distinctive_sim,
        "identifier": identifier,
        "numbers_differ": differ(profiles.numbers, a, b),
        # Latin names with no distinctive word in common: firms sharing an address or phone this way are
        # the shell companies an analyst is looking for, not one company.
        "words_disjoint": (relation == cmp.DISJOINT) & ~(profiles.han[a] | profiles.han[b]),
    }
    # A word in common behind a shared address is one firm's variants, unless each name also carries a
    # distinctive word the other lacks: shells registered at one flat often share a word ("SUMMIT UMBER
    # CHEMICAL" and "BISON SUMMIT CHEMICAL"), and a substituted word is what tells them apart.
    features["word_and_identifier"] = share_word(
        profiles.word_sets, a, b, identifier & (country != -1) & (tax_id != -1) & ~features["numbers_differ"]
        & (levels[:, comparison_index("legal form")] != 1) & (relation != cmp.SUBSTITUTED))
    return features, levels


_TOP = 1e-3


def linkage_score(log_odds: np.ndarray, weights: Weights = WEIGHTS) -> np.ndarray:
    """The 0–1 score clustering uses: ``threshold`` at the threshold probability, linear in log-odds.

    Examples
    --------
    >>> [round(float(x), 2) for x in linkage_score(np.array([np.log2(0.86 / 0.14), 100.0, -100.0]))]
    [0.86, 1.0, 0.0]
    >>> bool(linkage_score(np.array([20.0]))[0] < linkage_score(np.array([30.0]))[0] < 1.0)
    True
    """
    t = weights.threshold
    linear = t + (log_odds - np.log2(t / (1 - t))) / weights.bits_per_unit
    # Pairs past 1 keep their order in the last thousandth (clustering meets the surest pairs first:
    # one firm's variants at one address before a bare spelling match), never reaching 1 exactly.
    beyond = np.maximum(linear - (1 - _TOP), 0.0) * weights.bits_per_unit
    return np.clip(linear, 0.0, 1 - _TOP) + _TOP * (1 - np.exp2(-beyond / 8))


# Below this similarity of the distinctive words (and with no word spelt or sounding alike) no word can
# pair with another even loosely: the pair is "nothing in common" without comparing word by word.
_WORDWISE_FROM = 0.45


# A word is in common use when at least this many distinct names carry it (each distinct list of
# distinctive words counted once, so one firm's many records of one name count once).
COMMON_WORD_NAMES = 3


def _common_word_swapped(profiles: ProfileArrays, a: np.ndarray, b: np.ndarray, where: np.ndarray) -> np.ndarray:
    """Pairs (among ``where``) whose names share one distinctive word and each carry one other in common use."""
    out = np.zeros(len(a), dtype=bool)
    idx = np.flatnonzero(where)
    if not len(idx):
        return out
    uses = profiles.word_uses()
    words, sounds = profiles.words, profiles.sounds
    for k, i, j in zip(idx.tolist(), a[idx].tolist(), b[idx].tolist(), strict=True):
        swap = cmp.one_word_each(words[i], words[j], sounds[i], sounds[j])
        out[k] = swap is not None and min(uses.get(swap[0], 0), uses.get(swap[1], 0)) >= COMMON_WORD_NAMES
    return out


def _word_relations(profiles: ProfileArrays, a: np.ndarray, b: np.ndarray, distinctive_sim: np.ndarray) -> np.ndarray:
    words, sounds = profiles.words, profiles.sounds
    empty = np.fromiter((not w for w in words.tolist()), dtype=bool, count=len(words))
    out = np.where(empty[a] | empty[b], -1, cmp.DISJOINT).astype(np.int64)
    close = np.nan_to_num(distinctive_sim, nan=0.0) >= _WORDWISE_FROM
    share = share_word(profiles.word_sets, a, b, ~close & (out != -1))
    idx = np.flatnonzero((close | share) & (out != -1))
    # Many profiles share their distinctive words (one firm in several countries, at several addresses):
    # compare each distinct pair of word lists once.
    wa, wb = profiles.word_ids[a[idx]], profiles.word_ids[b[idx]]
    codes, inverse = np.unique(wa * (int(profiles.word_ids.max(initial=0)) + 1) + wb, return_inverse=True)
    first = np.zeros(len(codes), dtype=np.int64)
    first[inverse[::-1]] = np.arange(len(idx))[::-1]
    pa, pb = a[idx][first], b[idx][first]
    # Word by word in Python: on every core when there are many (inside resolution's run).
    work = [(words[i], words[j], sounds[i], sounds[j]) for i, j in zip(pa.tolist(), pb.tolist(), strict=True)]
    distinct = np.asarray(map_chunks(_relations, work, progress=False), dtype=np.int64).reshape(-1)
    out[idx] = distinct[inverse.ravel()]
    return out


def _relations(work: list[tuple]) -> list[int]:
    return [cmp.word_relation(*item) for item in work]


def _hard_rules(features: dict[str, np.ndarray], levels: np.ndarray, log_odds: np.ndarray,
                weights: Weights) -> tuple[np.ndarray, np.ndarray]:
    """Apply the rules that stand above the weights; returns the score and which rule capped it (or "")."""
    probability = linkage_score(log_odds, weights)
    identifier = features["identifier"]
    rules = [
        ("different tax ids", features["tax_id"] == -1),
        ("different numbers in the names", features["numbers_differ"]),
        ("no distinctive word in common", features["words_disjoint"] & (features["tax_id"] != 1)),
        ("same name in another locality, no shared identifier",
         (levels[:, comparison_index("locality")] == 1) & ~identifier),
        ("legal forms of different jurisdictions, no shared identifier",
         (levels[:, comparison_index("legal form")] == 1) & ~identifier),
    ]
    rule = np.full(len(probability), "", dtype=object)
    capped = np.zeros(len(probability), dtype=bool)
    for label, hit in rules:
        rule[hit & ~capped] = label
        capped |= hit
    score = np.where(capped, np.minimum(probability, weights.contradiction_ceiling), probability)
    floor = features["word_and_identifier"] & ~capped
    rule[floor] = "distinctive word + shared identifier"
    # Lifted into the top band below the floor, *in the order of their evidence*: flattened to one
    # value, such pairs would tie and clustering would meet them in profile-id order. A profile holding
    # two same-named firms' mentions (one country, two addresses) then joined the look-alike's variants
    # before its own firm's surer ones, and the firm's other variants could no longer join it.
    lifted = (weights.word_and_identifier - 2 * _TOP) + _TOP * np.clip(probability, 0.0, 1 - _TOP) / (1 - _TOP)
    score = np.where(floor, np.maximum(score, lifted), score)
    return np.clip(score, 0.0, 1.0).astype(np.float32), rule


def score_pairs(
    profiles: pd.DataFrame | ProfileArrays,
    a: np.ndarray,
    b: np.ndarray,
    shared: pd.DataFrame | None = None,
    weights: Weights = WEIGHTS,
    model: MatchModel | None = None,
    levels: tuple[dict[str, np.ndarray], np.ndarray] | None = None,
) -> pd.DataFrame:
    """Score profile pairs ``(a[k], b[k])`` (positions into ``profiles``) in bulk.

    Parameters
    ----------
    profiles : DataFrame or ProfileArrays
        One row per profile with columns ``name_key, core_key, country, tax_id_key, address_key`` and
        optionally ``locality, country_source, display_name, has_phone, has_email`` (``""`` or null for
        unknown); pass a :class:`ProfileArrays` when scoring many batches.
    a, b : int arrays
        Positions of the two sides of each pair.
    shared : DataFrame, optional
        Columns ``shared_phone, shared_email, shared_address`` (bool, aligned with the pairs), from
        blocking; absent means no identifier is shared.
    model : MatchModel, optional
        Estimated weights (:func:`tracekit.resolve.model.estimate`); the prior model when absent.
    levels : optional
        :func:`pair_levels` of these pairs, when already computed.

    Returns
    -------
    DataFrame with the features (``name_sim, address_sim, country, tax_id, shared_phone, shared_email,
    shared_address`` …), one ``level_<k>`` column per comparison, ``log_odds``, ``probability`` (of a
    match), ``rule`` (the hard rule that decided, or "") and ``score`` (the linkage score clustering
    uses, :func:`linkage_score`, after the rules).

    Examples
    --------
    >>> p = pd.DataFrame({"name_key": ["xyz chem", "xyz chem", "abc logistics"],
    ...                   "core_key": ["xyz chem", "xyz chem", "abc logistics"],
    ...                   "country": ["CN", "MX", "CN"], "tax_id_key": ["", "", ""],
    ...                   "address_key": ["", "", ""]})
    >>> s = score_pairs(p, np.array([0, 0]), np.array([1, 2]))
    >>> [bool(x > 0.86) for x in s["score"]]  # same name in another stated country; other name
    [False, False]
    """
    features, matrix = levels if levels is not None else pair_levels(profiles, a, b, shared, weights)
    model = model or prior_model()
    log_odds = model.log_odds(matrix)
    probability = 1.0 / (1.0 + np.exp2(-np.clip(log_odds, -60, 60)))
    score, rule = _hard_rules(features, matrix, log_odds, weights)
    out = dict(features)
    for k in range(len(COMPARISONS)):
        out[f"level_{k}"] = matrix[:, k].astype(np.int8)
    out.update(log_odds=log_odds.astype(np.float32), probability=probability.astype(np.float32), rule=rule,
               score=score)
    return pd.DataFrame(out)


def pair_scores(profiles: ProfileArrays, a: np.ndarray, b: np.ndarray, weights: Weights = WEIGHTS,
                model: MatchModel | None = None) -> np.ndarray:
    """Only the scores of pairs sharing no identifier (clustering's on-demand path: no DataFrame).

    Examples
    --------
    >>> p = ProfileArrays(pd.DataFrame({"name_key": ["xyz chem", "xyz chem"], "core_key": ["", ""],
    ...                                 "country": ["CN", "CN"], "tax_id_key": ["", ""],
    ...                                 "address_key": ["", ""]}))
    >>> bool(pair_scores(p, np.array([0]), np.array([1]))[0] > 0.86)
    True
    """
    features, matrix = pair_levels(profiles, a, b, None, weights)
    model = model or prior_model()
    return _hard_rules(features, matrix, model.log_odds(matrix), weights)[0]


def _agreement(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """1 where both known and equal, -1 where both known and different, 0 otherwise."""
    known = (x != "") & (y != "")
    return np.where(known, np.where(x == y, 1, -1), 0).astype(np.int8)
