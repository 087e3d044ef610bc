"""The tables the resolve stage owns (schema version 2; see docs/ARCHITECTURE.md)."""

from __future__ import annotations

from tracekit.store import Store, ensure_table

__all__ = ["RESOLVE_TABLES", "EDGE_FLOOR", "ensure_resolve_tables"]

EDGE_FLOOR = 0.5  # scored pairs below this are not kept: they explain nothing an analyst would ask

RESOLVE_TABLES: dict[str, str] = {
    # Contract tables (graph, query and views read these).
    "mention_features": """mention_id BIGINT, name_key VARCHAR, address_key VARCHAR, phone_key VARCHAR,
        email_key VARCHAR, tax_id_key VARCHAR, legal_form VARCHAR, profile_id BIGINT""",
    "entities": """entity_id BIGINT, name VARCHAR, country VARCHAR, mention_count BIGINT,
        shipment_count BIGINT, profile_count BIGINT, countries VARCHAR, anchor_key VARCHAR""",
    "mention_entities": "mention_id BIGINT, entity_id BIGINT",
    # Resolve's own working tables.
    "resolve_profiles": """profile_id BIGINT, profile_key VARCHAR, name_key VARCHAR, core_key VARCHAR,
        legal_form VARCHAR, country VARCHAR, tax_id_key VARCHAR, display_name VARCHAR,
        address_key VARCHAR, mention_count BIGINT, entity_id BIGINT, anchor_key VARCHAR, locality VARCHAR,
        country_source VARCHAR""",
    "resolve_profile_keys": "profile_id BIGINT, kind VARCHAR, key VARCHAR",
    "resolve_edges": """a BIGINT, b BIGINT, score FLOAT, name_sim FLOAT, address_sim FLOAT, country TINYINT,
        tax_id TINYINT, shared_phone BOOLEAN, shared_email BOOLEAN, shared_address BOOLEAN""",
    # The match weights the last full run estimated (tracekit.resolve.model): one row per comparison
    # level, plus the prior match rate; explain shows them, incremental runs and reclustering reuse them.
    "resolve_model": """comparison VARCHAR, level INTEGER, label VARCHAR, m DOUBLE, u DOUBLE, weight DOUBLE,
        pairs BIGINT""",
}

# Columns added to resolve tables after they were first created: (table, column, type).
ADDED_COLUMNS = (("resolve_profiles", "locality", "VARCHAR"), ("resolve_profiles", "country_source", "VARCHAR"),
                 ("resolve_edges", "log_odds", "FLOAT"), ("resolve_edges", "rule", "VARCHAR"))


def ensure_resolve_tables(store: Store) -> None:
    """Create the resolve tables that do not exist yet (no-op on a read-only workspace)."""
    if store.read_only:
        return
    for name, columns in RESOLVE_TABLES.items():
        ensure_table(store, name, columns)
    for table, column, kind in ADDED_COLUMNS:
        store.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} {kind}")
