"""The ``"auto"`` mapping: header words proposed, sample content confirms, conflicts resolved globally.

Every (column, target) pair a header suggests (:func:`tracekit.ingest.headers.header_evidence`) gets a
confidence = header evidence × content fit (:func:`tracekit.ingest.content.content_fit`, when a sample
was profiled) and a reason. Pairs whose values contradict the header (a "date" column that holds no
dates) are refused with that reason rather than mapped silently. The rest are assigned strongest first:
one column per single-column target, each column to one target; a party's address may take several
columns (street, city, state, zip…), joined in header order. Columns whose header says nothing get a
content-only proposal for the few kinds content alone identifies (HS codes, dates, long free text).
Every column left over keeps a reason. Weight units and currencies named in headers are read here: a
value in a currency other than USD is never put in ``value_usd`` (there is no exchange-rate table).
"""

from __future__ import annotations

from collections.abc import Mapping as MappingABC
from collections.abc import Sequence
from dataclasses import dataclass, field

from tracekit.ingest.content import ColumnProfile, content_fit
from tracekit.ingest.headers import (
    ROLE_WORDS,
    HeaderWords,
    header_currency,
    header_evidence,
    header_unit,
    header_words,
)

__all__ = ["Decision", "Proposal", "propose", "MIN_CONFIDENCE"]

MIN_CONFIDENCE = 0.4
"""Pairs below this confidence are not mapped (the column stays an extra, with the reason)."""
_REFUTED = 0.5  # a content fit below this contradicts the header


@dataclass
class Decision:
    """What happened to one source column: its target (or None), the confidence and why."""

    column: str
    target: str | None
    confidence: float
    reason: str

    def to_json(self) -> dict:
        return {"column": self.column, "target": self.target, "confidence": round(self.confidence, 3),
                "reason": self.reason}


@dataclass
class Proposal:
    """target → columns, one :class:`Decision` per column, and units read from headers."""

    columns: dict[str, list[str]]
    decisions: list[Decision]
    units: dict[str, str] = field(default_factory=dict)


@dataclass
class _Candidate:
    column: str
    target: str
    confidence: float
    reason: str


def _declarant(headers: Sequence[str], columns_hint: set[str]) -> tuple[str, str]:
    """Which party a tax id with no party named belongs to: the declarant of the file, and why."""
    concepts = [c for h in headers for c in header_words(h).concepts]
    export = sum(c in ("export", "exporter", "departure") for c in concepts) + sum(
        "sb" in header_words(h).raw or "iec" in header_words(h).raw for h in headers)
    imports = sum(c in ("import", "importer", "arrival", "entry") for c in concepts) + sum(
        "pedimento" in header_words(h).raw or "rfc" in header_words(h).raw for h in headers)
    if export > imports:
        return "shipper", "an export declaration's declarant is the exporter (shipper)"
    if imports > export or "consignee" in columns_hint:
        return "consignee", "an import declaration's declarant is the importer (consignee)"
    return "shipper", "the only party named is the shipper"


def _value_check(column: str, profile: ColumnProfile | None, currency_columns: dict[str, ColumnProfile]
                 ) -> tuple[float, str]:
    """(factor, note) for a value column by its currency; factor 0 refuses it (not USD)."""
    said = header_currency(column)
    if said and said != "USD":
        return 0.0, f"value in {said}: no exchange rate; kept as an extra column"
    if said == "USD":
        return 1.0, "header says USD"
    for name, p in currency_columns.items():
        if p.currency and p.currency != "USD":
            return 0.0, f"value in {p.currency} (column {name}): no exchange rate; kept as an extra column"
        if p.currency == "USD":
            return 1.0, f"column {name} says USD"
    if profile is not None and profile.currency and profile.currency != "USD" and profile.currency_other >= 0.5:
        return 0.0, f"value in {profile.currency} (written in the values): no exchange rate; kept as an extra column"
    if profile is not None and profile.currency == "USD":
        return 1.0, "values say USD"
    return 0.85, "no currency named: taken as USD"


