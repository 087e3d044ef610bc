"""Normalising sources' raw rows on Spark into ``shipments``, ``party_mentions`` and ``quarantine``.

The Spark twin of :mod:`tracekit.store.write`, stage for stage, running the ingest room's OWN SQL (the
functions of :mod:`tracekit.ingest.plan`, :mod:`~tracekit.ingest.evidence`, :mod:`~tracekit.ingest.gazetteer`
and :mod:`~tracekit.ingest.dates`, transpiled by the store seam): the same day-order probe, one stage pass
into ``shipments``, repeated record ids, the rows left out normalised again for their reason, column and
detail, the party mentions with their country evidence and locality, the warnings. What differs is only
how rows are written: each table gets the source's rows *appended* as new partitions
(:meth:`~tracekit.store.spark.SparkStore.append`: ``shipments`` by source and month, the others by source),
never a rewrite of what earlier loads wrote.

Many sources of one layout and mapping are normalised in ONE set of Spark jobs: their raw rows come as one
view whose ``line`` carries the source (``source_id << 32 | line``, :data:`~tracekit.store.load_rows.SOURCE_OF_LINE`),
and every per-source figure (day order, warnings, country evidence, counts, the reconciliation) is one
query grouped or unioned over the sources, so the job count does not grow with the number of files.
"""

# ruff: noqa: S608  -- table and column names come from the mapping's quoted identifiers and our own code

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from tracekit.ingest.codes import COUNTRY_TABLE, country_table
from tracekit.ingest.dates import date_forms_probe_sql
from tracekit.ingest.evidence import Declaration
from tracekit.ingest.mapping import Mapping
from tracekit.ingest.plan import (
    StagePlan,
    derived_countries,
    quote_ident,
    warning_counts_sql,
)
from tracekit.store.load_rows import (
    SOURCE_OF_LINE,
    day_order_from,
    derived_notes,
    duplicates_sql,
    left_out_sql,
    loaded_rows_sql,
    party_roles,
    quarantine_rows_sql,
    reconciled,
    warnings_from,
)
from tracekit.store.report import SourceReport

__all__ = ["ensure_lookup_tables", "write_source_rows", "write_sources_rows", "encoded_lines", "typed"]


def ensure_lookup_tables(store: Any) -> None:
    """The country-key lookup as a session view (DuckDB: a per-connection temp table). The gazetteer is read
    where the mentions are made, on the executors (:mod:`tracekit.store.spark_load_mentions`)."""
    session = store.session
    if not store.table_exists(COUNTRY_TABLE):
        keys = country_table()
        session.createDataFrame(list(keys.items()), "key STRING, alpha2 STRING").localCheckpoint() \
            .createOrReplaceTempView(COUNTRY_TABLE)
        store._registered.add(COUNTRY_TABLE)  # noqa: SLF001 - a view of the store's own session


def _view(store: Any, name: str, frame: Any) -> str:
    frame.createOrReplaceTempView(name)
    store._registered.add(name)  # noqa: SLF001 - a view of the store's own session
    return name


def _duplicates(store: Any, plan: StagePlan) -> None:
    """``tk_dups`` (line, first_line): rows repeating a record id of a clean earlier row of the same source."""
    store.execute("DROP TABLE IF EXISTS tk_dups")
    sql = duplicates_sql(plan, grouped=True)
    if sql is None:
        _view(store, "tk_dups", store.session.createDataFrame([], "line BIGINT, first_line BIGINT"))
        return
    store.execute(f"CREATE TEMP TABLE tk_dups AS {sql}")


def typed(store: Any, table: str, frame: Any) -> Any:
    """``frame`` with ``table``'s columns, in its order and types (missing ones NULL)."""
    from pyspark.sql import functions as F

    target = store.table(table).schema
    have = set(frame.columns)
    return frame.select(*[(F.col(f"`{f.name}`") if f.name in have else F.lit(None)).cast(f.dataType).alias(f.name)
                          for f in target.fields])


