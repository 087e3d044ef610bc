"""Executing a load: sources → ``raw_NNNNN`` → normalised ``shipments``, ``party_mentions``, ``quarantine``.

Per source, in one transaction (Ctrl-C leaves the workspace as it was before that source):

1. scan the file with the engine's CSV reader, every column as text, rejected lines (ragged, bad
   bytes, broken quoting) recorded with their line numbers, into ``raw_NNNNN`` with a ``line`` column;
2. reconcile line numbers with the file's physical lines (see :mod:`tracekit.ingest.lines`);
3. normalise every field in one set-based pass (:func:`tracekit.ingest.plan.stage_sql`), routing rows
   with problems to ``quarantine`` with their reason, column, detail and raw text;
4. write shipments, party mentions and the ``sources`` row, then check read = loaded + quarantined.

Everything runs as set-based SQL through :class:`~tracekit.store.Store`; Python only sniffs, hashes,
and transcodes encodings the engine cannot read.
"""

from __future__ import annotations

import contextlib
import json
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyarrow as pa
from tqdm.auto import tqdm

from tracekit.errors import SourceError
from tracekit.ingest.codes import COUNTRY_TABLE, country_table
from tracekit.ingest.dates import DayOrder, choose_day_order, date_forms_probe_sql, describe_date_forms
from tracekit.ingest.fields import PARTY_ATTRIBUTES, PARTY_ROLES, field_names
from tracekit.ingest.lines import record_lines
from tracekit.ingest.mapping import Mapping, resolve_mapping
from tracekit.ingest.plan import (
    WARNING_FLAGS,
    StagePlan,
    derived_countries,
    mention_sql,
    quote_ident,
    raw_text_sql,
    stage_sql,
    warning_counts_sql,
)
from tracekit.ingest.sources import (
    Fingerprint,
    Source,
    TextLayout,
    copy_member,
    expand_sources,
    fingerprint,
    sniff_text,
    transcode_to_utf8,
)
from tracekit.ingest.tables import frame_to_table, read_xlsx
from tracekit.store.engine import Store, quote_literal
from tracekit.store.report import LoadReport, SourceReport

__all__ = ["load", "raw_table_name", "delete_source"]

_REJECT_REASONS = {
    "TOO MANY COLUMNS": "ragged_line", "MISSING COLUMNS": "ragged_line", "INVALID ENCODING": "bad_encoding",
    "INVALID UNICODE": "bad_encoding",
}


def raw_table_name(source_id: int) -> str:
    """``raw_00001`` for source 1.

    Examples
    --------
    >>> raw_table_name(7)
    'raw_00007'
    """
    return f"raw_{source_id:05d}"


@dataclass
class _Prepared:
    """A source inspected and mapped, ready to load (nothing written yet)."""

    source: Source
    mapping: Mapping
    names: list[str]
    layout: TextLayout | None = None
    table: pa.Table | None = None  # frames and spreadsheets
    notes: list[str] = field(default_factory=list)


# -- phase 1: inspect every source; any mapping error stops the load before a row is written --------
def _prepare(store: Store, source: Source, mapping: Any, encoding: str | None,
             delimiter: str | None) -> _Prepared:
    if source.kind == "text":
        layout = sniff_text(source, encoding, delimiter)
        return _Prepared(source, resolve_mapping(mapping, layout.names, source=source.name), layout.names, layout)
    if source.kind == "frame":
        table, names = frame_to_table(source.frame)
        return _Prepared(source, resolve_mapping(mapping, names, source=source.name), names, table=table)
    if source.kind == "xlsx":
        data = None
        if source.member is not None:
            import zipfile

            with zipfile.ZipFile(source.path) as archive:
                data = archive.read(source.member)
        table, names, notes = read_xlsx(source.path, data)
        return _Prepared(source, resolve_mapping(mapping, names, source=source.name), names, table=table,
                         notes=notes)
    if source.member is not None:
        raise SourceError(f"{source.name}: Parquet inside a zip archive is not supported; unzip it first")
    try:
        described = store.rows(f"DESCRIBE SELECT * FROM read_parquet({quote_literal(str(source.path))})")  # noqa: S608
    except Exception as exc:
        raise SourceError(f"{source.name}: not a readable Parquet file ({exc})") from exc
    names = [r[0] for r in described]
    return _Prepared(source, resolve_mapping(mapping, names, source=source.name), names)


