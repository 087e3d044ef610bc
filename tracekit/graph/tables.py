"""The graph's tables in the store, built by set-based SQL and cached until resolution changes.

=================  ===========================================================================
table              one row per
=================  ===========================================================================
``graph_trade``    shipment: resolved shipper (``src``), consignee (``dst``), notify entity, date,
                   HS6, kg, USD, ports, origin. Shipments whose shipper or consignee has no
                   entity keep a NULL there (counted, never dropped).
``graph_edges``    (shipper entity, consignee entity, HS6): shipments, kg, USD, first/last date
``graph_shared``   (identifier kind, normalised key, entity) for keys two or more entities share
``graph_state``    key/value: the resolution fingerprint the tables were built from
=================  ===========================================================================

Every statement is a pure function returning SQL (:func:`trade_facts_sql` …), so another engine can
run the same steps; only :func:`build_graph_tables` executes them, through the :class:`Store`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tqdm.auto import tqdm

from tracekit.errors import TracekitError
from tracekit.store import Store

__all__ = [
    "GraphTablesReport",
    "build_graph_tables",
    "ensure_graph_tables",
    "resolution_fingerprint",
    "existing_tables",
    "trade_facts_sql",
    "edge_aggregate_sql",
    "shared_identifiers_sql",
]

IDENTIFIER_KINDS: tuple[str, ...] = ("address", "phone", "email", "tax_id")
"""Kinds of shared identifier; a link between two entities has ``kind = "shared_" + kind``."""

_ROLE_CODE = {"shipper": 0, "consignee": 1, "notify": 2}


def trade_facts_sql() -> str:
    """``graph_trade``: each shipment with the entities of its shipper, consignee and notify party."""
    joins = "\n".join(
        f"LEFT JOIN mention_entities m{code} ON m{code}.mention_id = s.shipment_id * 4 + {code}"
        for code in _ROLE_CODE.values()
    )
    return f"""
CREATE OR REPLACE TABLE graph_trade AS
SELECT s.shipment_id,
       m0.entity_id AS src,
       m1.entity_id AS dst,
       m2.entity_id AS notify,
       s.date,
       coalesce(left(s.hs_code, 6), '') AS hs6,
       s.weight_kg AS kg,
       s.value_usd AS usd,
       s.port_of_lading,
       s.port_of_unlading,
       s.country_of_origin AS origin
FROM shipments s
{joins}
ORDER BY src, dst, date
"""  # noqa: S608 - fixed role codes only


def edge_aggregate_sql() -> str:
    """``graph_edges``: trade aggregated per (shipper entity, consignee entity, HS6)."""
    return """
CREATE OR REPLACE TABLE graph_edges AS
SELECT src, dst, hs6,
       count(*)::INTEGER AS shipments,
       coalesce(sum(kg), 0)::DOUBLE AS kg,
       coalesce(sum(usd), 0)::DOUBLE AS usd,
       min(date) AS first_date,
       max(date) AS last_date
FROM graph_trade
WHERE src IS NOT NULL AND dst IS NOT NULL
GROUP BY src, dst, hs6
"""


def shared_identifiers_sql() -> str:
    """``graph_shared``: identifier keys (address, phone, e-mail, tax id) held by two or more entities."""
    keyed = "\n  UNION ALL\n".join(
        f"  SELECT me.entity_id, '{kind}' AS kind, f.{kind}_key AS key "  # noqa: S608 - validated literals only
        f"FROM mention_features f JOIN mention_entities me ON me.mention_id = f.mention_id "
        f"WHERE f.{kind}_key IS NOT NULL AND f.{kind}_key <> ''"
        for kind in IDENTIFIER_KINDS
    )
    return f"""
CREATE OR REPLACE TABLE graph_shared AS
SELECT kind, key, entity_id, group_size FROM (
  SELECT kind, key, entity_id, count(*) OVER (PARTITION BY kind, key) AS group_size
  FROM (SELECT DISTINCT entity_id, kind, key FROM (
{keyed}
  ) keyed) distinct_keys
) sized
WHERE group_size >= 2
ORDER BY kind, key, entity_id
"""  # noqa: S608 - constant kinds


_EMPTY_SHARED = (
    "CREATE OR REPLACE TABLE graph_shared (kind VARCHAR, key VARCHAR, entity_id BIGINT, group_size BIGINT)"
)


def existing_tables(store: Store) -> set[str]:
    """Names of the workspace's tables, in one catalogue query (cheaper than one check per table)."""
    return {r[0] for r in store.rows("SELECT table_name FROM duckdb_tables()")}


