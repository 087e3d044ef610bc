"""The timeline's data: dated shipment counts per trade edge, and the order in which flows light up.

Both are computed in Python once per change of the graph and sent to the browser as ONE JSON trait
(``widgets/timeline.js`` then filters and animates without a round trip per step):

* :func:`monthly_counts` — shipments per (edge, month), read from the trade index's per-shipment
  ``facts`` (the rows ``graph_trade`` holds), restricted to each edge's own HS codes and date span so
  the counts add up to what the edge says it carries. Without a workspace the edges' ``first_date`` /
  ``last_date`` are all there is, and the browser filters by span overlap instead.
* :func:`flow_order` — when each edge and node joins a time-respecting flow. Which shipments form
  such flows is decided by the time-respecting traversal of ``tracekit.graph.traverse`` (re-export
  after receipt within ``max_lag_days``; the same code as ``ws.trace(..., time_respecting=True)``).
  This module only orders those shipments for display: one forward sweep in date order in which a
  shipment lights up once its shipper has something to pass on (it is a seed, a company with no
  traced inbound shipment — where the flow starts — or it received a lit shipment on or before that
  day). So every hop lights after its inbound shipment arrived, also for traces against the goods.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from tracekit.graph.filters import TradeFilter
from tracekit.graph.index import NULL_DAY, TradeIndex
from tracekit.graph.traverse import traverse
from tracekit.views.elements import node_key

__all__ = ["EdgeMonths", "monthly_counts", "month_range", "flow_order", "FlowOrder", "edge_id",
           "flows_from_spans"]


def edge_id(u: Hashable, v: Hashable) -> str:
    """The cytoscape id of a trade edge (as :func:`tracekit.views.elements.to_elements` writes it)."""
    return f"{node_key(u)}->{node_key(v)}"


def _month(day: int) -> str:
    return str(np.datetime64(int(day), "D").astype("datetime64[M]"))


def month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` inclusive, as ``YYYY-MM``.

    Examples
    --------
    >>> month_range("2023-11", "2024-02")
    ['2023-11', '2023-12', '2024-01', '2024-02']
    >>> month_range("2024-02-15", "2024-02-20")
    ['2024-02']
    """
    start = np.datetime64(first[:7], "M")
    stop = np.datetime64(last[:7], "M")
    return [str(m) for m in np.arange(start, stop + 1, dtype="datetime64[M]")]


@dataclass
class EdgeMonths:
    """Shipments per (trade edge, month): ``counts[(u, v)] = {"2024-03": 5, …}``."""

    counts: dict[tuple, dict[str, int]] = field(default_factory=dict)

    def total(self, u, v) -> int:
        return sum(self.counts.get((u, v), {}).values())

    def months(self) -> list[str]:
        seen = {m for per in self.counts.values() for m in per}
        return month_range(min(seen), max(seen)) if seen else []


def _trade_edges(G: nx.DiGraph) -> list[tuple[int, int, dict]]:
    return [(u, v, d) for u, v, d in G.edges(data=True)
            if d.get("kind", "trade") == "trade" and isinstance(u, int | np.integer)
            and isinstance(v, int | np.integer)]


