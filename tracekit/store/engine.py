"""The one seam between tracekit and a SQL engine.

Every query tracekit runs goes through :class:`Store`. Today the engine is DuckDB, embedded, in a
workspace folder or in memory; a distributed engine (Spark) will plug in here later. To keep that
possible, callers hand the store set-based SQL (no row loops, no DuckDB-only procedural features) and
get pandas or Arrow back.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from tracekit.errors import WorkspaceError
from tracekit.store.failures import connect_failure, engine_errors
from tracekit.store.folders import DATABASE_FILE, LEFTOVER_PREFIX, is_ours, remove_leftovers
from tracekit.store.ids import check_id_columns
from tracekit.store.locking import WorkspaceLock
from tracekit.store.reconnect import TempState, arrow_of, refused_as_write, setting_of
from tracekit.store.sessions import IDLE_RELEASE, WRITER_POLL, Sessions, quiet
from tracekit.store.sqltext import quote_identifier, quote_literal
from tracekit.store.transactions import Transactions

__all__ = ["Store", "DATABASE_FILE", "engine_errors", "remove_leftovers", "LEFTOVER_PREFIX", "IDLE_RELEASE",
           "WRITER_POLL", "quote_identifier", "quote_literal"]

# The Store is split by concern (each module under ~400 lines); this module keeps the class, what it is
# built from, and every name other modules import from here:
#   sessions.py      reading()/writing() blocks: when a connection opens, upgrades, and is given back
#   transactions.py  transaction(), interrupt(), prompt_interrupts(), running()
#   failures.py      engine_errors() and the messages for a workspace that cannot be opened
#   folders.py       the database file and the work folders a killed load leaves
#   sqltext.py       quote_identifier(), quote_literal()


class Store(Sessions, Transactions):
    """A connection to the workspace database, and the only object that executes SQL.

    A workspace folder may be open in several processes at once (two notebooks and the CLI on one
    case). DuckDB allows one read-write process *or* many read-only ones per file, so a folder store
    holds no connection between verbs: it opens DuckDB read-only for reading, read-write only while
    writing, and closes it at the end of the verb, under the workspace lock (:mod:`tracekit.store.locking`:
    many readers, one writer, a waiting writer named and then served). Inside :meth:`reading` and
    :meth:`writing` blocks (each Workspace verb is one) one connection serves every statement; a read
    that turns out to write (a lazy rebuild of the graph tables, a user's ``CREATE TABLE``) upgrades to
    the write connection, carrying its temporary tables along, and keeps it to the end of the block. A
    write connection closes when its block ends; a read one lingers up to :data:`IDLE_RELEASE` seconds
    for the next verb, and goes at once when a writer elsewhere waits. Statements outside any block
    open a connection that is released the same way, keeping its temporary tables and settings for the
    next one. An in-memory store keeps its one connection for life.

    Parameters
    ----------
    folder : path or None
        Workspace folder; the database lives in ``folder / "tracekit.duckdb"``. ``None`` keeps
        everything in memory.
    read_only : bool
        Never write (DuckDB is then only ever opened read-only).
    create : bool
        Create the folder (and, at the first write, the database) when missing.
    lock_timeout : float, optional
        Seconds to wait for a workspace another process is writing (or, for a write, reading) before
        failing with :class:`~tracekit.errors.WorkspaceBusy`; default ``$TRACEKIT_LOCK_TIMEOUT`` or 60.
    on_wait : callable, optional
        Receives the one-line notice that a wait began (default: printed to stderr).

    Examples
    --------
    >>> store = Store(None)
    >>> store.scalar("SELECT 40 + 2")
    42
    >>> store.close()
    """

    def __init__(self, folder: str | Path | None = None, *, read_only: bool = False, create: bool = True,
                 lock_timeout: float | None = None, on_wait: Callable[[str], None] | None = None):
        self.folder: Path | None = Path(folder).expanduser().resolve() if folder is not None else None
        self.read_only = read_only
        self._lock = threading.RLock()
        self._closed = False
        self._committing = False
        self._busy = 0  # statements running (the interrupt watcher stops only a running one)
        self._registered: dict[str, Any] = {}  # client data registered by name, re-registered on reconnect
        self._settings: dict[str, str] = {}  # SET statements run, replayed on reconnect
        self._pending: TempState | None = None  # temporary tables carried to the next connection
        self._depth = 0  # nested reading()/writing() blocks
        self._label = ""  # what the outermost block is doing (named to waiting processes)
        self._sticky = False  # a connection no block holds (released when idle)
        self._carry = False  # whether that release keeps the temporary tables for the next connection
        self._last_used = 0.0
        self._idle_watcher: threading.Thread | None = None
        self._generation = 0  # writes in an in-memory store
        self._mentions_paused = 0  # >0 while the party-mentions hook runs (or a caller needs it off)
        self.mentions_temp_generation: int | None = None  # read-only: generation of the temporary mentions
        self.connects = 0  # connections opened (tests, benchmarks)
        self.upgrades = 0  # reads that turned into writes
        self._con: duckdb.DuckDBPyConnection | None = None
        self._mode: str | None = None  # "read" or "write": how the open connection was opened
        if self.folder is None:
            self._database = ":memory:"
            self._workspace_lock: WorkspaceLock | None = None
            try:
                self._con = quiet(duckdb.connect(":memory:"))
            except duckdb.Error as exc:
                raise WorkspaceError(connect_failure(None, ":memory:", exc, False)) from exc
            self._mode = "write"
        else:
            self._database = str(self._prepare_folder(self.folder, create))
            self._workspace_lock = WorkspaceLock(self.folder, timeout=lock_timeout, on_wait=on_wait)
            if not read_only:
                self._remove_leftovers_if_free()

    def _remove_leftovers_if_free(self) -> None:
        """Work folders of a killed load go at the next writable open, if no other process holds the
        workspace now (a load running elsewhere owns its work folder; it is tidied at a later open)."""
        assert self.folder is not None and self._workspace_lock is not None
        if not any(self.folder.glob(LEFTOVER_PREFIX + "*")):
            return
        if self._workspace_lock.try_acquire("write", "removing the work files of a killed load"):
            try:
                remove_leftovers(self.folder)
            finally:
                self._workspace_lock.release()

    def _prepare_folder(self, folder: Path, create: bool) -> Path:
        """The database file of a workspace folder, creating the folder only where that is safe."""
        database = folder / DATABASE_FILE
        if folder.exists() and not folder.is_dir():
            raise WorkspaceError(f"workspace path {folder} exists and is not a folder")
        if database.exists():
            return database
        if self.read_only or not create:
            raise WorkspaceError(
                f"{folder} is not a tracekit workspace (no {DATABASE_FILE}); nothing was created. "
                f"Check --workspace, or create one with `tracekit init {folder}` or `tracekit load FILE "
                f"--workspace {folder}`")
        others = sorted(p.name for p in folder.iterdir() if not is_ours(p.name)) if folder.exists() else []
        if others:
            shown = ", ".join(others[:3]) + (" …" if len(others) > 3 else "")
            raise WorkspaceError(
                f"{folder} holds other files ({shown}) and no tracekit workspace; a workspace is created "
                "only in a new or empty folder: choose another --workspace")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise WorkspaceError(f"cannot create workspace folder {folder}: {exc.strerror or exc}") from exc
        return database

    # -- the party-mentions hook ---------------------------------------------------------------------
    @property
    def mentions_hook_off(self) -> bool:
        return self._mentions_paused > 0

    @contextlib.contextmanager
    def mentions_hook_paused(self) -> Iterator[None]:
        """Statements in the block naming ``party_mentions`` do not write pending mentions first."""
        self._mentions_paused += 1
        try:
            yield
        finally:
            self._mentions_paused -= 1

    def _mentions_first(self, sql: str) -> None:
        """Before a statement that names ``party_mentions``: write the mentions a load left pending
        (:func:`tracekit.store.mentions.ensure_party_mentions`, the one materialisation hook)."""
        if self._mentions_paused or self._closed:
            return
        from tracekit.store.mentions import ensure_party_mentions, names_mentions

        if names_mentions(sql):
            ensure_party_mentions(self)

    # -- executing -------------------------------------------------------------------------------
    def _call(self, run: Callable[[duckdb.DuckDBPyConnection], Any]) -> Any:
        """Run ``run(connection)`` with engine errors explained; a statement refused because the
        connection is read-only upgrades it to the write connection and runs again."""
        with self._lock:
            con = self._connection()
            with engine_errors(self):
                try:
                    return run(con)
                except duckdb.Error as exc:
                    if not (self._mode == "read" and not self.read_only and refused_as_write(exc)):
                        raise
            self._upgrade()
            with engine_errors(self):
                return run(self._con)

    def execute(self, sql: str, params: Sequence[Any] | dict | None = None) -> None:
        """Run one statement (or several separated by ';' when ``params`` is None) for its effect."""
        self._mentions_first(sql)
        setting = setting_of(sql) if params is None else None
        if params is None:
            self._call(lambda con: con.execute(sql))
        else:
            self._call(lambda con: con.execute(sql, params))
        if setting is not None:  # kept to be replayed on the next connection
            name, statement = setting
            if statement is None:
                self._settings.pop(name, None)
            else:
                self._settings[name] = statement

    def df(self, sql: str, params: Sequence[Any] | dict | None = None) -> pd.DataFrame:
        """Run a query and return its result as a pandas DataFrame.

        Integer columns with NULLs arrive as nullable ``Int64`` (never float64, which would round ids
        beyond 2^53); an id column (``*_id``, ``src``, ``dst``, ``via``) that arrives as floats anyway is
        an error here rather than a wrong id later (see :mod:`tracekit.store.ids`).
        """
        self._mentions_first(sql)
        frame = self._call(lambda con: con.execute(sql, params).df() if params is not None else con.sql(sql).df())
        check_id_columns(frame)
        return frame

    def arrow(self, sql: str, params: Sequence[Any] | dict | None = None) -> pa.Table:
        """Run a query and return its result as an Arrow table."""
        self._mentions_first(sql)
        return self._call(lambda con: arrow_of(con, sql, params))

    def rows(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[tuple]:
        """Run a query and return its rows as tuples (for small results only)."""
        self._mentions_first(sql)
        return self._call(lambda con: con.execute(sql, params).fetchall())

    def scalar(self, sql: str, params: Sequence[Any] | dict | None = None) -> Any:
        """Run a query that returns one value and return it (None for no row)."""
        rows = self.rows(sql, params)
        return rows[0][0] if rows else None

    # -- exposing client data to SQL ---------------------------------------------------------------
    def register(self, name: str, data: pd.DataFrame | pa.Table) -> None:
        """Make a DataFrame or Arrow table queryable as view ``name`` (no copy; kept across reconnects)."""
        with self._lock:
            self._check_open()
            self._registered[name] = data
            if self._con is not None:
                self._con.register(name, data)

    def unregister(self, name: str) -> None:
        with self._lock:
            self._registered.pop(name, None)
            if self._con is not None:
                self._con.unregister(name)

    @contextlib.contextmanager
    def registered(self, name: str, data: pd.DataFrame | pa.Table) -> Iterator[str]:
        """Register ``data`` as ``name`` for the duration of a ``with`` block."""
        self.register(name, data)
        try:
            yield name
        finally:
            self.unregister(name)

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
    def lock(self) -> threading.RLock:
        """The lock every statement holds (for the store package's own modules)."""
        return self._lock

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The raw DuckDB connection, for the store package's own modules only (hold :attr:`lock`, and
        use it inside a :meth:`reading`/:meth:`writing` block: outside one it may be released when idle)."""
        with self._lock:
            return self._connection()

    def close(self) -> None:
        """Close the connection and give the workspace back to other processes."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._pending = None
            if self._workspace_lock is None:
                if self._con is not None:
                    self._con.close()
                self._con = None
                return
            try:
                self._release(carry=False)
            finally:
                self._workspace_lock.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        where = str(self.folder) if self.folder else "in memory"
        return f"<Store duckdb {where}>"