def _candidates(headers: Sequence[str], profiles: MappingABC[str, ColumnProfile] | None
                ) -> tuple[list[_Candidate], dict[str, str]]:
    """Every scored pair, and a refusal reason per column whose best evidence was refused."""
    currency_columns = {h: profiles[h] for h in headers
                        if profiles and h in profiles and header_words(h).concepts == ["currency"]}
    party_roles = {e.target.split("_")[0] for h in headers for e in header_evidence(h)
                   if e.target.endswith("_name")}
    declarant, declarant_why = _declarant(headers, party_roles)
    out: list[_Candidate] = []
    refused: dict[str, str] = {}
    for h in headers:
        profile = profiles.get(h) if profiles else None
        for e in header_evidence(h):
            target, reason = e.target, f"header {e.reason}"
            if target == "declarant_tax_id":
                target, reason = f"{declarant}_tax_id", f"header: {e.reason}; {declarant_why}"
            factor = 1.0
            if target == "value_usd":
                factor, note = _value_check(h, profile, currency_columns)
                if factor == 0.0:
                    refused.setdefault(h, note)
                    continue
                reason += f"; {note}"
            if profile is not None:
                if target == "record_id" and e.score < 0.9 and profile.n > 1 and profile.distinct_n < 0.9 * profile.n:
                    refused.setdefault(h, f"header suggests record_id ({e.reason}), but values repeat "
                                          f"({profile.distinct_n:,} distinct of {profile.n:,} sample values: one "
                                          "row per line item?); as a record id the repeats would be quarantined as "
                                          "duplicates; kept as an extra column")
                    continue
                fit, why = content_fit(target, profile)
                fit = _shrunk(fit, profile.n)
                if fit < _REFUTED:
                    refused.setdefault(h, f"header suggests {target} ({e.reason}), but {why}; kept as an extra column")
                    continue
                reason += f"; content: {why}"
                confidence = e.score * fit * factor
            else:
                confidence = e.score * factor
                reason += "; no sample to check the values"
            if target == "weight" and header_unit(h) == "KG":
                confidence += 0.02  # of two weight columns (kg and lb), the one in kilograms needs no conversion
            out.append(_Candidate(h, target, round(min(confidence, 1.0), 3), reason))
    return out, refused


def _shrunk(fit: float, n: int, prior: float = 0.8, weight: int = 2) -> float:
    """A content fit measured on ``n`` values, drawn toward ``prior`` when ``n`` is small: two or three
    odd values in a tiny file must not overrule a clear header, thirty should."""
    return (fit * n + prior * weight) / (n + weight)


def _content_only(column: str, p: ColumnProfile) -> list[_Candidate]:
    """Proposals for a column whose header says nothing, from its values alone (only unmistakable kinds)."""
    out = []
    if p.n >= 5 and p.hs_shape >= 0.9 and p.date < 0.5 and p.distinct_n > 1:
        out.append(_Candidate(column, "hs_code", 0.5, f"no header evidence; {p.hs:.0%} of values are HS-like codes"))
    if p.n >= 5 and p.date >= 0.9 and p.hs < 0.5:
        out.append(_Candidate(column, "date", 0.5, f"no header evidence; {p.date:.0%} of values are dates"))
    if p.n >= 5 and p.text >= 0.9 and p.avg_len >= 25 and p.company < 0.3 and p.address < 0.3:
        out.append(_Candidate(column, "description", 0.5,
                              f"no header evidence; {p.text:.0%} of values are long free text"))
    return out


def _qualifiers(column: str) -> frozenset[str]:
    """Words marking a variant of a field (``RAW SHIPPER ADDRESS1`` beside ``SHIPPER ADDRESS``)."""
    return frozenset(header_words(column).concepts) & {"raw", "standardized", "parent", "domestic", "overseas"}


def _roles_named(words: HeaderWords) -> set[str]:
    """Party roles a header's words name."""
    return {role for role, role_words in ROLE_WORDS.items() if set(words.concepts) & role_words}


def _multi(target: str) -> bool:
    return target.endswith("_address")


