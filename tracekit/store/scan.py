"""Scanning a source into its raw table ``raw_NNNNN`` (all columns as text plus ``line``).

Text goes through the engine's CSV reader, rejected lines (ragged, bad bytes, broken quoting) recorded
with their line numbers, while a thread hashes the file; then every row gets its *physical* line, so an
analyst can open the file at the right place:

* one record per line (the usual case): row number + 1, shifted past rejected lines;
* records spanning lines (a quoted field with a line break) and nothing else odd: each row is shifted by
  the line breaks inside the records before it, counted in SQL;
* anything else (blank lines, rejected multi-line records): one pass of Python's ``csv`` module over the
  file (:mod:`tracekit.ingest.lines`).
"""

from __future__ import annotations

import contextlib
import gzip
import os
import re
import sys
import threading
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from tracekit.errors import SourceError
from tracekit.ingest.lines import record_lines
from tracekit.ingest.plan import quote_ident
from tracekit.ingest.sources import (
    Fingerprint,
    Source,
    TextLayout,
    copy_member,
    fingerprint,
)
from tracekit.ingest.textcopy import TRUNCATION_ERRORS, careful_copy
from tracekit.store.engine import Store, quote_literal

__all__ = ["Fingerprinter", "ReadAgainCarefully", "LongLines", "scan_text", "read_rejects", "reconcile_lines", "create_raw_from_table",
           "create_raw_from_parquet"]

_REJECT_REASONS = {
    "TOO MANY COLUMNS": "ragged_line", "MISSING COLUMNS": "ragged_line", "INVALID ENCODING": "bad_encoding",
    "INVALID UNICODE": "bad_encoding",
}


def yield_to_the_engine() -> None:
    """Lower the calling thread's priority (Linux: its own nice value, 10 more) for work beside an engine scan.

    The engine's ordered insert runs one thread per core and each waits for the batch before its own:
    a hashing thread at the same priority takes a core from one of them, and the other then waits too.
    At 10M rows the file's hash and line index beside the scan lengthened it by 2.7-5.5 s at normal
    priority (3 CPU s of work) and by nothing measurable at nice 10, where the thread runs in the gaps
    the scan leaves and still finishes before it. Elsewhere (no per-thread priority) a no-op.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            thread = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + 10))


class Fingerprinter(threading.Thread):
    """Hash a file while the engine scans it (hashlib releases the GIL)."""

    def __init__(self, source: Source):
        super().__init__(daemon=True)
        self.source, self.result, self.error = source, None, None

    def run(self) -> None:
        yield_to_the_engine()
        try:
            self.result = fingerprint(self.source)
        except BaseException as exc:  # re-raised in the loading thread
            self.error = exc

    def get(self) -> Fingerprint:
        self.join()
        if isinstance(self.error, TRUNCATION_ERRORS):
            raise ReadAgainCarefully(f"the compressed stream is cut ({self.error})")
        if self.error is not None:
            raise SourceError(f"{self.source.name}: cannot read the file ({self.error})") from self.error
        return self.result


class LongLines(Exception):
    """A line is longer than the CSV reader's default buffer: the load rolls back and reads again with
    an 8 MB one (only then: a larger buffer costs every read)."""


class ReadAgainCarefully(Exception):
    """The engine could not read the file as it is (mixed line endings, a cut stream): the load rolls
    back and reads it again through a careful copy (:mod:`tracekit.ingest.textcopy`)."""


def scan_text(store: Store, source: Source, layout: TextLayout, raw: str, workdir: Path) -> tuple[Path, Any]:
    """Create the raw table from a text file; returns (file the engine read, fingerprint or thread)."""
    try:
        if layout.native and source.member is None and not layout.careful:
            path, print_ = source.path, Fingerprinter(source)
            print_.start()
        else:
            path = workdir / f"{raw}.csv"
            print_ = (copy_member(source, path) if layout.native and not layout.careful
                      else careful_copy(source, layout.encoding, path))
    except TRUNCATION_ERRORS as exc:
        raise ReadAgainCarefully(f"the compressed stream is cut ({exc})") from exc
    except OSError as exc:
        raise SourceError(f"{source.name}: cannot read the file: {exc.strerror or exc}") from exc
    compression = "gzip" if (source.compression == "gzip" and path == source.path) else "none"
    names = "{" + ", ".join(f"{quote_literal(n)}: 'VARCHAR'" for n in layout.names) + "}"
    columns = ", ".join(quote_ident(n) for n in layout.names)
    store.execute("DROP TABLE IF EXISTS tk_rejects; DROP TABLE IF EXISTS tk_reject_scans")
    # With insertion order kept, the table holds the rows in file order, so a row's position (rowid)
    # gives its record number. Numbering in the scan instead (row_number() OVER ()) would make the
    # engine read the file on one thread: twice the time on two cores. The caller puts the session's
    # own setting back afterwards.
    store.execute("SET preserve_insertion_order = true")
    _read_csv(store, source, layout,
              f"CREATE TABLE {raw} AS SELECT {columns} "  # noqa: S608
              f"FROM read_csv({quote_literal(str(path))}, header = true, all_varchar = true, "
              f"delim = {quote_literal(layout.delimiter)}, quote = '\"', escape = '\"', columns = {names}, "
              f"compression = {quote_literal(compression)}, store_rejects = true, rejects_table = 'tk_rejects', "
              f"rejects_scan = 'tk_reject_scans'{_line_size(layout)}, auto_detect = false)")
    if not layout.long_lines and store.scalar(
            "SELECT count(*) FROM tk_rejects WHERE error_type = 'LINE SIZE OVER MAXIMUM'"):
        raise LongLines("a line is longer than the reader's default buffer")
    _number_rows(store, raw)
    return path, print_


def _line_size(layout: TextLayout) -> str:
    return ", max_line_size = 8388608" if layout.long_lines else ""


def _read_csv(store: Store, source: Source, layout: TextLayout, sql: str) -> None:
    """Run the engine's CSV scan; a failure of the file (not of tracekit) becomes one clear error."""
    try:
        with store.lock, store.running():
            store.connection.execute(sql)
    except duckdb.InterruptException as exc:
        raise KeyboardInterrupt from exc
    except RuntimeError as exc:
        if "interrupted" in str(exc).lower():
            raise KeyboardInterrupt from exc
        raise
    except duckdb.Error as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "interrupted" in text.lower():
            raise KeyboardInterrupt from exc
        if not layout.long_lines and "line size" in text.lower():
            raise LongLines(text) from exc
        if not layout.careful and ("state machine" in text or "GZIP" in text or "gzip" in text):
            raise ReadAgainCarefully(text) from exc
        raise SourceError(f"{source.name}: the CSV reader cannot read the file: {text}") from exc


