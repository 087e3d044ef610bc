"""Export the resolution mention by mention, for review or audit outside tracekit."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from tracekit.errors import TracekitError
from tracekit.store import Store, quote_literal

__all__ = ["ExportResult", "export_mentions", "neutralise_sql"]

EXPORT_COLUMNS = ("source_file", "line", "record_id", "role", "raw_name", "entity_id", "entity_name")


def neutralise_sql(column: str) -> str:
    r"""SQL that prefixes ``'`` to text a spreadsheet would run as a formula (= + - @ tab CR).

    Examples
    --------
    >>> from tracekit.store import Store
    >>> Store(None).scalar("SELECT " + neutralise_sql("'=cmd'"))
    "'=cmd"
    """
    return (f"CASE WHEN regexp_matches({column}, '^[=+\\-@\\t\\r]') THEN '''' || {column} "
            f"ELSE {column} END")


@dataclass
class ExportResult:
    path: Path
    rows: int
    format: str

    def to_json(self) -> dict:
        return {"path": str(self.path), "rows": self.rows, "format": self.format}

    def __str__(self) -> str:
        return f"wrote {self.rows:,} mentions to {self.path} ({self.format})"

    def _repr_html_(self) -> str:
        return f"<p>{html.escape(str(self))}</p>"


def export_mentions(store: Store, out: str | Path, fmt: str | None = None) -> ExportResult:
    """Write every party mention with its entity to CSV or Parquet (by ``fmt`` or the file suffix)."""
    path = Path(out).expanduser().resolve()
    if path.is_dir():
        raise TracekitError(f"cannot export to {path}: it is a folder; give a file name, e.g. {path / 'mentions.csv'}")
    fmt = (fmt or path.suffix.lstrip(".") or "csv").lower()
    if fmt not in ("csv", "parquet"):
        raise TracekitError(f"cannot export to {path.name}: use a .csv or .parquet file (or --format)")
    if not store.table_exists("mention_entities"):
        raise TracekitError("nothing resolved yet: run `tracekit resolve` first")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TracekitError(f"cannot export to {path}: {exc.strerror or exc}") from exc
    text = (lambda c: neutralise_sql(c)) if fmt == "csv" else (lambda c: c)
    query = f"""
        SELECT {text('coalesce(s.path, s.name)')} AS source_file, m.line,
               {text('sh.record_id')} AS record_id, m.role, {text('m.name')} AS raw_name,
               me.entity_id, {text('e.name')} AS entity_name
        FROM party_mentions m
        LEFT JOIN shipments sh ON sh.shipment_id = m.shipment_id
        LEFT JOIN sources s ON s.source_id = m.source_id
        LEFT JOIN mention_entities me ON me.mention_id = m.mention_id
        LEFT JOIN entities e ON e.entity_id = me.entity_id
        ORDER BY m.source_id, m.line, m.mention_id
    """  # noqa: S608
    options = "FORMAT csv, HEADER true" if fmt == "csv" else "FORMAT parquet"
    try:
        store.execute(f"COPY ({query}) TO {quote_literal(str(path))} ({options})")
    except TracekitError as exc:  # the engine could not write the file (permissions, a full disk)
        raise TracekitError(f"cannot export to {path}: {exc}") from exc
    return ExportResult(path, store.count("party_mentions"), fmt)
