"""Normalising one source's raw rows on Spark into ``shipments``, ``party_mentions`` and ``quarantine``.

The Spark twin of :mod:`tracekit.store.write`, stage for stage, running the ingest room's OWN SQL (the
functions of :mod:`tracekit.ingest.plan`, :mod:`~tracekit.ingest.evidence`, :mod:`~tracekit.ingest.gazetteer`
and :mod:`~tracekit.ingest.dates`, transpiled by the store seam): the same day-order probe, one stage pass
into ``shipments``, repeated record ids, the rows left out normalised again for their reason, column and
detail, the party mentions with their country evidence and locality, the warnings. What differs is only
how rows are written: each table gets the source's rows *appended* as new partitions
(:meth:`~tracekit.store.spark.SparkStore.append`: ``shipments`` by source and month, the others by source),
never a rewrite of what earlier loads wrote.
"""

# ruff: noqa: S608  -- table and column names come from the mapping's quoted identifiers and our own code

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from tracekit.ingest.codes import COUNTRY_TABLE, country_table
from tracekit.ingest.dates import choose_day_order, date_forms_probe_sql, describe_date_forms
from tracekit.ingest.evidence import (
    Declaration,
)
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
from tracekit.store.engine import quote_literal
from tracekit.store.report import SourceReport

__all__ = ["ensure_lookup_tables", "write_source_rows", "typed"]


def ensure_lookup_tables(store: Any) -> None:
    """The country-key lookup as a session view (DuckDB: a per-connection temp table). The gazetteer is read
    where the mentions are made, on the executors (:mod:`tracekit.store.spark_load_mentions`)."""
    session = store.session
    if not store.table_exists(COUNTRY_TABLE):
        keys = country_table()
        session.createDataFrame(list(keys.items()), "key STRING, alpha2 STRING").localCheckpoint() \
            .createOrReplaceTempView(COUNTRY_TABLE)
        store._registered.add(COUNTRY_TABLE)  # noqa: SLF001 - a view of the store's own session


def _day_orders(store: Any, raw: str, mapping: Mapping) -> tuple[dict, dict]:
    col = mapping.column("date")
    if not col:
        return {}, {}
    iso, compact, numeric, named, first, second = (int(v or 0) for v in
                                                   store.rows(date_forms_probe_sql(quote_ident(col), raw))[0])
    order = choose_day_order(first, second, "MDY" if mapping.kind == "ams" else "DMY")
    return {col: order}, {col: describe_date_forms(order, iso, compact, numeric, named)}


def _duplicates(store: Any, plan: StagePlan) -> None:
    """``tk_dups`` (line, first_line): rows repeating a record id of a clean earlier row (as on DuckDB)."""
    store.execute("DROP TABLE IF EXISTS tk_dups")
    col = plan.mapping.column("record_id")
    if not col:
        store.session.createDataFrame([], "line BIGINT, first_line BIGINT").createOrReplaceTempView("tk_dups")
        store._registered.add("tk_dups")  # noqa: SLF001
        return
    rid = f"nullif(trim({quote_ident(col)}), '')"
    repeated = (f"(SELECT * FROM {plan.raw_table} WHERE {rid} IN (SELECT {rid} FROM {plan.raw_table} "
                f"GROUP BY {rid} HAVING count(*) > 1))")
    stage = stage_sql(replace(plan, raw_table=repeated))
    store.execute(
        "CREATE TEMP TABLE tk_dups AS SELECT line, first_line FROM ("
        f"SELECT line, min(line) OVER (PARTITION BY record_id) AS first_line FROM ({stage}) "
        "WHERE reason IS NULL AND record_id IS NOT NULL) WHERE line > first_line")


def typed(store: Any, table: str, frame: Any) -> Any:
    """``frame`` with ``table``'s columns, in its order and types (missing ones NULL)."""
    from pyspark.sql import functions as F

    target = store.table(table).schema
    have = set(frame.columns)
    return frame.select(*[(F.col(f"`{f.name}`") if f.name in have else F.lit(None)).cast(f.dataType).alias(f.name)
                          for f in target.fields])