# -- phase 2: one source in one transaction --------------------------------------------------------
class _Fingerprinter(threading.Thread):
    """Hash a file while the engine scans it (hashlib releases the GIL)."""

    def __init__(self, source: Source):
        super().__init__(daemon=True)
        self.source, self.result, self.error = source, None, None

    def run(self) -> None:
        try:
            self.result = fingerprint(self.source)
        except BaseException as exc:  # re-raised in the loading thread
            self.error = exc

    def get(self) -> Fingerprint:
        self.join()
        if self.error is not None:
            raise SourceError(f"{self.source.name}: cannot read the file ({self.error})") from self.error
        return self.result


def _existing(store: Store, content_hash: str, name: str) -> list[int]:
    return [r[0] for r in store.rows(
        "SELECT source_id FROM sources WHERE content_hash = ? OR name = ? ORDER BY source_id",
        [content_hash, name])]


def delete_source(store: Store, source_id: int) -> None:
    """Remove every trace of one source (call inside a transaction)."""
    for table in ("shipments", "party_mentions", "quarantine", "sources"):
        store.execute(f"DELETE FROM {table} WHERE source_id = ?", [source_id])  # noqa: S608
    store.execute(f"DROP TABLE IF EXISTS {raw_table_name(source_id)}")


def _scan_text(store: Store, prepared: _Prepared, source_id: int, workdir: Path) -> tuple[Path, Any]:
    """Create the raw table from a text file; returns (file the engine read, fingerprint or thread)."""
    source, layout = prepared.source, prepared.layout
    if layout.native and source.member is None:
        path, print_ = source.path, _Fingerprinter(source)
        print_.start()
    else:
        path = workdir / f"source-{source_id}.csv"
        print_ = (copy_member(source, path) if layout.native
                  else transcode_to_utf8(source, layout.encoding, path))
    compression = "gzip" if (source.compression == "gzip" and path == source.path) else "none"
    names = "{" + ", ".join(f"{quote_literal(n)}: 'VARCHAR'" for n in layout.names) + "}"
    columns = ", ".join(quote_ident(n) for n in layout.names)
    raw = raw_table_name(source_id)
    store.execute("DROP TABLE IF EXISTS tk_rejects; DROP TABLE IF EXISTS tk_reject_scans")
    store.execute(
        f"CREATE TABLE {raw} AS SELECT CAST(row_number() OVER () + 1 AS BIGINT) AS line, {columns} "  # noqa: S608
        f"FROM read_csv({quote_literal(str(path))}, header = true, all_varchar = true, "
        f"delim = {quote_literal(layout.delimiter)}, quote = '\"', escape = '\"', columns = {names}, "
        f"compression = {quote_literal(compression)}, store_rejects = true, rejects_table = 'tk_rejects', "
        f"rejects_scan = 'tk_reject_scans', max_line_size = 8388608, auto_detect = false)"
    )
    return path, print_


def _rejects(store: Store) -> list[tuple[int, str, str | None, str, str]]:
    """Rejected lines: (engine line, reason, column, detail, raw text), one per line."""
    rows = store.rows(
        "SELECT line, list(error_type ORDER BY column_idx), list(column_name ORDER BY column_idx), "
        "list(error_message ORDER BY column_idx), any_value(csv_line) FROM tk_rejects GROUP BY line ORDER BY line")
    out = []
    for line, types, cols, messages, raw in rows:
        reason = _REJECT_REASONS.get(types[0], "malformed_line")
        detail = "; ".join(dict.fromkeys(f"{_REJECT_REASONS.get(t, 'malformed_line')}: {m}"
                                         for t, m in zip(types, messages, strict=True)))
        out.append((int(line), reason, cols[0], detail, raw))
    return out