def _number_rows(store: Store, raw: str) -> None:
    """``line`` = record number + 1 (the header is line 1), from the rows' positions in the new table."""
    store.execute(f"ALTER TABLE {raw} ADD COLUMN line BIGINT")
    # Rows written in this still-open transaction are numbered from an engine-chosen offset, so count
    # from the first; they must be consecutive for positions to be record numbers.
    first, last, rows = store.rows(f"SELECT min(rowid), max(rowid), count(*) FROM {raw}")[0]  # noqa: S608
    if not rows:
        return
    if last - first + 1 != rows:  # an engine change, never the user's data: fail before a wrong line is stored
        raise RuntimeError(f"{raw}: row positions {first}..{last} are not consecutive for {rows} rows")
    store.execute(f"UPDATE {raw} SET line = rowid - {int(first)} + 2")  # noqa: S608


def read_rejects(store: Store) -> list[tuple]:
    """Rejected records: (engine line, reason, column, detail, raw text, byte position, physical offset).

    One per record (a record with several errors is one row; two records the engine numbered alike
    stay two). The byte position and the line breaks leading the raw text place the record on its
    physical line when the engine's own numbering drifts (blank lines, records spanning lines).
    """
    rows = store.rows(
        "SELECT line, list(error_type ORDER BY column_idx), list(column_name ORDER BY column_idx), "
        "list(error_message ORDER BY column_idx), any_value(csv_line), line_byte_position FROM tk_rejects "
        "GROUP BY line, line_byte_position ORDER BY line_byte_position, line")
    out = []
    for line, types, cols, messages, raw, position in rows:
        reason = _REJECT_REASONS.get(types[0], "malformed_line")
        detail = _reject_detail(types, messages)
        text = raw or ""
        body = text.lstrip("\r\n")
        breaks = text[: len(text) - len(body)].count("\n")  # blank lines the engine put in front of the record
        out.append((int(line), reason, cols[0], detail, body if body != text else raw, position,
                    max(breaks - 1, 0)))
    return out


