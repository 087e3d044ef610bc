"""Sources have versions, not duplicates: what to do when a path loaded before has changed.

A source is known by its name (the path, or ``archive.zip!member``) and the sha256 of its bytes. The
same bytes again add nothing. Different bytes under a known name are a new version of that file: loading
them beside the old one would count every shipment twice, so the load stops before writing anything and
asks which is meant:

* ``on_change="replace"`` (``--replace``): the new content replaces the old; the old source's rows,
  mentions, quarantine and raw table go, and resolution built on its mentions is redone;
* ``on_change="as_new"`` (``--as-new``): both are kept, and the report says the shipments may now be
  counted twice.

DataFrames have no name to go by: each different frame is a new source.
"""

from __future__ import annotations

import hashlib
from typing import Any

from tracekit.errors import SourceChanged, SourceError
from tracekit.ingest.sources import Source, fingerprint
from tracekit.store.engine import Store

__all__ = ["SourceChanged", "ON_CHANGE", "stored_hash", "changed_sources", "check_on_change"]

ON_CHANGE = (None, "replace", "as_new")


def check_on_change(on_change: str | None) -> None:
    if on_change not in ON_CHANGE:
        raise SourceError(f"on_change must be 'replace', 'as_new' or None, not {on_change!r}")


def stored_hash(source: Source, table: Any = None, table_hash: Any = None) -> str | None:
    """The content hash a load of ``source`` records (None when the bytes cannot be read whole)."""
    if source.kind == "xlsx" and table is not None and table_hash is not None:
        return table_hash(table)
    try:
        if source.member is None and source.path is not None:
            digest = hashlib.sha256()
            with open(source.path, "rb") as handle:
                while chunk := handle.read(4 << 20):
                    digest.update(chunk)
            return digest.hexdigest()
        return fingerprint(source).sha256
    except Exception:  # noqa: BLE001 - a cut or unreadable file is "changed"; the load itself will say why
        return None


def previous_versions(store: Store, source: Source) -> list[tuple[int, str, int, str]]:
    """(source_id, content_hash, rows_read, loaded_at) of earlier loads under the same name."""
    if source.path is None:
        return []
    return [(int(r[0]), r[1], int(r[2] or 0), str(r[3])[:19]) for r in store.rows(
        "SELECT source_id, content_hash, rows_read, loaded_at FROM sources WHERE name = ? ORDER BY source_id",
        [source.name])]


def changed_sources(store: Store, items: list[tuple[Source, str | None]]) -> list[str]:
    """One line per source whose name was loaded before with other content."""
    lines = []
    for source, content_hash in items:
        previous = previous_versions(store, source)
        if previous and all(h != content_hash for _, h, _, _ in previous):
            sid, _, rows, when = previous[-1]
            lines.append(f"{source.name} (loaded as source {sid} on {when}, {rows:,} rows)")
    return lines


def changed_message(lines: list[str]) -> str:
    shown = "; ".join(lines[:3]) + (f"; and {len(lines) - 3} more" if len(lines) > 3 else "")
    return (f"{len(lines)} source(s) were loaded before and have changed since: {shown}. Nothing was loaded. "
            "Choose --replace (the new content replaces the old: its rows, mentions and resolution are "
            "rebuilt) or --as-new (keep both versions: their shipments count twice); in Python "
            "ws.load(..., on_change='replace' or 'as_new')")