def _reconcile_lines(store: Store, raw: str, path: Path, prepared: _Prepared, fp: Fingerprint,
                     rejects: list[tuple], accepted: int) -> dict[int, int]:
    """Give raw rows their physical line; returns engine line → physical line for rejected lines."""
    physical_lines = fp.newlines + (0 if fp.ends_with_newline else 1)
    reject_lines = [r[0] for r in rejects]
    if physical_lines == 1 + accepted + len(reject_lines):
        # Fast path: one record per line, no blank lines. Accepted rows hold row_number + 1; shift each
        # past the rejected lines before it (reject j sits in front of the row numbered R_j - j).
        if reject_lines:
            gaps = pa.table({"gap": pa.array([r - j for j, r in enumerate(reject_lines)], pa.int64())})
            with store.registered("tk_reject_gaps", gaps):
                store.execute(
                    f"UPDATE {raw} SET line = line + (SELECT count(*) FROM tk_reject_gaps g "  # noqa: S608
                    f"WHERE g.gap <= {raw}.line) WHERE line >= {min(gaps['gap'].to_pylist())}")
        return {r: r for r in reject_lines}
    logical, physical = record_lines(path, prepared.layout.delimiter)
    rejected = set(reject_lines)
    keep = [i for i, v in enumerate(logical.to_pylist()) if v not in rejected]
    if len(keep) != accepted:
        prepared.notes.append(
            f"line numbers are approximate: the file's quoting could not be followed exactly "
            f"({len(keep)} records found, {accepted} read)")
        return {r: r for r in reject_lines}
    table = pa.table({"t": pa.array(range(2, accepted + 2), pa.int64()),
                      "physical": physical.take(pa.array(keep, pa.int64()))})
    with store.registered("tk_line_map", table):
        store.execute(f"UPDATE {raw} SET line = m.physical FROM tk_line_map m WHERE {raw}.line = m.t")  # noqa: S608
    mapping = dict(zip(logical.to_pylist(), physical.to_pylist(), strict=True))
    return {r: mapping.get(r, r) for r in reject_lines}


def _create_raw_from_table(store: Store, raw: str, table: pa.Table) -> None:
    with store.registered("tk_incoming", table):
        store.execute(f"CREATE TABLE {raw} AS SELECT * FROM tk_incoming")  # noqa: S608


def _create_raw_from_parquet(store: Store, raw: str, prepared: _Prepared) -> None:
    columns = ", ".join(f"CAST({quote_ident(n)} AS VARCHAR) AS {quote_ident(n)}" for n in prepared.names)
    store.execute(
        f"CREATE TABLE {raw} AS SELECT CAST(file_row_number + 1 AS BIGINT) AS line, {columns} "  # noqa: S608
        f"FROM read_parquet({quote_literal(str(prepared.source.path))}, file_row_number = true)")


def _day_orders(store: Store, raw: str, mapping: Mapping) -> tuple[dict[str, DayOrder], dict[str, str]]:
    """(day order per date column for the SQL, how each was read for the report)."""
    col = mapping.column("date")
    if not col:
        return {}, {}
    iso, compact, numeric, named, first, second = store.rows(date_forms_probe_sql(quote_ident(col), raw))[0]
    order = choose_day_order(first, second, "MDY" if mapping.kind == "ams" else "DMY")
    return {col: order}, {col: describe_date_forms(order, iso, compact, numeric, named)}


def _ensure_country_table(store: Store) -> None:
    if not store.table_exists(COUNTRY_TABLE):
        keys = country_table()
        table = pa.table({"key": list(keys), "alpha2": list(keys.values())})
        with store.registered("tk_country_incoming", table):
            store.execute(f"CREATE TEMP TABLE {COUNTRY_TABLE} AS SELECT * FROM tk_country_incoming")  # noqa: S608


@contextlib.contextmanager
def _settings(store: Store, **settings: str) -> Iterator[None]:
    """Engine settings for the statements of a ``with`` block, restored afterwards."""
    before = {k: store.scalar(f"SELECT current_setting('{k}')") for k in settings}
    for key, value in settings.items():
        store.execute(f"SET {key} = {quote_literal(value)}")
    try:
        yield
    finally:
        for key, value in before.items():
            store.execute(f"SET {key} = {quote_literal(str(value).lower() if isinstance(value, bool) else str(value))}")