def monthly_counts(index: TradeIndex, G: nx.DiGraph, edges: Iterable[tuple] | None = None) -> EdgeMonths:
    """Shipments per month on every trade edge of ``G`` between companies the index knows.

    Each edge counts only shipments with one of its ``hs_codes`` (when it lists any) inside its
    ``first_date``..``last_date`` span, so a trace run with an HS or date filter keeps its meaning.
    Undated shipments have no month and are not counted (the edge's total says how many there are).
    One vectorised pass over the shipments of the edges' shippers (no loop per edge).
    """
    trade = _trade_edges(G) if edges is None else [(u, v, G.edges[u, v]) for u, v in edges]
    trade = [(u, v, d) for u, v, d in trade if d.get("kind", "trade") == "trade"
             and isinstance(u, int | np.integer) and isinstance(v, int | np.integer)]
    out = EdgeMonths()
    if not trade:
        return out
    src, src_ok = _positions(index, [u for u, _v, _d in trade])
    dst, dst_ok = _positions(index, [v for _u, v, _d in trade])
    both = src_ok & dst_ok
    known = [e for e, ok in zip(trade, both.tolist(), strict=True) if ok]
    src, dst = src[both], dst[both]
    if not known:
        return out
    facts = index.facts
    n = np.int64(index.n_nodes)
    wanted = src.astype(np.int64) * n + dst
    order = np.argsort(wanted)
    rows = facts.out_rows(np.unique(src))
    pair = facts.src[rows].astype(np.int64) * n + facts.dst[rows]
    where = np.clip(np.searchsorted(wanted[order], pair), 0, len(wanted) - 1)
    keep = (wanted[order][where] == pair) & (facts.first[rows] != NULL_DAY)
    rows, edge = rows[keep], order[where[keep]]  # edge: position in `known` of each shipment's edge
    days = facts.first[rows].astype(np.int64)
    lo = np.array([_day(d["first_date"]) if d.get("first_date") else np.iinfo(np.int64).min for *_e, d in known])
    hi = np.array([_day(d["last_date"]) if d.get("last_date") else np.iinfo(np.int64).max for *_e, d in known])
    ok = (days >= lo[edge]) & (days <= hi[edge])
    vocab = {str(code): i for i, code in enumerate(index.hs_vocab)}
    n_hs = np.int64(max(len(vocab), 1))
    listed = np.array([bool(d.get("hs_codes")) and bool(vocab) for *_e, d in known])
    allowed = np.array([i * n_hs + vocab[str(c)] for i, (*_e, d) in enumerate(known) if vocab
                        for c in (d.get("hs_codes") or ()) if str(c) in vocab], dtype=np.int64)
    ok &= ~listed[edge] | np.isin(edge.astype(np.int64) * n_hs + facts.hs[rows], allowed)
    edge, months = edge[ok], days[ok].astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)
    span = np.int64(months.max() - months.min() + 1) if len(months) else np.int64(1)
    base = months.min() if len(months) else 0
    keys, counts = np.unique(edge.astype(np.int64) * span + (months - base), return_counts=True)
    for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
        u, v, _d = known[key // int(span)]
        month = str(np.datetime64(int(base + key % int(span)), "M"))
        out.counts.setdefault((u, v), {})[month] = count
    return out


def _positions(index: TradeIndex, entities: list) -> tuple[np.ndarray, np.ndarray]:
    """Node positions of entity ids, and which of them the index knows (others get position 0)."""
    ids = np.array([int(e) for e in entities], dtype=np.int64)
    pos = np.clip(np.searchsorted(index.node_ids, ids), 0, max(len(index.node_ids) - 1, 0))
    ok = index.node_ids[pos] == ids if len(index.node_ids) else np.zeros(len(ids), dtype=bool)
    return pos.astype(np.int64), ok


def _known(index: TradeIndex, entity) -> bool:
    pos = int(np.searchsorted(index.node_ids, entity))
    return pos < len(index.node_ids) and int(index.node_ids[pos]) == int(entity)


def _day(text: str) -> int:
    return int(np.datetime64(str(text)[:10], "D").astype(np.int64))


@dataclass
class FlowOrder:
    """When each edge (shipper → consignee) and node joins a time-respecting flow (ISO dates)."""

    edges: dict[tuple, str] = field(default_factory=dict)
    nodes: dict[Hashable, str] = field(default_factory=dict)
    source: str = "shipments"

    def steps(self) -> list[tuple[str, list[tuple]]]:
        """Edges grouped by the day they light up, in date order."""
        by_day: dict[str, list[tuple]] = {}
        for edge, day in self.edges.items():
            by_day.setdefault(day, []).append(edge)
        return sorted((day, sorted(edges, key=str)) for day, edges in by_day.items())


def _sweep(shipments: list[tuple[int, Hashable, Hashable]], roots: set) -> FlowOrder:
    """Light shipments (day, shipper, consignee) in date order once their shipper holds goods.

    A shipper holds goods from -inf if it is a root, else from the day of its first lit inbound
    shipment. Same-day chains are settled by repeating the day until nothing changes.
    """
    receivers = {v for _t, _u, v in shipments}
    holds: dict[Hashable, float] = {n: -np.inf for n in roots}
    for _t, u, _v in shipments:
        if u not in receivers:
            holds[u] = -np.inf  # nothing traced arrives here: the flow starts here
    edges: dict[tuple, int] = {}
    days = sorted({t for t, _u, _v in shipments})
    by_day: dict[int, list[tuple]] = {}
    for t, u, v in shipments:
        by_day.setdefault(t, []).append((u, v))
    for t in days:
        changed = True
        while changed:
            changed = False
            for u, v in by_day[t]:
                if holds.get(u, np.inf) <= t and (u, v) not in edges:
                    edges[(u, v)] = t
                    if holds.get(v, np.inf) > t:
                        holds[v] = t
                    changed = True
    order = FlowOrder()
    order.edges = {e: str(np.datetime64(t, "D")) for e, t in edges.items()}
    # a company lights with its first lit shipment, in or out (a root has no inbound one)
    first: dict[Hashable, int] = {}
    for (u, v), t in edges.items():
        for n in (u, v):
            first[n] = min(first.get(n, t), t)
    order.nodes = {n: str(np.datetime64(t, "D")) for n, t in first.items()}
    return order


def flow_order(index: TradeIndex, G: nx.DiGraph, seeds: Iterable, *, hops: int | None = None,
               max_lag_days: int = 180, flt: TradeFilter | None = None) -> FlowOrder:
    """The time-respecting flows from ``seeds`` (both directions) among the trade edges of ``G``.

    Parameters
    ----------
    index : TradeIndex
        The workspace's trade index (``tracekit.query.prepared.graph_index``).
    G : networkx.DiGraph
        What the explorer knows; only shipments on its trade edges are kept.
    seeds : iterable
        Companies the flows start from (the explorer's seeds).
    hops : int, optional
        Default: the largest ``|tier|`` in ``G`` (at least 1, at most 6).
    """
    seeds = [s for s in seeds if isinstance(s, int | np.integer) and _known(index, s)]
    edges = {(u, v) for u, v, _d in _trade_edges(G)}
    if not seeds or not edges:
        return FlowOrder()
    if hops is None:
        tiers = [abs(int(t)) for _n, t in G.nodes(data="tier") if isinstance(t, int | np.integer)]
        hops = min(max([1, *tiers]), 6)
    reach = traverse(index, index.positions(seeds), direction="both", hops=hops, flt=flt or TradeFilter(),
                     time_respecting=True, max_lag_days=max_lag_days)
    facts = reach.arrays
    rows = reach.rows
    ids = index.node_ids
    shipments = [(int(t), int(u), int(v)) for t, u, v in
                 zip(facts.first[rows].tolist(), ids[facts.src[rows]].tolist(), ids[facts.dst[rows]].tolist(),
                     strict=True) if (u, v) in edges and t != NULL_DAY]
    return _sweep(shipments, set(seeds))


def flows_from_spans(G: nx.DiGraph, seeds: Iterable) -> FlowOrder:
    """Without a workspace: the same sweep over each edge's first shipment (coarse: one date per edge).

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_edge(1, 2, kind="trade", first_date="2024-01-05", last_date="2024-03-01")
    >>> G.add_edge(2, 3, kind="trade", first_date="2024-02-01", last_date="2024-02-01")
    >>> G.add_edge(3, 4, kind="trade", first_date="2023-12-01", last_date="2023-12-01")
    >>> order = flows_from_spans(G, [1])
    >>> order.edges[(1, 2)], order.edges[(2, 3)], (3, 4) in order.edges
    ('2024-01-05', '2024-02-01', False)
    """
    shipments = [(_day(d["first_date"]), u, v) for u, v, d in G.edges(data=True)
                 if d.get("kind", "trade") == "trade" and d.get("first_date")]
    order = _sweep(shipments, {s for s in seeds if s in G})
    order.source = "first shipment per edge"
    return order
