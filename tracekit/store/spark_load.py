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
Each file is one source, as locally. New text files of one layout and mapping are read as ONE DataFrame
(each record knows its file and physical line) and normalised in one set of Spark jobs, every per-file
figure (day order, warnings, evidence, read = loaded + quarantined) counted per file; a load that names a
file already in the workspace (skip, replace, as new), Parquet, and converted sources go one by one
(~20 Spark jobs of fixed overhead each).

Not atomic across tables (Spark has no transactions, see :class:`~tracekit.store.spark.SparkStore`): an
interrupted source can leave its partitions in some tables; re-run the load with ``replace=True``.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from tracekit.errors import SourceError, WorkspaceError
from tracekit.ingest.evidence import Declaration, declaration
from tracekit.ingest.mapping import Mapping
from tracekit.ingest.sample import table_sample
from tracekit.ingest.sources import TextLayout
from tracekit.store.load import delete_source, raw_table_name
from tracekit.store.load_rows import SOURCES_INSERT, source_row, sources_insert
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

LOAD_TOGETHER = True
"""Load new text files of one layout together (one set of Spark jobs); False: one file at a time, as before
(the benchmark's same-run baseline, tests/benchmarks/bench_spark_load.py)."""


@dataclass
class _Prepared:
    item: SparkSource
    mapping: Mapping
    names: list[str]
    layout: TextLayout | None = None
    notes: list[str] = field(default_factory=list)


def _prepare(session: Any, item: SparkSource, mapping: Any, encoding: str | None,
             delimiter: str | None, stage: Path | None = None) -> _Prepared:
    """Sniff and map one source on the driver, exactly as the local load does (same functions). A source
    Spark cannot read (.xlsx, a zip member, a DataFrame) is converted into ``stage`` first."""
    from tracekit.store.engine import Store
    from tracekit.store.load import _resolve

    scratch = Store(None)  # the mapping's sample profile runs on DuckDB, in memory, as locally
    try:
        if item.local:
            return _prepare_local(scratch, item, mapping, encoding, delimiter,
                                  stage if stage is not None else Path(tempfile.mkdtemp(prefix="tracekit-stage-")))
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


def _prepare_local(scratch: Any, item: SparkSource, mapping: Any, encoding: str | None, delimiter: str | None,
                   stage: Path) -> _Prepared:
    """An .xlsx, a zip member or a DataFrame: read and mapped by the local load's own functions on the
    driver, then written into ``stage`` (a folder of the workspace, which the executors see) as a file Spark
    reads: the local raw table as Parquet (every column as text plus the local ``line``: Excel row numbers,
    frame rows), or a zip member's text extracted as it is (its physical lines are the local ones)."""
    from tracekit.store.load import _prepare as local_prepare
    from tracekit.store.load import _table_hash

    source = item.source
    stage.mkdir(parents=True, exist_ok=True)
    prepared = local_prepare(scratch, source, mapping, encoding, delimiter)
    target = stage / f"{time.time_ns()}-{len(list(stage.iterdir()))}"
    if prepared.table is not None:  # xlsx (also inside a zip) and DataFrames
        import pyarrow.parquet as pq

        target = target.with_suffix(".parquet")
        pq.write_table(prepared.table, target)
        digest = _table_hash(prepared.table)
    else:  # a text member of a zip archive
        from tracekit.ingest.sources import copy_member

        target = target.with_suffix(".csv")
        digest = copy_member(source, target).sha256
    staged = SparkSource(source, target.resolve().as_uri(), remote=False, local=True, digest=digest)
    return _Prepared(staged, prepared.mapping, prepared.names, prepared.layout, notes=list(prepared.notes))


def _existing(store: Any, content: str, name: str | None) -> list[tuple[int, str]]:
    by_name = " OR name = ?" if name is not None else ""  # a DataFrame has no name to know it by
    return [(int(r[0]), r[1]) for r in store.rows(
        f"SELECT source_id, content_hash FROM sources WHERE content_hash = ?{by_name} ORDER BY source_id",  # noqa: S608
        [content, name] if name is not None else [content])]


class _AlreadyLoaded(Exception):
    def __init__(self, source_id: int):
        super().__init__(source_id)
        self.source_id = source_id


