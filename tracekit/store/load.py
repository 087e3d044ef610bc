"""Executing a load: sources → ``raw_NNNNN`` → normalised ``shipments``, ``party_mentions``, ``quarantine``.

Per source, in one transaction (Ctrl-C leaves the workspace as it was before that source):

1. scan the file with the engine's CSV reader, every column as text, rejected lines (ragged, bad
   bytes, broken quoting) recorded with their line numbers, into ``raw_NNNNN`` with a ``line`` column,
   and give every row its physical line (:mod:`tracekit.store.scan`);
2. normalise every field in one set-based pass straight into ``shipments``, file the rows left out in
   ``quarantine`` with their reason, column, detail and raw text, write party mentions
   (:mod:`tracekit.store.write`);
3. write the ``sources`` row; read = loaded + quarantined is checked.

Everything runs as set-based SQL through :class:`~tracekit.store.Store`; Python only sniffs, hashes,
and transcodes encodings the engine cannot read.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
from tqdm.auto import tqdm

from tracekit.errors import SourceError, WorkspaceError
from tracekit.ingest.evidence import Declaration, declaration
from tracekit.ingest.mapping import Mapping, resolve_mapping
from tracekit.ingest.plan import StagePlan
from tracekit.ingest.sample import table_sample, text_sample
from tracekit.ingest.sources import Source, TextLayout, expand_sources, sniff_text
from tracekit.ingest.tables import frame_to_table, read_xlsx
from tracekit.ingest.textcopy import TRUNCATION_ERRORS, CopiedText
from tracekit.store.direct import (
    SOURCE_FILES,
    DayOrderWrong,
    ReadWithRawTable,
    direct_eligible,
    ensure_source_files,
    guess_day_order,
    number_and_quarantine,
    record_source_file,
    rows_unrecorded,
    scan_direct,
)
from tracekit.store.engine import Store, quote_literal
from tracekit.store.load_rows import SOURCES_INSERT, source_row
from tracekit.store.mentions import defer, forget_pending
from tracekit.store.report import LoadReport, SourceReport
from tracekit.store.scan import (
    Fingerprinter,
    LongLines,
    ReadAgainCarefully,
    _read_csv,
    create_raw_from_parquet,
    create_raw_from_table,
    read_rejects,
    reconcile_lines,
    scan_text,
)
from tracekit.store.shipment_tables import drop_source_table, rows_target
from tracekit.store.versions import (
    SourceChanged,
    changed_message,
    changed_sources,
    check_on_change,
    previous_versions,
    stored_hash,
)
from tracekit.store.write import (
    ensure_country_table,
    ensure_gazetteer_table,
    finish_rows,
    load_settings,
    quarantine_left_out,
    write_rows,
)

__all__ = ["load", "raw_table_name", "delete_source"]

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
    day_orders: dict[str, str] | None = None  # set when the one-pass load found the sample's guess wrong


# -- phase 1: inspect every source; any mapping error stops the load before a row is written --------
def _resolve(store: Store, mapping: Any, names: list[str], source: Source, sample: Callable[[], pa.Table]
             ) -> Mapping:
    """The source's mapping; ``"auto"`` first profiles a bounded sample of the values (never the whole file)."""
    profiles = None
    if mapping is None or (isinstance(mapping, str) and mapping == "auto"):
        from tracekit.store.preview import profile_sample

        profiles = profile_sample(store, sample())
    return resolve_mapping(mapping, names, source=source.name, profiles=profiles)


def _prepare(store: Store, source: Source, mapping: Any, encoding: str | None,
             delimiter: str | None) -> _Prepared:
    if source.kind == "text":
        layout = sniff_text(source, encoding, delimiter)
        return _Prepared(source, _resolve(store, mapping, layout.names, source, lambda: text_sample(source, layout)),
                         layout.names, layout)
    if source.kind == "frame":
        table, names = frame_to_table(source.frame)
        return _Prepared(source, _resolve(store, mapping, names, source, lambda: table_sample(table, names)), names,
                         table=table)
    if source.kind == "xlsx":
        data = None
        if source.member is not None:
            import zipfile

            with zipfile.ZipFile(source.path) as archive:
                data = archive.read(source.member)
        table, names, notes = read_xlsx(source.path, data)
        return _Prepared(source, _resolve(store, mapping, names, source, lambda: table_sample(table, names)), names,
                         table=table, notes=notes)
    if source.member is not None:
        raise SourceError(f"{source.name}: Parquet inside a zip archive is not supported; unzip it first")
    try:
        described = store.rows(f"DESCRIBE SELECT * FROM read_parquet({quote_literal(str(source.path))})")  # noqa: S608
    except Exception as exc:
        raise SourceError(f"{source.name}: not a readable Parquet file ({exc})") from exc
    names = [r[0] for r in described]

    def sample() -> pa.Table:
        from tracekit.store.preview import sample_source

        return sample_source(store, source)[1]
    return _Prepared(source, _resolve(store, mapping, names, source, sample), names)