def _reject_detail(types: list[str], messages: list[str]) -> str:
    """One phrase per problem of a rejected record.

    The engine reports a ragged record once per surplus or missing field; it is one problem, said once
    with the fields found.

    Examples
    --------
    >>> _reject_detail(["TOO MANY COLUMNS"] * 2, ["Expected Number of Columns: 4 Found: 5",
    ...                                           "Expected Number of Columns: 4 Found: 6"])
    'ragged_line: Expected Number of Columns: 4 Found: 6'
    >>> _reject_detail(["MISSING COLUMNS"] * 2, ["Expected Number of Columns: 4 Found: 2",
    ...                                         "Expected Number of Columns: 4 Found: 3"])
    'ragged_line: Expected Number of Columns: 4 Found: 2'
    """
    phrases: dict[str, str] = {}
    for kind, message in zip(types, messages, strict=True):
        reason = _REJECT_REASONS.get(kind, "malformed_line")
        if kind in ("TOO MANY COLUMNS", "MISSING COLUMNS"):
            found = [int(n) for n in re.findall(r"Found: (\d+)", message)]
            kept = re.findall(r"Found: (\d+)", phrases.get(kind, ""))
            if kept and found and (found[0] > int(kept[0])) == (kind == "MISSING COLUMNS"):
                continue  # the field count actually found: the most (too many) or the fewest (missing)
            phrases[kind] = f"{reason}: {message}"
        else:
            phrases.setdefault(f"{kind}: {message}", f"{reason}: {message}")
    return "; ".join(phrases.values())


def _lines_at_bytes(path: Path, positions: list[int]) -> dict[int, int]:
    """1 + the number of line breaks before each byte position of the file the engine read."""
    wanted = sorted(set(positions))
    found: dict[int, int] = {}
    breaks, offset, i = 0, 0, 0
    opener = gzip.open if path.suffix.lower() == ".gz" else open
    with opener(path, "rb") as handle:
        while i < len(wanted) and (chunk := handle.read(4 << 20)):
            while i < len(wanted) and wanted[i] < offset + len(chunk):
                found[wanted[i]] = breaks + chunk.count(b"\n", 0, wanted[i] - offset) + 1
                i += 1
            breaks += chunk.count(b"\n")
            offset += len(chunk)
    for position in wanted[i:]:
        found[position] = breaks + 1
    return found


def reconcile_lines(store: Store, raw: str, path: Path, delimiter: str, fp: Fingerprint,
                    rejects: list[tuple], accepted: int, notes: list[str]) -> list[int]:
    """Give raw rows their physical line; returns the physical line of each rejected record, in order."""
    physical_lines = fp.newlines + (0 if fp.ends_with_newline else 1)
    reject_lines = [r[0] for r in rejects]
    if physical_lines == 1 + accepted + len(reject_lines) and len(set(reject_lines)) == len(reject_lines):
        # Fast path: one record per line, no blank lines. Accepted rows hold row_number + 1; shift each
        # past the rejected lines before it (reject j sits in front of the row numbered R_j - j).
        if reject_lines:
            gaps = pa.table({"gap": pa.array([r - j for j, r in enumerate(sorted(reject_lines))], pa.int64())})
            with store.registered("tk_reject_gaps", gaps):
                _shift_past(store, raw, "SELECT gap AS line, 1 AS n FROM tk_reject_gaps", inclusive=True)
        return reject_lines
    if not reject_lines and _shift_past_line_breaks(store, raw, physical_lines, accepted):
        return []
    at = _lines_at_bytes(path, [r[5] for r in rejects if r[5] is not None])
    reject_physical = [at[r[5]] + r[6] if r[5] is not None else r[0] for r in rejects]
    logical, physical = record_lines(path, delimiter)
    rejected = set(reject_physical)
    keep = [i for i, v in enumerate(physical.to_pylist()) if v not in rejected]
    if len(keep) != accepted or len(rejected) != len(reject_physical):
        notes.append(
            f"line numbers are approximate: the file's quoting could not be followed exactly "
            f"({len(keep)} records found, {accepted} read)")
        return _distinct(reject_physical, taken=set(range(2, accepted + 2)))
    table = pa.table({"t": pa.array(range(2, accepted + 2), pa.int64()),
                      "physical": physical.take(pa.array(keep, pa.int64()))})
    with store.registered("tk_line_map", table):
        store.execute(f"UPDATE {raw} SET line = m.physical FROM tk_line_map m WHERE {raw}.line = m.t")  # noqa: S608
    return reject_physical