def _report(prepared: _Prepared, decl: Declaration | None) -> SourceReport:
    source, layout = prepared.item.source, prepared.layout
    report = SourceReport(source.name, "loaded", mapping=prepared.mapping, notes=list(prepared.notes),
                          format="csv" if source.kind == "text" else source.kind,
                          field_warnings=prepared.mapping.warnings(),
                          declaration=decl.to_json() if decl else None)
    if layout is not None:
        report.encoding, report.delimiter = layout.encoding, layout.delimiter
    return report


def _load_one(store: Any, prepared: _Prepared, *, replace: bool, on_change: str | None,
              decl: Declaration | None, step: Callable[[str], None], source_id: int | None = None) -> SourceReport:
    started = time.perf_counter()
    item, layout = prepared.item, prepared.layout
    source = item.source
    report = _report(prepared, decl)
    step("hashing")
    # numbered before a replaced version is removed, as locally: a replacement gets a new source id
    if source_id is None:
        source_id = int(store.scalar("SELECT coalesce(max(source_id), 0) + 1 FROM sources"))
    content = content_hash(store.session, item)
    previous = _existing(store, content, source.name if source.kind != "frame" else None)
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
    if layout is not None:  # text, a file or a zip member extracted into the stage
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
                      declaration=decl, records_read=records_read, excel_serials=source.kind == "xlsx")
    store.execute(SOURCES_INSERT, source_row(
        source_id=source_id, path=item.uri if item.remote else (str(source.path) if source.path else None),
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
    # converted sources are staged in the workspace (the executors read it) and removed after the load
    with tempfile.TemporaryDirectory(prefix="tracekit-spark-load-", dir=store._root) as stage:  # noqa: SLF001
        prepared = [_prepare(store.session, item, mapping, encoding, delimiter, Path(stage)) for item in items]
        return _load_prepared(store, prepared, replace=replace, on_change=on_change, decl=decl,
                              progress=progress, started=started)


def _load_prepared(store: Any, prepared: list[_Prepared], *, replace: bool, on_change: str | None,
                   decl: Declaration | None, progress: bool, started: float) -> LoadReport:
    if not replace and on_change is None:
        changed = []
        for p in prepared:
            if p.item.source.kind == "frame":
                continue  # known by its content only, as locally
            known = store.rows("SELECT source_id, content_hash FROM sources WHERE name = ? ORDER BY source_id",
                               [p.item.source.name])
            if known and content_hash(store.session, p.item) not in {h for _, h in known}:
                changed.append(f"{p.item.source.name} (source {known[-1][0]})")
        if changed:
            raise SourceChanged(changed_message(changed))
    ensure_lookup_tables(store)
    report = LoadReport()
    if LOAD_TOGETHER and (ids := _new_sources(store, prepared)) is not None:
        report.sources = _load_together(store, prepared, ids, replace=replace, on_change=on_change, decl=decl,
                                        progress=progress)
        report.seconds = time.perf_counter() - started
        return report
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


# -- many files of one layout as ONE set of Spark jobs ----------------------------------------------------
def _new_sources(store: Any, prepared: list[_Prepared]) -> list[int] | None:
    """Source ids for a load of sources all new to the workspace (no earlier source with their bytes or, a
    DataFrame aside, their name; none twice in the load): numbered in order, as the local load numbers them.
    None when some source is known: then each goes alone, through the version rules (skip, replace, as new)."""
    hashes = [content_hash(store.session, p.item) for p in prepared]
    names = [p.item.source.name for p in prepared if p.item.source.kind != "frame"]
    if len(set(hashes)) < len(hashes) or len(set(names)) < len(names):
        return None
    known = store.rows("SELECT name, content_hash FROM sources")
    if {h for _, h in known} & set(hashes) or {n for n, _ in known} & set(names):
        return None
    for p, digest in zip(prepared, hashes, strict=True):
        p.item.digest = digest  # hashed once
    first = int(store.scalar("SELECT coalesce(max(source_id), 0) + 1 FROM sources"))
    return [first + i for i in range(len(prepared))]


def _layout_key(p: _Prepared) -> str | None:
    """Text files of one layout and mapping are read and normalised together; anything else alone."""
    if p.layout is None:
        return None
    sql_inputs = {k: v for k, v in p.mapping.to_json().items() if k != "decisions"}  # what the SQL reads
    return json.dumps([p.layout.encoding, p.layout.delimiter, list(p.layout.names), sql_inputs], sort_keys=True)


def _load_together(store: Any, prepared: list[_Prepared], ids: list[int], *, replace: bool, on_change: str | None,
                   decl: Declaration | None, progress: bool) -> list[SourceReport]:
    groups: dict[Any, list[int]] = {}
    for i, p in enumerate(prepared):
        key = _layout_key(p)
        groups.setdefault(key if key is not None else ("alone", i), []).append(i)
    reports: dict[int, SourceReport] = {}
    bar = tqdm(total=len(prepared), desc="loading on Spark", unit="source", disable=not progress or not prepared)
    with bar:
        for members in groups.values():
            name = prepared[members[0]].item.source.name[-40:] + (f" (+{len(members) - 1})" if len(members) > 1 else "")

            def step(what: str, name: str = name) -> None:
                bar.set_postfix_str(f"{name}: {what}")
            if len(members) == 1 and prepared[members[0]].layout is None:
                reports[members[0]] = _load_one(store, prepared[members[0]], replace=replace, on_change=on_change,
                                                decl=decl, step=step, source_id=ids[members[0]])
            else:
                reports.update(zip(members, _load_group(store, [prepared[i] for i in members],
                                                        [ids[i] for i in members], decl, step), strict=True))
            bar.update(len(members))
    return [reports[i] for i in range(len(prepared))]


def _load_group(store: Any, group: list[_Prepared], ids: list[int], decl: Declaration | None,
                step: Callable[[str], None]) -> list[SourceReport]:
    """Text files of one layout and mapping, new to the workspace: read as one DataFrame (each record knows
    its file and physical line), the raw tables written in one job, normalised in one set of jobs, every
    per-file figure (day order, warnings, evidence, counts, read = loaded + quarantined) counted per file."""
    from pyspark.sql import functions as F

    from tracekit.store.spark_load_read import read_texts
    from tracekit.store.spark_load_write import encoded_lines, write_sources_rows

    started = time.perf_counter()
    first = group[0]
    reports = {sid: _report(p, decl) for sid, p in zip(ids, group, strict=True)}
    if len(group) > 1:
        for report in reports.values():
            report.notes.append(f"read and normalised together with {len(group) - 1} other file(s) of this "
                                "layout in one set of Spark jobs (seconds: the group's, shared)")
    step("reading")
    records, counts = read_texts(store.session, [p.item for p in group], first.layout)
    files = store.session.createDataFrame(list(enumerate(ids)), "file INT, source_id INT")
    records = records.join(F.broadcast(files), "file")
    rows = records.where("kind = 'row'").select(
        *[F.col(f"c{i}").alias(n) for i, n in enumerate(first.names)], "line", "source_id")
    store.write_split({sid: raw_table_name(sid) for sid in ids}, rows)  # each file's raw table, plain lines
    view = "tk_group_raw"
    store.register(view, encoded_lines(rows, F.col("source_id")).drop("source_id"))
    rejects = records.where("kind = 'reject'").select("source_id", "line", "reason", "col", "detail", "raw_text")
    try:
        write_sources_rows(store, sources={sid: p.item.source.name for sid, p in zip(ids, group, strict=True)},
                           raw=view, mapping=first.mapping, delimiter=first.layout.delimiter, rejects=rejects,
                           reports=reports, step=step, declaration=decl,
                           records_read=dict(zip(ids, counts, strict=True)))
    finally:
        store.unregister(view)
    values = []
    for sid, p in zip(ids, group, strict=True):
        item = p.item
        values.extend(source_row(
            source_id=sid, path=item.uri if item.remote else (str(item.source.path) if item.source.path else None),
            name=item.source.name, content_hash=content_hash(store.session, item), report=reports[sid],
            mapping=p.mapping, declaration=decl, raw_table=raw_table_name(sid), kind=item.source.kind))
    store.execute(sources_insert(len(ids)), values)
    seconds = (time.perf_counter() - started) / len(ids)
    for sid in ids:
        reports[sid].source_id = sid
        reports[sid].seconds = seconds
    return [reports[sid] for sid in ids]