# -- phase 2: one source in one transaction --------------------------------------------------------
def _existing(store: Store, content_hash: str, name: str | None) -> list[int]:
    return [r[0] for r in store.rows(
        "SELECT source_id FROM sources WHERE content_hash = ? OR name = ? ORDER BY source_id",
        [content_hash, name])]


def delete_source(store: Store, source_id: int) -> None:
    """Remove every trace of one source (call inside a transaction).

    Resolution rows of its mentions go too, so nothing points at a mention that is gone; the caller
    redoes the resolution (the graph tables rebuild themselves when shipments and resolution change).
    """
    # Other sources' pending mentions need not be written to delete this one's (its own pending row goes).
    # (A SparkStore, whose load writes mentions at once, has no hook and nothing pending.)
    hooked = hasattr(store, "mentions_hook_paused")
    with store.mentions_hook_paused() if hooked else contextlib.nullcontext():
        if hooked:
            forget_pending(store, source_id)
        for table in ("mention_features", "mention_entities"):
            if store.table_exists(table):
                store.execute(f"DELETE FROM {table} WHERE mention_id IN "  # noqa: S608
                              "(SELECT mention_id FROM party_mentions WHERE source_id = ?)", [source_id])
        for table in (rows_target(store), "party_mentions", "quarantine", "sources"):
            store.execute(f"DELETE FROM {table} WHERE source_id = ?", [source_id])  # noqa: S608
        drop_source_table(store, source_id)
    if store.table_exists(SOURCE_FILES):
        store.execute(f"DELETE FROM {SOURCE_FILES} WHERE source_id = ?", [source_id])  # noqa: S608
    store.execute(f"DROP TABLE IF EXISTS {raw_table_name(source_id)}")


def _load_one(store: Store, prepared: _Prepared, *, replace: bool, workdir: Path,
              step: Callable[[str], None] = lambda _: None, decl: Declaration | None = None,
              on_change: str | None = None, mentions: str = "auto") -> SourceReport:
    started = time.perf_counter()
    source = prepared.source
    report = SourceReport(source.name, "loaded", mapping=prepared.mapping, notes=list(prepared.notes),
                          format=source.kind if source.kind != "text" else "csv",
                          field_warnings=prepared.mapping.warnings(),
                          declaration=decl.to_json() if decl else None)
    if prepared.layout:
        report.encoding, report.delimiter = prepared.layout.encoding, prepared.layout.delimiter
        if prepared.layout.careful:
            report.notes.append("line endings are mixed (CRLF, LF or CR) or the archive is cut: read through a "
                                "careful copy in which every CRLF and lone CR is one line break")
    direct = direct_eligible(source, prepared.layout)
    with load_settings(store):
        # The one-pass load commits the scanned rows first and numbers, quarantines and records them in a
        # second transaction: deleting or updating rows inserted in the same transaction makes the engine
        # rewrite every one of them at commit (4.7 CPU s per million rows, as much as the scan itself).
        # Should the second transaction fail, the rows of the first are deleted again (_forget_rows); a
        # process killed meanwhile leaves rows of no source and a mark (rows_unrecorded): the next
        # read-write open deletes them (direct.forget_unrecorded_rows).
        with store.transaction():
            source_id = int(store.scalar("SELECT coalesce(max(source_id), 0) + 1 FROM sources"))
            state = _read_source(store, prepared, source_id, workdir, step, direct)
            replace = _check_versions(store, state.content_hash, source, replace, on_change, report)
            if not direct:
                _finish_source(store, prepared, state, source_id, report, replace, step, decl, mentions)
        if direct:
            with rows_unrecorded(store) as settled:
                try:
                    with store.transaction():
                        _finish_source(store, prepared, state, source_id, report, replace, step, decl, mentions)
                except BaseException:
                    _forget_rows(store, source_id)
                    settled()
                    raise
                settled()
    report.seconds = time.perf_counter() - started
    return report


@dataclass
class _Read:
    """What reading a source gave: its hash and what the rest of the load needs of the scan."""

    content_hash: str
    direct: bool
    scan: Any = None  # DirectScan (one pass)
    plan: StagePlan | None = None
    path: Any = None  # the file the raw table was read from (raw-table path)
    fp: Any = None