def _unordered_writes(store: Store) -> contextlib.AbstractContextManager[None]:
    """Let the engine write rows in any order (every row carries its line; nothing depends on order)."""
    return _settings(store, preserve_insertion_order="false")


def _filters_stay_above(store: Store) -> contextlib.AbstractContextManager[None]:
    """Keep ``WHERE reason IS NULL`` above the stage projection.

    DuckDB's filter pushdown would inline every normaliser the reason reads (dates, weights, HS
    codes) into a filter below the projection, computing each twice: the load's main pass costs
    ~1.7x more with it. Only for statements over the stage; other scans want their filters pushed.
    """
    return _settings(store, disabled_optimizers="filter_pushdown")


def _duplicates(store: Store, plan: StagePlan) -> None:
    """``tk_dups``: (line, first_line) of rows repeating a record id already on a clean earlier row.

    Only ids that occur more than once are normalised again (usually none), so this costs one group-by.
    """
    store.execute("DROP TABLE IF EXISTS tk_dups")
    col = plan.mapping.column("record_id")
    if not col:
        store.execute("CREATE TEMP TABLE tk_dups (line BIGINT, first_line BIGINT)")
        return
    rid = f"nullif(trim({quote_ident(col)}), '')"
    repeated = (f"(SELECT * FROM {plan.raw_table} WHERE {rid} IN (SELECT {rid} FROM {plan.raw_table} "  # noqa: S608
                f"GROUP BY {rid} HAVING count(*) > 1))")
    stage = stage_sql(replace(plan, raw_table=repeated))
    store.execute(
        "CREATE TEMP TABLE tk_dups AS SELECT line, first_line FROM ("  # noqa: S608
        f"SELECT line, min(line) OVER (PARTITION BY record_id) AS first_line FROM ({stage}) "
        "WHERE reason IS NULL AND record_id IS NOT NULL) WHERE line > first_line")


def _write(store: Store, prepared: _Prepared, source_id: int, raw: str, delimiter: str,
           rejects: list[tuple], reject_physical: dict[int, int], report: SourceReport) -> None:
    """Normalise, quarantine and write one source's rows (inside its transaction).

    One pass normalises the raw rows straight into ``shipments`` (no staging copy); the rows it left
    out (a problem, or a repeated record id) are found by an anti-join and normalised again, alone, to
    file them in ``quarantine`` with reason, column, detail and raw text. So every row lands in exactly
    one of the two by construction, and the count check below proves it.
    """
    mapping = prepared.mapping
    orders, report.date_order = _day_orders(store, raw, mapping)
    plan = StagePlan(raw, mapping, orders, excel_serials=prepared.source.kind == "xlsx")
    name = quote_literal(prepared.source.name)
    fields = ", ".join(quote_ident(n) for n in field_names())
    with _unordered_writes(store):
        _duplicates(store, plan)
        with _filters_stay_above(store):
            report.rows_loaded = int(store.rows(
                f"INSERT INTO shipments (shipment_id, source_id, line, {fields}) "  # noqa: S608
                f"SELECT (CAST({source_id} AS BIGINT) << 32) | line, {source_id}, line, {fields} "
                f"FROM ({stage_sql(plan)}) s WHERE reason IS NULL "
                "AND NOT EXISTS (SELECT 1 FROM tk_dups d WHERE d.line = s.line)")[0][0])
        roles = [r for r in PARTY_ROLES
                 if any(f"{r}_{a}" in mapping.columns for a in (*PARTY_ATTRIBUTES, "contact"))]
        if mentions := mention_sql("shipments", roles, f"source_id = {source_id}"):
            store.execute(f"INSERT INTO party_mentions BY NAME {mentions}")
        store.execute("DROP TABLE IF EXISTS tk_left_out")
        store.execute(f"CREATE TEMP TABLE tk_left_out AS SELECT * FROM {raw} r WHERE NOT EXISTS "  # noqa: S608
                      f"(SELECT 1 FROM shipments s WHERE s.source_id = {source_id} AND s.line = r.line)")
        raw_cols = [c for c in store.columns(raw) if c != "line"]
        record_col = quote_literal(mapping.column("record_id") or "")
        store.execute(
            f"INSERT INTO quarantine SELECT {source_id}, {name}, s.line, "  # noqa: S608
            f"coalesce(s.problem_column, {record_col}), coalesce(s.reason, 'duplicate_record_id'), "
            "coalesce(s.detail, 'duplicate_record_id: first seen on line ' || d.first_line), "
            f"{raw_text_sql(raw_cols, delimiter, 'r')} "
            f"FROM ({stage_sql(replace(plan, raw_table='tk_left_out'))}) s JOIN tk_left_out r ON r.line = s.line "
            "LEFT JOIN tk_dups d ON d.line = s.line")
        _insert_rejects(store, source_id, name, rejects, reject_physical)
        _warn(store, plan, report)
        store.execute("DROP TABLE tk_left_out; DROP TABLE tk_dups")
    if notes := _derived_country_notes(store, mapping, source_id):
        report.notes.extend(notes)
    counts = store.rows(
        "SELECT reason, count(*) FROM quarantine WHERE source_id = ? GROUP BY reason ORDER BY reason", [source_id])
    report.quarantine_reasons = {r: int(n) for r, n in counts}
    report.rows_quarantined = sum(report.quarantine_reasons.values())
    report.rows_read = int(store.count(raw)) + len(rejects)
    if report.rows_read != report.rows_loaded + report.rows_quarantined:  # a bug, never the user's data
        raise RuntimeError(f"{prepared.source.name}: rows read {report.rows_read} != loaded "
                           f"{report.rows_loaded} + quarantined {report.rows_quarantined}")


