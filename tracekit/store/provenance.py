"""Getting raw rows back: from shipments to the exact source rows, and the quarantine listing."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd
import pyarrow as pa

from tracekit.errors import SourceError
from tracekit.store.engine import Store, quote_identifier, quote_literal

__all__ = ["source_rows", "quarantine_rows", "find_source"]


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
        parts = []
        for sid, name, raw in store.rows(
                "SELECT source_id, name, raw_table FROM sources WHERE list_contains(?, source_id) ORDER BY source_id",
                [source_ids]):
            if ids is None and wanted_lines is None:
                parts.append(f"SELECT {quote_literal(name)} AS source, r.line, r.* EXCLUDE (line), r.line AS position "  # noqa: S608
                             f"FROM {quote_identifier(raw)} r")
            else:
                parts.append(f"SELECT {quote_literal(name)} AS source, r.line, r.* EXCLUDE (line), w.position "  # noqa: S608
                             f"FROM {quote_identifier(raw)} r JOIN tk_wanted_rows w "
                             f"ON w.source_id = {int(sid)} AND w.line = r.line")
        if not parts:
            return pd.DataFrame(columns=["source", "line"])
        frame = store.df(" UNION ALL BY NAME ".join(parts) + " ORDER BY position")
    return frame.drop(columns=["position"]).reset_index(drop=True)


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