def _read_source(store: Store, prepared: _Prepared, source_id: int, workdir: Path, step: Callable[[str], None],
                 direct: bool) -> _Read:
    source = prepared.source
    if direct:
        step("reading and normalising")
        layout = prepared.layout
        orders = prepared.day_orders or guess_day_order(store, text_sample(source, layout), prepared.mapping)
        plan = StagePlan("", prepared.mapping, orders)
        scan = scan_direct(store, source, layout, plan, source_id,
                           lambda sql: _read_csv(store, source, layout, sql), long_lines=layout.long_lines)
        return _Read(scan.fingerprint.sha256, True, scan=scan, plan=plan)
    if source.kind == "text":
        step("reading")
        path, print_ = scan_text(store, source, prepared.layout, raw_table_name(source_id), workdir)
        fp = print_.get() if isinstance(print_, Fingerprinter) else print_
        return _Read(fp.sha256, False, path=path, fp=fp)
    if source.kind == "parquet":
        import hashlib

        digest = hashlib.sha256()
        with open(source.path, "rb") as handle:
            while chunk := handle.read(4 << 20):
                digest.update(chunk)
        return _Read(digest.hexdigest(), False)
    return _Read(_table_hash(prepared.table), False)


def _check_versions(store: Store, content_hash: str, source: Source, replace: bool, on_change: str | None,
                    report: SourceReport) -> bool:
    """Stop on a file already loaded or changed unless told; returns whether earlier versions are replaced."""
    previous = _existing(store, content_hash, source.name if source.path is not None else None)
    same_bytes = [s for s in previous if store.scalar(
        "SELECT content_hash FROM sources WHERE source_id = ?", [s]) == content_hash]
    if same_bytes and not replace:
        raise _AlreadyLoaded(same_bytes[0])
    other_versions = [s for s in previous if s not in same_bytes]
    if other_versions and not replace and on_change is None:  # checked before the load began, too
        raise SourceChanged(changed_message([f"{source.name} (source {other_versions[-1]})"]))
    if other_versions and on_change == "as_new":
        report.notes.append(
            f"kept beside source {other_versions[-1]}, an earlier version of this file with other content "
            "(as_new): shipments in both versions count twice")
    return replace or on_change == "replace"


def _finish_source(store: Store, prepared: _Prepared, state: _Read, source_id: int, report: SourceReport,
                   replace: bool, step: Callable[[str], None], decl: Declaration | None,
                   mentions: str = "auto") -> None:
    """Replace earlier versions, number, quarantine, write mentions and the ``sources`` row."""
    source, layout = prepared.source, prepared.layout
    delimiter = layout.delimiter if layout else ","
    raw = raw_table_name(source_id)
    rejects: list[tuple] = []
    if replace:
        previous = _existing(store, state.content_hash, source.name if source.path is not None else None)
        for old in previous:
            if old != source_id:
                delete_source(store, old)
        report.status = "replaced" if previous else "loaded"
    if state.direct:
        step("line numbers")
        plan = state.plan
        rejects = number_and_quarantine(
            store, state.scan, source=source, layout=layout, plan=plan, source_id=source_id, report=report,
            quarantine_left_out=lambda cols: quarantine_left_out(store, plan, source_id, source.name, cols,
                                                                 delimiter))  # plan: countries joined
        finish_rows(store, mapping=prepared.mapping, source_id=source_id, source_name=source.name,
                    rejects=rejects, reject_physical={}, report=report, step=step, declaration=decl,
                    rows_read=state.scan.accepted + len(rejects), mentions=mentions)
        record_source_file(store, source_id, source, layout, state.scan.fingerprint)
    else:
        if source.kind == "text":
            rejects = read_rejects(store)
            accepted = int(store.count(raw))
            step("line numbers")
            placed = reconcile_lines(store, raw, state.path, delimiter, state.fp, rejects, accepted, report.notes)
            rejects = [(line, *r[1:5]) for line, r in zip(placed, rejects, strict=True)]  # physical lines now
            _file_the_cut(state.fp, rejects, report)
        elif source.kind == "parquet":
            create_raw_from_parquet(store, raw, source.path, prepared.names)
        else:
            create_raw_from_table(store, raw, prepared.table)
        write_rows(store, source_id=source_id, raw=raw, mapping=prepared.mapping, source_name=source.name,
                   excel_serials=source.kind == "xlsx", delimiter=delimiter, rejects=rejects,
                   reject_physical={}, report=report, step=step, declaration=decl, mentions=mentions)
    store.execute(
        SOURCES_INSERT, source_row(
            source_id=source_id, path=str(source.path) if source.path else None, name=source.name,
            content_hash=state.content_hash, report=report, mapping=prepared.mapping, declaration=decl,
            raw_table=None if state.direct else raw, kind=source.kind))
    report.source_id = source_id


def _forget_rows(store: Store, source_id: int) -> None:
    """Drop the committed first-pass rows of a source whose load then failed (its own transaction)."""
    with store.transaction():
        store.execute(f"DELETE FROM {rows_target(store)} WHERE source_id = ?", [source_id])  # noqa: S608
        drop_source_table(store, source_id)




