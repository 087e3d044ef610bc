"""``trace``: tiers of suppliers (up) or buyers (down) of one company, with the evidence per edge."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from tracekit.graph.filters import TradeFilter
from tracekit.graph.project import build_digraph
from tracekit.graph.traverse import traverse
from tracekit.query.entities import resolve_entity
from tracekit.query.evidence import EVIDENCE_COLUMNS, evidence_result
from tracekit.query.evidence import evidence as evidence_rows
from tracekit.query.prepared import graph_index
from tracekit.query.results import GraphResult, TableResult

__all__ = ["trace", "TraceResult", "edge_table", "trace_result"]

EDGE_COLUMNS = [
    "tier", "src", "src_name", "src_country", "dst", "dst_name", "dst_country", "shipments", "kg", "usd",
    "first_date", "last_date", "hs_codes", "descriptions", "evidence",
]


def edge_table(graph, tier_of_edge=None) -> pd.DataFrame:
    """The trade edges of ``graph`` as rows with both ends' names and countries."""
    rows = []
    for a, b, d in graph.edges(data=True):
        if d.get("kind") != "trade":
            continue
        na, nb = graph.nodes[a], graph.nodes[b]
        rows.append({
            "tier": tier_of_edge(na, nb) if tier_of_edge else None,
            "src": a, "src_name": na.get("label"), "src_country": na.get("country"),
            "dst": b, "dst_name": nb.get("label"), "dst_country": nb.get("country"),
            **{k: d.get(k) for k in EDGE_COLUMNS[7:]},
        })
    frame = pd.DataFrame(rows, columns=EDGE_COLUMNS)
    if frame.empty:
        return frame
    key = frame["tier"].abs() if frame["tier"].notna().all() else frame["tier"]
    # ties broken by the ends' ids: the order must not depend on the engine's join order (sparkverbs:
    # a Spark and a DuckDB workspace print the same rows, and the same first rows when the table is cut)
    return frame.assign(_k=key).sort_values(["_k", "shipments", "src", "dst"],
                                            ascending=[True, False, True, True]).drop(
        columns="_k").reset_index(drop=True)


def _edge_tier(na: dict, nb: dict) -> int | None:
    """The tier an edge belongs to: the tier of its end farther from the seed."""
    ta, tb = na.get("tier"), nb.get("tier")
    if ta is None or tb is None:
        return ta if tb is None else tb
    return ta if abs(ta) >= abs(tb) else tb


@dataclass(repr=False)
class TraceResult(GraphResult):
    """Tiers around a seed company. ``to_frame()`` has one row per trade edge, nearest tier first."""

    seed: int = 0
    direction: str = "down"
    hops: int = 3
    time_respecting: bool = False
    shipment_ids: np.ndarray | None = None
    workspace: object = field(default=None, repr=False)
    trade_filter: TradeFilter = field(default_factory=TradeFilter)

    def tiers(self) -> pd.DataFrame:
        """One row per company: tier, entity_id, name, country (seed first, then by tier)."""
        rows = [{"tier": d.get("tier"), "entity_id": n, "name": d.get("label"), "country": d.get("country"),
                 "flags": d.get("flags", [])} for n, d in self.graph.nodes(data=True)]
        frame = pd.DataFrame(rows, columns=["tier", "entity_id", "name", "country", "flags"])
        return frame.assign(_k=frame["tier"].abs()).sort_values(["_k", "tier", "entity_id"]).drop(
            columns="_k").reset_index(drop=True)

    def summary_lines(self) -> list[str]:
        tiers = self.tiers()
        counts = tiers.groupby("tier").size().to_dict() if len(tiers) else {}
        per = ", ".join(f"tier {t:+d}: {n}" for t, n in sorted(counts.items()) if t != 0)
        mode = "time-respecting (re-export after receipt)" if self.time_respecting else "by hops"
        return [
            f"seed {self.seed} {self.graph.nodes[self.seed]['label'] if self.seed in self.graph else ''}",
            f"{self.direction}, up to {self.hops} hops, {mode}",
            f"{len(tiers) - 1:,} companies ({per or 'none'}), {len(self.frame):,} trade edges",
        ]

    def evidence(self, a=None, b=None, limit: int | None = 100) -> TableResult:
        """Shipments behind the edge ``a → b`` of this trace (all traced edges when both are None)."""
        flt = self.trade_filter
        filters = {"hs": list(flt.hs) or None, "since": flt.since, "until": flt.until}
        if a is None:
            frames = [evidence_rows(self.workspace, s, d, limit=limit, shipment_ids=self.shipment_ids,
                                    **filters).to_frame()
                      for s, d in zip(self.frame["src"], self.frame["dst"], strict=True)]
            frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=EVIDENCE_COLUMNS)
            return evidence_result(f"evidence: every traced edge of {self.title}", frame, flt)
        return evidence_rows(self.workspace, a, b, limit=limit, shipment_ids=self.shipment_ids, **filters)


