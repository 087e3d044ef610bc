"""Loading a plain UTF-8 delimited file in one pass: read, normalise and write ``shipments`` together.

The raw-table path (:mod:`tracekit.store.scan` then :mod:`tracekit.store.write`) reads the file into
``raw_NNNNN`` and normalises from there: the file is written once as raw text and once normalised,
and read twice. Here the engine's CSV scan feeds the normalising SELECT directly and every row,
good or bad, goes in file order (insertion order kept) into the table behind the ``shipments`` view
that :func:`tracekit.store.shipment_tables.rows_for` chooses: a large file's own ``shipments_NNNNN``
(only the fields its mapping fills; it joins the view once numbered), else ``shipments_base``. So a
row's position gives its record number, as in the raw table. ``shipment_id`` holds, until the
numbering, a few bits per row: its warnings and the form of its date (so the warning counts and the
day-order evidence need no second pass), and one more bit marks a row with a problem. Then, in a
second transaction:

1. rows get their physical line from their position (shifted past the lines the reader rejected) and
   their ``shipment_id``;
2. the marked rows and repeated record ids are read back from the file by line (a sparse index of line
   offsets, :mod:`tracekit.ingest.lineindex`), normalised again alone to file them in ``quarantine``
   with reason, column, detail and raw text exactly as the raw-table path does, and deleted.

Provenance is the file itself: path, size, modification time, sha256 and every 4,096th line's byte
offset go into ``source_files``; :func:`tracekit.store.provenance.source_rows` reads rows back from the
file and says so when it has changed. Files this cannot number exactly (records spanning lines, blank
lines, many rejected lines) raise :class:`ReadWithRawTable`: the load rolls back and uses the raw table.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from tracekit.errors import SourceError
from tracekit.ingest.dates import (
    DayOrder,
    choose_day_order,
    date_form_bits_sql,
    date_forms_probe_sql,
    describe_date_forms,
)
from tracekit.ingest.fields import field_names
from tracekit.ingest.lineindex import LINE_STEP, IndexedFingerprint, index_file, read_lines, split_record
from tracekit.ingest.mapping import Mapping
from tracekit.ingest.plan import (
    WARNING_FLAGS,
    StagePlan,
    country_key_fields,
    country_lookup_sql,
    filled_fields,
    quote_ident,
    source_ref,
    stage_sql,
    warning_exprs,
)
from tracekit.ingest.sources import Source, TextLayout
from tracekit.store.engine import Store, quote_literal
from tracekit.store.scan import yield_to_the_engine
from tracekit.store.shipment_tables import BASE_TABLE, SourceRows, create_source_table, rebuild_view, rows_for

__all__ = ["SOURCE_FILES", "UNRECORDED_MARK", "rows_unrecorded", "forget_unrecorded_rows", "ReadWithRawTable", "direct_eligible", "ensure_source_files", "scan_direct",
           "DirectScan", "guess_day_order"]

SOURCE_FILES = "source_files"
_MAX_SHIFTS = 64  # rejected lines numbered inline; more go through the raw table
_WARNING_BITS = list(WARNING_FLAGS)  # bit i of the row's mark: warning i
_DATE_SHIFT = 4  # the date's form bits (dates.date_form_bits_sql) above the warnings
# A row with a problem, until it is read back and deleted. Not a negative line: DuckDB 2.0.1 then answered
# ORDER BY line LIMIT n wrongly after those rows' UPDATE and DELETE (skipped whole row groups).
_BAD = 1 << 40
_GOOD = f"(shipment_id & {_BAD}) = 0"


UNRECORDED_MARK = "tracekit-load-rows-unrecorded"
"""File in the workspace folder while a one-pass load's rows are committed but not yet recorded."""


