"""Sessions of a folder :class:`~tracekit.store.engine.Store`: one DuckDB connection per verb.

A workspace folder is shared by processes (many readers, one writer: :mod:`tracekit.store.locking`).
:class:`Sessions` holds the part of ``Store`` that decides when a connection opens, in which mode, when
it upgrades from read-only to read-write (carrying temporary tables, :mod:`tracekit.store.reconnect`),
and when it is given back: at the end of a write block, or after :data:`IDLE_RELEASE` seconds idle (at
once when a writer elsewhere waits). It is a mixin: the state it uses is set up in ``Store.__init__``.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from tracekit.errors import WorkspaceBusy, WorkspaceError
from tracekit.store.failures import connect_failure, read_only_message
from tracekit.store.folders import DATABASE_FILE, remove_leftovers
from tracekit.store.reconnect import TempState, foreign_holder

if TYPE_CHECKING:
    from tracekit.store.engine import Store

__all__ = ["Sessions", "IDLE_RELEASE", "WRITER_POLL", "quiet"]

IDLE_RELEASE = 1.0
"""Seconds without statements after which a connection no reading()/writing() block holds is closed:
a read connection left by a verb (reused by the next verb meanwhile; given up at once when a writer
waits) or one opened by statements outside any block."""
WRITER_POLL = 0.02
"""Seconds between the idle watcher's looks for a waiting writer."""


def quiet(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """``con`` with the engine's own progress bar off: on by default, it prints to stdout (a notebook
    cell, a CLI's ``--json``, a test's captured output) under any statement past two seconds. Verbs show
    their own tqdm bars instead. Only its *printing* is turned off, not the bar: with the bar disabled,
    DuckDB's Python client let a Ctrl-C arriving mid-load go unanswered (the load ran to the end and
    exited 0: tests/hardening/test_interrupt.py), and ``SET progress_bar_time`` would turn it back on
    anyway. A per-connection setting (DuckDB refuses it in ``connect``'s config), so every connection
    opened gets it; a ``SET`` the user ran is replayed after it."""
    con.execute("SET enable_progress_bar_print = false")
    return con


class Sessions:
    """``reading()`` / ``writing()`` blocks and the connection under them (mixed into ``Store``)."""

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
                raise WorkspaceError(read_only_message(self))
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
            from tracekit.store.direct import forget_unrecorded_rows  # (imports the engine)

            forget_unrecorded_rows(self.folder, con)

    def _open_database(self, mode: str) -> duckdb.DuckDBPyConnection:
        """DuckDB's own file lock should be free under ours; a client outside tracekit may still hold
        it, so that too is waited for (up to the same limit) and named."""
        lock = self._workspace_lock
        started = time.monotonic()
        announced = False
        while True:
            try:
                return quiet(duckdb.connect(self._database, read_only=mode == "read"))
            except duckdb.Error as exc:
                text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                if not (isinstance(exc, duckdb.IOException) and "lock" in text.lower()):
                    raise WorkspaceError(connect_failure(self.folder, self._database, exc, mode == "read")) \
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
