"""What a load did, source by source: rows read = loaded + quarantined, why rows were set aside,
which column fed which field. Renders as text (terminal) and, through the one render mixin
(:mod:`tracekit.rendering`), as escaped HTML (notebook)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from tracekit.ingest.mapping import Mapping
from tracekit.rendering import Report

__all__ = ["SourceReport", "LoadReport", "QUARANTINE_REASONS"]

QUARANTINE_REASONS: dict[str, str] = {
    "bad_encoding": "bytes that are not valid in the file's encoding",
    "ragged_line": "more or fewer fields than the header",
    "malformed_line": "quoting the CSV reader cannot follow, or a line over the size limit",
    "truncated": "the last line of a truncated archive, cut off mid-record",
    "no_party": "neither a shipper nor a consignee name",
    "bad_date": "a date in no recognised form, or an impossible one",
    "negative_weight": "a weight below zero",
    "bad_weight": "a weight that is not a number, or in an unknown unit",
    "bad_hs_code": "an HS code with letters or other marks, or too short/long",
    "duplicate_record_id": "the record id appeared on an earlier line of the same file",
}
"""Every reason a row can be quarantined, in priority order: a row with several problems is filed
under the first that applies, and ``detail`` lists them all."""


@dataclass
class SourceReport:
    """The outcome for one source file (or DataFrame)."""

    name: str
    status: str  # "loaded" | "replaced" | "skipped" (a changed file loaded on_change="as_new" is "loaded", with a note)
    source_id: int | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    quarantine_reasons: dict[str, int] = field(default_factory=dict)
    warnings: dict[str, int] = field(default_factory=dict)
    mapping: Mapping | None = None
    format: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    date_order: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    field_warnings: list[str] = field(default_factory=list)
    """Loud warnings about fields the source lacks (no date, no description, a party missing) and the
    queries that will not work on it (:func:`tracekit.ingest.mapping.missing_field_warnings`)."""
    declaration: dict[str, str] | None = None  # {"declaring_country": "MX", "declaration": "import"}
    country_sources: dict[str, int] = field(default_factory=dict)  # mentions per party_mentions.country_source
    country_conflicts: dict[str, int] = field(default_factory=dict)  # weaker evidence naming another country
    localities: int = 0  # mentions whose address named a recognised city or locality
    mentions_pending: bool = False  # party mentions deferred: written at first use (tracekit.store.mentions)

    def evidence_text(self) -> str:
        """One line: where party countries came from, the conflicts, the localities found."""
        if self.mentions_pending:
            return ("party mentions: pending, written (with their countries and localities) at the first verb "
                    "that reads them (resolve, info, flags, exports, sql), or now with mentions='now' "
                    "(--mentions now)")
        sources = ", ".join(f"{k} {v:,}" for k, v in self.country_sources.items()) or "none"
        text = f"party countries from: {sources}; localities recognised: {self.localities:,}"
        if self.country_conflicts:
            text += ("; weaker evidence disagreeing (kept the stronger): "
                     + ", ".join(f"{k} {v:,}" for k, v in self.country_conflicts.items()))
        return text

    def to_json(self) -> dict:
        return {
            "name": self.name, "status": self.status, "source_id": self.source_id,
            "rows_read": self.rows_read, "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined, "quarantine_reasons": dict(self.quarantine_reasons),
            "warnings": dict(self.warnings), "mapping": self.mapping.to_json() if self.mapping else None,
            "format": self.format, "encoding": self.encoding, "delimiter": self.delimiter,
            "date_order": dict(self.date_order), "notes": list(self.notes), "seconds": round(self.seconds, 3),
            "field_warnings": list(self.field_warnings),
            "declaration": dict(self.declaration) if self.declaration else None,
            "country_sources": dict(self.country_sources), "country_conflicts": dict(self.country_conflicts),
            "localities": self.localities, "mentions_pending": self.mentions_pending,
        }


def _reasons_text(reasons: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass
class LoadReport(Report):
    """The result of ``ws.load``: one :class:`SourceReport` per source plus totals; renders through the one
    mixin (escaped HTML, ``to_frame()``: one row per source), its text and ``--json`` as below.

    ``rows_read == rows_loaded + rows_quarantined`` always holds, per source and in total.
    """

    sources: list[SourceReport] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rows_read(self) -> int:
        return sum(s.rows_read for s in self.sources)

    @property
    def rows_loaded(self) -> int:
        return sum(s.rows_loaded for s in self.sources)

    @property
    def rows_quarantined(self) -> int:
        return sum(s.rows_quarantined for s in self.sources)

    @property
    def quarantine_reasons(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for s in self.sources:
            for reason, n in s.quarantine_reasons.items():
                total[reason] = total.get(reason, 0) + n
        return dict(sorted(total.items()))

    @property
    def warnings(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for s in self.sources:
            for key, n in s.warnings.items():
                total[key] = total.get(key, 0) + n
        return dict(sorted(total.items()))

    @property
    def mapping(self) -> Mapping | None:
        """The mapping of the first loaded source (each source has its own: see ``sources``)."""
        return next((s.mapping for s in self.sources if s.mapping), None)

    def to_json(self) -> dict:
        return {
            "rows_read": self.rows_read, "rows_loaded": self.rows_loaded,
            "rows_quarantined": self.rows_quarantined, "quarantine_reasons": self.quarantine_reasons,
            "warnings": self.warnings, "seconds": round(self.seconds, 3),
            "field_warnings": [f"{s.name}: {w}" for s in self.sources for w in s.field_warnings],
            "sources": [s.to_json() for s in self.sources],
        }

    def __str__(self) -> str:
        lines = []
        for s in self.sources:
            lines.append(f"{s.name}: {s.status}, read {s.rows_read:,} = loaded {s.rows_loaded:,} "
                         f"+ quarantined {s.rows_quarantined:,} ({s.seconds:.2f} s)")
            lines.extend(f"  !! WARNING {w}" for w in s.field_warnings)
            if s.quarantine_reasons:
                lines.append(f"  quarantined: {_reasons_text(s.quarantine_reasons)}")
            if s.warnings:
                lines.append(f"  warnings: {_reasons_text(s.warnings)}")
            if s.format:
                how = ", ".join(x for x in (s.format, s.encoding, s.delimiter and repr(s.delimiter)) if x)
                lines.append(f"  read as {how}")
            if s.date_order:
                lines.append("  dates: " + ", ".join(f"{c} read {o}" for c, o in s.date_order.items()))
            if s.declaration:
                lines.append(f"  declaration: {s.declaration['declaration']} declarations filed in "
                             f"{s.declaration['declaring_country']}")
            if s.status != "skipped":
                lines.append("  " + s.evidence_text())
            lines.extend(f"  note: {n}" for n in s.notes)
            if s.mapping:
                lines.extend("  " + ln for ln in str(s.mapping).splitlines())
        rate = f", {self.rows_read / self.seconds:,.0f} rows/s" if self.seconds > 0 and self.rows_read else ""
        lines.append(f"total: read {self.rows_read:,} = loaded {self.rows_loaded:,} + quarantined "
                     f"{self.rows_quarantined:,} in {self.seconds:.2f} s{rate}")
        if self.quarantine_reasons:
            lines.append(f"quarantined: {_reasons_text(self.quarantine_reasons)}  (see ws.quarantine())")
        return "\n".join(lines)

    # -- the render mixin's parts (HTML, mime bundle, to_frame, to_csv); text and JSON stay as above ----
    @property
    def title(self) -> str:
        return f"load: {len(self.sources):,} source{'s' if len(self.sources) != 1 else ''}"

    @property
    def frame(self) -> pd.DataFrame:
        """One row per source: status, rows read = loaded + quarantined, why, how it was read, seconds."""
        return pd.DataFrame(
            [(s.name, s.status, s.rows_read, s.rows_loaded, s.rows_quarantined, _reasons_text(s.quarantine_reasons),
              ", ".join(x for x in (s.format, s.encoding, s.delimiter and repr(s.delimiter)) if x),
              round(s.seconds, 2)) for s in self.sources],
            columns=["source", "status", "read", "loaded", "quarantined", "reasons", "read as", "seconds"])

    def warning_lines(self) -> list[str]:
        return [f"{s.name}: {w}" for s in self.sources for w in s.field_warnings]

    def summary_lines(self) -> list[str]:
        lines = [f"total: read {self.rows_read:,} = loaded {self.rows_loaded:,} + quarantined "
                 f"{self.rows_quarantined:,} in {self.seconds:.2f} s"]
        if self.quarantine_reasons:
            lines.append(f"quarantined: {_reasons_text(self.quarantine_reasons)} (see ws.quarantine())")
        for s in self.sources:
            if s.declaration:
                lines.append(f"{s.name}: {s.declaration['declaration']} declarations filed in "
                             f"{s.declaration['declaring_country']}")
            if s.status != "skipped":
                lines.append(f"{s.name}: {s.evidence_text()}")
            lines.extend(f"{s.name}: note: {n}" for n in s.notes)
        return lines

    def extra_tables(self) -> dict[str, pd.DataFrame]:
        return {f"mapping of {s.name}": _mapping_frame(s.mapping) for s in self.sources if s.mapping}


def _mapping_frame(mapping: Mapping) -> pd.DataFrame:
    """The mapping as a table: field ← source column(s) with confidence, then the columns kept as extras."""
    rows = [(target, columns, confidence, "") for target, columns, confidence in mapping._rows()]
    rows += [("", column, "", f"kept as an extra column: {reason}") for column, reason in mapping.unmapped.items()]
    return pd.DataFrame(rows, columns=["field", f"source column ({mapping.kind})", "confidence", "note"])
