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
from typing import Any

from tracekit.ingest.codes import COUNTRY_TABLE, country_table
from tracekit.ingest.evidence import Declaration
from tracekit.ingest.mapping import Mapping
from tracekit.ingest.plan import StagePlan
from tracekit.store.load_rows import (
    day_orders,
    derived_country_notes,
    duplicates_sql,
    left_out_sql,
    loaded_rows_sql,
    party_roles,
    quarantine_rows_sql,
    reconcile,
    warn,
)
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


def _duplicates(store: Any, plan: StagePlan) -> None:
    """``tk_dups`` (line, first_line): rows repeating a record id of a clean earlier row (as on DuckDB)."""
    store.execute("DROP TABLE IF EXISTS tk_dups")
    sql = duplicates_sql(plan)
    if sql is None:
        store.session.createDataFrame([], "line BIGINT, first_line BIGINT").createOrReplaceTempView("tk_dups")
        store._registered.add("tk_dups")  # noqa: SLF001
        return
    store.execute(f"CREATE TEMP TABLE tk_dups AS {sql}")


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
                      records_read: int | None = None, excel_serials: bool = False) -> None:
    """Normalise, quarantine and write one source's raw rows (``raw``: the columns as text plus ``line``);
    ``rejects`` is a Spark DataFrame of the records the reader set aside (line, reason, col, detail, raw_text)
    or None; ``records_read`` the records the reader counted (default: the raw table's rows). Fills
    ``report`` and checks read = loaded + quarantined, independently counted."""
    orders, report.date_order = day_orders(store, raw, mapping)
    plan = StagePlan(raw, mapping, orders, excel_serials=excel_serials)
    step("normalising")
    _duplicates(store, plan)
    store.append("shipments", typed(store, "shipments", store.spark(loaded_rows_sql(plan, source_id))))
    report.rows_loaded = int(store.scalar(f"SELECT count(*) FROM shipments WHERE source_id = {source_id}"))
    roles = party_roles(mapping)
    step("party mentions")
    if roles:
        from tracekit.store.spark_load_mentions import write_mentions

        write_mentions(store, mapping, source_id, roles, declaration, report)
    step("quarantine")
    store.execute("DROP TABLE IF EXISTS tk_left_out")
    store.execute(f"CREATE TEMP TABLE tk_left_out AS {left_out_sql(raw, source_id)}")
    raw_cols = [c for c in store.columns(raw) if c != "line"]
    left_out = store.spark(quarantine_rows_sql(plan, source_id, source_name, raw_cols, delimiter))
    if rejects is not None:
        from pyspark.sql import functions as F

        rejected = rejects.select(F.lit(source_id).alias("source_id"), F.lit(source_name).alias("file"), "line",
                                  F.col("col").alias("column"), "reason", "detail", "raw_text")
        left_out = left_out.unionByName(rejected)
    store.append("quarantine", typed(store, "quarantine", left_out))
    warn(store, plan, report)
    store.execute("DROP TABLE tk_left_out; DROP TABLE tk_dups")
    if notes := derived_country_notes(store, mapping, source_id):
        report.notes.extend(notes)
    # read = what the reader counted as it parsed the file (rows + rejects), not what reached the tables
    reconcile(store, report, source_id, source_name,
              records_read if records_read is not None else int(store.count(raw)))
