"""From traversal rows to the networkx graphs handed to the analyst (ARCHITECTURE.md conventions).

Numbers (shipments, kg, USD, dates, HS codes) come from the index arrays; names, countries, flags,
descriptions and evidence come from the store in one set-based query per kind, for the result's
entities and edges only.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np
import pandas as pd

from tracekit.graph.filters import TradeFilter
from tracekit.graph.index import NULL_DAY, EdgeArrays, TradeIndex
from tracekit.graph.tables import existing_tables
from tracekit.store import Store
from tracekit.store.ids import id_array

__all__ = [
    "pair_frame",
    "node_frame",
    "edge_evidence",
    "build_digraph",
    "add_context",
    "CONTEXT_KINDS",
    "EVIDENCE_CAP",
]

EVIDENCE_CAP = 20
"""Shipment ids kept on an edge's ``evidence`` attribute (``ws.evidence`` gives all of them)."""

TOP_DESCRIPTIONS = 3
CONTEXT_KINDS = ("notify", "shared", "product", "port", "address")


def _iso(days: np.ndarray) -> list[str | None]:
    return [None if d == NULL_DAY or d != d else str(np.datetime64(int(d), "D")) for d in days]


def pair_frame(index: TradeIndex, arrays: EdgeArrays, rows: np.ndarray) -> pd.DataFrame:
    """Rows aggregated per (shipper entity, consignee entity): the trade edges.

    Columns: src, dst, shipments, kg, usd, first_date, last_date (ISO), hs_codes (list, busiest first).
    """
    rows = np.asarray(rows, dtype=np.int64)
    first = arrays.first[rows].astype(np.float64)
    last = arrays.last[rows].astype(np.float64)
    first[arrays.first[rows] == NULL_DAY] = np.nan
    last[arrays.last[rows] == NULL_DAY] = np.nan
    raw = pd.DataFrame({
        "src": index.node_ids[arrays.src[rows]],
        "dst": index.node_ids[arrays.dst[rows]],
        "hs": index.hs_vocab[arrays.hs[rows]] if len(index.hs_vocab) else np.array([""] * len(rows)),
        "shipments": arrays.shipments[rows].astype(np.int64),
        "kg": arrays.kg[rows],
        "usd": arrays.usd[rows],
        "first": first,
        "last": last,
    })
    if raw.empty:
        return pd.DataFrame(columns=["src", "dst", "shipments", "kg", "usd", "first_date", "last_date",
                                     "hs_codes"])
    by_hs = raw.groupby(["src", "dst", "hs"], as_index=False)["shipments"].sum()
    by_hs = by_hs.sort_values(["src", "dst", "shipments", "hs"], ascending=[True, True, False, True])
    codes = by_hs[by_hs["hs"] != ""].groupby(["src", "dst"])["hs"].agg(list)
    out = raw.groupby(["src", "dst"], as_index=False).agg(
        shipments=("shipments", "sum"), kg=("kg", "sum"), usd=("usd", "sum"),
        first=("first", "min"), last=("last", "max"),
    )
    out["first_date"] = _iso(out.pop("first").to_numpy())
    out["last_date"] = _iso(out.pop("last").to_numpy())
    out["hs_codes"] = [codes.get((s, d), []) for s, d in zip(out["src"], out["dst"], strict=True)]
    return out.sort_values(["shipments", "src", "dst"], ascending=[False, True, True], ignore_index=True)


def node_frame(store: Store, entity_ids: Iterable[int]) -> pd.DataFrame:
    """Display attributes of entities: name, country, mentions, flags (list), community, risk."""
    ids = pd.DataFrame({"entity_id": id_array(list(entity_ids), what="entity ids")})
    tables = existing_tables(store)
    has_entities = "entities" in tables
    flags = "graph_flags" in tables
    community = "graph_communities" in tables
    risk = "graph_risk" in tables
    select = ["i.entity_id"]
    joins = []
    if has_entities:
        select += ["e.name", "e.country", "e.mention_count AS mentions", "e.shipment_count"]
        joins.append("LEFT JOIN entities e ON e.entity_id = i.entity_id")
    if flags:
        select.append("(SELECT list(DISTINCT f.flag ORDER BY f.flag) FROM graph_flags f "
                      "WHERE f.entity_id = i.entity_id) AS flags")
    if community:
        select.append("c.community")
        joins.append("LEFT JOIN graph_communities c ON c.entity_id = i.entity_id")
    if risk:  # companies with no evidence have no row and score 0
        select.append("coalesce(r.score, 0.0) AS risk")
        joins.append("LEFT JOIN graph_risk r ON r.entity_id = i.entity_id")
    with store.registered("tk_node_ids", ids):
        frame = store.df(f"SELECT {', '.join(select)} FROM tk_node_ids i {' '.join(joins)}")  # noqa: S608
    for column, default in (("name", None), ("country", None), ("mentions", 0), ("shipment_count", 0),
                            ("community", None), ("risk", None)):
        if column not in frame:
            frame[column] = default
    frame["flags"] = [list(f) if isinstance(f, list | np.ndarray) else [] for f in frame.get(
        "flags", pd.Series([None] * len(frame)))]
    frame["name"] = [n if isinstance(n, str) else f"unnamed entity {i}" for n, i in
                     zip(frame["name"], frame["entity_id"], strict=True)]
    return frame


