"""Which Parquet versions of a Spark workspace's tables may be deleted, when, and by whom.

A table of a Spark workspace is a folder of versions (``<table>/v<ns>/``, :mod:`tracekit.store.spark`);
a write adds a version and the store switches to it once complete. A store that opened the workspace
earlier (a notebook's read-only session, a ``%tk`` verb, another process or another machine on the same
mount) still reads the version it opened: Spark lists a version's files when the store shows it and
reads them lazily, so deleting a version under a reader breaks that reader's next query.

**The rule.**

- Every open store, reader or writer, keeps a *lease*: a small JSON file under
  ``spark-tables/_readers/`` naming the version of each table it shows (host, pid, since). It is
  rewritten when the store switches a table to a new version, touched by every ``reading()`` block, and
  removed when the store closes (or is garbage-collected).
- **Only a read-write store deletes**, never a read-only one. It deletes, after each write and when it
  opens, every *superseded* version of a table: a complete version older than the table's newest
  complete version (or, for a dropped table, older than the drop), that is neither its own current
  version nor named by a *live* lease of another store.
- A lease is live while its process runs (same host: the pid is checked), or, for a lease written on
  another host (a shared mount: the pid cannot be checked), while it was touched within
  :data:`REMOTE_LEASE_SECONDS`. A reader killed on another host therefore holds its versions a day at
  most; a reader on this host, not a second past its process.
- An *incomplete* version (no ready marker: an interrupted write, or a staging folder) is deleted only
  when a read-write store opens the workspace — a write in progress elsewhere in this process is never
  touched by another store's later writes. (Writers in other processes are not excluded on Spark: run
  one writer at a time, docs/SCALING.md.)
- ``DROP TABLE`` writes a drop mark (``_tracekit_dropped``, the drop time) in the table's folder: the
  table is gone for every store opened after it, and its versions go as their leases end.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import time
import uuid
import weakref
from pathlib import Path

__all__ = ["STAGING_PREFIX", "Leases", "collect", "dropped_at", "mark_dropped", "newest_ready", "version_time", "READY",
           "LEASES", "REMOTE_LEASE_SECONDS"]

READY = "_tracekit_ready"  # marker written last: a version directory without it is an interrupted write
LEASES = "_readers"
DROPPED = "_tracekit_dropped"
STAGING_PREFIX = "_staging-"  # spark-tables/_staging-<ns>: a write of many tables at once (SparkStore.write_split)
REMOTE_LEASE_SECONDS = 24 * 3600
_HOST = socket.gethostname()


def version_time(version: Path) -> int:
    """The time (ns) a version's write started, from its name ``v<ns>`` (0 for anything else)."""
    name = version.name
    return int(name[1:]) if name.startswith("v") and name[1:].isdigit() else 0


def dropped_at(table_dir: Path) -> int:
    """When the table was last dropped (ns), 0 if never."""
    with contextlib.suppress(OSError, ValueError):
        return int((table_dir / DROPPED).read_text())
    return 0


def mark_dropped(table_dir: Path) -> None:
    with contextlib.suppress(OSError):
        (table_dir / DROPPED).write_text(str(time.time_ns()))


def newest_ready(table_dir: Path) -> Path | None:
    """The table's current version on disk: its newest complete one written after its last drop."""
    after = dropped_at(table_dir)
    ready = [v for v in _versions(table_dir) if (v / READY).exists() and version_time(v) > after]
    return max(ready, key=version_time) if ready else None


def _versions(table_dir: Path) -> list[Path]:
    try:
        return [v for v in table_dir.iterdir() if v.is_dir() and not v.name.startswith(("_", "."))]
    except OSError:
        return []


def _alive(record: dict, touched: float) -> bool:
    if record.get("host") != _HOST:
        return time.time() - touched < REMOTE_LEASE_SECONDS
    try:
        os.kill(int(record.get("pid", 0)), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, ValueError):
        return True  # another user's process, or a pid we cannot judge: assume it still reads
    return True


class Leases:
    """This store's lease file, and the versions the other stores' live leases hold."""

    def __init__(self, tables_dir: Path):
        self.folder = tables_dir / LEASES
        self.path = self.folder / f"{_HOST}-{os.getpid()}-{uuid.uuid4().hex[:12]}.json"
        self._since = time.time()
        # a store dropped without close() must not hold its versions for the rest of the process
        self._finalizer = weakref.finalize(self, _remove, self.path)

    def publish(self, views: dict[str, Path]) -> None:
        """Write (atomically) the versions this store shows."""
        record = {"host": _HOST, "pid": os.getpid(), "since": self._since,
                  "versions": {name: str(path) for name, path in sorted(views.items())}}
        try:
            self.folder.mkdir(exist_ok=True)
            staged = self.path.with_suffix(".tmp")
            staged.write_text(json.dumps(record))
            staged.replace(self.path)
        except OSError:
            pass  # a read-only mount: nothing can be deleted under us there either

    def touch(self) -> None:
        with contextlib.suppress(OSError):
            os.utime(self.path)

    def release(self) -> None:
        self._finalizer()

    def held_by_others(self) -> set[Path]:
        """Versions named by live leases other than this store's; dead leases are removed on the way."""
        held: set[Path] = set()
        try:
            files = list(self.folder.glob("*.json"))
        except OSError:
            return held
        for file in files:
            if file == self.path:
                continue
            try:
                touched = file.stat().st_mtime
                record = json.loads(file.read_text())
            except (OSError, ValueError):
                continue  # being rewritten right now (replace is atomic: next time it reads whole)
            if not _alive(record, touched):
                with contextlib.suppress(OSError):
                    file.unlink()
                continue
            held.update(Path(p) for p in record.get("versions", {}).values())
        return held


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def collect(tables_dir: Path, own: dict[str, Path], leases: Leases, *, incomplete: bool = False,
            tables: list[str] | None = None) -> list[Path]:
    """Delete superseded versions no live store reads (the module's rule); returns what was deleted.

    ``own``: the versions the collecting (read-write) store shows. ``incomplete``: also delete versions
    without a ready marker (only when opening the workspace). ``tables``: only these tables' folders.
    """
    held = leases.held_by_others() | set(own.values())
    deleted: list[Path] = []
    if incomplete:  # a write of many tables at once that was interrupted
        for staging in tables_dir.glob(f"{STAGING_PREFIX}*"):
            shutil.rmtree(staging, ignore_errors=True)
            deleted.append(staging)
    names = tables if tables is not None else [p.name for p in _versions(tables_dir)]
    for name in names:
        table_dir = tables_dir / name
        current = newest_ready(table_dir)
        for version in _versions(table_dir):
            if version in held or version == current:
                continue
            if not (version / READY).exists() and not incomplete:
                continue  # a write in progress (or a staging folder) of another store of this process
            shutil.rmtree(version, ignore_errors=True)
            deleted.append(version)
        if dropped_at(table_dir) and not _versions(table_dir):
            shutil.rmtree(table_dir, ignore_errors=True)  # dropped, and nobody reads it any more
    return deleted
