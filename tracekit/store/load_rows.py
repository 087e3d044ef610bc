"""What the DuckDB and the Spark load share once a source's rows are read: one definition, two engines.

:mod:`tracekit.store.write` (DuckDB) and :mod:`tracekit.store.spark_load_write` (Spark) run the same
statements over a source's raw rows (``raw``: its columns as text plus ``line``); only *how* rows are
written differs (an ``INSERT`` inside a transaction; new partitions appended). So the statements, the
party roles a mapping carries, the warnings and notes, the ``sources`` row and the reconciliation check
live here, each engine calling them through the store seam (``store.rows`` / ``store.execute``, SQL in
DuckDB's dialect, transpiled on Spark). All SQL text comes from :mod:`tracekit.ingest.plan`.
"""

# ruff: noqa: S608  -- table and column names come from the mapping's quoted identifiers and our own code

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from tracekit.ingest.dates import DayOrder, choose_day_order, date_forms_probe_sql, describe_date_forms
from tracekit.ingest.evidence import COUNTRY_SOURCES, Declaration
from tracekit.ingest.fields import PARTY_ATTRIBUTES, PARTY_ROLES, field_names
from tracekit.ingest.mapping import Mapping
from tracekit.ingest.plan import (
    WARNING_FLAGS,
    StagePlan,
    derived_countries,
    quote_ident,
    raw_text_sql,
    stage_sql,
    warning_counts_sql,
)
from tracekit.store.report import SourceReport
from tracekit.store.sqltext import quote_literal

__all__ = ["SOURCE_OF_LINE", "LINE_OF_LINE", "party_roles", "day_orders", "day_order_from", "warnings_from",
           "derived_notes", "reconciled", "duplicates_sql", "loaded_rows_sql", "left_out_sql", "quarantine_rows_sql",
           "warn", "derived_country_notes", "reconcile", "evidence_to_report", "SOURCES_INSERT", "sources_insert", "source_row"]


# Many sources normalised in ONE pass (the Spark load of many files of one layout): the raw rows' ``line``
# carries its source as ``source_id << 32 | line`` (a shipment id), since the stage passes ``line`` through
# untouched; these take it apart again.
SOURCE_OF_LINE = "(line >> 32)"
LINE_OF_LINE = "(line & 4294967295)"


def party_roles(mapping: Mapping) -> list[str]:
    """The party roles (shipper, consignee, notify) the mapping gives any column of."""
    return [r for r in PARTY_ROLES
            if any(f"{r}_{a}" in mapping.columns for a in (*PARTY_ATTRIBUTES, "contact", "name_address"))]


def day_orders(store: Any, raw: str, mapping: Mapping) -> tuple[dict[str, DayOrder], dict[str, str]]:
    """(day order per date column for the SQL, how each was read for the report)."""
    col = mapping.column("date")
    if not col:
        return {}, {}
    return day_order_from(mapping, store.rows(date_forms_probe_sql(quote_ident(col), raw))[0])


def day_order_from(mapping: Mapping, probe: tuple | list) -> tuple[dict[str, DayOrder], dict[str, str]]:
    """:func:`day_orders` from the row of :func:`~tracekit.ingest.dates.date_forms_probe_sql` (the mapping
    has a date column)."""
    col = mapping.column("date")
    iso, compact, numeric, named, first, second = (int(v or 0) for v in probe)
    order = choose_day_order(first, second, "MDY" if mapping.kind == "ams" else "DMY")
    return {col: order}, {col: describe_date_forms(order, iso, compact, numeric, named)}


def duplicates_sql(plan: StagePlan, *, grouped: bool = False) -> str | None:
    """``SELECT line, first_line``: rows repeating a record id already on a clean earlier row (None: the
    mapping has no record id). Only ids that occur more than once are normalised again (usually none).
    ``grouped``: the raw lines carry their source (:data:`SOURCE_OF_LINE`); ids repeat within a source only,
    and ``first_line`` is the line in the file."""
    col = plan.mapping.column("record_id")
    if not col:
        return None
    rid = f"nullif(trim({quote_ident(col)}), '')"
    repeated = (f"(SELECT * FROM {plan.raw_table} WHERE {rid} IN (SELECT {rid} FROM {plan.raw_table} "
                f"GROUP BY {rid} HAVING count(*) > 1))")
    stage = stage_sql(replace(plan, raw_table=repeated))
    within = f"record_id, {SOURCE_OF_LINE}" if grouped else "record_id"
    first = "(first_seen & 4294967295)" if grouped else "first_seen"
    return (f"SELECT line, {first} AS first_line FROM ("
            f"SELECT line, min(line) OVER (PARTITION BY {within}) AS first_seen FROM ({stage}) "
            "WHERE reason IS NULL AND record_id IS NOT NULL) WHERE line > first_seen")


