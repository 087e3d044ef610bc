"""Risk: an additive, explainable score per company, built with the graph and its flags.

=============================  ===========================================================================
table                          one row per
=============================  ===========================================================================
``graph_risk``                 company with a non-zero score: ``entity_id``, ``score`` (0–1)
``graph_risk_contributions``   (company, feature) with a non-zero contribution: ``feature``, ``raw``
                               (the feature's value, in its unit), ``weight``, ``cap``, ``contribution``,
                               ``note`` (a sentence), ``evidence`` (JSON list, up to
                               :data:`EVIDENCE_CAP` rows of ``shipment_id`` as text, ``source_file``,
                               ``line``), ``evidence_count`` (all evidence shipments)
=============================  ===========================================================================

The features and their weights are a table shipped with the package, ``data/risk_weights.csv``
(feature, weight, cap, unit, description, rationale). Each contribution is a capped linear term::

    contribution = weight × min(raw, cap) / cap          score = Σ contributions

The weights sum to at most 1, so the score is in [0, 1] without any squashing and stays additive: the
contributions of a company always add up to its score. A company with no evidence scores 0 and has
no rows. The stamp in ``graph_state`` covers the flags' stamp (graph fingerprint, watch lists, rules),
the sanctions lists loaded and the weights file, so any of them changing rebuilds risk on next use.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pandas as pd

from tracekit.errors import TracekitError
from tracekit.graph.sanctions import MAX_HOPS, sanctions_hops
from tracekit.graph.tables import IDENTIFIER_KINDS
from tracekit.resolve.screen import DEFAULT_MIN_SCORE, SCREEN_KINDS, screen_matches
from tracekit.store import Store
from tracekit.store.screen_lists import SCREEN_TABLE, ScreenLists

__all__ = ["RiskFeature", "load_risk_weights", "ensure_risk", "build_risk", "risk_stamp", "FEATURES",
           "EVIDENCE_CAP", "MAX_HOPS", "NEW_DAYS", "MAX_SHARE", "TRACE_FLAGS", "lists_loaded"]

FEATURES = ("flags", "listed_hops", "trace_position", "shell_cluster", "newly_appearing")
EVIDENCE_CAP = 10
NEW_DAYS = 365
MAX_SHARE = 50
TRACE_FLAGS = ("precursor_named", "cas", "precursor_hs", "misdeclared", "relay")
"""Goods flags that make a shipment "precursor goods" for the trace position."""
RISK_VERSION = "risk-1"


@dataclass(frozen=True)
class RiskFeature:
    """One row of the weights table."""

    feature: str
    weight: float
    cap: float
    unit: str
    description: str
    rationale: str


def _default_weights_path() -> Path:
    return Path(str(resources.files("tracekit.graph") / "data" / "risk_weights.csv"))


def load_risk_weights(path: str | Path | None = None) -> dict[str, RiskFeature]:
    """Read the weights table; bad rows raise an error naming the file, line and column."""
    path = Path(path) if path is not None else _default_weights_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise TracekitError(f"{path}: cannot read the risk weights ({exc.strerror or exc})") from exc
    rows = list(csv.DictReader(text.splitlines()))
    out: dict[str, RiskFeature] = {}
    for line, row in enumerate(rows, start=2):
        feature = (row.get("feature") or "").strip()
        if feature not in FEATURES:
            raise TracekitError(f"{path}, line {line}, column feature: {feature!r} is not one of "
                                f"{', '.join(FEATURES)}")
        values = {}
        for column in ("weight", "cap"):
            try:
                values[column] = float(row.get(column) or "")
            except ValueError:
                raise TracekitError(f"{path}, line {line}, column {column}: {row.get(column)!r} is not a "
                                    "number") from None
        if values["weight"] < 0 or values["cap"] <= 0:
            raise TracekitError(f"{path}, line {line}: weight must be ≥ 0 and cap > 0")
        out[feature] = RiskFeature(feature, values["weight"], values["cap"], row.get("unit") or "",
                                   row.get("description") or "", row.get("rationale") or "")
    missing = [f for f in FEATURES if f not in out]
    if missing:
        raise TracekitError(f"{path}: no row for feature(s) {', '.join(missing)}")
    total = sum(f.weight for f in out.values())
    if total > 1 + 1e-9:
        raise TracekitError(f"{path}: the weights sum to {total:g}; they must sum to at most 1 so the "
                            "score stays in [0, 1] without squashing")
    return out


def _weights_digest(path: str | Path | None) -> str:
    weights = load_risk_weights(path)
    return hashlib.sha1(repr(sorted((f.feature, f.weight, f.cap) for f in weights.values())).encode()).hexdigest()[:10]


def lists_loaded(store: Store) -> bool:
    return store.table_exists(SCREEN_TABLE) and bool(store.scalar(f"SELECT count(*) FROM {SCREEN_TABLE}"))  # noqa: S608


def _lists_digest(store: Store) -> str:
    if not lists_loaded(store):
        return "nolists"
    return str(store.scalar(f"SELECT md5(string_agg(list_name || '|' || entry_id || '|' || name || '|' || "  # noqa: S608
                            f"coalesce(country, ''), ';' ORDER BY list_name, entry_id, name)) FROM {SCREEN_TABLE}"))


def risk_stamp(store: Store, flags_stamp: str, weights_path: str | Path | None = None) -> str:
    """What risk is built from: flags' stamp, the sanctions lists, the weights."""
    return f"{RISK_VERSION}:{flags_stamp}:{_lists_digest(store)}:{_weights_digest(weights_path)}"


