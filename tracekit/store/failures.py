"""Engine failures the user can act on, as tracekit errors (:func:`engine_errors`), and the messages for
a workspace that cannot be opened or was opened read-only."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from tracekit.errors import WorkspaceError

if TYPE_CHECKING:
    from tracekit.store.engine import Store

__all__ = ["engine_errors", "connect_failure", "read_only_message"]


def read_only_message(store: Store) -> str:
    return (f"the workspace {store.folder or ''} was opened read-only (--read-only) and this changes it; "
            "run it without --read-only")


def connect_failure(folder: Path | None, database: str, exc: Exception, read_only: bool) -> str:
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
            raise WorkspaceError(read_only_message(store)) from exc
        if store.read_only and isinstance(exc, duckdb.CatalogException) and "does not exist" in text:
            raise WorkspaceError(
                f"the workspace {store.folder or ''} was opened read-only and lacks what this verb needs "
                f"({text.removeprefix('Catalog Error: ')}); run it once without --read-only") from exc
        if isinstance(exc, duckdb.IOException | duckdb.OutOfMemoryException):
            raise WorkspaceError(f"the workspace database failed: {text}") from exc
        raise
    finally:
        store._busy -= 1
