"""``ws.load`` on a Spark workspace: CSV and Parquet globs read by Spark, mapped, normalised and
quarantined as the local load does (:mod:`tracekit.store.load`), with the same :class:`LoadReport`.

Stage for stage, as on DuckDB:

1. **inspect** every source first, and decide its mapping on a bounded sample read on the driver with
   the ingest room's sniffer, sampler and automatic mapping (profiled by an in-memory DuckDB, the engine
   the mapping was tuned on): a mapping error stops the load before a row is written;
   files loaded before with other content stop it too (``on_change``), same bytes are skipped;
2. **read** each source on the executors into its raw table ``raw_NNNNN`` (every column as text plus its
   physical ``line``), the records the reader cannot split set aside with the local reasons
   (:mod:`tracekit.store.spark_load_read`);
3. **normalise** with the ingest room's SQL, transpiled: ``shipments`` (partitioned by source and month),
   ``party_mentions``, ``quarantine`` (:mod:`tracekit.store.spark_load_write`);
4. write the ``sources`` row; read = loaded + quarantined is checked for each file.

Paths with a scheme (``file://``, ``hdfs://``, ``s3a://``) are handed to Spark and Hadoop unchanged.
Each file is one source, as locally; Spark parallelises *within* a file (its byte-range splits), so a
few large files load faster than many small ones (every source costs ~20 Spark jobs of fixed overhead).

Not atomic across tables (Spark has no transactions, see :class:`~tracekit.store.spark.SparkStore`): an
interrupted source can leave its partitions in some tables; re-run the load with ``replace=True``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tqdm.auto import tqdm

from tracekit.errors import SourceError, WorkspaceError
from tracekit.ingest.evidence import Declaration, declaration
from tracekit.ingest.mapping import Mapping
from tracekit.ingest.sample import table_sample
from tracekit.ingest.sources import TextLayout
from tracekit.store.load import delete_source, raw_table_name
from tracekit.store.load_rows import SOURCES_INSERT, source_row
from tracekit.store.report import LoadReport, SourceReport
from tracekit.store.spark_load_read import (
    SparkSource,
    content_hash,
    read_parquet,
    read_text,
    remote_sample,
    spark_sources,
)
from tracekit.store.spark_load_write import ensure_lookup_tables, write_source_rows
from tracekit.store.versions import SourceChanged, changed_message, check_on_change

__all__ = ["spark_load"]


@dataclass
class _Prepared:
    item: SparkSource
    mapping: Mapping
    names: list[str]
    layout: TextLayout | None = None
    notes: list[str] = field(default_factory=list)


def _prepare(session: Any, item: SparkSource, mapping: Any, encoding: str | None,
             delimiter: str | None) -> _Prepared:
    """Sniff and map one source on the driver, exactly as the local load does (same functions)."""
    from tracekit.store.engine import Store
    from tracekit.store.load import _resolve

    scratch = Store(None)  # the mapping's sample profile runs on DuckDB, in memory, as locally
    try:
        if item.source.kind == "parquet":
            frame = session.read.parquet(item.uri)
            names = list(frame.columns)
            sample = frame.limit(2000).selectExpr(*[f"CAST(`{n}` AS STRING) AS `{n}`" for n in names]).toArrow()
            return _Prepared(item, _resolve(scratch, mapping, names, item.source,
                                            lambda: table_sample(sample, names)), names)
        from tracekit.ingest.sample import text_sample
        from tracekit.ingest.sources import sniff_text

        def inspect(source) -> _Prepared:  # noqa: ANN001
            layout = sniff_text(source, encoding, delimiter)
            resolved = _resolve(scratch, mapping, layout.names, source, lambda: text_sample(source, layout))
            return _Prepared(item, resolved, layout.names, layout)

        if item.remote:
            with remote_sample(session, item) as local:
                return inspect(local)
        try:
            return inspect(item.source)
        except OSError as exc:
            raise SourceError(f"{item.source.name}: cannot read the file: {exc.strerror or exc}") from exc
    finally:
        scratch.close()


def _existing(store: Any, content: str, name: str) -> list[tuple[int, str]]:
    return [(int(r[0]), r[1]) for r in store.rows(
        "SELECT source_id, content_hash FROM sources WHERE content_hash = ? OR name = ? ORDER BY source_id",
        [content, name])]


class _AlreadyLoaded(Exception):
    def __init__(self, source_id: int):
        super().__init__(source_id)
        self.source_id = source_id


def _load_one(store: Any, prepared: _Prepared, *, replace: bool, on_change: str | None,
              decl: Declaration | None, step: Callable[[str], None]) -> SourceReport:
    started = time.perf_counter()
    item, layout = prepared.item, prepared.layout
    source = item.source
    report = SourceReport(source.name, "loaded", mapping=prepared.mapping, notes=list(prepared.notes),
                          format="csv" if source.kind == "text" else source.kind,
                          field_warnings=prepared.mapping.warnings(),
                          declaration=decl.to_json() if decl else None)
    if layout is not None:
        report.encoding, report.delimiter = layout.encoding, layout.delimiter
    step("hashing")
    # numbered before a replaced version is removed, as locally: a replacement gets a new source id
    source_id = int(store.scalar("SELECT coalesce(max(source_id), 0) + 1 FROM sources"))
    content = content_hash(store.session, item)
    previous = _existing(store, content, source.name)
    same_bytes = [s for s, h in previous if h == content]
    if same_bytes and not replace:
        raise _AlreadyLoaded(same_bytes[0])
    other_versions = [s for s, h in previous if h != content]
    if other_versions and not replace and on_change is None:
        raise SourceChanged(changed_message([f"{source.name} (source {other_versions[-1]})"]))
    replace = replace or on_change == "replace"
    if other_versions and on_change == "as_new":
        report.notes.append(
            f"kept beside source {other_versions[-1]}, an earlier version of this file with other content "
            "(as_new): shipments in both versions count twice")
    if replace:
        for old, _ in previous:
            delete_source(store, old)
        report.status = "replaced" if previous else "loaded"
    raw = raw_table_name(source_id)
    step("reading")
    rejects, records_read = None, None
    if source.kind == "text":
        records, records_read = read_text(store.session, item, layout)
        from pyspark.sql import functions as F

        rows = records.where("kind = 'row'").select(
            *[F.col(f"c{i}").alias(n) for i, n in enumerate(prepared.names)], "line")
        rejects = records.where("kind = 'reject'").select("line", "reason", "col", "detail", "raw_text")
    else:
        rows = read_parquet(store.session, item, prepared.names)
    store.execute(f"DROP TABLE IF EXISTS {raw}")
    store._write(raw, rows)  # noqa: SLF001 - the raw table is a table of the store like any other
    write_source_rows(store, source_id=source_id, raw=raw, mapping=prepared.mapping, source_name=source.name,
                      delimiter=layout.delimiter if layout else ",", rejects=rejects, report=report, step=step,
                      declaration=decl, records_read=records_read)
    store.execute(SOURCES_INSERT, source_row(
        source_id=source_id, path=str(source.path) if source.path and not item.remote else item.uri,
        name=source.name, content_hash=content, report=report, mapping=prepared.mapping, declaration=decl,
        raw_table=raw, kind=source.kind))
    report.source_id = source_id
    report.seconds = time.perf_counter() - started
    return report


def spark_load(store: Any, sources: Any, mapping: Any = "auto", *, replace: bool = False,
               encoding: str | None = None, delimiter: str | None = None, progress: bool = True,
               declaring_country: str | None = None, declaration_kind: str | None = None,
               on_change: str | None = None) -> LoadReport:
    """Load CSV/Parquet files into a Spark workspace; see :meth:`tracekit.Workspace.load`."""
    started = time.perf_counter()
    check_on_change(on_change)
    if store.read_only:
        raise WorkspaceError(f"the workspace {store.folder} was opened read-only and a load changes it")
    decl = declaration(declaring_country, declaration_kind)
    items = spark_sources(store.session, sources)
    prepared = [_prepare(store.session, item, mapping, encoding, delimiter) for item in items]
    if not replace and on_change is None:
        changed = []
        for p in prepared:
            known = store.rows("SELECT source_id, content_hash FROM sources WHERE name = ? ORDER BY source_id",
                               [p.item.source.name])
            if known and content_hash(store.session, p.item) not in {h for _, h in known}:
                changed.append(f"{p.item.source.name} (source {known[-1][0]})")
        if changed:
            raise SourceChanged(changed_message(changed))
    ensure_lookup_tables(store)
    report = LoadReport()
    bar = tqdm(prepared, desc="loading on Spark", unit="source", disable=not progress or not prepared)
    for item in bar:
        name = item.item.source.name[-40:]
        bar.set_postfix_str(name)

        def step(what: str, name: str = name) -> None:
            bar.set_postfix_str(f"{name}: {what}")
        try:
            report.sources.append(_load_one(store, item, replace=replace, on_change=on_change, decl=decl,
                                            step=step))
        except _AlreadyLoaded as done:
            report.sources.append(SourceReport(
                item.item.source.name, "skipped", source_id=done.source_id, mapping=item.mapping,
                notes=[f"already loaded as source {done.source_id} (same content); "
                       "replace=True reloads it; totals below count nothing new"]))
    report.seconds = time.perf_counter() - started
    return report