def encoded_lines(frame: Any, source_id: Any) -> Any:
    """``frame`` (raw columns + ``line``) with ``line`` carrying its source: ``source_id << 32 | line``
    (``source_id``: a number, or a column)."""
    from pyspark.sql import functions as F

    sid = source_id if not isinstance(source_id, int) else F.lit(source_id)
    return frame.withColumn("line", F.shiftleft(sid.cast("bigint"), 32).bitwiseOR(F.col("line").cast("bigint")))


def _of_source(view: str, source_id: int) -> str:
    return f"(SELECT * FROM {view} WHERE {SOURCE_OF_LINE} = {int(source_id)})"


def _unioned(parts: dict[int, str]) -> str:
    """One query: each source's one-row query, its id first (one Spark job for all the sources)."""
    return " UNION ALL ".join(f"SELECT {int(sid)} AS tk_source, * FROM ({sql})" for sid, sql in parts.items())


def _day_orders(store: Any, raw: str, mapping: Mapping, ids: list[int]) -> dict[int, tuple[dict, dict]]:
    """Each source's day order, decided on its own dates as the local load decides it (one query)."""
    col = mapping.column("date")
    if not col:
        return {sid: ({}, {}) for sid in ids}
    rows = store.rows(_unioned({sid: date_forms_probe_sql(quote_ident(col), _of_source(raw, sid)) for sid in ids}))
    return {int(sid): day_order_from(mapping, values) for sid, *values in rows}


def write_source_rows(store: Any, *, source_id: int, raw: str, mapping: Mapping, source_name: str,
                      delimiter: str, rejects: Any, report: SourceReport,
                      step: Callable[[str], None] = lambda _: None, declaration: Declaration | None = None,
                      records_read: int | None = None, excel_serials: bool = False) -> None:
    """One source's raw table ``raw`` (plain lines): :func:`write_sources_rows` for one."""
    from pyspark.sql import functions as F

    view = _view(store, "tk_source_raw", encoded_lines(store.table(raw), source_id))
    if rejects is not None:
        rejects = rejects.withColumn("source_id", F.lit(source_id))
    try:
        write_sources_rows(store, sources={source_id: source_name}, raw=view, mapping=mapping, delimiter=delimiter,
                           rejects=rejects, reports={source_id: report}, step=step, declaration=declaration,
                           records_read=None if records_read is None else {source_id: records_read},
                           excel_serials=excel_serials)
    finally:
        store.unregister(view)


def write_sources_rows(store: Any, *, sources: dict[int, str], raw: str, mapping: Mapping, delimiter: str,
                       rejects: Any, reports: dict[int, SourceReport], step: Callable[[str], None] = lambda _: None,
                       declaration: Declaration | None = None, records_read: dict[int, int] | None = None,
                       excel_serials: bool = False) -> None:
    """Normalise, quarantine and write the raw rows of ``sources`` (id → name), all of one mapping.

    ``raw``: a view of the sources' rows (columns as text, ``line`` carrying the source: :func:`encoded_lines`);
    ``rejects``: a Spark DataFrame of the records the reader set aside (source_id, line, reason, col, detail,
    raw_text) or None; ``records_read``: the records the reader counted per source (default: the raw rows).
    Fills each source's report and checks read = loaded + quarantined per source, independently counted.
    Sources whose dates read in different day orders are normalised in one pass per order.
    """
    ids = list(sources)
    orders = _day_orders(store, raw, mapping, ids)
    for sid in ids:
        reports[sid].date_order = orders[sid][1]
    passes: dict[str, list[int]] = {}
    for sid in ids:
        passes.setdefault(repr(sorted(orders[sid][0].items())), []).append(sid)
    for part in passes.values():
        view = raw if len(part) == len(ids) else _view(store, "tk_source_part", store.spark(
            f"SELECT * FROM {raw} WHERE {SOURCE_OF_LINE} IN ({', '.join(map(str, part))})"))
        plan = StagePlan(view, mapping, orders[part[0]][0], excel_serials=excel_serials)
        _one_pass(store, plan, {sid: sources[sid] for sid in part}, delimiter, step, declaration,
                  {sid: reports[sid] for sid in part})
    if rejects is not None:
        from pyspark.sql import functions as F

        names = store.session.createDataFrame(list(sources.items()), "source_id INT, file STRING")
        rejected = rejects.join(F.broadcast(names), "source_id").select(
            "source_id", "file", "line", F.col("col").alias("column"), "reason", "detail", "raw_text")
        store.append("quarantine", typed(store, "quarantine", rejected))
    _counts(store, mapping, sources, reports, raw, records_read)