def write_source_rows(store: Any, *, source_id: int, raw: str, mapping: Mapping, source_name: str,
                      delimiter: str, rejects: Any, report: SourceReport,
                      step: Callable[[str], None] = lambda _: None, declaration: Declaration | None = None,
                      records_read: int | None = None) -> None:
    """Normalise, quarantine and write one source's raw rows (``raw``: the columns as text plus ``line``);
    ``rejects`` is a Spark DataFrame of the records the reader set aside (line, reason, col, detail, raw_text)
    or None; ``records_read`` the records the reader counted (default: the raw table's rows). Fills
    ``report`` and checks read = loaded + quarantined, independently counted."""
    orders, report.date_order = _day_orders(store, raw, mapping)
    plan = StagePlan(raw, mapping, orders, excel_serials=False)
    fields = ", ".join(quote_ident(n) for n in field_names())
    step("normalising")
    _duplicates(store, plan)
    loaded = store.spark(
        f"SELECT (CAST({source_id} AS BIGINT) << 32) | line AS shipment_id, {source_id} AS source_id, line, {fields} "
        f"FROM ({stage_sql(plan)}) s WHERE reason IS NULL "
        "AND NOT EXISTS (SELECT 1 FROM tk_dups d WHERE d.line = s.line)")
    store.append("shipments", typed(store, "shipments", loaded))
    report.rows_loaded = int(store.scalar(f"SELECT count(*) FROM shipments WHERE source_id = {source_id}"))
    roles = [r for r in PARTY_ROLES
             if any(f"{r}_{a}" in mapping.columns for a in (*PARTY_ATTRIBUTES, "contact", "name_address"))]
    step("party mentions")
    if roles:
        from tracekit.store.spark_load_mentions import write_mentions

        write_mentions(store, mapping, source_id, roles, declaration, report)
    step("quarantine")
    store.execute("DROP TABLE IF EXISTS tk_left_out")
    store.execute(f"CREATE TEMP TABLE tk_left_out AS SELECT * FROM {raw} r WHERE NOT EXISTS "
                  f"(SELECT 1 FROM shipments s WHERE s.source_id = {source_id} AND s.line = r.line)")
    raw_cols = [c for c in store.columns(raw) if c != "line"]
    record_col = quote_literal(mapping.column("record_id") or "")
    left_out = store.spark(
        f"SELECT {source_id} AS source_id, {quote_literal(source_name)} AS file, s.line, "
        f"coalesce(s.problem_column, {record_col}) AS \"column\", coalesce(s.reason, 'duplicate_record_id') AS reason, "
        "coalesce(s.detail, 'duplicate_record_id: first seen on line ' || d.first_line) AS detail, "
        f"{raw_text_sql(raw_cols, delimiter, 'r')} AS raw_text "
        f"FROM ({stage_sql(replace(plan, raw_table='tk_left_out'))}) s JOIN tk_left_out r ON r.line = s.line "
        "LEFT JOIN tk_dups d ON d.line = s.line")
    if rejects is not None:
        from pyspark.sql import functions as F

        rejected = rejects.select(F.lit(source_id).alias("source_id"), F.lit(source_name).alias("file"), "line",
                                  F.col("col").alias("column"), "reason", "detail", "raw_text")
        left_out = left_out.unionByName(rejected)
    store.append("quarantine", typed(store, "quarantine", left_out))
    _warn(store, plan, report)
    store.execute("DROP TABLE tk_left_out; DROP TABLE tk_dups")
    if notes := _derived_country_notes(store, mapping, source_id):
        report.notes.extend(notes)
    counts = store.rows(
        f"SELECT reason, count(*) FROM quarantine WHERE source_id = {source_id} GROUP BY reason ORDER BY reason")
    report.quarantine_reasons = {r: int(n) for r, n in counts}
    report.rows_quarantined = sum(report.quarantine_reasons.values())
    # read = what the reader counted as it parsed the file (rows + rejects), not what reached the tables
    report.rows_read = records_read if records_read is not None else int(store.count(raw))
    if report.rows_read != report.rows_loaded + report.rows_quarantined:  # a bug, never the user's data
        raise RuntimeError(f"{source_name}: rows read {report.rows_read} != loaded "
                           f"{report.rows_loaded} + quarantined {report.rows_quarantined}")


def _warn(store: Any, plan: StagePlan, report: SourceReport) -> None:
    flags, sql = warning_counts_sql(plan, "NOT EXISTS (SELECT 1 FROM tk_left_out b WHERE b.line = f.line)")
    counts = store.rows(sql)[0] if flags else []
    report.warnings = {WARNING_FLAGS[k]: int(n) for k, n in zip(flags, counts, strict=True) if n}


def _derived_country_notes(store: Any, mapping: Mapping, source_id: int) -> list[str]:
    derived = derived_countries(mapping)
    if not derived:
        return []
    counts = store.rows(
        f"SELECT {', '.join(f'count({quote_ident(f)})' for f in derived)} FROM shipments "
        f"WHERE source_id = {source_id}")[0]
    return [f"{field} taken from the last line of {cols[0]}..{cols[-1]} where it names a country "
            f"({n:,} rows); no {field.split('_')[0]} country column"
            for (field, cols), n in zip(derived.items(), counts, strict=True)]
