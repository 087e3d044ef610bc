"""The in-memory trade index: the graph tables as compressed sparse rows (CSR) in numpy arrays.

Whole-graph and multi-hop work runs here, not in networkx: a 3-hop trace over ten million edges touches
only the rows of the frontier nodes (``indptr`` slices), and filters are evaluated on those rows only.
networkx graphs are built afterwards, for the (small) result.

Two granularities share one layout (:class:`EdgeArrays`): ``edges`` (one row per shipper entity,
consignee entity and HS6, from ``graph_edges``) answers undated queries; ``facts`` (one row per
shipment, from ``graph_trade``) is loaded on first need, for date windows and time-respecting traces.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tracekit.errors import EntityNotFound
from tracekit.graph.filters import TradeFilter
from tracekit.graph.tables import ensure_graph_tables, resolution_fingerprint
from tracekit.store import Store
from tracekit.store.ids import id_array

__all__ = ["EdgeArrays", "TradeIndex", "NULL_DAY", "load_index", "current_index", "forget_index", "gather"]

NULL_DAY = np.int32(np.iinfo(np.int32).min)
"""Day number standing for an unknown date (excluded by any date window or time ordering)."""


def gather(ptr: np.ndarray, order: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """Row positions of every edge of ``nodes`` in a CSR (``ptr`` offsets into ``order``).

    Examples
    --------
    >>> ptr = np.array([0, 2, 2, 3]); order = np.array([5, 6, 7])
    >>> gather(ptr, order, np.array([0, 2])).tolist()
    [5, 6, 7]
    """
    starts = ptr[nodes]
    lengths = ptr[nodes + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(starts - np.cumsum(lengths) + lengths, lengths) + np.arange(total)
    return order[offsets]


def _csr(keys: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.argsort(keys)  # rows of one node may come in any order: no need for a stable sort
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=n), out=ptr[1:])
    return ptr, order


@dataclass
class EdgeArrays:
    """Directed trade rows (shipper → consignee) as parallel arrays, with forward and reverse CSR."""

    src: np.ndarray
    dst: np.ndarray
    hs: np.ndarray
    shipments: np.ndarray
    kg: np.ndarray
    usd: np.ndarray
    first: np.ndarray
    last: np.ndarray
    n_nodes: int
    shipment_id: np.ndarray | None = None
    out_ptr: np.ndarray = field(init=False, repr=False)
    out_order: np.ndarray = field(init=False, repr=False)
    in_ptr: np.ndarray = field(init=False, repr=False)
    in_order: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.out_ptr, self.out_order = _csr(self.src, self.n_nodes)
        self.in_ptr, self.in_order = _csr(self.dst, self.n_nodes)

    def __len__(self) -> int:
        return len(self.src)

    def out_rows(self, nodes: np.ndarray) -> np.ndarray:
        return gather(self.out_ptr, self.out_order, nodes)

    def in_rows(self, nodes: np.ndarray) -> np.ndarray:
        return gather(self.in_ptr, self.in_order, nodes)


class TradeIndex:
    """The trade graph of one workspace state, ready for fast traversal.

    Node positions (``0 … n-1``) map to entity ids through :attr:`node_ids` (sorted).
    """

    def __init__(self, store: Store, fingerprint: str, node_ids: np.ndarray, country: np.ndarray,
                 country_vocab: np.ndarray, hs_vocab: np.ndarray, edges: EdgeArrays):
        self.store = store
        self.fingerprint = fingerprint
        self.node_ids = node_ids
        self.country = country
        self.country_vocab = country_vocab
        self.hs_vocab = hs_vocab
        self.edges = edges
        self._facts: EdgeArrays | None = None

    @property
    def n_nodes(self) -> int:
        return len(self.node_ids)

    # -- ids ----------------------------------------------------------------------------------------
    def position(self, entity_id: int) -> int:
        """Node position of an entity id (raises EntityNotFound if the graph does not know it)."""
        pos = int(np.searchsorted(self.node_ids, entity_id))
        if pos >= len(self.node_ids) or self.node_ids[pos] != entity_id:
            raise EntityNotFound(f"entity {entity_id} is not in the trade graph")
        return pos

    def positions(self, entity_ids) -> np.ndarray:
        ids = id_array(list(entity_ids), what="entity ids")
        pos = np.searchsorted(self.node_ids, ids)
        pos = np.clip(pos, 0, max(len(self.node_ids) - 1, 0))
        if len(ids) and not np.array_equal(self.node_ids[pos], ids):
            missing = ids[self.node_ids[pos] != ids][:5].tolist()
            raise EntityNotFound(f"entities {missing} are not in the trade graph")
        return pos

    # -- granularity --------------------------------------------------------------------------------
    @property
    def facts(self) -> EdgeArrays:
        """One row per shipment (loaded on first use: date windows and time-respecting traces)."""
        if self._facts is None:
            table = self.store.arrow(
                "SELECT src, dst, hs6, 1 AS shipments, coalesce(kg, 0) AS kg, coalesce(usd, 0) AS usd, "
                "date AS first_date, date AS last_date, shipment_id FROM graph_trade "
                "WHERE src IS NOT NULL AND dst IS NOT NULL"
            )
            self._facts = _edge_arrays(table, self.node_ids, self.hs_vocab, with_shipment_ids=True)
        return self._facts

    def arrays_for(self, flt: TradeFilter, *, time_respecting: bool = False) -> EdgeArrays:
        """The granularity a filter needs: per-shipment facts when dates matter, else edges."""
        return self.facts if (flt.dated or time_respecting) else self.edges

    # -- filtering ----------------------------------------------------------------------------------
    def row_mask(self, arrays: EdgeArrays, rows: np.ndarray, flt: TradeFilter) -> np.ndarray:
        """Which of ``rows`` pass the HS, date and country parts of ``flt`` (not min_shipments)."""
        ok = np.ones(len(rows), dtype=bool)
        if flt.hs:
            ok &= self._hs_ok(flt.hs)[arrays.hs[rows]]
        if flt.dated:
            day = arrays.first[rows]
            ok &= day != NULL_DAY
            if flt.since:
                ok &= day >= _day(flt.since)
            if flt.until:
                ok &= day <= _day(flt.until)
        if flt.countries:
            allowed = self._country_ok(flt.countries)
            ok &= allowed[arrays.src[rows]] & allowed[arrays.dst[rows]]
        return ok

    def _hs_ok(self, prefixes: tuple[str, ...]) -> np.ndarray:
        return np.array([h.startswith(prefixes) for h in self.hs_vocab], dtype=bool)

    def _country_ok(self, countries: tuple[str, ...]) -> np.ndarray:
        return np.isin(self.country_vocab, list(countries))[self.country]

    def filtered_rows(self, arrays: EdgeArrays, rows: np.ndarray, flt: TradeFilter) -> np.ndarray:
        """``rows`` that pass ``flt``, including ``min_shipments`` summed per shipper–consignee pair.

        ``rows`` must hold all rows of each pair it touches (true for whole CSR slices).
        """
        rows = rows[self.row_mask(arrays, rows, flt)]
        if flt.min_shipments > 1 and len(rows):
            pair = arrays.src[rows].astype(np.int64) * self.n_nodes + arrays.dst[rows]
            uniq, inverse = np.unique(pair, return_inverse=True)
            totals = np.bincount(inverse, weights=arrays.shipments[rows], minlength=len(uniq))
            rows = rows[totals[inverse] >= flt.min_shipments]
        return rows

    def all_rows(self, flt: TradeFilter, *, time_respecting: bool = False) -> tuple[EdgeArrays, np.ndarray]:
        """Every row of the whole graph passing ``flt`` (for whole-graph work: communities)."""
        arrays = self.arrays_for(flt, time_respecting=time_respecting)
        return arrays, self.filtered_rows(arrays, np.arange(len(arrays), dtype=np.int64), flt)

    def __repr__(self) -> str:
        return f"<TradeIndex {self.n_nodes:,} entities, {len(self.edges):,} edge rows>"


def _day(value) -> int:
    return int(np.datetime64(value, "D").astype(np.int64))


def _days(column: pa.ChunkedArray) -> np.ndarray:
    days = pc.cast(column, pa.int32())
    return pc.fill_null(days, int(NULL_DAY)).to_numpy().astype(np.int32)


class _StrayEnds(Exception):
    """Edge ends that are not among the node ids (entities missing from ``entities``)."""


def _nodes(store: Store, *, with_edge_ends: bool) -> pa.Table:
    """Entity ids (sorted) and countries; with edge ends, also ids only seen on edges."""
    if not with_edge_ends:
        return store.arrow(
            "SELECT entity_id, coalesce(country, '')::VARCHAR AS country FROM entities ORDER BY entity_id")
    known = store.table_exists("entities")
    ids = "SELECT src AS entity_id FROM graph_edges UNION SELECT dst FROM graph_edges"
    if not known:
        return store.arrow(f"SELECT entity_id, ''::VARCHAR AS country FROM ({ids}) ORDER BY 1")  # noqa: S608
    return store.arrow(
        "SELECT n.entity_id, coalesce(e.country, '')::VARCHAR AS country "  # noqa: S608
        f"FROM ({ids} UNION SELECT entity_id FROM entities) n "
        "LEFT JOIN entities e ON e.entity_id = n.entity_id ORDER BY n.entity_id")


def _node_positions(node_ids: np.ndarray, ids: np.ndarray) -> np.ndarray:
    pos = np.searchsorted(node_ids, ids)
    if len(ids) and (pos.max() >= len(node_ids) or not np.array_equal(node_ids[pos], ids)):
        raise _StrayEnds
    return pos.astype(np.int32)


def _edge_arrays(table: pa.Table, node_ids: np.ndarray, hs_vocab: np.ndarray, *,
                 with_shipment_ids: bool = False) -> EdgeArrays:
    # Dictionary-encode first: only the few distinct codes become Python strings, not every row.
    encoded = pc.dictionary_encode(pc.fill_null(table["hs6"], "")).combine_chunks()
    codes = np.asarray(encoded.dictionary.to_pylist() or [""], dtype=str)
    hs_pos = np.searchsorted(hs_vocab, codes).astype(np.int32)[
        encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)]
    return EdgeArrays(
        src=_node_positions(node_ids, table["src"].to_numpy()),
        dst=_node_positions(node_ids, table["dst"].to_numpy()),
        hs=hs_pos,
        shipments=table["shipments"].to_numpy().astype(np.int32),
        kg=pc.fill_null(table["kg"], 0.0).to_numpy().astype(np.float64),
        usd=pc.fill_null(table["usd"], 0.0).to_numpy().astype(np.float64),
        first=_days(table["first_date"]),
        last=_days(table["last_date"]),
        n_nodes=len(node_ids),
        shipment_id=table["shipment_id"].to_numpy() if with_shipment_ids else None,
    )


def load_index(store: Store, *, progress: bool = True) -> TradeIndex:
    """Build (if stale) the graph tables and load them into a :class:`TradeIndex`."""
    fingerprint, _ = ensure_graph_tables(store, progress=progress)
    nodes = _nodes(store, with_edge_ends=not store.table_exists("entities"))
    node_ids = nodes["entity_id"].to_numpy().astype(np.int64)
    country_text = nodes["country"].to_numpy(zero_copy_only=False).astype(str)
    country_vocab, country = np.unique(country_text, return_inverse=True)
    # numpy's own sort order, so searchsorted agrees with it whatever the engine's collation.
    hs_vocab = np.unique(np.array(
        [r[0] for r in store.rows("SELECT DISTINCT coalesce(hs6, '') FROM graph_trade")] or [""], dtype=str
    ))
    table = store.arrow(
        "SELECT src, dst, hs6, shipments, kg, usd, first_date, last_date FROM graph_edges"
    )
    try:
        edges = _edge_arrays(table, node_ids, hs_vocab)
    except _StrayEnds:  # an edge end without an entity row: keep it as a node all the same
        nodes = _nodes(store, with_edge_ends=True)
        node_ids = nodes["entity_id"].to_numpy().astype(np.int64)
        country_vocab, country = np.unique(nodes["country"].to_numpy(zero_copy_only=False).astype(str),
                                           return_inverse=True)
        edges = _edge_arrays(table, node_ids, hs_vocab)
    return TradeIndex(store, fingerprint, node_ids, country.astype(np.int32), country_vocab, hs_vocab, edges)


_CACHE: weakref.WeakKeyDictionary[Store, TradeIndex] = weakref.WeakKeyDictionary()


def current_index(store: Store, *, progress: bool = True) -> TradeIndex:
    """The index of the workspace as it is now: cached per store, rebuilt when resolution changed."""
    cached = _CACHE.get(store)
    if cached is not None and cached.fingerprint == resolution_fingerprint(store):
        return cached
    index = load_index(store, progress=progress)
    _CACHE[store] = index
    return index


def forget_index(store: Store) -> None:
    """Drop the cached index of ``store`` (e.g. after the graph tables were rebuilt elsewhere)."""
    _CACHE.pop(store, None)
