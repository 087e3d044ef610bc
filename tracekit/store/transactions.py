"""Transactions and interruption on a :class:`~tracekit.store.engine.Store`: a block commits whole or not
at all, and Ctrl-C stops a running statement at once (mixed into ``Store``)."""

from __future__ import annotations

import contextlib
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import duckdb

from tracekit.store.failures import engine_errors

if TYPE_CHECKING:
    from tracekit.store.engine import Store

__all__ = ["Transactions"]


class Transactions:
    """``transaction()``, ``interrupt()``, ``prompt_interrupts()`` and ``running()``."""

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Store]:
        """All statements in the block commit together, or none do (also on KeyboardInterrupt)."""
        with self._lock, self.writing():
            with engine_errors(self):
                self._connection().execute("BEGIN TRANSACTION")
            self._transactions = getattr(self, "_transactions", 0) + 1
            try:
                yield self
            except BaseException:
                self._transactions -= 1
                self._rollback()
                raise
            else:
                self._transactions -= 1
                self._committing = True
                try:
                    with engine_errors(self):
                        self._con.execute("COMMIT")
                finally:
                    self._committing = False

    @property
    def in_transaction(self) -> bool:
        """Whether a :meth:`transaction` block is open (its statements commit together)."""
        return getattr(self, "_transactions", 0) > 0

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

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        """Mark a statement run outside :meth:`execute` as running (Ctrl-C may then stop it)."""
        self._busy += 1
        try:
            yield
        finally:
            self._busy -= 1
