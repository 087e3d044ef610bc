"""The description matcher: one pass over every distinct description for every watch-list term.

How a description is read (:func:`match_descriptions` does a whole column; :func:`match_text` one):

1. **Folded** (:func:`fold`): NFKC, case-folded, accents dropped, separators (spaces, hyphens, commas,
   brackets …) collapsed to one space. Terms are folded the same way, so ``N-Phenethyl 4-piperidone``
   and ``n phenethyl-4-piperidone`` meet.
2. **Aho–Corasick** (pyahocorasick): all names, synonyms, abbreviations, vague phrases and near-miss
   chemicals in one automaton, one scan per description. A hit whose edge is a Latin letter or digit
   must sit on a token boundary (``NPP`` is not in ``SNPPX``, ``fentanyl`` not in ``norfentanyl``);
   Han text has no spaces, so Han edges need none (``4-哌啶酮盐酸盐`` names 4-piperidone). Overlapping
   hits keep the longest (``1-boc-4-piperidone`` is not also ``4-piperidone``); a near-miss chemical
   claims its span (``4-aminopyridine`` is not ``4-AP``).
3. **CAS numbers** in free text (``39742-60-4``, ``CAS 39742604``): the check digit decides. A right one
   on the watch list is a match; a wrong one is reported as its own finding (``cas_check_digit``), never
   as a match.
4. **Misspellings**: rapidfuzz edit distance between token windows and the Latin names (not
   abbreviations: ``NPP`` one letter off is another word). Allowed: 1 edit for terms of 8+ characters,
   2 for 14+. The digits of a window must equal the term's (locants are chemistry, not typos:
   ``3-piperidone`` is not ``4-piperidone``), and a window as close to a near-miss chemical as to the
   watched one is not a match (``4-piperidinol``). Only descriptions sharing enough 4-grams with a term
   are tried (the q-gram count filter: lossless for the allowed distance), which keeps it bounded.
5. **Salts and hydrates** map to the parent: ``4-piperidone HCl monohydrate`` is 4-piperidone, with
   ``form = "hcl monohydrate"``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick
import pandas as pd
from rapidfuzz.distance import Levenshtein

from tracekit.graph.watchlists import WatchTerm, cas_check_digit

__all__ = ["fold", "Finding", "Matcher", "match_text", "match_descriptions", "FINDING_COLUMNS"]

_SEPARATORS = " \t\r\n\f\v-_,.;:/\\()[]{}+'\"*#%&|!?<>=~`^、，。；：（）【】《》「」\u00a0\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u3000"
_SEP_TABLE = str.maketrans({c: " " for c in _SEPARATORS})
_SALT_WORDS = {
    "hcl", "hydrochloride", "dihydrochloride", "monohydrochloride", "hydrate", "monohydrate", "dihydrate",
    "salt", "citrate", "tartrate", "hydrobromide", "hbr", "sulfate", "sulphate", "clorhidrato", "hidrato",
    "monohidrato", "sal", "citrato", "base", "free", "diclorhidrato", "dicloridrato", "cloridrato",
}
_HAN_SALTS = ("盐酸盐", "鹽酸鹽", "一水合物", "水合物", "盐酸", "鹽酸", "枸橼酸盐", "柠檬酸盐")
_CAS_DASHED = re.compile(r"(?<![\d\-‐‑–—])(\d{2,7})[\-‐‑–—](\d{2})[\-‐‑–—](\d)(?![\d\-‐‑–—])")
_CAS_BARE = re.compile(r"\bcas\s*(?:no\.?|nr\.?|number|#|n[°º]\.?)?\s*[:.]?\s*(\d{5,10})(?![\d\-‐‑–—])", re.IGNORECASE)
_CAS_HINT = re.compile(r"\d[\-‐‑–—]\d|cas", re.IGNORECASE)
_CAS_CONTEXT = re.compile(r"cas\W{0,6}$", re.IGNORECASE)
FINDING_COLUMNS = ["description", "finding", "chemical", "matched_text", "term", "kind", "language", "list",
                   "source", "form", "distance", "file", "line"]
_FUZZY_KINDS = ("name", "synonym")
_GRAM = 4


def _fold_char(c: str) -> str:
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", c).casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_SEP_TABLE)


def fold(text: str) -> str:
    """Case-, accent- and separator-folded text, one space between tokens.

    Examples
    --------
    >>> fold("N-Phenethyl-4-Piperidone (NPP), 25KG")
    'n phenethyl 4 piperidone npp 25kg'
    >>> fold("MATERIA PRIMA QUÍMICA"), fold("４－哌啶酮，盐酸盐")
    ('materia prima quimica', '4 哌啶酮 盐酸盐')
    """
    if text.isascii():
        return " ".join(text.lower().translate(_SEP_TABLE).split())
    return " ".join("".join(_fold_char(c) for c in text).split())


def _fold_map(text: str) -> tuple[str, list[int]]:
    """:func:`fold` plus, for each folded character, the index of the original character it came from."""
    chars: list[str] = []
    origin: list[int] = []
    for i, c in enumerate(text):
        for f in _fold_char(c):
            if f == " " and (not chars or chars[-1] == " "):
                continue
            chars.append(f)
            origin.append(i)
    while chars and chars[-1] == " ":
        chars.pop()
        origin.pop()
    return "".join(chars), origin


def _word_char(c: str) -> bool:
    return c.isascii() and c.isalnum()


@dataclass(frozen=True)
class Finding:
    """One thing a description says: a named chemical, a CAS number, a bad CAS number, a vague phrase."""

    finding: str
    chemical: str | None
    matched_text: str
    term: str
    kind: str
    language: str
    list: str
    source: str
    form: str = ""
    distance: int = 0
    file: str = ""
    line: int = 0


def _allowed_edits(folded_term: str) -> int:
    n = len(folded_term.replace(" ", ""))
    return 2 if n >= 14 else 1 if n >= 8 else 0


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


class Matcher:
    """Compiled watch-list terms; :meth:`match` reads one description."""

    def __init__(self, terms: Iterable[WatchTerm]):
        self.terms = tuple(terms)
        self.automaton = ahocorasick.Automaton()
        keyed: dict[str, list[WatchTerm]] = defaultdict(list)
        self.cas: dict[str, WatchTerm] = {}
        self.cas_bodies: dict[str, WatchTerm] = {}
        fuzzy: dict[str, WatchTerm] = {}
        near: list[str] = []
        for t in self.terms:
            if t.kind == "cas":
                self.cas.setdefault(t.term, t)
                self.cas_bodies.setdefault(t.term.rsplit("-", 1)[0].replace("-", ""), t)
            elif t.kind in ("hs", "national_hs"):
                continue
            else:
                key = fold(t.term)
                if key:
                    keyed[key].append(t)
                if t.kind in _FUZZY_KINDS and key.isascii() and _allowed_edits(key):
                    fuzzy.setdefault(key, t)
                if t.kind == "near_miss" and key.isascii():
                    near.append(key)
        for key, group in keyed.items():
            self.automaton.add_word(key, (key, tuple(group)))
        if keyed:
            self.automaton.make_automaton()
        self.fuzzy_keys = list(fuzzy)
        self.fuzzy_terms = [fuzzy[k] for k in self.fuzzy_keys]
        self.near_keys = near
        self.max_window = max((k.count(" ") + 1 for k in self.fuzzy_keys), default=0)
        # q-gram count filter: a text within k edits of t shares >= |grams(t)| - q*k of t's q-grams
        self.grams = ahocorasick.Automaton()
        gram_terms: dict[str, set[int]] = defaultdict(set)
        self.gram_needed: list[int] = []
        for i, key in enumerate(self.fuzzy_keys):
            grams = {key[j:j + _GRAM] for j in range(len(key) - _GRAM + 1)}
            self.gram_needed.append(max(1, len(grams) - _GRAM * _allowed_edits(key)))
            for g in grams:
                gram_terms[g].add(i)
        for g, ids in gram_terms.items():
            self.grams.add_word(g, tuple(ids))
        if gram_terms:
            self.grams.make_automaton()
        self._has_words = bool(keyed)

    # -- exact terms -----------------------------------------------------------------------------------
    def _exact(self, folded: str) -> list[tuple[int, int, str, tuple[WatchTerm, ...]]]:
        hits = []
        if not self._has_words:
            return hits
        for end, (key, group) in self.automaton.iter(folded):
            start = end - len(key) + 1
            if _word_char(key[0]) and start > 0 and _word_char(folded[start - 1]):
                continue
            if _word_char(key[-1]) and end + 1 < len(folded) and _word_char(folded[end + 1]):
                continue
            hits.append((start, end + 1, key, group))
        return hits

    # -- misspellings ----------------------------------------------------------------------------------
    def _candidates(self, folded: str) -> list[int]:
        if not self.fuzzy_keys or not folded.isascii():
            return []
        seen: dict[int, set[str]] = defaultdict(set)
        for end, ids in self.grams.iter(folded):
            gram = folded[end - _GRAM + 1:end + 1]
            for i in ids:
                seen[i].add(gram)
        return [i for i, grams in seen.items() if len(grams) >= self.gram_needed[i]]

    def _fuzzy(self, folded: str, taken: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
        """(start, end, term index, distance) of misspelt names, not overlapping ``taken`` spans."""
        candidates = self._candidates(folded)
        if not candidates:
            return []
        spans, pos = [], 0
        for token in folded.split(" "):
            spans.append((pos, pos + len(token)))
            pos += len(token) + 1
        found = []
        for i in candidates:
            key = self.fuzzy_keys[i]
            limit = _allowed_edits(key)
            width = key.count(" ") + 1
            best = None
            for n in range(max(1, width - 2), min(len(spans), width + 2) + 1):
                for a in range(0, len(spans) - n + 1):
                    start, end = spans[a][0], spans[a + n - 1][1]
                    if abs((end - start) - len(key)) > limit or _digits(folded[start:end]) != _digits(key):
                        continue
                    if any(start < e and s < end and not (start <= s and e <= end) for s, e in taken):
                        continue  # may swallow a shorter exact hit, never cut one in half
                    window = folded[start:end]
                    d = Levenshtein.distance(window, key, score_cutoff=limit)
                    if d > limit or d == 0:
                        continue
                    if any(Levenshtein.distance(window, nk) <= d for nk in self.near_keys):
                        continue
                    if best is None or d < best[3]:
                        best = (start, end, i, d)
            if best:
                found.append(best)
        return found

    # -- one description -------------------------------------------------------------------------------
    def match(self, text: str | None) -> list[Finding]:
        """Every finding in one description (see the module docs)."""
        if not text or not text.strip():
            return []
        folded = fold(text)
        hits = [(s, e, key, group, 0) for s, e, key, group in self._exact(folded)]
        taken = [(s, e) for s, e, *_ in hits]
        hits += [(s, e, self.fuzzy_keys[i], (self.fuzzy_terms[i],), d) for s, e, i, d in self._fuzzy(folded, taken)]
        hits.sort(key=lambda h: (-(h[1] - h[0]), h[4], h[0]))  # longest first; exact before misspelt
        kept: list[tuple[int, int, str, tuple[WatchTerm, ...], int]] = []
        for hit in hits:
            if not any(hit[0] < e and s < hit[1] for s, e, *_ in kept):
                kept.append(hit)
        kept = [h for h in kept if not _substituted(folded, h[0], h[2])]
        findings = self._cas(text)
        if not kept:
            return findings
        folded_again, origin = _fold_map(text)
        assert folded_again == folded, "fold and _fold_map disagree"  # noqa: S101 - an internal invariant
        for start, end, _key, group, distance in sorted(kept, key=lambda k: k[0]):
            term = group[0]
            if term.kind == "near_miss":
                continue
            original = text[origin[start]:origin[end - 1] + 1]
            finding = "vague" if term.kind == "vague" else "named"
            form = " ".join(x for x in (_salt_before(folded, start), _salt_form(folded, end)) if x) \
                if finding == "named" else ""
            findings.append(Finding(finding, term.chemical or None, original, term.term, term.kind, term.language,
                                    term.list, term.source, form, distance, term.file, term.line))
        return findings

    def _cas(self, text: str) -> list[Finding]:
        if not _CAS_HINT.search(text):  # no digit-dash-digit and no "CAS": nothing to read
            return []
        norm = unicodedata.normalize("NFKC", text)
        out: list[Finding] = []
        seen: set[str] = set()
        found = [(m.start(), m.group(0), m.group(1) + m.group(2), m.group(3)) for m in _CAS_DASHED.finditer(norm)]
        found += [(m.start(1), m.group(1), m.group(1)[:-1], m.group(1)[-1]) for m in _CAS_BARE.finditer(norm)]
        for start, written, body, check in found:
            cas = f"{body[:-2]}-{body[-2:]}-{check}"
            if cas in seen:
                continue
            seen.add(cas)
            expected = cas_check_digit(body)
            if expected == int(check):
                term = self.cas.get(cas)
                if term:
                    out.append(Finding("cas", term.chemical, written, term.term, "cas", "any", term.list,
                                       term.source, "", 0, term.file, term.line))
                continue
            near = self.cas_bodies.get(body)
            if near is None and not _CAS_CONTEXT.search(norm[:start]):
                continue  # a date or a phone number, not a CAS number
            out.append(Finding(
                "cas_check_digit", None, written, near.term if near else "", "cas", "any",
                near.list if near else "", near.source if near else "",
                f"check digit {check}, expected {expected}", 0, near.file if near else "",
                near.line if near else 0))
        return out


def _salt_form(folded: str, end: int) -> str:
    """Salt / hydrate words right after a chemical name (the chemical stays the parent)."""
    rest = folded[end:]
    words = []
    for token in rest.split(" ")[:5]:
        if not token:
            continue
        if token in _SALT_WORDS:
            words.append(token)
            continue
        han, rest_token = [], token
        for salt in sorted(_HAN_SALTS, key=len, reverse=True):
            if salt in rest_token:
                han.append(salt)
                rest_token = rest_token.replace(salt, " ")
        if han:
            words.extend(sorted(han, key=token.find))
            continue
        if token.isdigit() or token in ("de", "of", "as"):
            continue
        break
    return " ".join(dict.fromkeys(words))


def _substituted(folded: str, start: int, key: str) -> bool:
    """A ring name with a locant ("4 piperidone") preceded by a substituent ("1 benzyl", "n methyl"):
    a different chemical (1-benzyl-4-piperidone is not 4-piperidone). Listed derivatives such as
    N-phenethyl-4-piperidone are longer terms and win before this is asked."""
    if not key[:1].isdigit():
        return False
    before = folded[:start].split()
    if before and before[-1].isdigit():
        before = before[:-1]
    return bool(before) and before[-1].endswith("yl") and before[-1].isascii()


def _salt_before(folded: str, start: int) -> str:
    """Salt words written before the name, as Spanish does: "clorhidrato de 4-piperidona"."""
    words = []
    for token in reversed(folded[:start].split(" ")[-4:]):
        if not token or token in ("de", "of"):
            continue
        if token in _SALT_WORDS:
            words.append(token)
            continue
        break
    return " ".join(reversed(words))


def match_text(text: str | None, terms: Iterable[WatchTerm] | None = None) -> list[Finding]:
    """Findings in one description against ``terms`` (default: the built-in lists).

    Examples
    --------
    >>> [(f.finding, f.chemical) for f in match_text("4-Piperidone HCl monohydrate, CAS 40064-34-4")]
    [('cas', '4-piperidone'), ('named', '4-piperidone')]
    >>> [(f.finding, f.chemical) for f in match_text("PIPERIDINE 99%")]
    []
    """
    return _matcher(terms).match(text)


_CACHE: dict[int, Matcher] = {}


def _matcher(terms: Iterable[WatchTerm] | None) -> Matcher:
    if terms is None:
        from tracekit.graph.watchlists import builtin_terms

        terms = builtin_terms()
    terms = tuple(terms)
    key = hash(terms)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = Matcher(terms)
    return _CACHE[key]


def match_descriptions(descriptions: Sequence[str], terms: Iterable[WatchTerm] | None = None, *,
                       progress: bool = False) -> pd.DataFrame:
    """Findings for many distinct descriptions: one row per finding (``FINDING_COLUMNS``)."""
    from tqdm.auto import tqdm

    matcher = _matcher(terms)
    rows = []
    for text in tqdm(descriptions, desc="matching descriptions", unit="desc", disable=not progress, leave=False,
                     mininterval=1.0):
        for f in matcher.match(text):
            rows.append((text, f.finding, f.chemical, f.matched_text, f.term, f.kind, f.language, f.list,
                         f.source, f.form, f.distance, f.file, f.line))
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)