def propose(headers: Sequence[str], profiles: MappingABC[str, ColumnProfile] | None = None) -> Proposal:
    """The ``"auto"`` mapping of a source with ``headers`` (and sample ``profiles``, when taken).

    Examples
    --------
    >>> p = propose(["Goods Shipped", "Shipper", "Weight (kg)", "FOB Value (INR)", "Trade Mode"])
    >>> p.columns, p.units
    ({'description': ['Goods Shipped'], 'shipper_name': ['Shipper'], 'weight': ['Weight (kg)']}, {'weight': 'KG'})
    >>> [d.reason for d in p.decisions if d.target is None]
    ['value in INR: no exchange rate; kept as an extra column', 'no tracekit field matches its words (trade, mode); kept as an extra column']
    """
    headers = list(headers)
    candidates, refused = _candidates(headers, profiles)
    by_column: dict[str, Decision] = {}
    owner: dict[str, str] = {}
    columns: dict[str, list[str]] = {}
    lost: dict[str, str] = {}

    def assign(pool: list[_Candidate]) -> None:
        for cand in sorted(pool, key=lambda c: (-c.confidence, headers.index(c.column))):
            if cand.column in by_column:
                continue
            if cand.confidence < MIN_CONFIDENCE:
                lost.setdefault(cand.column, f"suggests {cand.target} at confidence {cand.confidence:.2f}, below "
                                             f"{MIN_CONFIDENCE} ({cand.reason})")
                continue
            if cand.target in owner and not _multi(cand.target):
                lost.setdefault(cand.column, f"suggests {cand.target} ({cand.confidence:.2f}), but column "
                                             f"{owner[cand.target]!r} fits it better")
                continue
            if cand.target in owner and _qualifiers(cand.column) != _qualifiers(owner[cand.target]):
                lost.setdefault(cand.column, f"another version of {cand.target} (words "
                                             f"{', '.join(sorted(_qualifiers(cand.column) ^ _qualifiers(owner[cand.target])))}"
                                             f"); column {owner[cand.target]!r} gives it")
                continue
            owner.setdefault(cand.target, cand.column)
            columns.setdefault(cand.target, []).append(cand.column)
            by_column[cand.column] = Decision(cand.column, cand.target, cand.confidence, cand.reason)

    assign(candidates)
    if profiles:
        silent = [h for h in headers if not header_evidence(h) and h in profiles]
        assign([c for h in silent for c in _content_only(h, profiles[h])])
    for target in columns:
        columns[target].sort(key=headers.index)
    units = {}
    if "weight" in columns and (unit := header_unit(columns["weight"][0])):
        units["weight"] = unit
        by_column[columns["weight"][0]].reason += f"; unit {unit} from the header"
        if unit_column := columns.pop("weight_unit", None):  # it belongs to another weight column
            del by_column[unit_column[0]]
            lost[unit_column[0]] = (f"a weight unit column, but the weight column {columns['weight'][0]!r} names "
                                    f"its own unit ({unit})")
    decisions = []
    for h in headers:
        if h in by_column:
            decisions.append(by_column[h])
            continue
        decisions.append(Decision(h, None, 0.0, _unmapped_reason(h, refused, lost, columns, profiles)))
    ordered = sorted(columns, key=lambda t: headers.index(columns[t][0]))
    return Proposal({t: columns[t] for t in ordered}, decisions, units)


def _unmapped_reason(h: str, refused: dict[str, str], lost: dict[str, str], columns: dict[str, list[str]],
                     profiles: MappingABC[str, ColumnProfile] | None) -> str:
    if h in refused:
        return refused[h]
    if h in lost:
        return lost[h] + "; kept as an extra column"
    words = header_words(h)
    if words.concepts == ["currency"]:
        value = columns.get("value_usd")
        return f"the currency of {value[0]!r}; kept as an extra column" if value else \
            "a currency with no value column; kept as an extra column"
    party_part = set(words.concepts) & {"address", "city", "state", "zip", "district", "country", "phone", "email",
                                        "contact", "name"}
    if party_part and not _roles_named(words):
        return (f"a party's {sorted(party_part)[0]} with no party named (shipper, consignee, notify…); kept as an "
                "extra column")
    if profiles and h in profiles and profiles[h].n == 0:
        return "empty in the sample and no tracekit field matches its words; kept as an extra column"
    evidence = header_evidence(h)
    if evidence:
        best = evidence[0]
        return f"suggests {best.target} too weakly ({best.reason}); kept as an extra column"
    said = ", ".join(words.raw) or h
    return f"no tracekit field matches its words ({said}); kept as an extra column"