@contextlib.contextmanager
def rows_unrecorded(store: Store) -> Iterator[Callable[[], None]]:
    """Mark the workspace while committed rows of a load have no ``sources`` row yet (between its two
    transactions): a process killed meanwhile leaves the mark, and the next read-write open deletes
    those rows (:func:`forget_unrecorded_rows`).

    The block calls the function it is given once the rows are settled: recorded, or deleted again
    after an error. The mark goes at the end of a block that settled them, and stays otherwise."""
    mark = store.folder / UNRECORDED_MARK if store.folder is not None else None
    settled = False

    def settle() -> None:
        nonlocal settled
        settled = True

    if mark is not None:
        mark.touch()
    try:
        yield settle
    finally:
        if mark is not None and settled:
            mark.unlink(missing_ok=True)


def forget_unrecorded_rows(folder: Path, con: Any) -> None:
    """At a read-write open: delete the shipments a killed one-pass load committed without recording them
    (rows of no source in ``shipments_base``; a table of its own, which never joined the view, is dropped)."""
    mark = folder / UNRECORDED_MARK
    if not mark.exists():
        return
    if con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'sources' AND NOT temporary").fetchone()[0]:
        if con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary",
                       [BASE_TABLE]).fetchone()[0]:
            con.execute(f"DELETE FROM {BASE_TABLE} WHERE source_id NOT IN (SELECT source_id FROM sources)")  # noqa: S608
        known = {r[0] for r in con.execute("SELECT source_id FROM sources").fetchall()}
        for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary AND "
                                   "regexp_full_match(table_name, 'shipments_[0-9]{5,}')").fetchall():
            if int(name.rsplit("_", 1)[1]) not in known:
                con.execute(f"DROP TABLE {name}")
    mark.unlink(missing_ok=True)


class ReadWithRawTable(Exception):
    """This file cannot be numbered exactly in one pass: roll back and load it through the raw table."""


def direct_eligible(source: Source, layout: TextLayout | None) -> bool:
    """A plain, uncompressed UTF-8 file on disk that the engine reads as it is."""
    return (source.kind == "text" and layout is not None and source.path is not None and source.member is None
            and source.compression is None and layout.native and not layout.careful
            and not getattr(layout, "raw_table", False))


def ensure_source_files(store: Store) -> None:
    store.execute(f"CREATE TABLE IF NOT EXISTS {SOURCE_FILES} (source_id INTEGER, path VARCHAR, size BIGINT, "
                  "mtime_ns BIGINT, sha256 VARCHAR, columns VARCHAR[], line_step INTEGER, offsets BIGINT[])")


class _Indexer(threading.Thread):
    """Hash and index the file while the engine scans it."""

    def __init__(self, path: Path):
        super().__init__(daemon=True)
        self.path, self.result, self.error = path, None, None
        self._cancel = threading.Event()

    def run(self) -> None:
        yield_to_the_engine()
        try:
            self.result = index_file(self.path, cancelled=self._cancel.is_set)
        except BaseException as exc:  # re-raised in the loading thread
            self.error = exc

    def cancel(self) -> None:
        """Stop at the next chunk and wait for that (milliseconds): the scan failed or was interrupted, and
        at a lower priority than the scan the hash may be far behind it."""
        self._cancel.set()
        self.join(timeout=2)

    def get(self, name: str) -> IndexedFingerprint:
        self.join()
        if self.error is not None:
            raise SourceError(f"{name}: cannot read the file ({self.error})") from self.error
        return self.result


def guess_day_order(store: Store, sample: pa.Table, mapping: Mapping) -> dict[str, DayOrder]:
    """Day order for the date column from the bounded sample (the pass checks it on every row)."""
    col = mapping.column("date")
    if not col:
        return {}
    default = "MDY" if mapping.kind == "ams" else "DMY"
    if col not in sample.column_names or sample.num_rows == 0:
        return {col: default}
    with store.registered("tk_date_sample", sample.select([col])):
        _, _, _, _, first, second = store.rows(date_forms_probe_sql(quote_ident(col), "tk_date_sample"))[0]
    return {col: choose_day_order(first, second, default)}


@dataclass
class DirectScan:
    """What the pass found: the file's fingerprint and index, the reader's rejects, rows read (and, once
    committed, the position of the first)."""

    fingerprint: IndexedFingerprint
    rejects: list[tuple]
    accepted: int
    first_rowid: int
    rows_at: SourceRows