def _insert_rejects(store: Store, source_id: int, name: str, rejects: list[tuple],
                    reject_physical: dict[int, int]) -> None:
    """Lines the CSV reader itself rejected (ragged, bad bytes, broken quoting), at their physical line."""
    if not rejects:
        return
    table = pa.table({
        "line": pa.array([reject_physical.get(r[0], r[0]) for r in rejects], pa.int64()),
        "reason": [r[1] for r in rejects], "col": [r[2] for r in rejects],
        "detail": [r[3] for r in rejects], "raw_text": [r[4] for r in rejects]})
    with store.registered("tk_reject_rows", table):
        store.execute(f"INSERT INTO quarantine SELECT {source_id}, {name}, line, col, reason, detail, "  # noqa: S608
                      "raw_text FROM tk_reject_rows")


def _warn(store: Store, plan: StagePlan, report: SourceReport) -> None:
    """Count loaded rows whose value was kept but not understood (unknown country, unparsed number…)."""
    flags, sql = warning_counts_sql(plan, "NOT EXISTS (SELECT 1 FROM tk_left_out b WHERE b.line = f.line)")
    counts = store.rows(sql)[0] if flags else []
    report.warnings = {WARNING_FLAGS[k]: int(n) for k, n in zip(flags, counts, strict=True) if n}


def _derived_country_notes(store: Store, mapping: Mapping, source_id: int) -> list[str]:
    derived = derived_countries(mapping)
    if not derived:
        return []
    counts = store.rows(
        f"SELECT {', '.join(f'count({quote_ident(f)})' for f in derived)} FROM shipments "  # noqa: S608
        f"WHERE source_id = {source_id}")[0]
    return [f"{field} taken from the last line of {cols[0]}..{cols[-1]} where it names a country "
            f"({n:,} rows); no {field.split('_')[0]} country column"
            for (field, cols), n in zip(derived.items(), counts, strict=True)]


