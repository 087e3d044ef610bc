"""Shipment and entity flags, built with the graph and rebuilt when its fingerprint or the watch lists change.

=========================  ===============================================================================
table                      one row per
=========================  ===============================================================================
``graph_shipment_flags``   (shipment, flag, party): ``flag``, ``entity_id`` (the party the flag is about;
                           NULL when it is about the goods), ``role`` (goods / shipper / consignee /
                           notify), ``chemical``, ``reason`` (a sentence), ``matched_text`` (the words
                           that raised it, as written), ``weight`` (:data:`FLAG_WEIGHTS`), ``evidence``
                           (JSON: the watch-list term and its source, prices, countries …), and the
                           source row: ``source_id``, ``source_file``, ``line``
``graph_flags``            (entity, flag): derived from the above for the shipper, consignee and notify
                           party of each flagged shipment (goods flags) or the party a flag names;
                           ``precursor_named`` and ``cas`` become the entity flag ``precursor``,
                           ``precursor_hs`` stays; with ``shipments``, ``weight``, first/last date
=========================  ===============================================================================

How: the matcher (:mod:`tracekit.graph.matcher`) reads each *distinct* description once; its findings
go to the store as a table and every rule (:mod:`tracekit.graph.flag_rules`) is one SQL statement over
all shipments. The stamp in ``graph_state`` is the graph fingerprint plus a digest of the watch lists,
so a merge, a new load or a new watch list rebuilds the flags on next use. Interrupting rolls back.
"""

from __future__ import annotations

import hashlib

import pandas as pd
from tqdm.auto import tqdm

from tracekit.graph.flag_rules import FLAG_COLUMNS, FLAG_WEIGHTS, RELAY_ROUNDS, RULES, base_sql, relay_sql
from tracekit.graph.matcher import match_descriptions
from tracekit.graph.watchlists import all_terms, watchlist_digest
from tracekit.ingest.codes import country_table
from tracekit.store import Store

__all__ = ["ensure_flags", "build_flags", "flags_stamp", "FLAG_PRECURSOR", "FLAG_PRECURSOR_HS",
           "PRECURSOR_ENTITY_FLAGS", "FLAG_WEIGHTS", "FLAGS_VERSION"]

FLAGS_VERSION = hashlib.sha1(("".join(RULES.values()) + relay_sql() + repr(FLAG_WEIGHTS)).encode()).hexdigest()[:10]
"""A digest of the rules' SQL and weights: changing a rule rebuilds stored flags."""
FLAG_PRECURSOR = "precursor"
"""Entity flag: traded goods whose description names a watch-listed chemical or its CAS number."""
FLAG_PRECURSOR_HS = "precursor_hs"
"""Entity flag: traded goods under an HS line specific to a watch-listed chemical."""
PRECURSOR_ENTITY_FLAGS = (FLAG_PRECURSOR, FLAG_PRECURSOR_HS, "misdeclared")
"""Entity flags that mean "traded a watch-listed chemical" (shell clusters and communities count them)."""
_ENTITY_FLAG = {"precursor_named": FLAG_PRECURSOR, "cas": FLAG_PRECURSOR}


def flags_stamp(store: Store, fingerprint: str) -> str:
    """What the flags are built from: rules version, graph fingerprint, watch lists in force."""
    return f"flags:{FLAGS_VERSION}:{fingerprint}:{watchlist_digest(store)}"


def ensure_flags(store: Store, fingerprint: str, *, progress: bool = True) -> bool:
    """(Re)build the flag tables if missing or stale; True if rebuilt. Read-only workspaces keep theirs."""
    stamp = flags_stamp(store, fingerprint)
    if store.table_exists("graph_shipment_flags") and store.table_exists("graph_flags") and store.scalar(
        "SELECT count(*) FROM graph_state WHERE key = 'flags' AND value = ?", [stamp]
    ):
        return False
    if store.read_only:
        return False
    build_flags(store, stamp, progress=progress)
    return True


def _lookup_tables(terms) -> dict[str, pd.DataFrame]:
    lines, chem_hs = [], {}
    for t in terms:
        if t.kind == "hs":
            lines.append({"prefix": t.term, "chemical": t.chemical, "label": f"HS 2022 subheading "
                          f"{t.term[:4]}.{t.term[4:]}", "source": t.source})
        elif t.kind == "national_hs":
            lines.append({"prefix": t.term, "chemical": t.chemical, "label": f"{t.country} national line "
                          f"{t.term}", "source": t.source})
        if t.chemical and len(t.hs) >= 4 and t.kind != "near_miss":
            chem_hs.setdefault(t.chemical, t.hs[:4])
    iso = sorted(set(country_table().values()))
    return {
        "tk_hs_lines": pd.DataFrame(lines, columns=["prefix", "chemical", "label", "source"]).drop_duplicates(),
        "tk_chemical_hs": pd.DataFrame(sorted(chem_hs.items()), columns=["chemical", "hs4"]),
        "tk_iso_countries": pd.DataFrame({"code": iso}),
    }