def ensure_risk(store: Store, flags_stamp: str, *, weights_path: str | Path | None = None) -> bool:
    """(Re)build the risk tables if missing or stale; True if rebuilt. Read-only workspaces keep theirs."""
    stamp = risk_stamp(store, flags_stamp, weights_path)
    if store.table_exists("graph_risk") and store.table_exists("graph_risk_contributions") and store.scalar(
        "SELECT count(*) FROM graph_state WHERE key = 'risk' AND value = ?", [stamp]
    ):
        return False
    if store.read_only or not store.table_exists("graph_shipment_flags"):
        return False
    build_risk(store, stamp, weights_path=weights_path)
    return True


_RAW_COLUMNS = "entity_id BIGINT, feature VARCHAR, raw DOUBLE, note VARCHAR"
_EV_COLUMNS = "entity_id BIGINT, feature VARCHAR, shipment_id BIGINT"

_FLAGS_SQL = [
    """INSERT INTO tk_risk_raw
SELECT entity_id, 'flags', sum(weight),
       'flags: ' || string_agg(flag || ' ×' || shipments || ' (w ' || weight || ')', ', ' ORDER BY weight DESC, flag)
FROM graph_flags WHERE entity_id IS NOT NULL GROUP BY entity_id""",
    """INSERT INTO tk_risk_ev
SELECT DISTINCT p.entity_id, 'flags', p.shipment_id FROM (
  SELECT f.shipment_id, f.entity_id FROM graph_shipment_flags f WHERE f.entity_id IS NOT NULL
  UNION ALL
  SELECT f.shipment_id, unnest([t.src, t.dst, t.notify]) FROM graph_shipment_flags f
  JOIN graph_trade t ON t.shipment_id = f.shipment_id WHERE f.role = 'goods'
) p WHERE p.entity_id IS NOT NULL""",
]

# The first shipment of a day with several is the one with the smallest id, and the maker or buyer named
# is that shipment's: by date alone the engine's read order picked, and id and name could disagree.
_FIRST = "struct_pack(d := date, s := shipment_id)"
_FIRST_T = "struct_pack(d := t.date, s := t.shipment_id)"

_TRACE_SQL = [
    f"""CREATE OR REPLACE TEMP TABLE tk_risk_trace AS
WITH received AS (
  SELECT t.dst AS entity_id, t.src AS maker, t.shipment_id, t.date
  FROM graph_trade t WHERE t.dst IS NOT NULL AND t.date IS NOT NULL AND t.shipment_id IN (
    SELECT shipment_id FROM graph_shipment_flags WHERE flag IN {TRACE_FLAGS})
), first_in AS (
  SELECT entity_id, arg_min(shipment_id, {_FIRST}) AS in_id, arg_min(maker, {_FIRST}) AS maker, min(date) AS in_date,
         count(*) AS received
  FROM received GROUP BY entity_id
), onward AS (
  SELECT i.entity_id, arg_min(t.shipment_id, {_FIRST_T}) AS out_id, arg_min(t.dst, {_FIRST_T}) AS buyer,
         count(*) AS shipped
  FROM first_in i JOIN graph_trade t ON t.src = i.entity_id AND t.date >= i.in_date
  WHERE t.dst IS NOT NULL AND t.dst <> i.entity_id GROUP BY i.entity_id
)
SELECT i.entity_id, i.in_id, o.out_id, i.maker, o.buyer, i.received, o.shipped
FROM first_in i JOIN onward o ON o.entity_id = i.entity_id""",  # noqa: S608 - constants only
    """INSERT INTO tk_risk_raw
SELECT r.entity_id, 'trace_position', 1,
       'received precursor-flagged goods from ' || coalesce(m.name, CAST(r.maker AS VARCHAR)) || ' (' || r.received
       || ' shipments) and shipped onward to ' || coalesce(b.name, CAST(r.buyer AS VARCHAR)) || ' afterwards ('
       || r.shipped || ' shipments)'
FROM tk_risk_trace r LEFT JOIN entities m ON m.entity_id = r.maker LEFT JOIN entities b ON b.entity_id = r.buyer""",
    """INSERT INTO tk_risk_ev SELECT entity_id, 'trace_position', in_id FROM tk_risk_trace
UNION ALL SELECT entity_id, 'trace_position', out_id FROM tk_risk_trace""",
]