def _load_retrying(store: Store, item: _Prepared, **kwargs: Any) -> SourceReport:
    """:func:`_load_one`, again (each attempt rolled back) when the file needs another way of reading."""
    notes: list[str] = []
    for _ in range(5):
        try:
            done = _load_one(store, item, **kwargs)
        except ReadAgainCarefully as why:
            item.layout.careful = True  # the careful copy reads what the engine could not
            notes.append(f"the fast reader stopped ({why}); read again carefully")
        except LongLines:
            item.layout.long_lines = True  # the 8 MB line buffer only when a line needs it
        except ReadWithRawTable:
            item.layout.raw_table = True  # lines the one pass cannot number exactly
        except DayOrderWrong as wrong:
            item.day_orders = wrong.orders  # the whole column disagreed with the sample
        else:
            done.notes[:0] = notes
            return done
    raise RuntimeError(f"{item.source.name}: no way of reading the file succeeded")  # a bug


def _file_the_cut(fp: Any, rejects: list[tuple], report: SourceReport) -> None:
    """A truncated archive: its whole lines are loaded; the cut line is quarantined as ``truncated``."""
    if not isinstance(fp, CopiedText):
        return
    if not fp.truncated:
        return
    cut_line = fp.newlines + 1
    if fp.cut_text is not None:
        rejects.append((cut_line, "truncated", None, f"truncated: the archive ends inside this line ({fp.cut_reason})",
                        fp.cut_text))
    report.notes.append(
        f"the archive is truncated ({fp.cut_reason}): loaded what is whole, the {fp.newlines:,} lines before "
        f"the cut" + (f"; the cut line {cut_line:,} is quarantined as truncated" if fp.cut_text is not None
                      else "") + "; the rest of the file is missing: get it again for the full data")


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
    try:
        tmp = tempfile.TemporaryDirectory(prefix="tracekit-load-", dir=base)
    except OSError as exc:
        raise WorkspaceError(f"cannot write in the workspace folder {base}: {exc.strerror or exc} "
                             "(a load needs room for its work files there)") from exc
    with tmp:
        yield Path(tmp.name)


def _prepare_readable(store: Store, source: Source, mapping: Any, encoding: str | None,
                      delimiter: str | None) -> _Prepared:
    """:func:`_prepare`, with a file that cannot be read (permissions, a vanished file) said in one line."""
    try:
        return _prepare(store, source, mapping, encoding, delimiter)
    except OSError as exc:
        raise SourceError(f"{source.name}: cannot read the file: {exc.strerror or exc}") from exc
    except TRUNCATION_ERRORS as exc:
        raise SourceError(f"{source.name}: the compressed file is damaged ({exc}); nothing was loaded. "
                          "Get the file again") from exc


def load(store: Store, sources: Any, mapping: Any = "auto", *, replace: bool = False,
         encoding: str | None = None, delimiter: str | None = None, progress: bool = True,
         declaring_country: str | None = None, declaration_kind: str | None = None,
         on_change: str | None = None, mentions: str = "auto") -> LoadReport:
    """Load sources into the workspace; see :meth:`tracekit.Workspace.load`."""
    started = time.perf_counter()
    check_on_change(on_change)
    defer(mentions, 0)  # a wrong value stops the load before anything is read
    if store.read_only:
        raise WorkspaceError(f"the workspace {store.folder} was opened read-only (--read-only) and a load "
                             "changes it; run it without --read-only")
    decl = declaration(declaring_country, declaration_kind)
    prepared = [_prepare_readable(store, s, mapping, encoding, delimiter) for s in expand_sources(sources)]
    if not replace and on_change is None:
        # Hash only files whose name was loaded before (the scan hashes the rest as it reads them).
        hashes = [(p.source, stored_hash(p.source, p.table, _table_hash))
                  for p in prepared if previous_versions(store, p.source)]
        if changed := changed_sources(store, hashes):
            raise SourceChanged(changed_message(changed))
    ensure_country_table(store)
    ensure_gazetteer_table(store)
    ensure_source_files(store)
    report = LoadReport()
    bar = tqdm(prepared, desc="loading", unit="source", disable=not progress or len(prepared) == 0)
    # Sources whose mentions are pending stay pending: a load writes only its own (or defers them too).
    with _workdir(store) as workdir, store.mentions_hook_paused():
        for item in bar:
            name = item.source.name[-40:]
            bar.set_postfix_str(name)

            def step(what: str, name: str = name) -> None:
                bar.set_postfix_str(f"{name}: {what}")
            try:
                report.sources.append(_load_retrying(store, item, replace=replace, workdir=workdir, step=step,
                                                     decl=decl, on_change=on_change, mentions=mentions))
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