def _load_one(store: Store, prepared: _Prepared, *, replace: bool, workdir: Path) -> SourceReport:
    started = time.perf_counter()
    source = prepared.source
    report = SourceReport(source.name, "loaded", mapping=prepared.mapping, notes=list(prepared.notes),
                          format=source.kind if source.kind != "text" else "csv")
    if prepared.layout:
        report.encoding, report.delimiter = prepared.layout.encoding, prepared.layout.delimiter
    with store.transaction():
        source_id = int(store.scalar("SELECT coalesce(max(source_id), 0) + 1 FROM sources"))
        raw = raw_table_name(source_id)
        rejects: list[tuple] = []
        reject_physical: dict[int, int] = {}
        delimiter = prepared.layout.delimiter if prepared.layout else ","
        if source.kind == "text":
            path, print_ = _scan_text(store, prepared, source_id, workdir)
            fp = print_.get() if isinstance(print_, _Fingerprinter) else print_
            content_hash = fp.sha256
        else:
            if source.kind == "parquet":
                import hashlib

                digest = hashlib.sha256()
                with open(source.path, "rb") as handle:
                    while chunk := handle.read(4 << 20):
                        digest.update(chunk)
                content_hash = digest.hexdigest()
            else:
                content_hash = _table_hash(prepared.table)
        previous = _existing(store, content_hash, source.name)
        same_bytes = [s for s in previous if store.scalar(
            "SELECT content_hash FROM sources WHERE source_id = ?", [s]) == content_hash]
        if same_bytes and not replace:
            raise _AlreadyLoaded(same_bytes[0])
        if replace:
            for old in previous:
                delete_source(store, old)
            report.status = "replaced" if previous else "loaded"
        if source.kind == "text":
            rejects = _rejects(store)
            accepted = int(store.count(raw))
            reject_physical = _reconcile_lines(store, raw, path, prepared, fp, rejects, accepted)
        elif source.kind == "parquet":
            _create_raw_from_parquet(store, raw, prepared)
        else:
            _create_raw_from_table(store, raw, prepared.table)
        _write(store, prepared, source_id, raw, delimiter, rejects, reject_physical, report)
        layout = prepared.layout
        store.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)",
            [source_id, str(source.path) if source.path else None, source.name, content_hash, report.format,
             layout.encoding if layout else None, layout.delimiter if layout else None,
             json.dumps(prepared.mapping.to_json()), raw, 1 if source.kind in ("text", "xlsx") else 0,
             report.rows_read, report.rows_loaded, report.rows_quarantined])
        report.source_id = source_id
    report.seconds = time.perf_counter() - started
    return report


class _AlreadyLoaded(Exception):
    def __init__(self, source_id: int):
        super().__init__(source_id)
        self.source_id = source_id


def _table_hash(table: pa.Table) -> str:
    import hashlib

    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


@contextlib.contextmanager
def _workdir(store: Store) -> Iterator[Path]:
    base = store.folder if store.folder is not None else None
    with tempfile.TemporaryDirectory(prefix="tracekit-load-", dir=base) as tmp:
        yield Path(tmp)


def load(store: Store, sources: Any, mapping: Any = "auto", *, replace: bool = False,
         encoding: str | None = None, delimiter: str | None = None, progress: bool = True) -> LoadReport:
    """Load sources into the workspace; see :meth:`tracekit.Workspace.load`."""
    started = time.perf_counter()
    prepared = [_prepare(store, s, mapping, encoding, delimiter) for s in expand_sources(sources)]
    _ensure_country_table(store)
    report = LoadReport()
    bar = tqdm(prepared, desc="loading", unit="source", disable=not progress or len(prepared) == 0)
    with _workdir(store) as workdir:
        for item in bar:
            bar.set_postfix_str(item.source.name[-40:])
            try:
                report.sources.append(_load_one(store, item, replace=replace, workdir=workdir))
            except _AlreadyLoaded as done:
                row = store.rows("SELECT rows_read, rows_loaded, rows_quarantined FROM sources "
                                 "WHERE source_id = ?", [done.source_id])[0]
                report.sources.append(SourceReport(
                    item.source.name, "skipped", source_id=done.source_id, mapping=item.mapping,
                    notes=[f"already loaded as source {done.source_id} (same content); "
                           "replace=True reloads it; totals below count nothing new"]))
                del row
    report.seconds = time.perf_counter() - started
    return report
