"""The profile columns scoring reads, as numpy arrays built once per run (:class:`ProfileArrays`).

Besides the columns themselves: per profile its distinctive words and their sounds, the numbers its name
carries and its legal form's jurisdictions — pure Python, computed once per distinct value (on every core
inside a resolve run) — and ids that are equal for equal names, addresses and word lists, so scoring
compares each distinct pair of them once.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from tracekit.resolve import comparisons as cmp
from tracekit.resolve.legal import LEGAL_TOKENS, jurisdictions
from tracekit.resolve.normalize import is_generic_word, word_sound
from tracekit.resolve.similarity import numbers
from tracekit.resolve.workers import map_chunks

__all__ = ["ProfileArrays", "PROFILE_COLUMNS", "OPTIONAL_COLUMNS"]

PROFILE_COLUMNS = ("name_key", "core_key", "country", "tax_id_key", "address_key")
OPTIONAL_COLUMNS = ("locality", "country_source", "display_name", "legal_form")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class ProfileArrays:
    """The profile columns scoring reads, converted to numpy once.

    Clustering scores thousands of small batches of pairs on demand; converting the DataFrame's
    (Arrow-backed) columns for every batch would cost far more than the scoring itself.

    Examples
    --------
    >>> p = ProfileArrays(pd.DataFrame({"name_key": ["xyz chem"], "core_key": ["xyz chem"],
    ...                                 "country": ["CN"], "tax_id_key": [None], "address_key": [""]}))
    >>> p.column("compact")[0], p.column("tax_id_key")[0], p.words[0]
    ('xyzchem', '', ('xyz',))
    """

    def __init__(self, profiles: pd.DataFrame):
        n = len(profiles)
        self._word_uses: dict[str, int] | None = None
        # Equal values are one Python object: a million profiles repeat their countries, legal forms,
        # localities, addresses, keys and words, and every str, tuple or set costs 50–250 bytes.
        pool: dict = {}

        def shared(values: list) -> np.ndarray:
            codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
            distinct = np.fromiter((pool.setdefault(v, v) for v in uniques.tolist()), dtype=object, count=len(uniques))
            return distinct[codes] if len(codes) else np.empty(0, dtype=object)

        self.columns = {c: shared(profiles[c].fillna("").tolist()) for c in PROFILE_COLUMNS}
        for c in OPTIONAL_COLUMNS:
            self.columns[c] = shared(profiles[c].fillna("").tolist() if c in profiles else [""] * n)
        self.columns["locality"] = shared([str(x).strip().upper() for x in self.columns["locality"].tolist()])
        self.source_rank = np.asarray([cmp.SOURCE_RANK.get(str(s), 4) for s in self.columns["country_source"].tolist()],
                                      dtype=np.int64)
        self.has_phone = _flags(profiles, "has_phone", n)
        self.has_email = _flags(profiles, "has_email", n)
        # Equal for equal names (and addresses): each distinct pair of them is compared once.
        self.name_ids = pd.factorize(pd.Series(self.columns["name_key"], dtype=object) + "\x00"
                                     + pd.Series(self.columns["core_key"], dtype=object))[0].astype(np.int64)
        self.address_ids = pd.factorize(pd.Series(self.columns["address_key"], dtype=object))[0].astype(np.int64)
        self.columns["compact"] = shared([key.replace(" ", "") for key in self.columns["name_key"].tolist()])
        # Pure Python (on every core inside resolution's run), once per distinct value: the distinctive
        # words of each core key and their sounds, the numbers each name key carries, the legal form's
        # jurisdictions of each display name (the name the profile's mentions use most). A million
        # profiles hold about 0.4 / 0.45 / 0.75 million of them.
        self.words, self.sounds = _per_value(_word_facts, self.columns["core_key"], pool, 2)
        (self.numbers,) = _per_value(_number_facts, self.columns["name_key"], pool, 1, parallel=False)
        (self.jurisdictions,) = _per_value(_jurisdiction_facts, self.columns["display_name"], pool, 1)
        pool.clear()
        self.word_ids = pd.factorize(pd.Series(self.words, dtype=object))[0].astype(np.int64) if n else \
            np.zeros(0, dtype=np.int64)
        # Word sets and distinctive strings follow from the words (sounds are the words' own): once per
        # distinct list of words.
        firsts = np.unique(self.word_ids, return_index=True)[1] if n else np.zeros(0, dtype=np.int64)
        sets = np.empty(len(firsts), dtype=object)
        sets[:] = [frozenset(w for w in ws if len(w) >= 3) | {"~" + s for w, s in zip(ws, ss, strict=True) if len(w) >= 4}
                   for ws, ss in zip(self.words[firsts].tolist(), self.sounds[firsts].tolist(), strict=True)]
        self.word_sets = sets[self.word_ids]
        distinct = [" ".join(ws) for ws in self.words[firsts].tolist()]  # what the name similarity is capped by
        self.columns["distinctive"] = np.asarray(distinct, dtype=object)[self.word_ids]
        self.columns["distinctive_compact"] = np.asarray([d.replace(" ", "") for d in distinct], dtype=object)[self.word_ids]
        self.han = np.asarray([bool(_HAN.search(str(x))) for x in self.columns["display_name"].tolist()] or [],
                              dtype=bool)

    def column(self, name: str) -> np.ndarray:
        return self.columns[name]

    def word_uses(self) -> dict[str, int]:
        """How many distinct names (lists of distinctive words) carry each word."""
        if self._word_uses is None:
            counts: dict[str, int] = {}
            for ws in set(self.words.tolist()):
                for w in ws:
                    counts[w] = counts.get(w, 0) + 1
            self._word_uses = counts
        return self._word_uses

    def __len__(self) -> int:
        return len(self.columns["name_key"])


def _flags(profiles: pd.DataFrame, column: str, n: int) -> np.ndarray:
    if column not in profiles:
        return np.zeros(n, dtype=bool)
    return profiles[column].fillna(False).to_numpy(dtype=bool)


def _per_value(fn: Callable[[list], list[tuple]], column: np.ndarray, pool: dict, width: int,
               parallel: bool = True) -> list[np.ndarray]:
    """``fn`` once per distinct value of ``column``, spread back over its rows: ``width`` object arrays
    (equal results are one object, through ``pool``). ``parallel=False`` for work cheaper than sending
    the values to the worker processes and their results back (a few microseconds a value)."""
    codes, uniques = pd.factorize(pd.Series(column, dtype=object))
    values = uniques.tolist()
    facts = map_chunks(fn, values, progress=False) if parallel else fn(values)
    out = []
    for k in range(width):
        distinct = np.fromiter((pool.setdefault(f[k], f[k]) for f in facts), dtype=object, count=len(facts))
        out.append(distinct[codes] if len(codes) else np.empty(0, dtype=object))
    return out


def _word_facts(cores: list[str]) -> list[tuple]:
    """For each core key: the words that name the company (not generic), in order, and their sounds."""
    out = []
    for core in cores:
        ws = tuple(dict.fromkeys(w for w in core.split()
                                 if len(w) >= 2 and w not in LEGAL_TOKENS and not is_generic_word(w)))
        out.append((ws, tuple(word_sound(w) for w in ws)))
    return out


def _number_facts(keys: list[str]) -> list[tuple]:
    """For each name key: the numbers it carries."""
    return [(numbers(key),) for key in keys]


def _jurisdiction_facts(names: list[str]) -> list[tuple]:
    """For each display name: the jurisdictions of its legal form."""
    return [(jurisdictions(name),) for name in names]
