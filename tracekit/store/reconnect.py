"""What a reconnect needs: the temporary state a connection carries to the next one, the SET statements
replayed on it, and how DuckDB says a statement was refused as a write or its file is held elsewhere.

Used by :class:`tracekit.store.engine.Store`, which opens and closes connections per verb so that
several processes can share a workspace.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

__all__ = ["TempState", "arrow_of", "setting_of", "refused_as_write", "foreign_holder"]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class TempState:
    """A connection's temporary tables and views, carried to the next connection of the same store
    (on an upgrade to writing, or an idle release): statements that build on them keep working."""

    def __init__(self, tables: list[tuple[str, pa.Table]], views: list[str]):
        self.tables, self.views = tables, views

    @classmethod
    def take(cls, con: duckdb.DuckDBPyConnection, registered: dict[str, Any]) -> TempState | None:
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE temporary ORDER BY table_oid").fetchall()]
        views = [sql for name, sql in con.execute(
            "SELECT view_name, sql FROM duckdb_views() WHERE temporary AND NOT internal ORDER BY view_oid"
        ).fetchall() if name not in registered]
        if not names and not views:
            return None
        tables = [(name, arrow_of(con, f"SELECT * FROM temp.main.{_quoted(name)}", None))  # noqa: S608
                  for name in names]
        return cls(tables, views)

    def restore(self, con: duckdb.DuckDBPyConnection) -> None:
        for name, table in self.tables:
            con.register("tk_carried_table", table)
            try:
                con.execute(f"CREATE TEMP TABLE {_quoted(name)} AS SELECT * FROM tk_carried_table")  # noqa: S608
            finally:
                con.unregister("tk_carried_table")
        for sql in self.views:
            con.execute(sql)


def arrow_of(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None) -> pa.Table:
    # A relation (no params) converts without the extra copy a DB-API result makes.
    rel = con.execute(sql, params) if params is not None else con.sql(sql)
    # duckdb 2 names it to_arrow_table(); >= 1.4 returns a RecordBatchReader from .arrow().
    result = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
    return result.read_all() if isinstance(result, pa.RecordBatchReader) else result


_SETTING = re.compile(r"^\s*(SET|RESET)\s+(?:(?:SESSION|LOCAL|GLOBAL)\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.IGNORECASE)


def setting_of(sql: str) -> tuple[str, str | None] | None:
    """(name, statement) for a single SET statement, (name, None) for a RESET, else None.

    Examples
    --------
    >>> setting_of("SET preserve_insertion_order = false")
    ('preserve_insertion_order', 'SET preserve_insertion_order = false')
    >>> setting_of("RESET threads")
    ('threads', None)
    >>> setting_of("SET VARIABLE x = 1") is None, setting_of("SET a = 1; SET b = 2") is None
    (True, True)
    """
    if ";" in sql.strip().rstrip(";"):
        return None
    match = _SETTING.match(sql)
    if match is None or match.group(2).upper() == "VARIABLE":
        return None
    name = match.group(2).lower()
    return (name, None) if match.group(1).upper() == "RESET" else (name, sql)


def refused_as_write(exc: duckdb.Error) -> bool:
    """DuckDB refused a statement because the connection is read-only (nothing was changed)."""
    text = str(exc)
    return "read-only mode" in text or "read only mode" in text


def foreign_holder(text: str) -> str:
    """Who holds the DuckDB file, from DuckDB's "Conflicting lock is held in … (PID n)" message."""
    match = re.search(r"held in (.*?) \(PID (\d+)\)", text)
    if not match:
        return "another program"
    program, pid = match.group(1), match.group(2)
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        command = program
    return f"pid {pid} ({command[:120] or program})"
