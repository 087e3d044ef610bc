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
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa

from tracekit.errors import WorkspaceBusy, WorkspaceError
from tracekit.store.ids import check_id_columns
from tracekit.store.locking import HOLDERS_DIR, LOCK_FILE, WorkspaceLock
from tracekit.store.reconnect import TempState, arrow_of, foreign_holder, refused_as_write, setting_of

__all__ = ["Store", "DATABASE_FILE", "engine_errors", "remove_leftovers", "LEFTOVER_PREFIX"]

DATABASE_FILE = "tracekit.duckdb"


class Store:
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
        self.connects = 0  # connections opened (tests, benchmarks)
        self.upgrades = 0  # reads that turned into writes
        self._con: duckdb.DuckDBPyConnection | None = None
        self._mode: str | None = None  # "read" or "write": how the open connection was opened
        if self.folder is None:
            self._database = ":memory:"
            self._workspace_lock: WorkspaceLock | None = None
            try:
                self._con = duckdb.connect(":memory:")
            except duckdb.Error as exc:
                raise WorkspaceError(_connect_failure(None, ":memory:", exc, False)) from exc
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

    # -- sessions: one connection per verb ---------------------------------------------------------
    @contextlib.contextmanager
    def reading(self, what: str | None = None) -> Iterator[Store]:
        """Serve every statement of the block from one connection, read-only unless the block writes.

        Other processes read at the same time; a writer elsewhere waits for the block to end. The
        connection opens at the block's first statement (waiting, with a notice naming the writer, if
        another process is writing) and closes at its end. ``what`` names the work to waiting processes.
        """
        with self._lock:
            self._check_open()
            outermost, had_state = self._depth == 0, self._con is not None or self._pending is not None
            if outermost:
                self._name_block(what or "reading")
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
                if outermost:
                    self._end_block(had_state, wrote=False)

    @contextlib.contextmanager
    def writing(self, what: str | None = None) -> Iterator[Store]:
        """Hold the workspace exclusively for the block: other processes' reads and writes wait.

        Waits (announcing it, naming the holders) while other processes read or write, then opens the
        read-write connection; fails with :class:`~tracekit.errors.WorkspaceBusy` after the wait limit,
        having changed nothing. Inside a :meth:`reading` block it upgrades that block's connection.
        """
        with self._lock:
            self._check_open()
            if self.read_only:
                raise WorkspaceError(_read_only_message(self))
            outermost, had_state = self._depth == 0, self._con is not None or self._pending is not None
            if outermost:
                self._name_block(what or "writing")
            self._depth += 1
            try:
                if self._mode != "write":
                    self._upgrade()
                yield self
            finally:
                self._depth -= 1
                if outermost:
                    self._end_block(had_state, wrote=True)

    def _name_block(self, what: str) -> None:
        """The outermost block's name, shown to waiting processes (also on a connection it reuses)."""
        self._label = what
        if self._con is not None and self._workspace_lock is not None:
            self._workspace_lock.relabel(what)

    def _end_block(self, had_state: bool, *, wrote: bool) -> None:
        """The outermost block ended: close what it opened. A connection (or carried state) that was
        there before the block belongs to statements outside blocks: it stays, under the idle rule."""
        if self._workspace_lock is None:
            self._generation += wrote
            return
        if not had_state and self._mode == "read" and IDLE_RELEASE > 0:
            # A read connection lingers: a script's next verb reuses it, and a writer elsewhere gets it
            # at once (the idle watcher lets go as soon as a writer waits at the gate).
            self._sticky, self._carry = True, False
            self._touch()
        elif not had_state:
            self._release(carry=False)
        elif self._con is not None:
            self._sticky = True
            self._touch()

    @property
    def generation(self) -> int:
        """A counter that grows with every write to the workspace, by any process: caches built from
        the workspace (a search index, say) compare it to know they are stale."""
        if self._workspace_lock is None:
            return self._generation
        with self._lock:
            if self._workspace_lock._fds() is None:
                return 0
            return self._workspace_lock.generation()

    def _check_open(self) -> None:
        if self._closed:
            where = self.folder or "in memory"
            raise WorkspaceError(f"the workspace ({where}) was closed: open it again (tracekit.Workspace(…))")

    def _connection(self) -> duckdb.DuckDBPyConnection:
        """The open connection, opening one (read-only) if there is none; caller holds ``_lock``."""
        self._check_open()
        if self._con is None:
            self._connect("read")
            self._sticky = self._depth == 0
        if self._depth == 0:
            self._carry = True  # statements outside blocks may build on each other's temporary tables
        if self._sticky:
            self._touch()
        return self._con  # type: ignore[return-value]

    def _connect(self, mode: str) -> None:
        """Take the workspace lock for ``mode`` and open DuckDB so; restore registrations, settings and
        carried temporary tables."""
        assert self._workspace_lock is not None and self._con is None
        if mode == "read" and not Path(self._database).exists():
            if self.read_only:
                raise WorkspaceError(f"{self.folder} is not a tracekit workspace (no {DATABASE_FILE})")
            mode = "write"  # nothing to read yet: the first statement creates the database
        self._workspace_lock.acquire(mode, self._label or ("writing" if mode == "write" else "reading"))
        try:
            con = self._open_database(mode)
            try:
                self._restore(con)
            except BaseException:
                con.close()
                raise
        except BaseException:
            self._workspace_lock.release()
            raise
        self._con, self._mode = con, mode
        self.connects += 1
        if mode == "write":
            remove_leftovers(self.folder)  # safe: no other process is loading now
            from tracekit.store.direct import forget_unrecorded_rows  # (imports this module)

            forget_unrecorded_rows(self.folder, con)

    def _open_database(self, mode: str) -> duckdb.DuckDBPyConnection:
        """DuckDB's own file lock should be free under ours; a client outside tracekit may still hold
        it, so that too is waited for (up to the same limit) and named."""
        lock = self._workspace_lock
        started = time.monotonic()
        announced = False
        while True:
            try:
                return duckdb.connect(self._database, read_only=mode == "read")
            except duckdb.Error as exc:
                text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                if not (isinstance(exc, duckdb.IOException) and "lock" in text.lower()):
                    raise WorkspaceError(_connect_failure(self.folder, self._database, exc, mode == "read")) \
                        from exc
                waited = time.monotonic() - started
                held = foreign_holder(text)
                if waited >= lock.timeout:
                    raise WorkspaceBusy(
                        f"workspace {self.folder} is busy: its database is held by {held}, outside tracekit's "
                        f"lock. Waited {waited:.0f} s; nothing was changed. Close that program, or wait "
                        "longer with TRACEKIT_LOCK_TIMEOUT=<seconds>", waited=waited) from exc
                if not announced and waited >= 0.2:
                    announced = True
                    lock.on_wait(f"tracekit: waiting: workspace {self.folder} database is held by {held}; "
                                 f"waiting up to {lock.timeout:.0f} s (Ctrl-C stops)")
                time.sleep(0.05)

    def _restore(self, con: duckdb.DuckDBPyConnection) -> None:
        for statement in self._settings.values():
            con.execute(statement)
        for name, data in self._registered.items():
            con.register(name, data)
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.restore(con)

    def _upgrade(self) -> None:
        """Reconnect read-write (caller holds ``_lock``), carrying temporary tables over."""
        if self._workspace_lock is None:
            return
        sticky = self._sticky
        carried = TempState.take(self._con, self._registered) if self._con is not None else self._pending
        self._disconnect()
        self._pending = carried
        self._connect("write")
        self.upgrades += 1
        if sticky:
            self._sticky = True
            self._touch()

    def _release(self, *, carry: bool) -> None:
        """Close the connection and give the workspace lock back (a writer's close checkpoints, so
        readers then open a file without a WAL to replay)."""
        if self._con is None:
            if not carry:
                self._pending = None
            return
        self._pending = TempState.take(self._con, self._registered) if carry else None
        self._disconnect()

    def _disconnect(self) -> None:
        con, mode = self._con, self._mode
        self._con, self._mode, self._sticky = None, None, False
        if con is None:
            return
        try:
            con.close()
        finally:
            assert self._workspace_lock is not None
            if mode == "write":
                with contextlib.suppress(OSError):
                    self._workspace_lock.bump_generation()
            self._workspace_lock.release()

    def _touch(self) -> None:
        """Note a statement outside any block; the idle watcher releases the connection later."""
        self._last_used = time.monotonic()
        if self._idle_watcher is None:
            self._idle_watcher = threading.Thread(target=self._watch_idle, name="tracekit-idle", daemon=True)
            self._idle_watcher.start()

    def _watch_idle(self) -> None:
        """Release a connection no block holds once idle, or a read one as soon as a writer waits."""
        while True:
            with self._lock:
                if self._con is None or not self._sticky or self._closed:
                    self._idle_watcher = None
                    return
                idle = time.monotonic() - self._last_used
                if self._depth == 0 and (idle >= IDLE_RELEASE or (
                        self._mode == "read" and self._workspace_lock.writer_waiting())):
                    with contextlib.suppress(Exception):  # a failed release leaves the next statement to fail
                        self._release(carry=self._carry)
                    self._idle_watcher = None
                    return
            time.sleep(min(max(IDLE_RELEASE - idle, 0.005), WRITER_POLL))

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
        frame = self._call(lambda con: con.execute(sql, params).df() if params is not None else con.sql(sql).df())
        check_id_columns(frame)
        return frame

    def arrow(self, sql: str, params: Sequence[Any] | dict | None = None) -> pa.Table:
        """Run a query and return its result as an Arrow table."""
        return self._call(lambda con: arrow_of(con, sql, params))

    def rows(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[tuple]:
        """Run a query and return its rows as tuples (for small results only)."""
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

    # -- transactions and interruption ------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """All statements in the block commit together, or none do (also on KeyboardInterrupt)."""
        with self._lock, self.writing():
            with engine_errors(self):
                self._connection().execute("BEGIN TRANSACTION")
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
                if self._con is None:
                    return
                self._con.execute("ROLLBACK")
                return
            except duckdb.TransactionException:
                return  # no transaction left to roll back
            except (duckdb.Error, RuntimeError, KeyboardInterrupt):
                continue

    def interrupt(self) -> None:
        """Ask a running query to stop (safe from another thread, e.g. a Ctrl-C handler)."""
        con = self._con
        if con is not None:
            con.interrupt()

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
                        self.interrupt()
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


IDLE_RELEASE = 1.0
"""Seconds without statements after which a connection no reading()/writing() block holds is closed:
a read connection left by a verb (reused by the next verb meanwhile; given up at once when a writer
waits) or one opened by statements outside any block."""
WRITER_POLL = 0.02
"""Seconds between the idle watcher's looks for a waiting writer."""


def _read_only_message(store: Store) -> str:
    return (f"the workspace {store.folder or ''} was opened read-only (--read-only) and this changes it; "
            "run it without --read-only")


LEFTOVER_PREFIX = "tracekit-load-"
"""Work folders of a load (transcoded copies); a killed load leaves one behind."""


def _is_ours(name: str) -> bool:
    return (name.startswith((LEFTOVER_PREFIX, "tracekit-error", LOCK_FILE, HOLDERS_DIR))
            or name in (".DS_Store",))


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
            raise WorkspaceError(_read_only_message(store)) from exc
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
