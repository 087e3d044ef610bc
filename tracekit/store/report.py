"""What a load did, source by source: rows read = loaded + quarantined, why rows were set aside,
which column fed which field. Renders as text (terminal) and as an HTML table (notebook)."""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from tracekit.ingest.mapping import Mapping

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

    def evidence_text(self) -> str:
        """One line: where party countries came from, the conflicts, the localities found."""
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
            "localities": self.localities,
        }


def _reasons_text(reasons: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))


@dataclass
class LoadReport:
    """The result of ``ws.load``: one :class:`SourceReport` per source plus totals.

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

    def _repr_html_(self) -> str:
        e = html.escape
        head = ("<tr><th>source</th><th>status</th><th>read</th><th>loaded</th><th>quarantined</th>"
                "<th>reasons</th><th>read as</th><th>s</th></tr>")
        body = []
        for s in self.sources:
            how = ", ".join(x for x in (s.format, s.encoding, s.delimiter and repr(s.delimiter)) if x)
            body.append(
                f"<tr><td>{e(s.name)}</td><td>{e(s.status)}</td><td>{s.rows_read:,}</td>"
                f"<td>{s.rows_loaded:,}</td><td>{s.rows_quarantined:,}</td>"
                f"<td>{e(_reasons_text(s.quarantine_reasons))}</td><td>{e(how)}</td><td>{s.seconds:.2f}</td></tr>"
            )
        total = (f"<tr><th>total</th><td></td><th>{self.rows_read:,}</th><th>{self.rows_loaded:,}</th>"
                 f"<th>{self.rows_quarantined:,}</th><td>{e(_reasons_text(self.quarantine_reasons))}</td>"
                 f"<td></td><td>{self.seconds:.2f}</td></tr>")
        loud = "".join(f"<p style='color:#b00;font-weight:bold'>&#9888; {e(s.name)}: {e(w)}</p>"
                       for s in self.sources for w in s.field_warnings)
        evidence = "".join(f"<p>{e(s.name)}: {e(s.evidence_text())}</p>" for s in self.sources if s.status != "skipped")
        details = "".join(
            f"<details><summary>mapping of {e(s.name)}</summary>{s.mapping._repr_html_()}</details>"
            for s in self.sources if s.mapping
        )
        return (f"<div class='tracekit-load-report'>{loud}<table>{head}{''.join(body)}{total}</table>{evidence}"
                f"{details}</div>")
