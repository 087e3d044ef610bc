"""Mapping before loading: ``ws.preview(FILE)`` and ``tracekit load FILE --dry-run``.

For each source: sniff it, read a bounded sample (:mod:`tracekit.ingest.sample`), profile the sample's
columns in one set-based query, and resolve the mapping exactly as a load would. Nothing is written to
the workspace: the sample is registered as a view for the profile query and dropped again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from tracekit.errors import MappingError
from tracekit.ingest.content import SAMPLE_ROWS, ColumnProfile, profile_sql, profiles_from_rows
from tracekit.ingest.mapping import Mapping, resolve_mapping
from tracekit.ingest.sample import first_values, table_sample, text_sample
from tracekit.ingest.sources import Source, expand_sources, sniff_text
from tracekit.ingest.tables import frame_to_table, read_xlsx
from tracekit.rendering import Report
from tracekit.store.engine import Store, quote_literal

__all__ = ["MappingPreview", "SourcePreview", "preview", "sample_source", "profile_sample"]


def profile_sample(store: Store, sample: pa.Table) -> dict[str, ColumnProfile]:
    """Profiles of every column of an all-text sample (one query; nothing written)."""
    from tracekit.store.write import ensure_country_table

    names = sample.column_names
    if not names:
        return {}
    ensure_country_table(store)
    safe = sample.rename_columns([f"c{i}" for i in range(len(names))])  # any header text is safe as a name
    with store.registered("tk_mapping_sample", safe):
        rows = store.rows(profile_sql("tk_mapping_sample"))
    back = {f"c{i}": n for i, n in enumerate(names)}
    rows = [(back[r[0]], *r[1:]) for r in rows]
    return profiles_from_rows(rows, names, {n: first_values(sample, n) for n in names})


def sample_source(store: Store, source: Source, *, encoding: str | None = None, delimiter: str | None = None,
                  rows: int = SAMPLE_ROWS) -> tuple[list[str], pa.Table, dict[str, Any]]:
    """(column names, an all-text sample of at most ``rows`` rows, how it was read) of one source."""
    if source.kind == "text":
        layout = sniff_text(source, encoding, delimiter)
        return layout.names, text_sample(source, layout, rows), {
            "format": "csv", "encoding": layout.encoding, "delimiter": layout.delimiter}
    if source.kind == "frame":
        table, names = frame_to_table(source.frame)
        return names, table_sample(table, names, rows), {"format": "frame"}
    if source.kind == "xlsx":
        data = None
        if source.member is not None:
            import zipfile

            with zipfile.ZipFile(source.path) as archive:
                data = archive.read(source.member)
        table, names, _ = read_xlsx(source.path, data)
        return names, table_sample(table, names, rows), {"format": "xlsx"}
    path = quote_literal(str(source.path))
    names = [r[0] for r in store.rows(f"DESCRIBE SELECT * FROM read_parquet({path})")]  # noqa: S608
    cast = ", ".join(f'CAST("{n.replace(chr(34), chr(34) * 2)}" AS VARCHAR)' for n in names)
    return names, store.arrow(f"SELECT {cast} FROM read_parquet({path}) LIMIT {int(rows)}").rename_columns(names), \
        {"format": "parquet"}  # noqa: S608


@dataclass
class SourcePreview:
    """The proposed mapping of one source, with sample values, before anything is written."""

    name: str
    mapping: Mapping | None
    profiles: dict[str, ColumnProfile]
    read_as: dict[str, Any] = field(default_factory=dict)
    sample_rows: int = 0
    error: str | None = None

    @property
    def warnings(self) -> list[str]:
        return self.mapping.warnings() if self.mapping else []

    def rows(self) -> list[dict[str, Any]]:
        """One row per source column: column, target (None when unmapped), confidence, reason, samples."""
        out = []
        decisions = {d.column: d for d in self.mapping.decisions} if self.mapping else {}
        targets = {c: t for t, cols in self.mapping.columns.items() for c in cols} if self.mapping else {}
        for column, profile in self.profiles.items():
            d = decisions.get(column)
            target = targets.get(column)
            if target == "weight" and "weight" in self.mapping.units:
                target = f"weight ({self.mapping.units['weight']})"
            reason = d.reason if d else ("given by the mapping" if target else
                                         (self.mapping.unmapped.get(column, "") if self.mapping else ""))
            confidence = d.confidence if d and d.target else (1.0 if target else 0.0)
            out.append({"column": column, "target": target, "confidence": round(confidence, 3), "reason": reason,
                        "samples": list(profile.samples)})
        return out

    def to_json(self) -> dict:
        return {"name": self.name, "read_as": self.read_as, "sample_rows": self.sample_rows,
                "mapping": self.mapping.to_json() if self.mapping else None, "columns": self.rows(),
                "warnings": self.warnings, "error": self.error}


@dataclass
class MappingPreview(Report):
    """What ``ws.load`` would do with each source's columns; renders as text, HTML (the one render mixin)
    and JSON."""

    sources: list[SourcePreview] = field(default_factory=list)

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame([{"source": s.name, **r} for s in self.sources for r in s.rows()])

    def to_json(self) -> dict:
        return {"dry_run": True, "sources": [s.to_json() for s in self.sources]}

    def __str__(self) -> str:
        lines = []
        for s in self.sources:
            how = ", ".join(f"{k} {v!r}" if k == "delimiter" else str(v) for k, v in s.read_as.items())
            lines.append(f"{s.name}: proposed mapping ({s.mapping.kind if s.mapping else 'none'}; read as {how}; "
                         f"{s.sample_rows:,} sample rows); nothing written")
            if s.error:
                lines.append(f"  ERROR: {s.error}")
            lines.extend(f"  WARNING {w}" for w in s.warnings)
            rows = s.rows()
            width = max((len(r["column"]) for r in rows), default=0)
            for r in rows:
                samples = " | ".join(_short(v) for v in r["samples"])
                if r["target"]:
                    lines.append(f"  {r['column']:<{width}} -> {r['target']} [{r['confidence']:.2f}] "
                                 f"{r['reason']}  e.g. {samples}")
            unmapped = [r for r in rows if not r["target"]]
            if unmapped:
                lines.append("  unmapped (kept as extra columns in the raw table):")
                lines.extend(f"    {r['column']}: {r['reason']}  e.g. {' | '.join(_short(v) for v in r['samples'])}"
                             for r in unmapped)
        return "\n".join(lines) or "(no sources)"

    # -- the render mixin's parts (escaped HTML, mime bundle, to_csv); text and JSON stay as above ----
    title = "proposed mapping, nothing written"

    @property
    def frame(self):  # noqa: ANN201 -- a DataFrame (pandas imported lazily here)
        frame = self.to_frame()
        if "target" in frame.columns:
            frame["target"] = frame["target"].fillna("(unmapped)")
        return frame

    def warning_lines(self) -> list[str]:
        return [f"{s.name}: {w}" for s in self.sources for w in s.warnings] + [
            f"{s.name}: error: {s.error}" for s in self.sources if s.error]

    def summary_lines(self) -> list[str]:
        return [f"{s.name}: read as " + ", ".join(f"{k} {v!r}" if k == "delimiter" else str(v)
                                                  for k, v in s.read_as.items())
                + f"; {s.sample_rows:,} sample rows; mapping {s.mapping.kind if s.mapping else 'none'}"
                for s in self.sources]


def _short(value: str, width: int = 40) -> str:
    value = " ".join(value.split())
    return value if len(value) <= width else value[: width - 1] + "…"


def preview(store: Store, sources: Any, mapping: Any = "auto", *, encoding: str | None = None,
            delimiter: str | None = None, sample_rows: int = SAMPLE_ROWS) -> MappingPreview:
    """The mapping ``ws.load`` would use for each source, with a sample; writes nothing."""
    result = MappingPreview()
    for source in expand_sources(sources):
        names, sample, read_as = sample_source(store, source, encoding=encoding, delimiter=delimiter,
                                               rows=sample_rows)
        profiles = profile_sample(store, sample)
        item = SourcePreview(source.name, None, profiles, read_as, sample.num_rows)
        try:
            item.mapping = resolve_mapping(mapping, names, source=source.name, profiles=profiles)
        except MappingError as exc:
            item.error = str(exc)
        result.sources.append(item)
    return result