def loaded_rows_sql(plan: StagePlan, source_id: int | None, duplicates: str = "tk_dups") -> str:
    """The source's clean rows as ``shipments`` rows: ``shipment_id, source_id, line`` and the fields
    (``source_id`` None: many sources whose lines carry it, :data:`SOURCE_OF_LINE`)."""
    fields = ", ".join(quote_ident(n) for n in field_names())
    ids = (f"line AS shipment_id, CAST({SOURCE_OF_LINE} AS INTEGER) AS source_id, {LINE_OF_LINE} AS line"
           if source_id is None else
           f"(CAST({int(source_id)} AS BIGINT) << 32) | line AS shipment_id, {int(source_id)} AS source_id, line")
    return (f"SELECT {ids}, {fields} FROM ({stage_sql(plan)}) s WHERE reason IS NULL "
            f"AND NOT EXISTS (SELECT 1 FROM {duplicates} d WHERE d.line = s.line)")


def left_out_sql(raw: str, source_id: int | list[int]) -> str:
    """The raw rows the normalising pass did not load (a problem, or a repeated record id); for a list of
    sources, ``raw``'s lines carry their source (:data:`SOURCE_OF_LINE`)."""
    if isinstance(source_id, list):
        ids = ", ".join(str(int(i)) for i in source_id)
        return (f"SELECT * FROM {raw} r WHERE NOT EXISTS "
                f"(SELECT 1 FROM shipments s WHERE s.source_id IN ({ids}) AND s.shipment_id = r.line)")
    return (f"SELECT * FROM {raw} r WHERE NOT EXISTS "
            f"(SELECT 1 FROM shipments s WHERE s.source_id = {int(source_id)} AND s.line = r.line)")


def quarantine_rows_sql(plan: StagePlan, source_id: int | None, source_name: str | dict[int, str],
                        raw_cols: list[str], delimiter: str, left_out: str = "tk_left_out",
                        duplicates: str = "tk_dups") -> str:
    """``quarantine`` rows (in its column order) for the rows of ``left_out``: normalised again, alone, for
    their reason, column and detail; ``duplicates`` (line, first_line) names the repeated record ids.
    ``source_id`` None: many sources whose lines carry it, ``source_name`` their names by id."""
    record_col = quote_literal(plan.mapping.column("record_id") or "")
    if source_id is None:
        assert isinstance(source_name, dict)
        names = " ".join(f"WHEN {int(i)} THEN {quote_literal(n)}" for i, n in source_name.items())
        ids = (f"CAST((s.line >> 32) AS INTEGER) AS source_id, CASE (s.line >> 32) {names} END AS file, "
               "(s.line & 4294967295) AS line")
    else:
        ids = f"{int(source_id)} AS source_id, {quote_literal(str(source_name))} AS file, s.line"
    return (
        f"SELECT {ids}, "
        f"coalesce(s.problem_column, {record_col}) AS \"column\", "
        "coalesce(s.reason, 'duplicate_record_id') AS reason, "
        "coalesce(s.detail, 'duplicate_record_id: first seen on line ' || d.first_line) AS detail, "
        f"{raw_text_sql(raw_cols, delimiter, 'r')} AS raw_text "
        f"FROM ({stage_sql(replace(plan, raw_table=left_out))}) s JOIN {left_out} r ON r.line = s.line "
        f"LEFT JOIN {duplicates} d ON d.line = s.line")


def warn(store: Any, plan: StagePlan, report: SourceReport, left_out: str = "tk_left_out") -> None:
    """Count loaded rows whose value was kept but not understood (unknown country, unparsed number…)."""
    flags, sql = warning_counts_sql(plan, f"NOT EXISTS (SELECT 1 FROM {left_out} b WHERE b.line = f.line)")
    report.warnings = warnings_from(flags, store.rows(sql)[0] if flags else [])


