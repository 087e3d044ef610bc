"""Fuzzy entity search over every name variant, from a prepared in-memory index.

The index holds each profile's normalised name (so an entity is found by any of its spellings, in
any script) and an inverted index word → profiles, stored as flat numpy arrays. A query is
normalised the same way, then:

1. each query word is looked up in the vocabulary exactly; the last word also by prefix (the search
   box is queried while the analyst types); a word found neither way by fuzzy match against the
   vocabulary words of about its length sharing its first letter or last two (rapidfuzz), so a typo
   in every word still finds the company;
2. every name variant gets the summed rarity (IDF) of the query words it contains, and only the best
   few hundred go on;
3. rapidfuzz's WRatio ranks those against the query; entities take their best variant's score.

Work per query grows with the postings of the query's words, not with the size of the index, which
keeps a query well under 50 ms on a million entities.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from tracekit.resolve.normalize import normalize_name
from tracekit.store import Store

__all__ = ["SearchIndex", "SEARCH_COLUMNS"]

SEARCH_COLUMNS = ["entity_id", "name", "country", "score", "mention_count"]
SHORTLIST = 400  # variants ranked by rapidfuzz per query, after the word-rarity pre-selection
PREFIX_WORDS = 64  # most vocabulary words a partial last word may expand to
FUZZY_WORDS = 4  # vocabulary words a misspelt query word may stand for


class SearchIndex:
    """Name variants of every entity, ready for fuzzy search.

    Examples
    --------
    >>> index = SearchIndex(["xyz chem", "abc logistics"], np.array([7, 9]),
    ...                     pd.DataFrame({"name": ["XYZ Chem", "ABC"], "country": ["CN", "US"],
    ...                                   "mention_count": [3, 1]}, index=[7, 9]))
    >>> index.search("xyz chemical").entity_id.tolist()
    [7]
    >>> index.search("abc logi").entity_id.tolist()  # a partial last word, as typed
    [9]
    """

    def __init__(self, keys: list[str], entity_ids: np.ndarray, entities: pd.DataFrame):
        self.keys = np.asarray(keys, dtype=object)
        self.entity_ids = np.asarray(entity_ids, dtype=np.int64)
        self.entities = entities
        exploded = pd.Series(self.keys, dtype=object).str.split().explode().dropna()
        pairs = pd.DataFrame({"position": exploded.index.to_numpy(dtype=np.int64),
                              "word": exploded.to_numpy(dtype=object)}).drop_duplicates()
        codes, vocabulary = pd.factorize(pairs["word"].to_numpy(dtype=object), sort=True)
        order = np.argsort(codes, kind="stable")
        self.vocabulary = np.asarray(vocabulary, dtype=object)
        # Fuzzy look-up compares a misspelt word only with words of about its length that share
        # its first letter or its last two (one typo rarely hits both ends of a word).
        self.word_length = np.fromiter((len(w) for w in vocabulary), dtype=np.int32, count=len(vocabulary))
        self.word_head = np.asarray([w[:1] for w in vocabulary], dtype=object)
        self.word_tail = np.asarray([w[-2:] for w in vocabulary], dtype=object)
        self.postings = pairs["position"].to_numpy()[order]
        counts = np.bincount(codes, minlength=len(vocabulary))
        self.offsets = np.concatenate([[0], np.cumsum(counts)])
        self.idf = np.log1p(max(len(keys), 1) / np.maximum(counts, 1))

    @classmethod
    def build(cls, store: Store) -> SearchIndex:
        """Read the current resolution from the store (an empty index before any resolve)."""
        if not store.table_exists("resolve_profiles"):
            return cls([], np.zeros(0, dtype=np.int64), pd.DataFrame(columns=SEARCH_COLUMNS))
        variants = store.df("SELECT DISTINCT name_key, entity_id FROM resolve_profiles ORDER BY entity_id, name_key")
        entities = store.df("SELECT entity_id, name, country, mention_count FROM entities").set_index(
            "entity_id")
        return cls(variants["name_key"].tolist(), variants["entity_id"].to_numpy(dtype=np.int64), entities)

    def __len__(self) -> int:
        return len(self.keys)

    def _word_codes(self, word: str, last: bool) -> np.ndarray:
        """Vocabulary codes standing for one query word: exact, by prefix (last word), else fuzzy."""
        vocabulary = self.vocabulary
        lo = int(np.searchsorted(vocabulary, word, side="left"))
        exact = lo < len(vocabulary) and vocabulary[lo] == word
        if last and len(word) >= 2:
            hi = int(np.searchsorted(vocabulary, word + "\uffff", side="left"))
            if hi > lo:
                return np.arange(lo, min(hi, lo + PREFIX_WORDS))
        if exact:
            return np.array([lo])
        if len(word) < 3:
            return np.zeros(0, dtype=np.int64)
        near = np.flatnonzero((np.abs(self.word_length - len(word)) <= 1)
                              & ((self.word_head == word[:1]) | (self.word_tail == word[-2:])))
        hits = process.extract(word, vocabulary[near].tolist(), scorer=fuzz.ratio, limit=FUZZY_WORDS,
                               score_cutoff=75)
        return near[[h[2] for h in hits]].astype(np.int64)

    def _shortlist(self, words: list[str]) -> np.ndarray:
        """Positions of the variants carrying the most query-word rarity (at most ``SHORTLIST``)."""
        weight = np.zeros(len(self.keys), dtype=np.float32)
        for k, word in enumerate(words):
            codes = self._word_codes(word, last=k == len(words) - 1)
            if not len(codes):
                continue
            spans = [self.postings[self.offsets[c]:self.offsets[c + 1]] for c in codes.tolist()]
            hit = np.unique(np.concatenate(spans)) if len(spans) > 1 else spans[0]
            weight[hit] += float(self.idf[codes].max())
        found = np.flatnonzero(weight)
        if len(found) > SHORTLIST:
            found = found[np.argpartition(-weight[found], SHORTLIST)[:SHORTLIST]]
        return found

    def search(self, text: str, limit: int = 10) -> pd.DataFrame:
        """Entities whose names best match ``text``, best first (score 0–100)."""
        query = normalize_name(text).key
        if not query or not len(self.keys):
            return pd.DataFrame(columns=SEARCH_COLUMNS)
        positions = self._shortlist(query.split())
        if not len(positions):
            return pd.DataFrame(columns=SEARCH_COLUMNS)
        scores = process.cdist([query], self.keys[positions].tolist(), scorer=fuzz.WRatio, dtype=np.float32)[0]
        keep = scores >= 50
        if not keep.any():
            return pd.DataFrame(columns=SEARCH_COLUMNS)
        found = pd.DataFrame({"entity_id": self.entity_ids[positions[keep]], "score": scores[keep]})
        found = found.groupby("entity_id", as_index=False)["score"].max()
        found = pd.concat([found, self.entities.reindex(found["entity_id"]).reset_index(drop=True)], axis=1)
        found = found.sort_values(["score", "mention_count", "name"], ascending=[False, False, True])
        found["score"] = found["score"].round(1)
        return found[SEARCH_COLUMNS].head(limit).reset_index(drop=True)
