"""store: the engine seam. Only this package talks to DuckDB (later: Spark)."""

from tracekit.store.engine import DATABASE_FILE, Store, quote_identifier, quote_literal
from tracekit.store.schema import SCHEMA_VERSION, ensure_schema, ensure_table, schema_version

__all__ = [
    "DATABASE_FILE",
    "SCHEMA_VERSION",
    "Store",
    "ensure_schema",
    "ensure_table",
    "quote_identifier",
    "quote_literal",
    "schema_version",
]