def _marked_flags(plan: StagePlan) -> list[str]:
    """Warnings the pass marks per row (an unrecognised country is counted from the keys afterwards)."""
    exprs = warning_exprs(replace(plan, country_keys=True))
    return [k for k in _WARNING_BITS if exprs[k] != "false"]


def _date_form(plan: StagePlan) -> dict[str, str]:
    """The date's form bits as an inner column of the pass (beside the date, sharing its fast test)."""
    col = plan.mapping.column("date")
    return {"tk_date_form": date_form_bits_sql(source_ref(col))} if col else {}


def _marks(plan: StagePlan) -> str:
    """The per-row bits kept in ``shipment_id`` until the numbering: warnings, then the date's form."""
    terms = [f"(CASE WHEN {k} THEN {1 << _WARNING_BITS.index(k)} ELSE 0 END)" for k in _marked_flags(plan)]
    if plan.mapping.column("date"):
        terms.append(f"(tk_date_form << {_DATE_SHIFT})")
    return " + ".join(terms) or "0"


def scan_direct(store: Store, source: Source, layout: TextLayout, plan: StagePlan, source_id: int,
                read_csv: Any, long_lines: bool = False) -> DirectScan:
    """Read, normalise and insert every row of the file into the table ``rows_for`` chooses (marked;
    numbered later)."""
    names = "{" + ", ".join(f"{quote_literal(n)}: 'VARCHAR'" for n in layout.names) + "}"
    columns = ", ".join(quote_ident(n) for n in layout.names)
    # The reader's own buffer size (32 MB): 64 MB saved CPU at 3M rows but at 10M left the two threads
    # of the ordered insert waiting on each other (the pass 50-57 s instead of 35-43 s).
    longest = ", max_line_size = 8388608" if long_lines else ""
    reader = (f"(SELECT {columns}, CAST(0 AS BIGINT) AS line FROM read_csv({quote_literal(str(source.path))}, "  # noqa: S608
              f"header = true, all_varchar = true, delim = {quote_literal(layout.delimiter)}, quote = '\"', "
              f"escape = '\"', columns = {names}, compression = 'none', store_rejects = true, "
              f"rejects_table = 'tk_rejects', rejects_scan = 'tk_reject_scans'{longest}, auto_detect = false))")
    at = rows_for(store, source_id, size=Path(source.path).stat().st_size)
    filled = filled_fields(plan) if at.own else list(field_names())
    if at.own:
        create_source_table(store, source_id, filled)
    fields = ", ".join(quote_ident(n) for n in filled)
    stage = stage_sql(replace(plan, raw_table=reader, country_keys=True), extra={"tk_mark": _marks(plan)},
                      inner_extra=_date_form(plan))
    store.execute("DROP TABLE IF EXISTS tk_rejects; DROP TABLE IF EXISTS tk_reject_scans")
    store.execute("SET preserve_insertion_order = true")  # positions are record numbers
    # A long IN list becomes a join, and a join gives up the scan's order: keep IN lists as comparisons
    # (put back by load_settings).
    disabled = store.scalar("SELECT current_setting('disabled_optimizers')")
    store.execute(f"SET disabled_optimizers = {quote_literal(','.join(filter(None, [disabled, 'in_clause'])))}")
    mark = f"tk_mark + CASE WHEN reason IS NULL THEN 0 ELSE {_BAD} END"
    ids = ("shipment_id, line", mark) if at.own else ("shipment_id, source_id, line", f"{mark}, {int(source_id)}")
    insert = (f"INSERT INTO {at.table} ({ids[0]}, {fields}) "  # noqa: S608
              f"SELECT {ids[1]}, 0, {fields} FROM ({stage})")
    indexer = _Indexer(source.path)
    indexer.start()
    try:
        # Only an order-keeping insert numbers rows by position; anything else (an engine change) goes
        # through the raw table rather than risk a wrong line.
        if "Batch Insert" not in store.rows(f"EXPLAIN {insert}")[0][1]:
            raise ReadWithRawTable("the engine would not keep the file's row order")
        read_csv(insert)
    except BaseException:
        indexer.cancel()  # an interrupt must not wait for the rest of the file's hash
        raise
    fp = indexer.get(source.name)
    # Every later statement may write in any order (an ordered insert buffers: the party mentions'
    # insert peaked at 5 GB at 10M rows with it on); load_settings puts the session's own value back.
    store.execute("SET preserve_insertion_order = false")
    from tracekit.store.scan import read_rejects

    rejects = read_rejects(store)
    if not long_lines and store.scalar("SELECT count(*) FROM tk_rejects WHERE error_type = 'LINE SIZE OVER MAXIMUM'"):
        from tracekit.store.scan import LongLines

        raise LongLines("a line is longer than the reader's default buffer")
    rows = store.scalar(f"SELECT count(*) FROM {at.table} WHERE {at.where}")  # noqa: S608
    return DirectScan(fp, rejects, int(rows), 0, at)


