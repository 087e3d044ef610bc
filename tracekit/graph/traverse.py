"""One generic traversal over the trade index, shared by trace, paths and neighbourhood.

Breadth-first by hops, in the direction of the goods (``down``: to buyers), against it (``up``: to
suppliers) or both. Filters are evaluated on the rows of the frontier only. The time-respecting
variant walks shipments instead of aggregated edges and follows a next shipment only if it left a
company after an earlier reached shipment arrived there (and within ``max_lag_days``): re-export
after receipt, which separates a real chain from coincidental traffic through a broker.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tracekit.errors import TracekitError
from tracekit.graph.filters import TradeFilter
from tracekit.graph.index import NULL_DAY, EdgeArrays, TradeIndex

__all__ = ["Reach", "DIRECTIONS", "traverse", "hop_distances", "rows_among", "step"]

DIRECTIONS = ("down", "up", "both")
_OFFSET = np.int64(2**31)
_LOW = np.int64(2**32 - 1)


@dataclass
class Reach:
    """What a traversal reached: node positions with signed tiers, and the edge rows it used."""

    arrays: EdgeArrays
    nodes: np.ndarray
    tiers: np.ndarray
    rows: np.ndarray

    def tier_of(self) -> dict[int, int]:
        return dict(zip(self.nodes.tolist(), self.tiers.tolist(), strict=True))


def _check(direction: str, hops: int) -> None:
    if direction not in DIRECTIONS:
        raise TracekitError(f"direction={direction!r}: use one of {', '.join(DIRECTIONS)}")
    if not isinstance(hops, int | np.integer) or hops < 1:
        raise TracekitError(f"hops={hops!r} must be a whole number of at least 1")


def _near_far(arrays: EdgeArrays, forward: bool) -> tuple[np.ndarray, np.ndarray]:
    return (arrays.src, arrays.dst) if forward else (arrays.dst, arrays.src)


def _rows_of(arrays: EdgeArrays, nodes: np.ndarray, forward: bool) -> np.ndarray:
    return arrays.out_rows(nodes) if forward else arrays.in_rows(nodes)


def step(index: TradeIndex, arrays: EdgeArrays, frontier: np.ndarray, forward: bool | None,
         flt: TradeFilter) -> tuple[np.ndarray, np.ndarray]:
    """Filtered rows leaving ``frontier`` and the node at their far end.

    ``forward`` True follows goods, False goes against them, None does both (undirected).
    """
    if forward is None:
        out_rows, out_far = step(index, arrays, frontier, True, flt)
        in_rows, in_far = step(index, arrays, frontier, False, flt)
        return np.concatenate([out_rows, in_rows]), np.concatenate([out_far, in_far])
    rows = index.filtered_rows(arrays, _rows_of(arrays, frontier, forward), flt)
    return rows, (arrays.dst if forward else arrays.src)[rows]


def hop_distances(index: TradeIndex, arrays: EdgeArrays, seeds: np.ndarray, *, forward: bool | None,
                  hops: int, flt: TradeFilter, max_nodes: int | None = None
                  ) -> tuple[np.ndarray, list[np.ndarray]]:
    """Breadth-first hop distance of every node from ``seeds`` (-1 = not reached within ``hops``).

    Also returns, per hop, the rows from that hop's frontier to nodes first reached at that hop.
    """
    hop_of = np.full(index.n_nodes, -1, dtype=np.int32)
    hop_of[seeds] = 0
    frontier = np.unique(seeds)
    kept: list[np.ndarray] = []
    reached = len(frontier)
    for hop in range(1, hops + 1):
        if not len(frontier):
            break
        rows, far = step(index, arrays, frontier, forward, flt)
        fresh = hop_of[far] < 0
        rows, far = rows[fresh], far[fresh]
        frontier = np.unique(far)
        if max_nodes is not None and reached + len(frontier) > max_nodes:
            raise TracekitError(
                f"the traversal reached more than {max_nodes:,} companies at hop {hop}: narrow it "
                "with hs=, since=/until=, countries= or min_shipments=, or lower hops"
            )
        reached += len(frontier)
        hop_of[frontier] = hop
        kept.append(rows)
    return hop_of, kept


def _anchor_keys(nodes: np.ndarray, times: np.ndarray) -> np.ndarray:
    return np.sort(nodes.astype(np.int64) << np.int64(32) | (times.astype(np.int64) + _OFFSET))


def _anchored(keys: np.ndarray, nodes: np.ndarray, times: np.ndarray, max_lag: int) -> np.ndarray:
    """For each (node, time): is there an anchor at that node with anchor ≤ time ≤ anchor + max_lag?"""
    if not len(keys):
        return np.zeros(len(nodes), dtype=bool)
    shifted = times.astype(np.int64) + _OFFSET
    probe = nodes.astype(np.int64) << np.int64(32) | shifted
    pos = np.searchsorted(keys, probe, side="right") - 1
    ok = pos >= 0
    found = keys[np.maximum(pos, 0)]
    ok &= (found >> np.int64(32)) == nodes
    ok &= shifted - (found & _LOW) <= max_lag
    return ok


def _time_respecting(index: TradeIndex, seeds: np.ndarray, *, forward: bool, hops: int,
                     flt: TradeFilter, max_lag_days: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """Hop-by-hop over shipments; a company is expanded again whenever it gains a new arrival."""
    facts = index.facts
    near_of, far_of = _near_far(facts, forward)
    sign = 1 if forward else -1  # upstream: the anchor is the later departure, so flip time
    hop_of = np.full(index.n_nodes, -1, dtype=np.int32)
    hop_of[seeds] = 0
    is_seed = np.zeros(index.n_nodes, dtype=bool)
    is_seed[seeds] = True
    used = np.zeros(len(facts), dtype=bool)
    keys = np.empty(0, dtype=np.int64)
    frontier = np.unique(seeds)
    kept: list[np.ndarray] = []
    for hop in range(1, hops + 1):
        if not len(frontier):
            break
        rows = _rows_of(facts, frontier, forward)
        rows = rows[index.row_mask(facts, rows, flt) & ~used[rows] & (facts.first[rows] != NULL_DAY)]
        times = sign * facts.first[rows].astype(np.int64)
        near = near_of[rows]
        ok = is_seed[near] | _anchored(keys, near, times, max_lag_days)
        rows, times = rows[ok], times[ok]
        rows, times = _min_shipments(index, facts, rows, times, flt)
        used[rows] = True
        far = far_of[rows]
        new_nodes = np.unique(far[hop_of[far] < 0])
        hop_of[new_nodes] = hop
        kept.append(rows)
        keys = np.sort(np.concatenate([keys, _anchor_keys(far, times)]))
        frontier = np.unique(far[~is_seed[far]])
    return hop_of, kept


def _min_shipments(index: TradeIndex, facts: EdgeArrays, rows: np.ndarray, times: np.ndarray,
                   flt: TradeFilter) -> tuple[np.ndarray, np.ndarray]:
    if flt.min_shipments <= 1 or not len(rows):
        return rows, times
    pair = facts.src[rows].astype(np.int64) * index.n_nodes + facts.dst[rows]
    _uniq, inverse, counts = np.unique(pair, return_inverse=True, return_counts=True)
    keep = counts[inverse] >= flt.min_shipments
    return rows[keep], times[keep]


def traverse(index: TradeIndex, seeds, *, direction: str = "down", hops: int = 3,
             flt: TradeFilter | None = None, time_respecting: bool = False, max_lag_days: int = 180,
             max_nodes: int | None = None) -> Reach:
    """Companies within ``hops`` of ``seeds`` along trade, with tiers and the edge rows used.

    Parameters
    ----------
    index : TradeIndex
    seeds : iterable of int
        Node positions (not entity ids) to start from; they get tier 0.
    direction : {"down", "up", "both"}
        ``down`` follows goods to buyers (tiers +1, +2, …); ``up`` to suppliers (tiers −1, −2, …).
    hops : int
    flt : TradeFilter
    time_respecting : bool
        Walk shipments in date order (re-export after receipt, within ``max_lag_days``).
    max_nodes : int, optional
        Stop with an explanation instead of returning more companies than this.
    """
    _check(direction, hops)
    flt = flt or TradeFilter()
    if max_lag_days < 0:
        raise TracekitError(f"max_lag_days={max_lag_days} must not be negative")
    seeds = np.unique(np.asarray(list(seeds), dtype=np.int64))
    arrays = index.facts if time_respecting else index.arrays_for(flt)
    tiers: dict[int, int] = {int(s): 0 for s in seeds}
    all_rows: list[np.ndarray] = []
    for forward, sign in ((True, 1), (False, -1)):
        if direction == ("up" if forward else "down"):
            continue
        if time_respecting:
            hop_of, kept = _time_respecting(index, seeds, forward=forward, hops=hops, flt=flt,
                                            max_lag_days=max_lag_days)
        else:
            hop_of, kept = hop_distances(index, arrays, seeds, forward=forward, hops=hops, flt=flt,
                                         max_nodes=max_nodes)
        reached = np.flatnonzero(hop_of > 0)
        for node, hop in zip(reached.tolist(), hop_of[reached].tolist(), strict=True):
            tiers.setdefault(node, sign * hop)
        all_rows.extend(kept)
    rows = np.unique(np.concatenate(all_rows)) if all_rows else np.empty(0, dtype=np.int64)
    nodes = np.fromiter(tiers.keys(), dtype=np.int64, count=len(tiers))
    values = np.fromiter(tiers.values(), dtype=np.int64, count=len(tiers))
    return Reach(arrays=arrays, nodes=nodes, tiers=values, rows=rows)


def rows_among(index: TradeIndex, arrays: EdgeArrays, nodes: np.ndarray, flt: TradeFilter) -> np.ndarray:
    """Filtered rows whose shipper and consignee are both in ``nodes``."""
    rows = index.filtered_rows(arrays, arrays.out_rows(np.unique(nodes)), flt)
    member = np.zeros(index.n_nodes, dtype=bool)
    member[nodes] = True
    return rows[member[arrays.dst[rows]]]
