"""The one seam between tracekit and a SQL engine.

Every query tracekit runs goes through :class:`Store`. Today the engine is DuckDB, embedded, in a
workspace folder or in memory; a distributed engine (Spark) will plug in here later. To keep that
possible, callers hand the store set-based SQL (no row loops, no DuckDB-only procedural features) and
get pandas or Arrow back.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from tracekit.errors import WorkspaceError
from tracekit.store.ids import check_id_columns

__all__ = ["Store", "DATABASE_FILE"]

DATABASE_FILE = "tracekit.duckdb"


class Store:
    """A connection to the workspace database, and the only object that executes SQL.

    Parameters
    ----------
    folder : path or None
        Workspace folder; the database lives in ``folder / "tracekit.duckdb"``. ``None`` keeps
        everything in memory.
    read_only : bool
        Open the database read-only (several processes may then read one workspace).

    Examples
    --------
    >>> store = Store(None)
    >>> store.scalar("SELECT 40 + 2")
    42
    >>> store.close()
    """

    def __init__(self, folder: str | Path | None = None, *, read_only: bool = False):
        self.folder: Path | None = Path(folder).expanduser().resolve() if folder is not None else None
        self.read_only = read_only
        if self.folder is None:
            database = ":memory:"
        else:
            if self.folder.exists() and not self.folder.is_dir():
                raise WorkspaceError(f"workspace path {self.folder} exists and is not a folder")
            if read_only and not (self.folder / DATABASE_FILE).exists():
                raise WorkspaceError(f"{self.folder} is not a tracekit workspace (no {DATABASE_FILE})")
            self.folder.mkdir(parents=True, exist_ok=True)
            database = str(self.folder / DATABASE_FILE)
        try:
            self._con = duckdb.connect(database, read_only=read_only)
        except duckdb.IOException as exc:
            raise WorkspaceError(f"cannot open workspace database {database}: {exc}") from exc
        self._lock = threading.RLock()
        self._closed = False

    # -- executing -------------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | dict | None = None) -> None:
        """Run one statement (or several separated by ';' when ``params`` is None) for its effect."""
        with self._lock:
            if params is None:
                self._con.execute(sql)
            else:
                self._con.execute(sql, params)

    def df(self, sql: str, params: Sequence[Any] | dict | None = None) -> pd.DataFrame:
        """Run a query and return its result as a pandas DataFrame.

        Integer columns with NULLs arrive as nullable ``Int64`` (never float64, which would round ids
        beyond 2^53); an id column (``*_id``, ``src``, ``dst``, ``via``) that arrives as floats anyway is
        an error here rather than a wrong id later (see :mod:`tracekit.store.ids`).
        """
        with self._lock:
            frame = self._con.execute(sql, params).df() if params is not None else self._con.sql(sql).df()
        check_id_columns(frame)
        return frame

    def arrow(self, sql: str, params: Sequence[Any] | dict | None = None) -> pa.Table:
        """Run a query and return its result as an Arrow table."""
        with self._lock:
            # A relation (no params) converts without the extra copy a DB-API result makes.
            rel = self._con.execute(sql, params) if params is not None else self._con.sql(sql)
            # duckdb 2 names it to_arrow_table(); >= 1.4 returns a RecordBatchReader from .arrow().
            result = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
            return result.read_all() if isinstance(result, pa.RecordBatchReader) else result

    def rows(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[tuple]:
        """Run a query and return its rows as tuples (for small results only)."""
        with self._lock:
            return self._con.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: Sequence[Any] | dict | None = None) -> Any:
        """Run a query that returns one value and return it (None for no row)."""
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None

    # -- exposing client data to SQL ---------------------------------------------------------------
    def register(self, name: str, data: pd.DataFrame | pa.Table) -> None:
        """Make a DataFrame or Arrow table queryable as view ``name`` (no copy)."""
        with self._lock:
            self._con.register(name, data)

    def unregister(self, name: str) -> None:
        with self._lock:
            self._con.unregister(name)

    @contextlib.contextmanager
    def registered(self, name: str, data: pd.DataFrame | pa.Table) -> Iterator[str]:
        """Register ``data`` as ``name`` for the duration of a ``with`` block."""
        self.register(name, data)
        try:
            yield name
        finally:
            self.unregister(name)

    # -- transactions and interruption ------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """All statements in the block commit together, or none do (also on KeyboardInterrupt)."""
        with self._lock:
            self._con.execute("BEGIN TRANSACTION")
            try:
                yield self
            except BaseException:
                with contextlib.suppress(duckdb.Error):
                    self._con.execute("ROLLBACK")
                raise
            else:
                self._con.execute("COMMIT")

    def interrupt(self) -> None:
        """Ask a running query to stop (safe from another thread, e.g. a Ctrl-C handler)."""
        self._con.interrupt()

    # -- catalogue --------------------------------------------------------------------------------
    def table_exists(self, name: str) -> bool:
        return bool(
            self.scalar(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]
            )
        )

    def columns(self, name: str) -> list[str]:
        """Column names of a table or view, in order."""
        return [
            r[0]
            for r in self.rows(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [name],
            )
        ]

    def count(self, table: str) -> int:
        return int(self.scalar(f"SELECT count(*) FROM {quote_identifier(table)}"))  # noqa: S608

    # -- lifecycle --------------------------------------------------------------------------------
    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The raw DuckDB connection, for the store package's own modules only."""
        return self._con

    def close(self) -> None:
        if not self._closed:
            self._con.close()
            self._closed = True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = str(self.folder) if self.folder else "in memory"
        return f"<Store duckdb {where}>"


def quote_identifier(name: str) -> str:
    r"""Quote a SQL identifier (table or column name) so any text is safe in a query.

    Examples
    --------
    >>> quote_identifier('a"b')
    '"a""b"'
    """
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text: str) -> str:
    """Quote a SQL string literal.

    Examples
    --------
    >>> quote_literal("O'Brien")
    "'O''Brien'"
    """
    return "'" + text.replace("'", "''") + "'"