def _distinct(lines: list[int], taken: set[int]) -> list[int]:
    """Rejected records' lines made distinct from the rows' and each other's (next free line after a clash).

    Only for files whose lines could not be followed exactly (the report says the numbers are
    approximate): two records must never share a line, or one would look counted twice.
    """
    out = []
    for line in lines:
        while line in taken:
            line += 1
        taken.add(line)
        out.append(line)
    return out


def _shift_past_line_breaks(store: Store, raw: str, physical_lines: int, accepted: int) -> bool:
    """Physical lines for a file whose only oddity is records spanning lines; False if it has others.

    A line break inside a quoted field moves every later record one line down. When the breaks inside
    the rows account for every extra line of the file (no blank lines), each row's line is its number
    plus the breaks in the rows before it: one window sum, no pass over the file.
    """
    columns = [quote_ident(c) for c in store.columns(raw) if c != "line"]
    breaks = " + ".join(f"(strlen(coalesce({c}, '')) - strlen(replace(coalesce({c}, ''), chr(10), '')))"
                        for c in columns)
    any_break = " OR ".join(f"contains({c}, chr(10))" for c in columns)
    store.execute("DROP TABLE IF EXISTS tk_breaks")
    store.execute(f"CREATE TEMP TABLE tk_breaks AS SELECT line, {breaks} AS n FROM {raw} WHERE {any_break}")  # noqa: S608
    total, first = store.rows("SELECT coalesce(sum(n), 0), min(line) FROM tk_breaks")[0]
    if total == 0 or physical_lines != 1 + accepted + total:
        store.execute("DROP TABLE tk_breaks")
        return False
    _shift_past(store, raw, "SELECT line, n FROM tk_breaks", inclusive=False)
    store.execute("DROP TABLE tk_breaks")
    return True


def _shift_past(store: Store, raw: str, marks: str, *, inclusive: bool) -> None:
    """Add to each row's line the ``n`` of every mark (``line``, ``n``) before it (at it, if ``inclusive``).

    One sort of rows and marks together with a running sum: linear in rows + marks. (A correlated
    count per row would pair every row with every mark: 10,000 rejected lines in a million rows took
    20 s that way.)
    """
    # Rows sort after marks of the same line when marks count inclusively, before them otherwise.
    row_rank = 1 if inclusive else 0
    store.execute(
        f"UPDATE {raw} SET line = {raw}.line + s.shift FROM ("  # noqa: S608
        "SELECT line, shift FROM (SELECT line, is_row, sum(n) OVER (ORDER BY line, is_row "
        "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS shift FROM ("
        f"SELECT line, {row_rank} AS is_row, 0 AS n FROM {raw} WHERE line >= (SELECT min(line) FROM ({marks})) "
        f"UNION ALL SELECT line, {1 - row_rank} AS is_row, n FROM ({marks}))) WHERE is_row = {row_rank}"
        f") s WHERE {raw}.line = s.line AND s.shift > 0")


def create_raw_from_table(store: Store, raw: str, table: pa.Table) -> None:
    with store.registered("tk_incoming", table):
        store.execute(f"CREATE TABLE {raw} AS SELECT * FROM tk_incoming")  # noqa: S608


def create_raw_from_parquet(store: Store, raw: str, path: Path, names: list[str]) -> None:
    columns = ", ".join(f"CAST({quote_ident(n)} AS VARCHAR) AS {quote_ident(n)}" for n in names)
    store.execute(
        f"CREATE TABLE {raw} AS SELECT CAST(file_row_number + 1 AS BIGINT) AS line, {columns} "  # noqa: S608
        f"FROM read_parquet({quote_literal(str(path))}, file_row_number = true)")