_NEW_SQL = [
    f"""CREATE OR REPLACE TEMP TABLE tk_risk_new AS
WITH seen AS (
  SELECT entity_id, min(date) AS first_seen, arg_min(shipment_id, {_FIRST}) AS first_id FROM (
    SELECT src AS entity_id, date, shipment_id FROM graph_trade UNION ALL SELECT dst, date, shipment_id FROM graph_trade
  ) WHERE entity_id IS NOT NULL AND date IS NOT NULL GROUP BY entity_id
)
SELECT entity_id, first_seen, first_id FROM seen
WHERE first_seen >= (SELECT max(date) FROM graph_trade) - INTERVAL {NEW_DAYS} DAY""",  # noqa: S608 - constants only
    f"""INSERT INTO tk_risk_raw SELECT entity_id, 'newly_appearing', 1,
       'first shipment on ' || CAST(first_seen AS VARCHAR) || ', within {NEW_DAYS} days of the latest data'
FROM tk_risk_new""",  # noqa: S608 - constants only
    "INSERT INTO tk_risk_ev SELECT entity_id, 'newly_appearing', first_id FROM tk_risk_new",
]


def _shell_sql() -> list[str]:
    keyed = "\n  UNION ALL\n".join(
        f"  SELECT me.entity_id, '{kind}' AS kind, f.{kind}_key AS key, f.mention_id "  # noqa: S608 - constant kinds
        f"FROM mention_features f JOIN mention_entities me ON me.mention_id = f.mention_id "
        f"WHERE f.{kind}_key IS NOT NULL AND f.{kind}_key <> ''"
        for kind in IDENTIFIER_KINDS)
    return [
        f"""CREATE OR REPLACE TEMP TABLE tk_risk_shared AS
SELECT entity_id, kind, key, group_size - 1 AS others FROM graph_shared WHERE group_size <= {MAX_SHARE}""",  # noqa: S608 - constants only
        """INSERT INTO tk_risk_raw
SELECT entity_id, 'shell_cluster', max(others),
       'shares ' || string_agg(kind || ' ' || key || ' with ' || others || ' other(s)', '; ' ORDER BY others DESC, kind, key)
FROM tk_risk_shared GROUP BY entity_id""",
        f"""INSERT INTO tk_risk_ev
SELECT DISTINCT k.entity_id, 'shell_cluster', k.mention_id // 4 FROM (
{keyed}
) k JOIN tk_risk_shared s ON s.entity_id = k.entity_id AND s.kind = k.kind AND s.key = k.key""",  # noqa: S608 - constants only
    ]


def _listed_hops(store: Store) -> None:
    """Hops to the nearest listed party: :func:`tracekit.graph.sanctions.sanctions_hops`, as ``ws.screen`` shows."""
    entries = ScreenLists(store).entries()
    entries = entries[entries["kind"].isin(SCREEN_KINDS)]
    matches = screen_matches(store, entries, min_score=DEFAULT_MIN_SCORE)
    if not len(matches):
        return
    hops, _graph = sanctions_hops(store, matches, MAX_HOPS)
    if not len(hops):
        return
    raw = pd.DataFrame({
        "entity_id": hops["entity_id"].astype("int64"), "feature": "listed_hops",
        "raw": (MAX_HOPS + 1 - hops["hops"]).astype(float),
        "note": [f"listed: {listed}" if n == 0 else f"{n} hop(s) to a listed party ({listed}): {path}"
                 for n, listed, path in zip(hops["hops"], hops["listed_as"], hops["path"], strict=True)],
    })
    # evidence: the shipments of every hop on the path (a listed party's own: all its trade, below)
    evidence = pd.DataFrame(
        [(int(e), int(s)) for e, per_hop in zip(hops["entity_id"], hops["evidence_shipment_ids"], strict=True)
         for ids in per_hop for s in ids], columns=["entity_id", "shipment_id"]).astype("int64")
    listed = pd.DataFrame({"entity_id": hops.loc[hops["hops"] == 0, "entity_id"].astype("int64")})
    with store.registered("tk_risk_hop_raw", raw), store.registered("tk_risk_hop_ev", evidence), \
            store.registered("tk_risk_listed", listed):
        store.execute("INSERT INTO tk_risk_raw SELECT entity_id, feature, raw, note FROM tk_risk_hop_raw")
        store.execute("INSERT INTO tk_risk_ev SELECT entity_id, 'listed_hops', shipment_id FROM tk_risk_hop_ev")
        store.execute("INSERT INTO tk_risk_ev SELECT l.entity_id, 'listed_hops', t.shipment_id FROM tk_risk_listed l "
                      "JOIN graph_trade t ON t.src = l.entity_id OR t.dst = l.entity_id")