def _first_position(store: Store, at: SourceRows, rows: int) -> int:
    """Row position of the source's first row, once committed (rows of an open transaction have others)."""
    first, last, count = store.rows(f"SELECT min(rowid), max(rowid), count(*) FROM {at.table} WHERE {at.where}")[0]  # noqa: S608
    if count != rows or (rows and last - first + 1 != rows):  # an engine change, never the user's data
        raise RuntimeError(f"shipments: row positions {first}..{last} are not consecutive for {rows} rows")
    return int(first or 0)


def _line_sql(rid: str, first: int, gaps: list[int]) -> str:
    """Physical line of the row at position ``rid``: record number + 1, past the rejected lines before it."""
    n = f"({rid} - {first} + 2)"
    shift = " + ".join(f"(CASE WHEN {n} >= {g} THEN 1 ELSE 0 END)" for g in gaps)
    return f"({n} + {shift})" if gaps else n


def number_and_quarantine(store: Store, scan: DirectScan, *, source: Source, layout: TextLayout, plan: StagePlan,
                          source_id: int, report: Any, quarantine_left_out: Any) -> list[tuple]:
    """Number the new rows, count warnings and date forms, quarantine marked rows and repeats.

    Returns the reader's rejects placed on their physical lines. Raises :class:`ReadWithRawTable` when
    the file is not one record per line, and :class:`DayOrderWrong` when every row's dates say the
    sample's day order was wrong.
    """
    fp, rejects, accepted = scan.fingerprint, scan.rejects, scan.accepted
    reject_lines = [r[0] for r in rejects]
    physical_lines = fp.newlines + (0 if fp.ends_with_newline else 1)
    if physical_lines != 1 + accepted + len(reject_lines) or len(set(reject_lines)) != len(reject_lines):
        raise ReadWithRawTable("records span lines or the file has blank lines")
    if len(reject_lines) > _MAX_SHIFTS:
        raise ReadWithRawTable("many rejected lines")
    sid = int(source_id)
    at = scan.rows_at
    table, where = at.table, at.where
    scan.first_rowid = _first_position(store, at, accepted)
    gaps = [r - j for j, r in enumerate(sorted(reject_lines))]
    line = _line_sql("rowid", scan.first_rowid, gaps)
    store.execute("DROP TABLE IF EXISTS tk_dups")
    repeated = _repeated_id_hashes(store, at) if plan.mapping.column("record_id") else []
    if len(repeated):
        # the window compares the ids themselves: a hash collision only adds a candidate that is no repeat
        rid = quote_ident("record_id")
        dup_at, first_at = _line_sql("rid", scan.first_rowid, gaps), _line_sql("first_rid", scan.first_rowid, gaps)
        with store.registered("tk_dup_hashes", pa.table({"h": pa.array(repeated, pa.uint64())})):
            store.execute(
                f"CREATE TEMP TABLE tk_dups AS SELECT {dup_at} AS line, {first_at} AS first_line, rid FROM ("  # noqa: S608
                f"SELECT rowid AS rid, min(rowid) OVER (PARTITION BY {rid}) AS first_rid FROM {table} "
                f"WHERE {where} AND {_GOOD} AND hash({rid}) IN (SELECT h FROM tk_dup_hashes)) WHERE rid > first_rid")
    else:
        store.execute("CREATE TEMP TABLE tk_dups (line BIGINT, first_line BIGINT, rid BIGINT)")
    _find_countries(store, plan, at)
    _count_marks(store, plan, at, report)
    # One UPDATE numbers the rows and puts the countries' codes in place of their texts (three statements
    # cost 0.1-0.2 s more at 10M rows: each scans and rewrites the rows again). The lines of the rows
    # with a problem are kept first: the numbering overwrites their mark.
    store.execute("DROP TABLE IF EXISTS tk_bad")
    store.execute(f"CREATE TEMP TABLE tk_bad AS SELECT {line} AS line FROM {table} WHERE {where} AND NOT {_GOOD}")  # noqa: S608
    store.execute(f"UPDATE {table} SET line = {line}, "  # noqa: S608
                  f"shipment_id = (CAST({sid} AS BIGINT) << 32) | {line}{_country_codes(plan, table)} WHERE {where}")
    store.execute("DROP TABLE tk_country_found")
    left = [r[0] for r in store.rows(
        "SELECT line FROM tk_bad UNION ALL SELECT line FROM tk_dups ORDER BY 1")]
    if left:
        texts = read_lines(source.path, left, fp.offsets, LINE_STEP)
        width = len(layout.names)
        rows = [split_record(texts.get(n, b"").decode("utf-8", "replace"), layout.delimiter, width) for n in left]
        texts_table = pa.table({"line": pa.array(left, pa.int64()),
                                **{name: pa.array([r[i] for r in rows], pa.string())
                                   for i, name in enumerate(layout.names)}})
        with store.registered("tk_left_out_rows", texts_table):
            store.execute("DROP TABLE IF EXISTS tk_left_out")
            store.execute("CREATE TEMP TABLE tk_left_out AS SELECT * FROM tk_left_out_rows")
        quarantine_left_out(list(layout.names))
        store.execute("DROP TABLE tk_left_out")
        store.execute(f"DELETE FROM {table} WHERE {where} AND line IN "  # noqa: S608
                      "(SELECT line FROM tk_bad UNION ALL SELECT line FROM tk_dups)")
    store.execute("DROP TABLE tk_dups; DROP TABLE tk_bad")
    report.rows_loaded = int(store.scalar(f"SELECT count(*) FROM {table} WHERE {where}"))  # noqa: S608
    if at.own:
        rebuild_view(store)  # the source's rows join the shipments every reader sees
    return [(r[0] + 0, *r[1:5]) for r in rejects]