def build_flags(store: Store, stamp: str, *, progress: bool = True) -> None:
    """Match every distinct description, run every rule, write both flag tables in one transaction."""
    terms = all_terms(store)
    descriptions = [r[0] for r in store.rows(
        "SELECT DISTINCT description FROM shipments WHERE description IS NOT NULL AND trim(description) <> ''")]
    findings = match_descriptions(descriptions, terms, progress=progress)
    tables = _lookup_tables(terms)
    tables["tk_findings"] = findings
    with store.transaction():
        for name, frame in tables.items():
            with store.registered(f"{name}_frame", frame):
                store.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_frame")  # noqa: S608
        store.execute(base_sql() if store.table_exists("entities") else
                      base_sql().replace("LEFT JOIN entities e0 ON e0.entity_id = t.src",
                                         "LEFT JOIN (SELECT NULL::BIGINT AS entity_id, NULL::VARCHAR AS country) e0 "
                                         "ON FALSE"))
        columns = ", ".join(FLAG_COLUMNS)
        store.execute(f"CREATE OR REPLACE TEMP TABLE tk_flag_rows ({_column_types()})")
        for _name, sql in tqdm(RULES.items(), desc="flag rules", unit="rule", disable=not progress, leave=False):
            store.execute(f"INSERT INTO tk_flag_rows ({columns}) {sql}")  # noqa: S608 - constant rules
        for _round in range(RELAY_ROUNDS):  # follow chains of relays hop by hop
            before = store.count("tk_flag_rows")
            store.execute(f"INSERT INTO tk_flag_rows ({columns}) {relay_sql()}")  # noqa: S608 - constant rule
            if store.count("tk_flag_rows") == before:
                break
        store.execute("""
CREATE OR REPLACE TABLE graph_shipment_flags AS
SELECT r.*, s.source_id, coalesce(src.name, src.path) AS source_file, s.line
FROM tk_flag_rows r JOIN shipments s ON s.shipment_id = r.shipment_id
LEFT JOIN sources src ON src.source_id = s.source_id
ORDER BY r.shipment_id, r.weight DESC, r.flag
""")  # noqa: S608 - constants only
        store.execute(_entity_flags_sql())
        for name in (*tables, "tk_flag_base", "tk_flag_rows"):
            store.execute(f"DROP TABLE IF EXISTS {name}")
        store.execute("CREATE TABLE IF NOT EXISTS graph_state (key VARCHAR PRIMARY KEY, value VARCHAR)")
        store.execute("INSERT OR REPLACE INTO graph_state VALUES ('flags', ?)", [stamp])


def _column_types() -> str:
    types = {"shipment_id": "BIGINT", "entity_id": "BIGINT", "weight": "DOUBLE", "evidence": "JSON"}
    return ", ".join(f"{c} {types.get(c, 'VARCHAR')}" for c in FLAG_COLUMNS)


def _entity_flags_sql() -> str:
    mapping = " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in _ENTITY_FLAG.items())
    return f"""
CREATE OR REPLACE TABLE graph_flags AS
WITH parties AS (
  SELECT f.shipment_id, f.flag, f.weight, f.entity_id, t.date FROM graph_shipment_flags f
  JOIN graph_trade t ON t.shipment_id = f.shipment_id WHERE f.entity_id IS NOT NULL
  UNION ALL
  SELECT f.shipment_id, f.flag, f.weight, unnest([t.src, t.dst, t.notify]) AS entity_id, t.date
  FROM graph_shipment_flags f JOIN graph_trade t ON t.shipment_id = f.shipment_id WHERE f.role = 'goods'
)
SELECT entity_id, CASE flag {mapping} ELSE flag END AS flag, count(DISTINCT shipment_id) AS shipments,
       max(weight) AS weight, min(date) AS first_date, max(date) AS last_date
FROM parties WHERE entity_id IS NOT NULL
GROUP BY 1, 2
ORDER BY 1, 2
"""  # noqa: S608 - constants only
