"""Fentanyl precursor watch list and a description matcher (names, synonyms, EN/ES/ZH, CAS numbers).

The list lives in ``data/precursors.csv`` with a source for every term. Five of the seven precursors
share the catch-all HS line 2933.39, so HS codes alone miss them: descriptions are matched by name. One
regular expression serves both Python (:func:`match_precursors`) and SQL (:func:`precursor_condition_sql`,
RE2 syntax, no look-around), so a flag on screen and a flag in the store mean the same thing.
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources

from tracekit.store import Store
from tracekit.store.engine import quote_literal

__all__ = ["PrecursorTerm", "precursor_terms", "match_precursors", "precursor_condition_sql",
           "PRECURSOR_HS6", "ensure_flags", "FLAG_PRECURSOR", "FLAG_PRECURSOR_HS"]

FLAG_PRECURSOR = "precursor"
"""Entity flag: traded goods whose description names a watch-listed precursor."""
FLAG_PRECURSOR_HS = "precursor_hs"
"""Entity flag: traded goods under an HS subheading specific to a precursor (2933.36 ANPP, 2933.37 NPP)."""

PRECURSOR_HS6 = ("293336", "293337")
"""HS 2022 subheadings that hold only fentanyl precursors (2933.39 is a catch-all, so not here)."""


@dataclass(frozen=True)
class PrecursorTerm:
    chemical: str
    term: str
    language: str
    kind: str
    cas: str
    hs6: str
    control: str
    source: str


@functools.cache
def precursor_terms() -> tuple[PrecursorTerm, ...]:
    """Every term of the watch list.

    Examples
    --------
    >>> sorted({t.chemical for t in precursor_terms()})[:3]
    ['1-boc-4-AP', '1-boc-4-piperidone', '4-AP']
    """
    text = resources.files("tracekit.query").joinpath("data/precursors.csv").read_text(encoding="utf-8")
    return tuple(PrecursorTerm(**row) for row in csv.DictReader(text.splitlines()))


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _term_pattern(term: str) -> str:
    parts = re.split(r"[\s\-]+", _normalise(term))
    body = r"[\s\-]*".join(re.escape(p) for p in parts if p)
    if term.isascii():  # Latin terms need boundaries; Han text has no spaces to bound on
        return rf"(?:^|[^a-z0-9]){body}(?:[^a-z0-9]|$)"
    return body


@functools.cache
def _compiled() -> tuple[re.Pattern, tuple[tuple[re.Pattern, PrecursorTerm], ...]]:
    terms = precursor_terms()
    combined = re.compile("|".join(_term_pattern(t.term) for t in terms))
    singles = tuple((re.compile(_term_pattern(t.term)), t) for t in terms)
    return combined, singles


def match_precursors(text: str | None) -> list[str]:
    """Watch-listed chemicals named in a goods description (longest match wins on overlaps).

    Examples
    --------
    >>> match_precursors("N-Phenethyl-4-piperidone 99% CAS 39742-60-4")
    ['NPP']
    >>> match_precursors("4-哌啶酮盐酸盐 一水合物")
    ['4-piperidone']
    >>> match_precursors("4-Piperidona, 25 kg"), match_precursors("PAPER CUPS")
    (['4-piperidone'], [])
    """
    if not text:
        return []
    norm = _normalise(text)
    combined, singles = _compiled()
    if not combined.search(norm):
        return []
    spans = []
    for pattern, term in singles:
        for m in pattern.finditer(norm):
            spans.append((m.start(), m.end(), term.chemical))
    spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
    taken: list[tuple[int, int]] = []
    found: list[str] = []
    for start, end, chemical in spans:
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        if chemical not in found:
            found.append(chemical)
    return found


def precursor_condition_sql(column: str) -> str:
    """A SQL condition true when ``column`` (a description) names a watch-listed precursor."""
    combined, _ = _compiled()
    return f"regexp_matches(lower({column}), {quote_literal(combined.pattern)})"


def ensure_flags(store: Store, fingerprint: str) -> None:
    """(Re)build ``graph_flags`` (entity_id, flag) for the graph state ``fingerprint`` if stale."""
    stamp = f"flags:{fingerprint}"
    if store.table_exists("graph_flags") and store.scalar(
        "SELECT count(*) FROM graph_state WHERE key = 'flags' AND value = ?", [stamp]
    ):
        return
    if store.read_only:
        return
    hs_list = ", ".join(quote_literal(h) for h in PRECURSOR_HS6)
    goods = f"""
      SELECT t.src, t.dst, t.notify,
             {precursor_condition_sql('s.description')} AS named,
             t.hs6 IN ({hs_list}) AS coded
      FROM graph_trade t JOIN shipments s ON s.shipment_id = t.shipment_id
      WHERE s.description IS NOT NULL OR t.hs6 IN ({hs_list})"""  # noqa: S608 - constants
    parties = " UNION ALL ".join(
        f"SELECT {role} AS entity_id, named, coded FROM goods WHERE {role} IS NOT NULL"  # noqa: S608
        for role in ("src", "dst", "notify")
    )
    with store.transaction():
        store.execute(f"""
CREATE OR REPLACE TABLE graph_flags AS
WITH goods AS ({goods}), parties AS ({parties})
SELECT DISTINCT entity_id, '{FLAG_PRECURSOR}' AS flag FROM parties WHERE named
UNION
SELECT DISTINCT entity_id, '{FLAG_PRECURSOR_HS}' AS flag FROM parties WHERE coded
""")  # noqa: S608 - constants and a quoted pattern only
        store.execute("INSERT OR REPLACE INTO graph_state VALUES ('flags', ?)", [stamp])
