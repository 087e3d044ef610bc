"""Comparison levels of profile pairs: what :mod:`tracekit.resolve.model` weighs.

Each function maps pairs to the level index of one comparison in :data:`model.COMPARISONS` (-1 when
one side is unknown). The name comparison looks at the *distinctive* words (not generic, place or
legal words) word by word: the same words in another order ("JADE TIMBER" / "TIMBER JADE") or one word
swapped for a look-alike ("TIMBER QUARTZ" / "EMBER QUARTZ") are their own levels, whatever the overall
string similarity says.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from rapidfuzz.distance import Indel

from tracekit.resolve.legal import relation

__all__ = ["word_relation", "name_levels", "legal_levels", "form_country_levels", "country_levels",
           "locality_levels", "address_levels", "one_word_each", "count_address_once", "identifier_levels", "SOURCE_RANK"]

SAME, TYPO, LOOSE, EXTRA, REORDERED, SUBSTITUTED, DISJOINT = range(7)
WORD_RELATIONS = ("same", "typo", "loose typo", "extra word", "reordered", "substituted", "disjoint")
TYPO_SIMILARITY = 0.8  # one edit in a word of five letters or more
# Two edits in a six-letter word ("PLAERA" / "PLEAA") — or another word ("TIMBER" / "EMBER"): the
# letters alone cannot tell which, so this is a level of its own and the other evidence decides.
LOOSE_SIMILARITY = 0.6

# Where a party's country came from, strongest first (party_mentions.country_source). A country with no
# recorded source was written into the workspace by hand or by an older load: treated as stated.
SOURCE_RANK = {"column": 0, "declaration": 1, "address": 2, "route": 3, "port": 4, "": 0}


def _abbreviates(x: str, y: str) -> bool:
    """Whether the shorter word is the longer one with letters left out, first letter kept ("DRX" / "DORUX")."""
    short, long = (x, y) if len(x) < len(y) else (y, x)
    if len(short) < 3 or short[0] != long[0]:
        return False
    rest = iter(long)
    return all(ch in rest for ch in short)


# Letters and digits that print or scan alike ("0AK" / "OAK", "OPA1" / "OPAL", "URNBER" / "UMBER"): words equal
# once folded are one word misread, not two words.
_GLYPHS = str.maketrans({"0": "o", "1": "l", "i": "l", "5": "s", "c": "e"})


@lru_cache(maxsize=200_000)
def _fold(word: str) -> str:
    """A word with look-alike glyphs made one ("E1ECTRONICS" and "ELECTRONICS" fold alike).

    >>> _fold("0ak") == _fold("oak"), _fold("urnber") == _fold("umbcr"), _fold("crane") == _fold("haven")
    (True, True, False)
    """
    return word.lower().replace("rn", "m").translate(_GLYPHS)


def _alike(x: str, y: str, sx: str, sy: str, floor: float) -> bool:
    if x == y or _fold(x) == _fold(y):
        return True
    if floor == LOOSE_SIMILARITY and _abbreviates(x, y):
        return True
    if min(len(x), len(y)) < 4:
        return False
    return (sx == sy and len(sx) >= 3) or Indel.normalized_similarity(x, y) >= floor


@lru_cache(maxsize=500_000)
def one_word_each(a: tuple[str, ...], b: tuple[str, ...], sa: tuple[str, ...], sb: tuple[str, ...]) -> tuple[str, str] | None:
    """The two words of a one-for-one substitution around exactly one shared word, else None.

    ("CRANE", "HAVEN") for "CRANE HERON" / "HAVEN HERON": the shape of shell companies named at one flat
    from a stock of words. Whether the two are words in common use is for the caller to say.

    >>> one_word_each(("crane", "heron"), ("haven", "heron"), ("KRN", "HRN"), ("HFN", "HRN"))
    ('crane', 'haven')
    >>> one_word_each(("summit", "coral", "mach"), ("summit", "coral", "dc"), ("", "", ""), ("", "", "")) is None
    True
    """
    paired, _ = _pairs(a, b, sa, sb)
    if len(paired) != 1 or len(a) != 2 or len(b) != 2:
        return None
    (i, j), = paired.items()
    return a[1 - i], b[1 - j]


def _pairs(a: tuple[str, ...], b: tuple[str, ...], sa: tuple[str, ...], sb: tuple[str, ...]) -> tuple[dict[int, int], bool]:
    """Words of ``a`` paired with words of ``b`` (close pairs first, then looser ones), and whether any is loose."""
    taken = [False] * len(b)
    paired: dict[int, int] = {}
    loose = False
    for floor in (TYPO_SIMILARITY, LOOSE_SIMILARITY):
        for i, x in enumerate(a):
            if i in paired:
                continue
            for j, y in enumerate(b):
                if not taken[j] and _alike(x, y, sa[i], sb[j], floor):
                    taken[j] = True
                    paired[i] = j
                    loose |= floor == LOOSE_SIMILARITY
                    break
    return paired, loose


@lru_cache(maxsize=500_000)
def word_relation(a: tuple[str, ...], b: tuple[str, ...], sa: tuple[str, ...], sb: tuple[str, ...]) -> int:
    """How two names' distinctive words relate (``WORD_RELATIONS`` index; -1 when a side has none).

    ``sa``/``sb`` are the words' sounds. Words pair up when spelt alike, sounding alike or one typo
    apart; the order of the paired words is then compared.

    Examples
    --------
    >>> from tracekit.resolve.normalize import word_sound as s
    >>> def rel(x, y):
    ...     return WORD_RELATIONS[word_relation(tuple(x.split()), tuple(y.split()),
    ...                                         tuple(map(s, x.split())), tuple(map(s, y.split())))]
    >>> rel("jade timber", "timber jade"), rel("timber quartz", "oak quartz"), rel("kelora", "kelroa")
    ('reordered', 'substituted', 'typo')
    >>> rel("timber quartz", "ember quartz"), rel("plaera", "pleaa"), rel("dorux", "drx")
    ('loose typo', 'loose typo', 'loose typo')
    >>> rel("golfrate", "golfrate paints"), rel("kailun", "meixin"), rel("north star", "northstar")
    ('extra word', 'disjoint', 'same')
    """
    if not a or not b:
        return -1
    if a == b:
        return SAME
    if "".join(a) == "".join(b):
        return SAME  # joined or split words: "NORTH STAR" / "NORTHSTAR"
    paired, loose = _pairs(a, b, sa, sb)
    order = [paired[i] for i in sorted(paired)]
    matched = len(order)
    if matched == 0:
        joined = Indel.normalized_similarity("".join(a), "".join(b))
        return TYPO if joined >= 0.9 else DISJOINT
    if any(q < p for p, q in zip(order, order[1:], strict=False)):
        return REORDERED
    extra_a, extra_b = len(a) - matched, len(b) - matched
    if extra_a and extra_b:
        return SUBSTITUTED
    if extra_a or extra_b:
        return EXTRA
    return LOOSE if loose else TYPO


def name_levels(relations: np.ndarray, name_sim: np.ndarray, same_key: np.ndarray,
                scripts_differ: np.ndarray, uncapped: np.ndarray | None = None) -> np.ndarray:
    """The name comparison's level from the word relation and the overall (capped) name similarity.

    Where every distinctive word pairs with one at most a typo away, the similarity is the uncapped one:
    the cap exists to stop look-alike words passing, and these words have already been checked.
    ``scripts_differ``: one name written in Han script and the other not — a translated trade name
    shares no word with its English one, which says less than two Latin names with nothing in common.
    """
    r = relations
    checked = name_sim if uncapped is None else np.where((r == SAME) | (r == TYPO), uncapped, name_sim)
    conditions = [
        same_key,
        (r == SAME) & (checked >= 0.90),
        (r == SAME) & (checked >= 0.80),
        r == SAME,
        (r == TYPO) & (checked >= 0.90),
        (r == TYPO) & (checked >= 0.80),
        r == TYPO,
        (r == LOOSE) & (name_sim >= 0.85),
        r == LOOSE,
        (r == EXTRA) & (name_sim >= 0.85),
        r == EXTRA,
        r == REORDERED,
        r == SUBSTITUTED,
        (r == DISJOINT) & scripts_differ,
        r == DISJOINT,
        name_sim >= 0.90,
        name_sim >= 0.75,
    ]
    return np.select(conditions, list(range(len(conditions))), len(conditions)).astype(np.int64)


def legal_levels(jur: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """0 compatible (the same or overlapping jurisdictions), 1 contradicting, -1 a side has no known form."""
    ids, sets = pd.factorize(pd.Series(jur, dtype=object))
    level = {-1: -1, 0: 0, 1: 0, 2: 1}
    table = np.array([[level[relation(x, y)] for y in sets] for x in sets], dtype=np.int64).reshape(len(sets), len(sets))
    return table[ids[a], ids[b]] if len(a) else np.zeros(0, dtype=np.int64)


def form_country_levels(jur: np.ndarray, country: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Where exactly one side states a country: does the other side's legal form fit it? (0 yes, 1 no)."""
    out = np.full(len(a), -1, dtype=np.int64)
    ca, cb = country[a], country[b]
    one = np.flatnonzero((ca != "") ^ (cb != ""))
    if not len(one):
        return out
    stated_a = ca[one] != ""
    i = np.where(stated_a, b[one], a[one])  # the side without a country
    j = np.where(stated_a, a[one], b[one])
    # Each distinct (jurisdictions, country) combination is looked up once.
    jur_ids, jur_sets = pd.factorize(pd.Series(jur[i], dtype=object))
    country_ids, countries = pd.factorize(pd.Series(country[j], dtype=object))
    combos, inverse = np.unique(jur_ids.astype(np.int64) * (len(countries) + 1) + country_ids, return_inverse=True)
    fits = np.array([-1 if not jur_sets[c // (len(countries) + 1)] else
                     (0 if countries[c % (len(countries) + 1)] in jur_sets[c // (len(countries) + 1)] else 1)
                     for c in combos.tolist()], dtype=np.int64)
    out[one] = fits[inverse.ravel()]
    return out


def country_levels(country: np.ndarray, rank: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """0 agree; 1 differ, both stated (column/declaration); 2 the weaker from an address; 3 from a route or port."""
    ca, cb = country[a], country[b]
    known = (ca != "") & (cb != "")
    weaker = np.maximum(rank[a], rank[b])
    differ = np.select([weaker <= 1, weaker == 2], [1, 2], 3)
    return np.where(known, np.where(ca == cb, 0, differ), -1).astype(np.int64)


def locality_levels(locality: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    la, lb = locality[a], locality[b]
    return np.where((la != "") & (lb != ""), np.where(la == lb, 0, 1), -1).astype(np.int64)


def address_levels(address_sim: np.ndarray, shared: np.ndarray, swapped: np.ndarray | None = None) -> np.ndarray:
    """0 same; 1 same, the names one common word apart; 2 similar; 3 partly similar; 4 different.

    ``swapped``: the two names share one distinctive word and each carries one other, both words in
    common use among the workspace's names (:func:`one_word_each`): "CRANE HERON TRADING" / "HAVEN HERON
    TRADING". At one address that is what shell companies named from a stock of words look like, and
    one firm's spelling variants do not (their odd words are misspellings, abbreviations, translations:
    rare words). It is a level of its own so EM weighs it on the workspace's own pairs, instead of it
    earning the weight of "same address" that one firm's variants earn.
    """
    sim = np.nan_to_num(address_sim, nan=-1.0)
    same = shared | (sim >= 0.999)
    swap = np.zeros(len(sim), dtype=bool) if swapped is None else swapped
    level = np.select([same & swap, same, sim >= 0.9, sim >= 0.6, sim >= 0], [1, 0, 2, 3, 4], -1)
    return level.astype(np.int64)


def count_address_once(levels: np.ndarray, address: int, locality: int, country: int, rank: np.ndarray,
                       a: np.ndarray, b: np.ndarray) -> None:
    """Where two profiles share an address behind names one common word apart (address level 1, the
    shell pattern), null what was read *from* that address (in place).

    The locality is the city an address names, and a country with source "address" was read from it
    too: once the addresses agree, their agreement is implied, and counting it again weighs one fact
    three times (Fellegi–Sunter assumes the comparisons independent given the match). Unchecked, a flat
    shared by several shell companies outweighed every difference in their names. Only this level is
    corrected for now: applied to every same-address pair it also took the weight a Han trade name
    needs to join its English twin at one address (EM over-weighs the translation level, and the two
    errors cancelled), 154 → 120 of 163 such joins on the build seeds.

    Examples
    --------
    >>> lv = np.array([[0, 0, 1], [0, 0, 0]])  # locality, country, address
    >>> count_address_once(lv, 2, 0, 1, np.array([2, 2, 0]), np.array([0, 0]), np.array([1, 2]))
    >>> lv.tolist()
    [[-1, -1, 1], [0, 0, 0]]
    """
    same = levels[:, address] == 1
    levels[same, locality] = -1
    derived = same & ((rank[a] == SOURCE_RANK["address"]) | (rank[b] == SOURCE_RANK["address"]))
    levels[derived, country] = -1


def identifier_levels(shared: np.ndarray, has: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """0 shared; 1 both sides have one and share none; -1 otherwise."""
    return np.where(shared, 0, np.where(has[a] & has[b], 1, -1)).astype(np.int64)
