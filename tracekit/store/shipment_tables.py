"""Where a DuckDB workspace keeps its shipments: one narrow table per source, behind one view.

Readers see one ``shipments`` with every canonical field, as before. Underneath (schema version 3):

* ``shipments_NNNNN``, one per source (written by :mod:`tracekit.store.direct` in one pass, or by
  :mod:`tracekit.store.write` from the raw table), holding only ``shipment_id``, ``line`` and the fields
  its mapping fills;
* ``shipments_base``, the full-width table: small sources, and a version-2 workspace's ``shipments``
  (renamed, nothing copied);
* the view ``shipments``: ``shipments_base`` UNION ALL each source table, the fields a source lacks as
  typed NULLs and its ``source_id`` as a constant (so ``WHERE source_id = N`` skips the other tables).

Why: the engine stores and compresses a column of NULLs per row as dearly as a column of text. A
22-column file fills 19 of the 36 fields; writing the 17 others as NULLs cost 21 % of the one-pass
load's time at 10M rows (30.5 s against 23.9 s for the same pass into the narrow table).

Only a large source gets a table of its own (:func:`rows_for`: a file of 128 MB or more, or 500k rows):
every query on the view plans one branch per table (~0.4 ms each: 150 small sources made a count take
60 ms instead of 1), while the NULL columns of a small source cost next to nothing. Small sources go
into ``shipments_base`` as before.

Only the store writes here; every reader keeps reading ``shipments``. A Spark workspace keeps its own
``shipments`` dataset and none of this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tracekit.ingest.fields import SHIPMENT_FIELDS
from tracekit.store.engine import Store

__all__ = ["BASE_TABLE", "source_table", "is_source_table", "physical_tables", "create_base", "migrate_to_view",
           "create_source_table", "drop_source_table", "rebuild_view", "rows_target", "workspace_tables", "rows_for",
           "SourceRows", "OWN_TABLE_MIN_BYTES", "OWN_TABLE_MIN_ROWS"]

LAYOUT_VERSION = 3  # the schema version that introduced this layout
BASE_TABLE = "shipments_base"
_SOURCE_TABLE = re.compile(r"shipments_(\d{5,})")
_TYPES = {"shipment_id": "BIGINT", "source_id": "INTEGER", "line": "BIGINT",
          **{f.name: f.sql_type for f in SHIPMENT_FIELDS}}
_COLUMNS = list(_TYPES)


OWN_TABLE_MIN_BYTES = 128 << 20
OWN_TABLE_MIN_ROWS = 500_000


@dataclass(frozen=True)
class SourceRows:
    """Where one source's rows are written: a table of its own, or ``shipments_base`` beside others."""

    source_id: int
    own: bool

    @property
    def table(self) -> str:
        return source_table(self.source_id) if self.own else BASE_TABLE

    @property
    def where(self) -> str:
        """The condition selecting the source's rows in :attr:`table` (with its rows marked bad, if any)."""
        return "true" if self.own else f"source_id = {int(self.source_id)}"


def rows_for(store: Store, source_id: int, *, size: int | None = None, rows: int | None = None) -> SourceRows:
    """Where a source of ``size`` bytes (a file read in one pass) or ``rows`` rows goes.

    Examples
    --------
    >>> from tracekit.store import Store
    >>> rows_for(Store(None), 3, size=4 << 30).table, rows_for(Store(None), 3, rows=1000).table
    ('shipments_00003', 'shipments_base')
    """
    big = (size is not None and size >= OWN_TABLE_MIN_BYTES) or (rows is not None and rows >= OWN_TABLE_MIN_ROWS)
    return SourceRows(int(source_id), big and _is_duckdb(store))


def source_table(source_id: int) -> str:
    """Name of a one-pass source's own table.

    Examples
    --------
    >>> source_table(7)
    'shipments_00007'
    """
    return f"shipments_{int(source_id):05d}"


def is_source_table(name: str) -> bool:
    """Whether ``name`` is one source's table (``shipments_NNNNN``) — not ``shipments_base``."""
    return _SOURCE_TABLE.fullmatch(name) is not None


def _is_duckdb(store: Store) -> bool:
    return getattr(store, "engine", "duckdb") == "duckdb"