def resolution_fingerprint(store: Store) -> str:
    """A cheap digest of what the graph is built from: shipments, resolution and identifier keys.

    Any change to ``mention_entities`` (a merge, a split, a re-resolution) or to the loaded shipments
    changes it, which invalidates the cached graph tables. One round trip to the store.
    """
    tables = existing_tables(store)
    if "mention_entities" not in tables:
        raise TracekitError(
            "the workspace has no resolved entities yet: run ws.resolve() (tracekit resolve) first"
        )
    parts = [
        "(SELECT count(*) || ':' || coalesce(max(shipment_id), -1) FROM shipments)",
        "(SELECT count(*) || ':' || coalesce(sum(hash(mention_id, entity_id)::HUGEINT), 0) "
        "FROM mention_entities)",
    ]
    if "mention_features" in tables:
        parts.append("(SELECT count(*) FROM mention_features)::VARCHAR")
    if "entities" in tables:
        parts.append("(SELECT count(*) || ':' || coalesce(sum(entity_id::HUGEINT), 0) FROM entities)")
    return str(store.scalar("SELECT " + " || '|' || ".join(parts)))


@dataclass
class GraphTablesReport:
    """What building the graph tables produced."""

    shipments: int
    trade_edges: int
    without_parties: int
    shared_keys: int
    rebuilt: bool

    def __str__(self) -> str:
        state = "rebuilt" if self.rebuilt else "up to date"
        return (
            f"graph tables {state}: {self.trade_edges:,} trade edges (entity pair × HS6) from "
            f"{self.shipments:,} shipments; {self.without_parties:,} shipments lack a resolved shipper "
            f"or consignee; {self.shared_keys:,} shared identifier memberships"
        )


def _stored_fingerprint(store: Store) -> str | None:
    if not store.table_exists("graph_state"):
        return None
    return store.scalar("SELECT value FROM graph_state WHERE key = 'fingerprint'")


def build_graph_tables(
    store: Store, *, progress: bool = True, fingerprint: str | None = None
) -> GraphTablesReport:
    """(Re)build ``graph_trade``, ``graph_edges`` and ``graph_shared`` in one transaction.

    Interrupting (Ctrl-C) rolls everything back: the previous graph tables stay as they were.
    """
    fingerprint = fingerprint or resolution_fingerprint(store)
    steps = [("shipment facts", trade_facts_sql()), ("edge aggregation", edge_aggregate_sql())]
    if store.table_exists("mention_features"):
        steps.append(("shared identifiers", shared_identifiers_sql()))
    else:
        steps.append(("shared identifiers", _EMPTY_SHARED))
    with store.transaction():
        for _label, sql in tqdm(steps, desc="building graph", unit="step", disable=not progress, leave=False):
            store.execute(sql)
        store.execute("CREATE TABLE IF NOT EXISTS graph_state (key VARCHAR PRIMARY KEY, value VARCHAR)")
        store.execute(
            "INSERT OR REPLACE INTO graph_state VALUES ('fingerprint', ?)", [fingerprint]
        )
    return _report(store, rebuilt=True)


def _report(store: Store, *, rebuilt: bool) -> GraphTablesReport:
    shipments, without = store.rows(
        "SELECT count(*), count(*) FILTER (WHERE src IS NULL OR dst IS NULL) FROM graph_trade"
    )[0]
    return GraphTablesReport(
        shipments=int(shipments),
        trade_edges=store.count("graph_edges"),
        without_parties=int(without),
        shared_keys=store.count("graph_shared"),
        rebuilt=rebuilt,
    )


def ensure_graph_tables(store: Store, *, progress: bool = True) -> tuple[str, GraphTablesReport | None]:
    """Build the graph tables if missing or stale; return the fingerprint and a report if rebuilt."""
    fingerprint = resolution_fingerprint(store)
    if _stored_fingerprint(store) == fingerprint and store.table_exists("graph_edges"):
        return fingerprint, None
    if store.read_only:
        raise TracekitError(
            "the graph tables are missing or out of date and the workspace is open read-only: "
            "open it writable once to rebuild them"
        )
    with store.writing("rebuilding the graph tables"):
        # Another process may have rebuilt them while this one waited for the write lock: look again
        # under the lock rather than build the same tables twice.
        fingerprint = resolution_fingerprint(store)
        if _stored_fingerprint(store) == fingerprint and store.table_exists("graph_edges"):
            return fingerprint, None
        report = build_graph_tables(store, progress=progress, fingerprint=fingerprint)
    return fingerprint, report
