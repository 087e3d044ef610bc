"""Many readers, one writer: the lock that lets several processes share one workspace folder.

DuckDB lets one process open a database file read-write *or* many open it read-only, and refuses
everything else with "Conflicting lock is held". Two notebooks and the CLI on one case need more: reads
side by side, and a write that waits its turn instead of failing. So a workspace keeps DuckDB closed
between verbs and takes this lock around each connection (see ``Store.reading`` / ``Store.writing``):

- ``tracekit.lock``: ``flock`` shared while reading, exclusive while writing. The kernel drops a flock
  when its process dies, so a killed process never leaves the workspace locked. The file also holds the
  workspace *generation* (a counter every write session bumps), so a process notices that another one
  changed the workspace.
- ``tracekit.lock.gate``: a writer holds it exclusively while it waits, and every reader passes through
  it (shared, briefly) before reading: new readers queue behind a waiting writer, which therefore is
  not starved by a stream of short reads.
- ``tracekit.holders/``: one small JSON file per current holder (pid, host, command, what, since),
  written after the lock is taken and removed before it is released, so a waiting process can say
  *who* holds the workspace. A file whose process is gone (same host) is stale and is ignored and
  removed.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from tracekit.errors import WorkspaceBusy

try:
    import fcntl
except ImportError:  # not POSIX: no cross-process order; DuckDB's own lock is still waited for, and named
    fcntl = None  # type: ignore[assignment]

__all__ = ["WorkspaceLock", "Holder", "LOCK_FILE", "GATE_FILE", "HOLDERS_DIR", "DEFAULT_TIMEOUT",
           "lock_timeout", "this_command", "describe_holders"]

LOCK_FILE = "tracekit.lock"
GATE_FILE = "tracekit.lock.gate"
HOLDERS_DIR = "tracekit.holders"
DEFAULT_TIMEOUT = 60.0
"""Seconds a read or write waits for the workspace before failing (``TRACEKIT_LOCK_TIMEOUT``)."""
WAIT_NOTICE_AFTER = 0.2
"""Seconds of waiting before the wait is announced (a short wait goes unmentioned)."""


def lock_timeout(value: float | None = None) -> float:
    """The wait limit: ``value`` if given, else ``$TRACEKIT_LOCK_TIMEOUT``, else 60 s."""
    if value is not None:
        return float(value)
    text = os.environ.get("TRACEKIT_LOCK_TIMEOUT", "").strip()
    try:
        return float(text) if text else DEFAULT_TIMEOUT
    except ValueError:
        return DEFAULT_TIMEOUT


def this_command() -> str:
    """What this process is, as a person would name it: the CLI verb line, a notebook, or a script."""
    argv = list(sys.argv or [""])
    notebook = os.environ.get("JPY_SESSION_NAME")  # set by jupyter_server for its kernels
    if "ipykernel" in argv[0] or "ipykernel_launcher" in " ".join(argv[:3]):
        return f"Jupyter kernel ({Path(notebook).name})" if notebook else "Jupyter kernel"
    head = Path(argv[0]).name
    if head in ("__main__.py", "tracekit"):
        text = " ".join(["tracekit", *argv[1:]])
    elif head in ("-c", ""):
        text = "python -c …"
    else:
        text = " ".join([head, *argv[1:]])
    return text if len(text) <= 120 else text[:119] + "…"


@dataclass(frozen=True)
class Holder:
    """A process holding (reading or writing) a workspace, from its holder file."""

    pid: int
    host: str
    command: str
    what: str
    mode: str  # "read" or "write"
    since: float  # epoch seconds

    def describe(self, now: float | None = None) -> str:
        now = time.time() if now is None else now
        at = datetime.fromtimestamp(self.since, UTC).strftime("%H:%M:%S UTC")
        doing = "writing" if self.mode == "write" else "reading"
        what = f", {self.what}" if self.what else ""
        return (f"pid {self.pid} on {self.host} ({self.command}{what}) {doing} it since {at} "
                f"({max(0, round(now - self.since))} s)")


def describe_holders(holders: list[Holder]) -> str:
    """One phrase naming who holds a workspace, writers first."""
    if not holders:
        return "another process (it left no holder record: an older tracekit or a DuckDB client?)"
    ordered = sorted(holders, key=lambda h: (h.mode != "write", h.since))
    text = "; ".join(h.describe() for h in ordered[:3])
    return text + (f"; and {len(ordered) - 3} more" if len(ordered) > 3 else "")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class WorkspaceLock:
    """The shared/exclusive lock of one workspace folder, held by one :class:`~tracekit.store.Store`.

    ``acquire("read"|"write", what)`` waits (polling, so Ctrl-C stops it at once) up to ``timeout``
    seconds, announcing the wait once through ``on_wait`` with the holders' names, then raises
    :class:`~tracekit.errors.WorkspaceBusy` naming them. A folder where the lock file cannot be created
    (a read-only copy of a workspace) is read without the lock.
    """

    def __init__(self, folder: Path, *, timeout: float | None = None,
                 on_wait: Callable[[str], None] | None = None):
        self.folder = folder
        self.timeout = lock_timeout(timeout)
        self.on_wait = on_wait or _print_wait
        self.mode: str | None = None
        self._lock_fd: int | None = None
        self._gate_fd: int | None = None
        self._holder_file: Path | None = None
        self.waited = 0.0  # seconds the last acquire waited (benchmarks, tests)

    # -- files --------------------------------------------------------------------------------------
    def _fds(self) -> tuple[int, int] | None:
        if fcntl is None:
            return None
        if self._lock_fd is None:
            try:
                self._lock_fd = os.open(self.folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o666)
                self._gate_fd = os.open(self.folder / GATE_FILE, os.O_RDWR | os.O_CREAT, 0o666)
            except OSError:
                self._close_fds()
                return None  # a read-only folder: nobody can write it, so there is nothing to order
        return self._lock_fd, self._gate_fd  # type: ignore[return-value]

    def _close_fds(self) -> None:
        for fd in (self._lock_fd, self._gate_fd):
            if fd is not None:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._lock_fd = self._gate_fd = None

    # -- taking and giving back ----------------------------------------------------------------------
    def acquire(self, mode: str, what: str = "") -> None:
        """Take the lock shared (``"read"``) or exclusive (``"write"``); wait, then fail cleanly."""
        if self.mode is not None:
            raise RuntimeError(f"workspace lock already held ({self.mode})")
        fds = self._fds()
        if fds is None:
            self.mode = mode
            return
        lock_fd, gate_fd = fds
        started = time.monotonic()
        waiting = _Wait(self, mode, started)
        if mode == "write":
            self._poll(gate_fd, fcntl.LOCK_EX, waiting)
            try:
                self._poll(lock_fd, fcntl.LOCK_EX, waiting)
            finally:
                fcntl.flock(gate_fd, fcntl.LOCK_UN)
        else:
            self._poll(gate_fd, fcntl.LOCK_SH, waiting)
            try:
                self._poll(lock_fd, fcntl.LOCK_SH, waiting)
            finally:
                fcntl.flock(gate_fd, fcntl.LOCK_UN)
        self.mode = mode
        self.waited = time.monotonic() - started
        waiting.done()
        self._clear_stale(exclusive=mode == "write")
        self._write_holder(mode, what)

    def try_acquire(self, mode: str, what: str = "") -> bool:
        """Take the lock if it is free right now; False (holding nothing) if it is not."""
        if self.mode is not None:
            raise RuntimeError(f"workspace lock already held ({self.mode})")
        fds = self._fds()
        if fds is None:
            return False
        try:
            fcntl.flock(fds[0], (fcntl.LOCK_EX if mode == "write" else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        self.mode = mode
        self._clear_stale(exclusive=mode == "write")
        self._write_holder(mode, what)
        return True

    def _poll(self, fd: int, operation: int, waiting: _Wait) -> None:
        pause = 0.002
        while True:
            try:
                fcntl.flock(fd, operation | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                pass
            waiting.tick()  # announces, or raises WorkspaceBusy at the deadline
            time.sleep(pause)
            pause = min(pause * 2, 0.05)

    def relabel(self, what: str) -> None:
        """Name new work done under the lock already held (a lingering connection taken up by a verb)."""
        if self.mode is not None and self._holder_file is not None:
            self._remove_holder()
            self._write_holder(self.mode, what)

    def writer_waiting(self) -> bool:
        """Whether a writer is waiting for the workspace (it holds the gate while it waits)."""
        if self._gate_fd is None:
            return False
        try:
            fcntl.flock(self._gate_fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(self._gate_fd, fcntl.LOCK_UN)
        return False

    def release(self) -> None:
        """Give the lock back (the holder file goes first, so nobody is named after leaving)."""
        if self.mode is None:
            return
        self._remove_holder()
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
        self.mode = None

    def close(self) -> None:
        self.release()
        self._close_fds()

    # -- the generation counter ----------------------------------------------------------------------
    def generation(self) -> int:
        """The workspace generation stored in the lock file (0 when none was written yet)."""
        if self._lock_fd is None:
            return 0
        text = os.pread(self._lock_fd, 32, 0).split(b"\n", 1)[0].strip()
        return int(text) if text.isdigit() else 0

    def bump_generation(self) -> int:
        """Count one more write (only while holding the lock exclusively)."""
        if self._lock_fd is None or self.mode != "write":
            return 0
        value = self.generation() + 1
        data = f"{value}\n".encode()
        os.pwrite(self._lock_fd, data, 0)
        os.ftruncate(self._lock_fd, len(data))
        return value

    # -- who holds it ----------------------------------------------------------------------------------
    def holders(self) -> list[Holder]:
        """The live holders of the workspace other than this lock (stale records are removed)."""
        folder = self.folder / HOLDERS_DIR
        found = []
        host = socket.gethostname()
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            if path == self._holder_file:
                continue
            try:
                holder = Holder(**json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, TypeError):
                continue  # being written or removed just now
            if holder.host == host and not _alive(holder.pid):
                with contextlib.suppress(OSError):
                    path.unlink()
                continue
            found.append(holder)
        return found

    def _write_holder(self, mode: str, what: str) -> None:
        holder = Holder(pid=os.getpid(), host=socket.gethostname(), command=this_command(), what=what,
                        mode=mode, since=time.time())
        folder = self.folder / HOLDERS_DIR
        path = folder / f"{holder.host}-{holder.pid}-{id(self):x}.json"
        try:
            folder.mkdir(exist_ok=True)
            temporary = path.with_suffix(".tmp")
            temporary.write_text(json.dumps(asdict(holder)), encoding="utf-8")
            os.replace(temporary, path)
        except OSError:
            return  # the lock itself still holds; only the name of the holder is missing
        self._holder_file = path

    def _remove_holder(self) -> None:
        if self._holder_file is not None:
            with contextlib.suppress(OSError):
                self._holder_file.unlink()
            self._holder_file = None

    def _clear_stale(self, *, exclusive: bool) -> None:
        """Holder records that cannot be true any more: every other one under an exclusive lock, the
        writers' under a shared one (left by processes killed between taking and recording)."""
        folder = self.folder / HOLDERS_DIR
        if not folder.is_dir():
            return
        for path in folder.glob("*.json"):
            try:
                if not exclusive and json.loads(path.read_text(encoding="utf-8")).get("mode") != "write":
                    continue
                path.unlink()
            except (OSError, ValueError):
                continue


