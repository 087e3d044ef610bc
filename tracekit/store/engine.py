"""The one seam between tracekit and a SQL engine.

Every query tracekit runs goes through :class:`Store`. Today the engine is DuckDB, embedded, in a
workspace folder or in memory; a distributed engine (Spark) will plug in here later. To keep that
possible, callers hand the store set-based SQL (no row loops, no DuckDB-only procedural features) and
get pandas or Arrow back.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import socket
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from tracekit.errors import WorkspaceError
from tracekit.store.ids import check_id_columns

__all__ = ["Store", "DATABASE_FILE", "engine_errors", "remove_leftovers", "LEFTOVER_PREFIX"]

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

    def __init__(self, folder: str | Path | None = None, *, read_only: bool = False, create: bool = True):
        self.folder: Path | None = Path(folder).expanduser().resolve() if folder is not None else None
        self.read_only = read_only
        database = ":memory:" if self.folder is None else str(self._prepare_folder(self.folder, create))
        try:
            self._con = duckdb.connect(database, read_only=read_only)
        except duckdb.Error as exc:
            raise WorkspaceError(_connect_failure(self.folder, database, exc, read_only)) from exc
        self._lock = threading.RLock()
        self._closed = False
        self._committing = False
        self._busy = 0  # statements running (the interrupt watcher stops only a running one)
        if self.folder is not None and not read_only:
            remove_leftovers(self.folder)

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
        others = sorted(p.name for p in folder.iterdir() if not _is_ours(p.name)) if folder.exists() else []
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

    # -- executing -------------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | dict | None = None) -> None:
        """Run one statement (or several separated by ';' when ``params`` is None) for its effect."""
        with self._lock, engine_errors(self):
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
        with self._lock, engine_errors(self):
            frame = self._con.execute(sql, params).df() if params is not None else self._con.sql(sql).df()
        check_id_columns(frame)
        return frame

    def arrow(self, sql: str, params: Sequence[Any] | dict | None = None) -> pa.Table:
        """Run a query and return its result as an Arrow table."""
        with self._lock, engine_errors(self):
            # A relation (no params) converts without the extra copy a DB-API result makes.
            rel = self._con.execute(sql, params) if params is not None else self._con.sql(sql)
            # duckdb 2 names it to_arrow_table(); >= 1.4 returns a RecordBatchReader from .arrow().
            result = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
            return result.read_all() if isinstance(result, pa.RecordBatchReader) else result

    def rows(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[tuple]:
        """Run a query and return its rows as tuples (for small results only)."""
        with self._lock, engine_errors(self):
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
            with engine_errors(self):
                self._con.execute("BEGIN TRANSACTION")
            try:
                yield self
            except BaseException:
                self._rollback()
                raise
            else:
                self._committing = True
                try:
                    with engine_errors(self):
                        self._con.execute("COMMIT")
                finally:
                    self._committing = False

    def _rollback(self) -> None:
        """Roll back, again if a Ctrl-C (or the interrupt watcher) cut the ROLLBACK itself short."""
        for _ in range(5):
            try:
                self._con.execute("ROLLBACK")
                return
            except duckdb.TransactionException:
                return  # no transaction left to roll back
            except (duckdb.Error, RuntimeError, KeyboardInterrupt):
                continue

    def interrupt(self) -> None:
        """Ask a running query to stop (safe from another thread, e.g. a Ctrl-C handler)."""
        self._con.interrupt()

    @contextlib.contextmanager
    def prompt_interrupts(self, *, deadline: float | None = None,
                          on_deadline: Callable[[], None] | None = None) -> Iterator[None]:
        """Within the block, Ctrl-C stops a running statement at once, not when the engine next looks.

        Python notes a signal in C and acts on it only when the main thread runs Python again; a long
        statement looks only now and then (over a second, measured). A watcher thread, woken through
        :func:`signal.set_wakeup_fd` the moment the signal arrives, asks the engine to stop; the
        ``KeyboardInterrupt`` then unwinds the transaction as usual.

        ``on_deadline`` (the CLI's: print, exit 130) runs if the block has still not ended ``deadline``
        seconds after Ctrl-C while no commit is under way: an uncommitted transaction is discarded by
        the engine when the process ends, so ending it is as good as the rollback, and prompt.
        """
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        reader, writer = socket.socketpair()
        writer.setblocking(False)
        try:
            previous = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        except ValueError:  # not the main interpreter
            reader.close(), writer.close()
            yield
            return
        finished = threading.Event()

        def watch() -> None:
            while data := reader.recv(64):
                if signal.SIGINT not in data or self._closed:
                    continue
                if self._busy and not self._committing:
                    with contextlib.suppress(Exception):
                        self._con.interrupt()
                if deadline is not None and on_deadline is not None:
                    if not finished.wait(deadline) and not self._committing:
                        on_deadline()

        watcher = threading.Thread(target=watch, name="tracekit-interrupt", daemon=True)
        watcher.start()
        try:
            yield
        finally:
            finished.set()
            signal.set_wakeup_fd(previous)
            writer.close()
            watcher.join(timeout=1)
            reader.close()

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
    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Mark a statement run outside :meth:`execute` as running (Ctrl-C may then stop it)."""
        self._busy += 1
        try:
            yield
        finally:
            self._busy -= 1

    @property
    def lock(self) -> threading.RLock:
        """The lock every statement holds (for the store package's own modules)."""
        return self._lock

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


LEFTOVER_PREFIX = "tracekit-load-"
"""Work folders of a load (transcoded copies); a killed load leaves one behind."""


def _is_ours(name: str) -> bool:
    return name.startswith((LEFTOVER_PREFIX, "tracekit-error")) or name in (".DS_Store",)


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete work folders of loads that were killed (safe: the caller holds the write lock)."""
    removed = []
    for path in folder.glob(LEFTOVER_PREFIX + "*"):
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


def _connect_failure(folder: Path | None, database: str, exc: Exception, read_only: bool) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if isinstance(exc, duckdb.ConnectionException):
        mode = "read-write" if read_only else "read-only"
        return (f"workspace {folder} is already open in this process ({mode}); close that Workspace first "
                "(ws.close(), or %tk close) or keep using it")
    if "not a valid DuckDB database" in text:
        return f"{folder} is not a tracekit workspace: {database} is not a DuckDB database"
    if "lock" in text.lower():
        return (f"workspace {folder} is in use by another process; close it there, or open it with "
                "--read-only (read_only=True) from both")
    return f"cannot open workspace database {database}: {text}"


@contextlib.contextmanager
def engine_errors(store: Store) -> Iterator[None]:
    """Turn engine failures the user can act on into tracekit errors; Ctrl-C stays an interrupt.

    A statement interrupted by Ctrl-C comes back as an engine error: it is raised as the
    ``KeyboardInterrupt`` it was. Writing to a read-only workspace, and the disk or file failing, are
    explained. Anything else is a bug in tracekit's SQL and propagates unchanged.
    """
    store._busy += 1
    try:
        yield
    except duckdb.InterruptException as exc:
        raise KeyboardInterrupt from exc
    except RuntimeError as exc:  # what the engine raises when Ctrl-C stops a statement mid-fetch
        if "interrupted" in str(exc).lower():
            raise KeyboardInterrupt from exc
        raise
    except duckdb.Error as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "interrupted" in text.lower():
            raise KeyboardInterrupt from exc
        if "read-only mode" in text or "read only mode" in text:
            raise WorkspaceError(
                f"the workspace {store.folder or ''} was opened read-only (--read-only) and this changes "
                "it; run it without --read-only") from exc
        if store.read_only and isinstance(exc, duckdb.CatalogException) and "does not exist" in text:
            raise WorkspaceError(
                f"the workspace {store.folder or ''} was opened read-only and lacks what this verb needs "
                f"({text.removeprefix('Catalog Error: ')}); run it once without --read-only") from exc
        if isinstance(exc, duckdb.IOException | duckdb.OutOfMemoryException):
            raise WorkspaceError(f"the workspace database failed: {text}") from exc
        raise
    finally:
        store._busy -= 1


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