def _one_pass(store: Any, plan: StagePlan, sources: dict[int, str], delimiter: str, step: Callable[[str], None],
              declaration: Declaration | None, reports: dict[int, SourceReport]) -> None:
    ids = list(sources)
    step("normalising")
    _duplicates(store, plan)
    store.append("shipments", typed(store, "shipments", store.spark(loaded_rows_sql(plan, None))))
    roles = party_roles(plan.mapping)
    step("party mentions")
    if roles:
        from tracekit.store.spark_load_mentions import write_mentions

        write_mentions(store, plan.mapping, ids, roles, declaration, reports)
    step("quarantine")
    store.execute("DROP TABLE IF EXISTS tk_left_out")
    store.execute(f"CREATE TEMP TABLE tk_left_out AS {left_out_sql(plan.raw_table, ids)}")
    raw_cols = [c for c in store.columns(plan.raw_table) if c != "line"]
    left_out = store.spark(quarantine_rows_sql(plan, None, sources, raw_cols, delimiter))
    store.append("quarantine", typed(store, "quarantine", left_out))
    _warn(store, plan, ids, reports)
    store.execute("DROP TABLE tk_left_out; DROP TABLE tk_dups")


def _warn(store: Any, plan: StagePlan, ids: list[int], reports: dict[int, SourceReport]) -> None:
    """Each source's loaded rows whose value was kept but not understood (one query for all sources)."""
    parts, flags = {}, []
    for sid in ids:
        flags, parts[sid] = warning_counts_sql(replace(plan, raw_table=_of_source(plan.raw_table, sid)),
                                               "NOT EXISTS (SELECT 1 FROM tk_left_out b WHERE b.line = f.line)")
    counts = {int(r[0]): r[1:] for r in store.rows(_unioned(parts))} if flags else {}
    for sid in ids:
        reports[sid].warnings = warnings_from(flags, counts.get(sid, [0] * len(flags)))


def _counts(store: Any, mapping: Mapping, sources: dict[int, str], reports: dict[int, SourceReport], raw: str,
            records_read: dict[int, int] | None) -> None:
    """Loaded and quarantined rows per source counted from the tables, notes, and read = loaded + quarantined."""
    ids = ", ".join(map(str, sources))
    derived = derived_countries(mapping)
    extra = "".join(f", count({quote_ident(f)})" for f in derived)
    loaded = {int(r[0]): r[1:] for r in store.rows(
        f"SELECT source_id, count(*){extra} FROM shipments WHERE source_id IN ({ids}) GROUP BY source_id")}
    reasons: dict[int, dict[str, int]] = {}
    for sid, reason, n in store.rows(f"SELECT source_id, reason, count(*) FROM quarantine WHERE source_id IN ({ids}) "
                                     "GROUP BY source_id, reason ORDER BY source_id, reason"):
        reasons.setdefault(int(sid), {})[reason] = int(n)
    if records_read is None:
        records_read = {int(r[0]): int(r[1]) for r in store.rows(
            f"SELECT {SOURCE_OF_LINE}, count(*) FROM {raw} GROUP BY 1")}
    for sid, name in sources.items():
        report = reports[sid]
        counts = loaded.get(sid, (0, *[0] * len(derived)))
        report.rows_loaded = int(counts[0])
        report.notes.extend(derived_notes(mapping, counts[1:]))
        # read = what the reader counted as it parsed the file (rows + rejects), not what reached the tables
        reconciled(report, name, records_read.get(sid, 0), reasons.get(sid, {}))