def _source_tables(store: Store) -> dict[int, list[str]]:
    """source id → columns of its table, for every source table of the workspace."""
    found: dict[int, list[str]] = {}
    for table, column in store.rows(
            "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' "
            "AND database_name = current_database() "
            "AND regexp_full_match(table_name, 'shipments_[0-9]{5,}') ORDER BY table_name, column_index"):
        found.setdefault(int(_SOURCE_TABLE.fullmatch(table).group(1)), []).append(column)
    return dict(sorted(found.items()))


def physical_tables(store: Store) -> list[str]:
    """The tables behind the ``shipments`` view (none on Spark, whose ``shipments`` is itself the data)."""
    if not _is_duckdb(store):
        return []
    return [BASE_TABLE, *(source_table(s) for s in _source_tables(store))]


def workspace_tables(store: Store) -> list[str]:
    """The workspace's tables as a reader knows them: ``shipments`` in place of the tables behind it."""
    hidden = set(physical_tables(store))
    tables = {r[0] for r in store.rows("SELECT table_name FROM duckdb_tables() WHERE NOT temporary")}
    return sorted(tables - hidden | {"shipments"})


def rows_target(store: Store) -> str:
    """The full-width table (small sources, version-2 rows): deleting a source deletes there too."""
    return BASE_TABLE if _is_duckdb(store) else "shipments"


def create_base(store: Store, columns_sql: str) -> None:
    """A new workspace: the empty base table and the view over it."""
    store.execute(f"CREATE TABLE IF NOT EXISTS {BASE_TABLE} ({columns_sql})")
    rebuild_view(store)


def migrate_to_view(store: Store) -> bool:
    """A version-2 workspace (``shipments`` a table): rename it ``shipments_base`` and put the view in its
    place. Returns whether anything changed. Its rows stay where they are: no copy."""
    kind = store.rows("SELECT table_type FROM information_schema.tables WHERE table_schema = 'main' "
                      "AND table_name = 'shipments'")
    if not kind or kind[0][0] != "BASE TABLE":
        return False
    store.execute(f"ALTER TABLE shipments RENAME TO {BASE_TABLE}")
    store.execute(view_sql(_source_tables(store)))
    store.execute("UPDATE tk_meta SET value = ? WHERE key = 'schema_version'", [str(LAYOUT_VERSION)])
    return True


def create_source_table(store: Store, source_id: int, fields: list[str]) -> str:
    """A source's own table: ``shipment_id``, ``line`` and ``fields`` (canonical names, their own types)."""
    name = source_table(source_id)
    columns = ", ".join(f"{c} {_TYPES[c]}" for c in ["shipment_id", "line", *fields])
    store.execute(f"DROP TABLE IF EXISTS {name}")
    store.execute(f"CREATE TABLE {name} ({columns})")
    return name


def drop_source_table(store: Store, source_id: int) -> None:
    """Drop a source's table (if it has one) and take it out of the view."""
    if not _is_duckdb(store):
        return
    if store.scalar("SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'main' AND NOT temporary "
                    "AND table_name = ?", [source_table(source_id)]):
        store.execute(f"DROP TABLE {source_table(source_id)}")
        rebuild_view(store)


def view_sql(sources: dict[int, list[str]]) -> str:
    """The ``shipments`` view over the base table and the given source tables (source id → columns).

    Examples
    --------
    >>> sql = view_sql({3: ["shipment_id", "line", "date"]})
    >>> "CAST(3 AS INTEGER) AS source_id" in sql, "CAST(NULL AS VARCHAR) AS description" in sql
    (True, True)
    """
    branches = [f"SELECT {', '.join(_COLUMNS)} FROM {BASE_TABLE}"]  # noqa: S608 - names from this module
    for sid, columns in sources.items():
        have = set(columns)
        items = [f"CAST({int(sid)} AS INTEGER) AS source_id" if c == "source_id"
                 else c if c in have else f"CAST(NULL AS {_TYPES[c]}) AS {c}" for c in _COLUMNS]
        branches.append(f"SELECT {', '.join(items)} FROM {source_table(sid)}")  # noqa: S608
    return "CREATE OR REPLACE VIEW shipments AS\n" + "\nUNION ALL\n".join(branches)


def rebuild_view(store: Store) -> None:
    """Point the ``shipments`` view at the base table and every source table there is now."""
    if not migrate_to_view(store):  # (a version-2 workspace opened read-only, then written: moved on first)
        store.execute(view_sql(_source_tables(store)))