def trace(ws, entity, direction: str = "down", hops: int = 3, *, hs=None, since=None, until=None,
          countries=None, min_shipments: int = 1, time_respecting: bool = False, max_lag_days: int = 180,
          max_nodes: int | None = 5000, evidence: bool = True) -> TraceResult:
    """Suppliers (``up``) or buyers (``down``) of a company, tier by tier, with evidence per edge.

    Parameters
    ----------
    ws : Workspace
    entity : int or str
        Entity id or name (an ambiguous name raises :class:`~tracekit.errors.AmbiguousEntity`).
    direction : {"down", "up", "both"}
    hops : int
        Tiers to follow (default 3).
    hs, since, until, countries, min_shipments
        Trade filters (see :class:`~tracekit.graph.filters.TradeFilter`).
    time_respecting : bool
        Follow a next hop only if that shipment left after an earlier traced shipment arrived, within
        ``max_lag_days``: re-export after receipt. Shipments without a date are not followed.
    max_nodes : int or None
        Stop with an explanation instead of returning a larger trace (None: no limit).
    evidence : bool
        Attach descriptions and shipment ids to each edge (one extra query).

    Returns
    -------
    TraceResult
        ``.graph`` (tier on each node), ``.to_frame()`` (one row per edge), ``.tiers()``,
        ``.evidence(a, b)``.
    """
    flt = TradeFilter(hs=hs, since=since, until=until, countries=countries, min_shipments=min_shipments)
    if getattr(ws.store, "engine", "duckdb") == "spark":  # a frontier loop on the cluster: query/spark_trace.py
        from tracekit.query.spark_trace import spark_trace

        return spark_trace(ws, entity, direction, hops, flt=flt, time_respecting=time_respecting,
                           max_lag_days=max_lag_days, max_nodes=max_nodes, evidence=evidence)
    seed = resolve_entity(ws, entity)
    index = graph_index(ws)
    reach = traverse(index, [index.position(seed)], direction=direction, hops=hops, flt=flt,
                     time_respecting=time_respecting, max_lag_days=max_lag_days, max_nodes=max_nodes)
    graph = build_digraph(index, reach.arrays, reach.rows, flt, tiers=reach.tier_of(), evidence=evidence)
    used = reach.arrays.shipment_id[reach.rows] if time_respecting else None
    return trace_result(ws, graph, seed, direction, hops, flt, time_respecting=time_respecting, shipment_ids=used)


def trace_result(ws, graph, seed: int, direction: str, hops: int, flt: TradeFilter, *, time_respecting: bool,
                 shipment_ids: np.ndarray | None) -> TraceResult:
    """The :class:`TraceResult` of a traced ``graph`` (tier on each node): title, edge table and
    filters, assembled here once for both engines (``query/spark_trace.py`` calls it too)."""
    name = graph.nodes[seed]["label"] if seed in graph else str(seed)
    arrow = {"down": "buyers of", "up": "suppliers of", "both": "suppliers and buyers of"}[direction]
    return TraceResult(
        title=f"trace: {arrow} {name}", graph=graph, frame=edge_table(graph, _edge_tier),
        filters=flt.describe(), highlight=[seed], seed=seed, direction=direction, hops=hops,
        time_respecting=time_respecting, shipment_ids=shipment_ids, workspace=ws, trade_filter=flt,
    )
