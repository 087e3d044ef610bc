"""Getting raw rows back: from shipments to the exact source rows, and the quarantine listing.

A source loaded through a raw table (``sources.raw_table``) is read from it. A plain file loaded in one
pass (:mod:`tracekit.store.direct`) has no raw table: its rows are read from the file itself by line,
through the line index in ``source_files``, after checking the file is the one loaded (size and
modification time on every call, the sha256 once per process). A file that moved or changed is said
so (a warning) and the rows fall back to what the workspace stored: the quarantined row's raw text,
or the loaded row's normalised values under its source columns (column ``stored`` says which).
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa

from tracekit.errors import SourceError
from tracekit.ingest.lineindex import file_unchanged, read_lines, split_record
from tracekit.store.engine import Store, quote_identifier, quote_literal

_READER_REASONS = ("ragged_line", "bad_encoding", "malformed_line", "truncated")  # lines the reader rejected
_VERIFIED: set[tuple[str, int, int, str]] = set()  # files whose sha256 was checked in this process


class SourceFileChanged(UserWarning):
    """The file a source was loaded from has moved or changed: rows come from what the workspace stored."""

__all__ = ["source_rows", "quarantine_rows", "find_source", "SourceFileChanged"]


def _as_list(value: int | Iterable[int] | None) -> list[int] | None:
    if value is None:
        return None
    if isinstance(value, int):
        return [value]
    return [int(v) for v in value]


def find_source(store: Store, source: str | int) -> tuple[int, str, str]:
    """(source_id, name, raw table) of a source given by id, name or path."""
    rows = store.rows(
        "SELECT source_id, name, raw_table FROM sources WHERE CAST(source_id AS VARCHAR) = ? OR name = ? "
        "OR path = ? ORDER BY source_id DESC", [str(source), str(source), str(source)])
    if not rows:
        known = [r[0] for r in store.rows("SELECT name FROM sources ORDER BY source_id")]
        raise SourceError(f"no loaded source {source!r}; loaded: {', '.join(known) or '(none)'}")
    return rows[0]


def source_rows(store: Store, shipment_ids: int | Iterable[int] | None = None, *,
                source: str | int | None = None, lines: int | Iterable[int] | None = None) -> pd.DataFrame:
    """See :meth:`tracekit.Workspace.source_rows`."""
    ids = _as_list(shipment_ids)
    wanted_lines = _as_list(lines)
    if ids is None and source is None:
        raise SourceError("source_rows needs shipment ids, or a source (with optional lines)")
    if ids is not None:
        keys = pa.table({"source_id": pa.array([i >> 32 for i in ids], pa.int64()),
                         "line": pa.array([i & 0xFFFFFFFF for i in ids], pa.int64()),
                         "position": pa.array(range(len(ids)), pa.int64())})
    else:
        sid = find_source(store, source)[0]
        line_list = wanted_lines if wanted_lines is not None else []
        keys = pa.table({"source_id": pa.array([sid] * len(line_list), pa.int64()),
                         "line": pa.array(line_list, pa.int64()),
                         "position": pa.array(range(len(line_list)), pa.int64())})
    with store.registered("tk_wanted_rows", keys):
        source_ids = [r[0] for r in store.rows("SELECT DISTINCT source_id FROM tk_wanted_rows ORDER BY 1")]
        if ids is None and wanted_lines is None:
            source_ids = [find_source(store, source)[0]]
        parts, frames = [], []
        for sid, name, raw in store.rows(
                "SELECT source_id, name, raw_table FROM sources WHERE list_contains(?, source_id) ORDER BY source_id",
                [source_ids]):
            if raw is None:
                wanted = None if ids is None and wanted_lines is None else store.rows(
                    "SELECT line, position FROM tk_wanted_rows WHERE source_id = ? ORDER BY position", [sid])
                frames.append(_file_rows(store, int(sid), name, wanted))
            elif ids is None and wanted_lines is None:
                parts.append(f"SELECT {quote_literal(name)} AS source, r.line, r.* EXCLUDE (line), r.line AS position "  # noqa: S608
                             f"FROM {quote_identifier(raw)} r")
            else:
                parts.append(f"SELECT {quote_literal(name)} AS source, r.line, r.* EXCLUDE (line), w.position "  # noqa: S608
                             f"FROM {quote_identifier(raw)} r JOIN tk_wanted_rows w "
                             f"ON w.source_id = {int(sid)} AND w.line = r.line")
        if parts:
            frames.append(store.df(" UNION ALL BY NAME ".join(parts)))
        if not frames:
            return pd.DataFrame(columns=["source", "line"])
        frame = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        frame = frame.sort_values("position", kind="stable")
    return frame.drop(columns=["position"]).reset_index(drop=True)


def _file_ok(path: str, size: int, mtime_ns: int, sha256: str) -> bool:
    """The file is the one loaded: same size and time, and (once per process) the same sha256."""
    if not file_unchanged(Path(path), size, mtime_ns):
        return False
    key = (path, size, mtime_ns, sha256)
    if key not in _VERIFIED:
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            while chunk := handle.read(4 << 20):
                digest.update(chunk)
        if digest.hexdigest() != sha256:
            return False
        _VERIFIED.add(key)
    return True


def _file_rows(store: Store, sid: int, name: str, wanted: list[tuple] | None) -> pd.DataFrame:
    """Rows of a source loaded without a raw table, read from its file (or from what is stored)."""
    row = store.rows("SELECT f.path, f.size, f.mtime_ns, f.sha256, f.columns, f.line_step, f.offsets, s.delimiter "
                     "FROM source_files f JOIN sources s USING (source_id) WHERE source_id = ?", [sid])
    if not row:
        raise SourceError(f"{name}: the workspace holds no raw rows or file index for this source")
    path, size, mtime_ns, sha256, columns, step, offsets, delimiter = row[0]
    rejected = {r[0] for r in store.rows(
        "SELECT line FROM quarantine WHERE source_id = ? AND list_contains(?, reason)", [sid, list(_READER_REASONS)])}
    if wanted is None:
        total = store.scalar("SELECT rows_read FROM sources WHERE source_id = ?", [sid])
        wanted = [(n, n) for n in range(2, int(total) + 2 + len(rejected)) if n not in rejected]
    else:
        wanted = [(n, p) for n, p in wanted if n not in rejected]
    if not _file_ok(path, size, mtime_ns, sha256):
        warnings.warn(f"{name}: the file {path} has moved or changed since it was loaded (its sha256 differs or it "
                      "is gone); the rows shown are what the workspace stored: quarantined rows' raw text, and "
                      "loaded rows' normalised values (column 'stored')", SourceFileChanged, stacklevel=3)
        return _stored_rows(store, sid, name, columns, delimiter, wanted)
    texts = read_lines(Path(path), [n for n, _ in wanted], offsets, step)
    records = [(n, p, split_record(texts[n].decode("utf-8", "replace").lstrip("\ufeff"), delimiter, len(columns)))
               for n, p in wanted if n in texts]
    frame = pd.DataFrame({"source": name, "line": pd.array([r[0] for r in records], dtype="int64"),
                          **{c: pd.Series([r[2][i] for r in records], dtype=object) for i, c in enumerate(columns)},
                          "position": [r[1] for r in records]})
    return frame


def _stored_rows(store: Store, sid: int, name: str, columns: list[str], delimiter: str,
                 wanted: list[tuple]) -> pd.DataFrame:
    """The fallback when the file changed: quarantine's raw text, else the shipment's values by source column."""
    import json

    from tracekit.ingest.fields import field_names

    mapping = json.loads(store.scalar("SELECT mapping_json FROM sources WHERE source_id = ?", [sid]) or "{}")
    by_column = {cols[0]: target for target, cols in mapping.get("columns", {}).items()
                 if len(cols) == 1 and target in field_names()}
    keys = pa.table({"line": pa.array([n for n, _ in wanted], pa.int64())})
    with store.registered("tk_stored_lines", keys):
        quarantined = dict(store.rows("SELECT q.line, q.raw_text FROM quarantine q JOIN tk_stored_lines w "
                                      "ON q.line = w.line WHERE q.source_id = ?", [sid]))
        fields = sorted(set(by_column.values()))
        select = ", ".join(f"CAST({quote_identifier(f)} AS VARCHAR)" for f in fields)
        loaded = {r[0]: dict(zip(fields, r[1:], strict=True)) for r in store.rows(
            f"SELECT s.line{', ' + select if select else ''} FROM shipments s JOIN tk_stored_lines w "  # noqa: S608
            "ON s.line = w.line WHERE s.source_id = ?", [sid])}
    out = []
    for n, p in wanted:
        if n in quarantined:
            values = split_record(quarantined[n] or "", delimiter, len(columns))
            out.append((n, p, "quarantine raw text", values))
        elif n in loaded:
            out.append((n, p, "shipments (normalised)", [loaded[n].get(by_column.get(c)) for c in columns]))
    return pd.DataFrame({"source": name, "line": pd.array([r[0] for r in out], dtype="int64"),
                         **{c: pd.Series([r[3][i] for r in out], dtype=object) for i, c in enumerate(columns)},
                         "stored": [r[2] for r in out], "position": [r[1] for r in out]})


def quarantine_rows(store: Store, *, source: str | int | None = None, reason: str | None = None) -> pd.DataFrame:
    """See :meth:`tracekit.Workspace.quarantine`."""
    where, params = [], []
    if source is not None:
        where.append("source_id = ?")
        params.append(find_source(store, source)[0])
    if reason is not None:
        where.append("reason = ?")
        params.append(reason)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    return store.df(f'SELECT source_id, file, line, "column", reason, detail, raw_text FROM quarantine {clause} '  # noqa: S608
                    "ORDER BY source_id, line", params or None)