def _repeated_id_hashes(store: Store, at: SourceRows) -> np.ndarray:
    """Hashes of the record ids that occur more than once in the source's rows (a collision may add one).

    Sorting the ids' 64-bit hashes and comparing neighbours finds them: 0.25 s for 10M rows (numpy's
    vectorised sort), against 1.0 s for the engine's GROUP BY ... HAVING count(*) > 1, whose hash table
    holds one entry per (nearly always distinct) id.
    """
    hashes = store.arrow(f"SELECT hash({quote_ident('record_id')}) AS h FROM {at.table} "  # noqa: S608
                         f"WHERE {at.where} AND {_GOOD} AND {quote_ident('record_id')} IS NOT NULL").column(0)
    ordered = np.sort(hashes.to_numpy())
    return np.unique(ordered[1:][ordered[1:] == ordered[:-1]])


def _find_countries(store: Store, plan: StagePlan, at: SourceRows) -> None:
    """``tk_country_found`` (field, text, alpha2): each distinct country text of the new rows looked up once."""
    store.execute("DROP TABLE IF EXISTS tk_country_found")
    fields = list(country_key_fields(plan))
    parts = [f"SELECT {i} AS field, text, {country_lookup_sql(plan, f, 'text')} AS alpha2 FROM "  # noqa: S608
             f"(SELECT DISTINCT {quote_ident(f)} AS text FROM {at.table} "
             f"WHERE {at.where} AND {quote_ident(f)} IS NOT NULL)" for i, f in enumerate(fields)]
    store.execute("CREATE TEMP TABLE tk_country_found AS "
                  + (" UNION ALL ".join(parts) or "SELECT 0 AS field, '' AS text, '' AS alpha2 WHERE false"))