def warnings_from(flags: list[str], counts: tuple | list) -> dict[str, int]:
    """The report's warnings from :func:`~tracekit.ingest.plan.warning_counts_sql`'s flags and counts."""
    return {WARNING_FLAGS[k]: int(n) for k, n in zip(flags, counts, strict=True) if n}


def derived_country_notes(store: Any, mapping: Mapping, source_id: int) -> list[str]:
    """Report notes for countries read from the last line of an address block (no country column)."""
    derived = derived_countries(mapping)
    if not derived:
        return []
    counts = store.rows(
        f"SELECT {', '.join(f'count({quote_ident(f)})' for f in derived)} FROM shipments "
        f"WHERE source_id = {int(source_id)}")[0]
    return derived_notes(mapping, counts)


def derived_notes(mapping: Mapping, counts: tuple | list) -> list[str]:
    """:func:`derived_country_notes` from the counts of each derived country field's loaded values."""
    return [f"{field} taken from the last line of {cols[0]}..{cols[-1]} where it names a country "
            f"({int(n):,} rows); no {field.split('_')[0]} country column"
            for (field, cols), n in zip(derived_countries(mapping).items(), counts, strict=True)]


def reconcile(store: Any, report: SourceReport, source_id: int, source_name: str, rows_read: int) -> None:
    """Fill the report's quarantine counts from the table and check read = loaded + quarantined.

    ``rows_read`` is what the reader counted as it parsed (rows + rejects), ``report.rows_loaded`` what
    the normalising pass wrote: three independent counts, so a mismatch is a bug, never the user's data.
    """
    counts = store.rows(f"SELECT reason, count(*) FROM quarantine WHERE source_id = {int(source_id)} "
                        "GROUP BY reason ORDER BY reason")
    reconciled(report, source_name, rows_read, {r: int(n) for r, n in counts})


def reconciled(report: SourceReport, source_name: str, rows_read: int, reasons: dict[str, int]) -> None:
    """:func:`reconcile` from the quarantine rows counted per reason (``report.rows_loaded`` already set)."""
    report.quarantine_reasons = dict(sorted(reasons.items()))
    report.rows_quarantined = sum(report.quarantine_reasons.values())
    report.rows_read = int(rows_read)
    if report.rows_read != report.rows_loaded + report.rows_quarantined:
        raise RuntimeError(f"{source_name}: rows read {report.rows_read} != loaded "
                           f"{report.rows_loaded} + quarantined {report.rows_quarantined}")


def evidence_to_report(report: SourceReport, counts: tuple | list) -> None:
    """The row of :func:`tracekit.ingest.evidence.evidence_counts_sql` into the report's country sources,
    localities and conflicts."""
    n = len(COUNTRY_SOURCES)
    report.country_sources = {s: int(c) for s, c in zip(COUNTRY_SOURCES, counts[:n], strict=True) if c}
    report.localities = int(counts[n] or 0)
    conflicts = dict(zip(COUNTRY_SOURCES[1:], (int(c or 0) for c in counts[n + 1:2 * n]), strict=True))
    conflicts["address"] += int(counts[2 * n] or 0)  # the address's country words against its city
    report.country_conflicts = {s: c for s, c in conflicts.items() if c}


def sources_insert(rows: int = 1) -> str:
    """``INSERT INTO sources`` of ``rows`` rows, in the table's column order; each row's values from
    :func:`source_row`, one after the other."""
    return "INSERT INTO sources VALUES " + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)"] * rows)


SOURCES_INSERT = sources_insert(1)
"""The ``sources`` row, in the table's column order; its values from :func:`source_row`."""


def source_row(*, source_id: int, path: str | None, name: str, content_hash: str, report: SourceReport,
               mapping: Mapping, declaration: Declaration | None, raw_table: str | None, kind: str) -> list:
    """The values of :data:`SOURCES_INSERT` for a loaded source (``kind``: the source kind read)."""
    return [source_id, path, name, content_hash, report.format, report.encoding, report.delimiter,
            json.dumps({**mapping.to_json(), **(declaration.to_json() if declaration else {})}), raw_table,
            1 if kind in ("text", "xlsx") else 0, report.rows_read, report.rows_loaded, report.rows_quarantined]
