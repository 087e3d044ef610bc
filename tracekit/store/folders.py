"""The workspace folder: its database file, and the work folders a killed load leaves behind."""

from __future__ import annotations

import shutil
from pathlib import Path

from tracekit.store.locking import HOLDERS_DIR, LOCK_FILE

__all__ = ["DATABASE_FILE", "LEFTOVER_PREFIX", "is_ours", "remove_leftovers"]

DATABASE_FILE = "tracekit.duckdb"

LEFTOVER_PREFIX = "tracekit-load-"
"""Work folders of a load (transcoded copies); a killed load leaves one behind."""


def is_ours(name: str) -> bool:
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