def _country_codes(plan: StagePlan, table: str) -> str:
    """SET clauses (each led by a comma) turning country texts into ISO alpha-2 codes (NULL when none),
    from ``tk_country_found``, which holds every non-NULL text of each field once."""
    return "".join(f", {quote_ident(f)} = (SELECT c.alpha2 FROM tk_country_found c "  # noqa: S608
                   f"WHERE c.field = {i} AND c.text = {table}.{quote_ident(f)})"
                   for i, f in enumerate(country_key_fields(plan)))


class DayOrderWrong(Exception):
    """Every row's dates choose another day order than the sample did: load again with it."""

    def __init__(self, orders: dict[str, DayOrder]):
        super().__init__(orders)
        self.orders = orders


def _count_marks(store: Store, plan: StagePlan, at: SourceRows, report: Any) -> None:
    """Warning counts (loaded rows, repeats excluded) and date forms (every row) from the marks."""
    flags = _marked_flags(plan)
    loaded = f"(s.shipment_id & {_BAD}) = 0 AND d.rid IS NULL"
    warn = [f"count(*) FILTER (WHERE {loaded} AND (s.shipment_id & {1 << _WARNING_BITS.index(k)}) <> 0)"
            for k in flags]
    checked = [(i, f) for i, (f, warns) in enumerate(country_key_fields(plan).items()) if warns]
    joins = "".join(f" LEFT JOIN tk_country_found kc{i} ON kc{i}.field = {i} AND kc{i}.text = s.{quote_ident(f)}"
                    for i, f in checked)
    if checked:
        flags = ["w_country", *flags]
        unknown = " OR ".join(f"(s.{quote_ident(f)} IS NOT NULL AND kc{i}.alpha2 IS NULL)" for i, f in checked)
        warn.insert(0, f"count(*) FILTER (WHERE {loaded} AND ({unknown}))")
    form = f"((s.shipment_id >> {_DATE_SHIFT}) & 7)"
    dates = [f"count(*) FILTER (WHERE {form} = {c})" for c in (1, 2, 3, 4)] + [
        f"count(*) FILTER (WHERE (s.shipment_id & {8 << _DATE_SHIFT}) <> 0)",
        f"count(*) FILTER (WHERE (s.shipment_id & {16 << _DATE_SHIFT}) <> 0)"]
    row = store.rows(f"SELECT {', '.join(warn + dates)} FROM {at.table} s "  # noqa: S608
                     f"LEFT JOIN tk_dups d ON d.rid = s.rowid{joins} WHERE {at.where}")[0]  # (source_id: only s has one)
    report.warnings = {WARNING_FLAGS[k]: int(n) for k, n in zip(flags, row[:len(flags)], strict=True) if n}
    if col := plan.mapping.column("date"):
        iso, compact, numeric, named, first, second = row[len(flags):]
        order = choose_day_order(first, second, "MDY" if plan.mapping.kind == "ams" else "DMY")
        if order != plan.day_orders.get(col):
            raise DayOrderWrong({col: order})
        report.date_order = {col: describe_date_forms(order, iso, compact, numeric, named)}


def record_source_file(store: Store, source_id: int, source: Source, layout: TextLayout,
                       fp: IndexedFingerprint) -> None:
    ensure_source_files(store)
    store.execute(f"INSERT INTO {SOURCE_FILES} VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                  [source_id, str(Path(source.path).resolve()), fp.size, fp.mtime_ns, fp.sha256, list(layout.names),
                   LINE_STEP, fp.offsets])