def edge_evidence(store: Store, pairs: pd.DataFrame, flt: TradeFilter, *,
                  shipment_ids: np.ndarray | None = None, cap: int = EVIDENCE_CAP) -> pd.DataFrame:
    """Per (src, dst): the latest ``cap`` shipment ids and the most frequent descriptions.

    With ``shipment_ids`` (time-respecting traces), only those shipments count as evidence.
    """
    if pairs.empty:
        return pd.DataFrame(columns=["src", "dst", "evidence", "descriptions"])
    ends = pd.DataFrame({"src": id_array(pairs["src"], what="src"), "dst": id_array(pairs["dst"], what="dst")})
    with store.registered("tk_pairs", ends):
        if shipment_ids is not None:
            ids = pd.DataFrame({"shipment_id": id_array(shipment_ids, what="shipment ids")})
            with store.registered("tk_evidence_ids", ids):
                return store.df(_evidence_sql("JOIN tk_evidence_ids x ON x.shipment_id = t.shipment_id",
                                              "TRUE", cap))
        return store.df(_evidence_sql("", flt.where_sql("t"), cap))


def _evidence_sql(extra_join: str, where: str, cap: int) -> str:
    return f"""
WITH t AS (
  SELECT t.src, t.dst, t.shipment_id, t.date, s.description
  FROM graph_trade t JOIN tk_pairs p ON p.src = t.src AND p.dst = t.dst
  {extra_join}
  JOIN shipments s ON s.shipment_id = t.shipment_id
  WHERE {where}
), ev AS (
  SELECT src, dst, list(shipment_id ORDER BY date DESC NULLS LAST, shipment_id)[1:{int(cap)}] AS evidence
  FROM t GROUP BY src, dst
), d AS (
  SELECT src, dst, description, count(*) AS n FROM t
  WHERE description IS NOT NULL AND trim(description) <> '' GROUP BY src, dst, description
), top AS (
  SELECT src, dst, list(description ORDER BY n DESC, description)[1:{TOP_DESCRIPTIONS}] AS descriptions
  FROM d GROUP BY src, dst
)
SELECT ev.src, ev.dst, ev.evidence, coalesce(top.descriptions, []) AS descriptions
FROM ev LEFT JOIN top ON top.src = ev.src AND top.dst = ev.dst
"""  # noqa: S608 - only integers and a filter built from validated literals


def build_digraph(index: TradeIndex, arrays: EdgeArrays, rows: np.ndarray, flt: TradeFilter, *,
                  tiers: dict[int, int] | None = None, evidence: bool = True,
                  evidence_ids: np.ndarray | None = None) -> nx.DiGraph:
    """A networkx DiGraph of the trade edges in ``rows`` plus the nodes in ``tiers`` (positions)."""
    store = index.store
    pairs = pair_frame(index, arrays, rows)
    if evidence:
        shipment_ids = arrays.shipment_id[rows] if evidence_ids is None and arrays.shipment_id is not None \
            else evidence_ids
        extra = edge_evidence(store, pairs, flt, shipment_ids=shipment_ids)
        pairs = pairs.merge(extra, on=["src", "dst"], how="left")
    tier_by_id = {int(index.node_ids[p]): t for p, t in (tiers or {}).items()}
    node_ids = set(tier_by_id) | set(pairs["src"].tolist()) | set(pairs["dst"].tolist())
    graph = nx.DiGraph(filters=flt.describe())
    # nodes in id order whatever order the engine's join returned them in (Spark keeps none): networkx
    # iterates in insertion order, so path searches and drawings break ties alike on both engines
    for row in node_frame(store, sorted(node_ids)).sort_values("entity_id", kind="stable").itertuples(index=False):
        graph.add_node(
            int(row.entity_id), label=row.name, kind="company",
            country=row.country if isinstance(row.country, str) else None,
            mentions=_int_or(row.mentions, 0), risk=_risk(row.risk), flags=list(row.flags),
            community=_int_or(row.community, None),
            tier=tier_by_id.get(int(row.entity_id)),
        )
    for rec in pairs.to_dict(orient="records"):
        graph.add_edge(
            int(rec["src"]), int(rec["dst"]), kind="trade", shipments=int(rec["shipments"]),
            kg=float(rec["kg"]), usd=float(rec["usd"]), first_date=rec["first_date"],
            last_date=rec["last_date"], hs_codes=list(rec["hs_codes"]),
            descriptions=_as_list(rec.get("descriptions")), evidence=[int(x) for x in _as_list(rec.get("evidence"))],
        )
    return graph


def _risk(value) -> float | None:  # noqa: ANN001
    """Risk as a float rounded for display, None when the workspace has no risk table."""
    return None if value is None or value != value else round(float(value), 4)


def _int_or(value, default):
    """``int(value)``, or ``default`` for None / NaN / pandas NA."""
    return default if value is None or pd.isna(value) else int(value)