def build_risk(store: Store, stamp: str, *, weights_path: str | Path | None = None) -> None:
    """Compute every feature in SQL, weigh them from the weights table, write both tables at once."""
    weights = load_risk_weights(weights_path)
    frame = pd.DataFrame([{"feature": f.feature, "weight": f.weight, "cap": f.cap} for f in weights.values()])
    with store.transaction():
        store.execute(f"CREATE OR REPLACE TEMP TABLE tk_risk_raw ({_RAW_COLUMNS})")
        store.execute(f"CREATE OR REPLACE TEMP TABLE tk_risk_ev ({_EV_COLUMNS})")
        steps = list(_FLAGS_SQL) + list(_TRACE_SQL) + list(_NEW_SQL)
        if store.table_exists("graph_shared") and store.table_exists("mention_features"):
            steps += _shell_sql()
        for sql in steps:
            store.execute(sql)
        if lists_loaded(store) and store.table_exists("resolve_profiles"):
            _listed_hops(store)
        with store.registered("tk_risk_weights_frame", frame):
            store.execute("CREATE OR REPLACE TEMP TABLE tk_risk_weights AS SELECT * FROM tk_risk_weights_frame")
        store.execute(f"""
CREATE OR REPLACE TABLE graph_risk_contributions AS
WITH e AS (
  SELECT entity_id, feature, shipment_id,
         row_number() OVER (PARTITION BY entity_id, feature ORDER BY shipment_id) AS k
  FROM (SELECT DISTINCT entity_id, feature, shipment_id FROM tk_risk_ev WHERE shipment_id IS NOT NULL)
), ev AS (
  SELECT e.entity_id, e.feature, count(*) AS evidence_count,
         to_json(list({{'shipment_id': CAST(e.shipment_id AS VARCHAR), 'source_file': coalesce(src.name, src.path),
                        'line': s.line}} ORDER BY e.shipment_id) FILTER (WHERE e.k <= {EVIDENCE_CAP})) AS evidence
  FROM e JOIN shipments s ON s.shipment_id = e.shipment_id LEFT JOIN sources src ON src.source_id = s.source_id
  GROUP BY e.entity_id, e.feature
)
SELECT r.entity_id, r.feature, r.raw, w.weight, w.cap, w.weight * least(r.raw, w.cap) / w.cap AS contribution,
       r.note, coalesce(ev.evidence, '[]'::JSON) AS evidence, coalesce(ev.evidence_count, 0) AS evidence_count
FROM tk_risk_raw r JOIN tk_risk_weights w ON w.feature = r.feature
LEFT JOIN ev ON ev.entity_id = r.entity_id AND ev.feature = r.feature
WHERE r.raw > 0 AND w.weight > 0
ORDER BY r.entity_id, contribution DESC, r.feature
""")  # noqa: S608 - integers only
        store.execute("""
CREATE OR REPLACE TABLE graph_risk AS
SELECT entity_id, sum(contribution) AS score FROM graph_risk_contributions GROUP BY entity_id
ORDER BY score DESC, entity_id
""")
        for name in ("tk_risk_raw", "tk_risk_ev", "tk_risk_trace", "tk_risk_new", "tk_risk_shared", "tk_risk_weights"):
            store.execute(f"DROP TABLE IF EXISTS {name}")
        store.execute("CREATE TABLE IF NOT EXISTS graph_state (key VARCHAR PRIMARY KEY, value VARCHAR)")
        store.execute("INSERT OR REPLACE INTO graph_state VALUES ('risk', ?)", [stamp])
