"""Workspace schema: the core tables, and the version stamp that guards them.

A workspace records the schema version that wrote it in ``tk_meta``. Opening a workspace whose version
this tracekit does not know fails with :class:`~tracekit.errors.SchemaVersionError`: silently reading a
newer layout would give wrong answers, which is worse than none.

Later stages (resolution, graph) own their tables and create them with :func:`ensure_table`; they stay
under the same version number, which bumps whenever any stored layout changes.

Version 3 (DuckDB): ``shipments`` is a view over ``shipments_base`` and one narrow table per large
source (:mod:`tracekit.store.shipment_tables`). A version-2 workspace reads as it is, and becomes version 3
at its first read-write open (its table renamed ``shipments_base``, nothing copied). Spark workspaces keep
``shipments`` a dataset; their stamp moves to 3 the same way, with nothing else to change.
"""

from __future__ import annotations

from tracekit.errors import SchemaVersionError, WorkspaceError
from tracekit.ingest.fields import MENTION_COLUMNS, SHIPMENT_FIELDS
from tracekit.store.engine import Store
from tracekit.store.shipment_tables import create_base, migrate_to_view

__all__ = ["SCHEMA_VERSION", "CORE_TABLES", "ensure_schema", "ensure_table", "schema_version"]

SCHEMA_VERSION = 3
_READABLE = (2, 3)  # version 2 differs only in where shipments are kept: see the module docstring

_SHIPMENT_COLUMNS = ",\n    ".join(f"{f.name} {f.sql_type}" for f in SHIPMENT_FIELDS)
_MENTION_COLUMNS = ",\n    ".join(f"{f.name} {f.sql_type}" for f in MENTION_COLUMNS)

CORE_TABLES: dict[str, str] = {
    "tk_meta": "key VARCHAR PRIMARY KEY, value VARCHAR",
    # One row per loaded file (or DataFrame): where it came from, how it was read, what it gave.
    "sources": """
    source_id INTEGER PRIMARY KEY,
    path VARCHAR,
    name VARCHAR,
    content_hash VARCHAR,
    format VARCHAR,
    encoding VARCHAR,
    delimiter VARCHAR,
    mapping_json VARCHAR,
    raw_table VARCHAR,
    header_lines INTEGER,
    rows_read BIGINT,
    rows_loaded BIGINT,
    rows_quarantined BIGINT,
    loaded_at TIMESTAMP
    """,
    # Normalised shipments. shipment_id = source_id << 32 | line, stable across re-opens and
    # computable on any engine; (source_id, line) points back to the raw row. Unique by construction
    # (one row per source line; tests check it), so no PRIMARY KEY: its index upkeep made bulk loads
    # pay on every insert.
    "shipments": f"""
    shipment_id BIGINT NOT NULL,
    source_id INTEGER NOT NULL,
    line BIGINT NOT NULL,
    {_SHIPMENT_COLUMNS}
    """,
    "party_mentions": f"""
    {_MENTION_COLUMNS}
    """,
    # Rows that could not be loaded, with why: nothing is silently dropped.
    "quarantine": """
    source_id INTEGER NOT NULL,
    file VARCHAR,
    line BIGINT,
    "column" VARCHAR,
    reason VARCHAR NOT NULL,
    detail VARCHAR,
    raw_text VARCHAR
    """,
}


def ensure_table(store: Store, name: str, columns_sql: str) -> None:
    """Create table ``name`` with the given column definitions if it does not exist yet."""
    store.execute(f"CREATE TABLE IF NOT EXISTS {name} ({columns_sql})")


_REPAIR_HINT = ("if you know which tracekit wrote it, `UPDATE tk_meta SET value = '<version>' WHERE key = "
                "'schema_version'` in the duckdb shell repairs the stamp")


def schema_version(store: Store) -> int | None:
    """The schema version stamped in the workspace, or None for an empty database.

    Raises :class:`WorkspaceError` for a database tracekit did not create (tables but no ``tk_meta``)
    and for a damaged stamp: re-stamping or adding tables would hide the damage or take over the file.
    """
    where = store.folder or "the in-memory database"
    if not store.table_exists("tk_meta"):
        tables = [r[0] for r in store.rows(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1")]
        if tables:
            shown = ", ".join(tables[:4]) + (" …" if len(tables) > 4 else "")
            raise WorkspaceError(
                f"{where} holds a DuckDB database that tracekit did not create (tables {shown}); tracekit "
                "leaves it alone. Use another --workspace folder")
        return None
    rows = store.rows("SELECT value FROM tk_meta WHERE key = 'schema_version'")
    fix = (f"Restore {where}/tracekit.duckdb from a backup, or load the sources again into a new workspace; "
           + _REPAIR_HINT)
    if not rows:
        raise WorkspaceError(f"workspace {where} is damaged: tk_meta has no schema_version. {fix}")
    try:
        return int(rows[0][0])
    except (TypeError, ValueError):
        raise WorkspaceError(
            f"workspace {where} is damaged: tk_meta.schema_version is {rows[0][0]!r}, not a version "
            f"number. {fix}") from None


def ensure_schema(store: Store) -> int:
    """Create the core tables in a new workspace, or check the version of an existing one.

    Returns the schema version. Raises :class:`SchemaVersionError` for a workspace this version of
    tracekit cannot read.

    Examples
    --------
    >>> from tracekit.store import Store
    >>> ensure_schema(Store(None))
    3
    """
    found = schema_version(store)
    if found is None:
        if store.read_only:
            raise SchemaVersionError("the workspace is empty and was opened read-only")
        with store.transaction():
            for name, columns in CORE_TABLES.items():
                if name == "shipments" and getattr(store, "engine", "duckdb") == "duckdb":
                    create_base(store, columns)
                else:
                    ensure_table(store, name, columns)
            store.execute(
                "INSERT INTO tk_meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING",
                [str(SCHEMA_VERSION)],
            )
        return SCHEMA_VERSION
    if found in _READABLE and found != SCHEMA_VERSION:
        if store.read_only:
            return found  # read as it is; the first read-write open moves it on
        with store.transaction():
            if getattr(store, "engine", "duckdb") == "duckdb":
                migrate_to_view(store)  # stamps the version too
            store.execute("UPDATE tk_meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION)])
        return SCHEMA_VERSION
    if found != SCHEMA_VERSION:
        where = store.folder or "the in-memory database"
        newer = "a newer" if found > SCHEMA_VERSION else "an older"
        raise SchemaVersionError(
            f"workspace {where} has schema version {found}, written by {newer} tracekit; "
            f"this tracekit reads version {SCHEMA_VERSION} only. Open it with the tracekit that wrote "
            "it, or load the sources again into a new workspace."
        )
    return found