class _Wait:
    """The bookkeeping of one wait: announce it once, give up at the deadline with the holders' names."""

    def __init__(self, lock: WorkspaceLock, mode: str, started: float):
        self.lock, self.mode, self.started = lock, mode, started
        self.announced = False

    def _message(self) -> str:
        action = "write" if self.mode == "write" else "read"
        return f"workspace {self.lock.folder} is held by {describe_holders(self.lock.holders())}; this {action}"

    def tick(self) -> None:
        waited = time.monotonic() - self.started
        if waited >= self.lock.timeout:
            holders = self.lock.holders()
            raise WorkspaceBusy(
                f"workspace {self.lock.folder} is busy: {describe_holders(holders)}. Waited "
                f"{waited:.0f} s; nothing was changed. Try again when it is done, or wait longer with "
                f"TRACEKIT_LOCK_TIMEOUT=<seconds> (Workspace(..., lock_timeout=…))",
                holders=holders, waited=waited)
        if not self.announced and waited >= WAIT_NOTICE_AFTER:
            self.announced = True
            self.lock.on_wait(f"tracekit: waiting: {self._message()} waits up to {self.lock.timeout:.0f} s "
                              "(Ctrl-C stops)")

    def done(self) -> None:
        if self.announced:
            self.lock.on_wait(f"tracekit: workspace free after {time.monotonic() - self.started:.1f} s; "
                              "continuing")


def _print_wait(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