def _as_list(value) -> list:
    if value is None or (isinstance(value, float) and value != value):
        return []
    return list(value)


def add_context(graph: nx.DiGraph, store: Store, kinds: Iterable[str], flt: TradeFilter) -> nx.DiGraph:
    """Add notify-party edges, shared-identifier links and product / port / address nodes.

    Context edges never overwrite a trade edge between the same two companies: there the trade edge
    gets a ``also`` list naming the other relations instead.
    """
    kinds = set(kinds)
    unknown = kinds - set(CONTEXT_KINDS)
    if unknown:
        from tracekit.errors import TracekitError

        raise TracekitError(f"unknown context kind(s) {sorted(unknown)}; use {', '.join(CONTEXT_KINDS)}")
    where = flt.where_sql("t")
    if "notify" in kinds:  # first: it may add notify parties, which the other relations then include
        with _companies(graph, store):
            _add_relation_edges(graph, store.df(
                "SELECT t.dst AS a, t.notify AS b, count(*) AS shipments FROM graph_trade t "  # noqa: S608
                "JOIN tk_ctx_ids i ON i.entity_id = t.dst "
                f"WHERE t.notify <> t.dst AND {where} GROUP BY 1, 2"), "notify", store)
    if "shared" in kinds:
        with _companies(graph, store):
            shared = store.df(
                "SELECT a.kind, a.key, a.entity_id AS a, b.entity_id AS b FROM graph_shared a "
                "JOIN graph_shared b ON a.kind = b.kind AND a.key = b.key AND a.entity_id < b.entity_id "
                "JOIN tk_ctx_ids i ON i.entity_id = a.entity_id JOIN tk_ctx_ids j ON j.entity_id = b.entity_id")
        for kind, group in shared.groupby("kind"):
            _add_relation_edges(graph, group.assign(shipments=None), f"shared_{kind}")
    things = {"product": ("t.hs6", "t.hs6 <> ''", "hs:"),
              "port": ("t.port_of_lading", "t.port_of_lading IS NOT NULL", "port:")}
    for kind, (column, present, prefix) in things.items():
        if kind in kinds:
            with _companies(graph, store):
                _add_thing_nodes(graph, store.df(
                    f"SELECT t.src AS entity_id, {column} AS thing, {column} AS label, "  # noqa: S608
                    "count(*) AS shipments FROM graph_trade t JOIN tk_ctx_ids i ON i.entity_id = t.src "
                    f"WHERE {present} AND {where} GROUP BY 1, 2, 3"), kind, prefix)
    if "address" in kinds and store.table_exists("mention_features"):
        with _companies(graph, store):
            _add_thing_nodes(graph, store.df(
                "SELECT me.entity_id, f.address_key AS thing, min(m.address) AS label, count(*) AS shipments "
                "FROM mention_entities me JOIN tk_ctx_ids i ON i.entity_id = me.entity_id "
                "JOIN mention_features f ON f.mention_id = me.mention_id "
                "JOIN party_mentions m ON m.mention_id = me.mention_id "
                "WHERE f.address_key IS NOT NULL AND f.address_key <> '' GROUP BY 1, 2"), "address", "addr:")
    return graph


def _companies(graph: nx.DiGraph, store: Store):
    """Register the graph's current company nodes as ``tk_ctx_ids`` for one query."""
    companies = [n for n, d in graph.nodes(data=True) if d.get("kind") == "company"]
    return store.registered("tk_ctx_ids", pd.DataFrame({"entity_id": id_array(companies, what="company nodes")}))


def _add_relation_edges(graph: nx.DiGraph, frame: pd.DataFrame, kind: str, store: Store | None = None) -> None:
    missing = sorted({int(b) for b in frame["b"] if int(b) not in graph}) if store is not None else []
    for row in node_frame(store, missing).itertuples(index=False) if missing else ():
        graph.add_node(int(row.entity_id), label=row.name, kind="company",
                       country=row.country if isinstance(row.country, str) else None, mentions=0,
                       risk=_risk(row.risk), flags=list(row.flags), community=None, tier=None)
    for rec in frame.to_dict(orient="records"):
        a, b = int(rec["a"]), int(rec["b"])
        shipments = rec.get("shipments")
        if graph.has_edge(a, b):
            graph.edges[a, b].setdefault("also", []).append(kind)
            continue
        attrs = {"kind": kind}
        if shipments is not None and shipments == shipments:
            attrs["shipments"] = int(shipments)
        if "key" in rec:
            attrs["key"] = rec["key"]
        graph.add_edge(a, b, **attrs)


def _add_thing_nodes(graph: nx.DiGraph, frame: pd.DataFrame, kind: str, prefix: str) -> None:
    for rec in frame.to_dict(orient="records"):
        node = prefix + str(rec["thing"])
        if node not in graph:
            graph.add_node(node, label=str(rec["label"]), kind=kind, country=None, mentions=0, risk=None,
                           flags=[], community=None, tier=None)
        graph.add_edge(int(rec["entity_id"]), node, kind=kind, shipments=int(rec["shipments"]))
