"""From the rows a Spark frontier loop used to the networkx graph handed to the analyst.

The whole graph never comes to the driver. A Spark trace (or path search) returns the trade rows it
used — a few hundred or thousand rows, capped by ``max_nodes`` — and this module pulls exactly those
into a :class:`~tracekit.graph.index.TradeIndex` *of the subgraph* (the same CSR layout, built over
only the pulled nodes and rows), then hands it to the same :func:`~tracekit.graph.project.build_digraph`
a DuckDB workspace uses: edge numbers, names, flags, risk, communities and evidence come out with the
same attributes by construction, and the explorer shows them as it shows any result.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np
import pyarrow as pa

from tracekit.graph.filters import TradeFilter
from tracekit.graph.index import TradeIndex, _edge_arrays
from tracekit.graph.project import build_digraph
from tracekit.graph.spark_filters import ROW_COLUMNS
from tracekit.store.ids import id_array

__all__ = ["pull_rows", "subgraph_index", "subgraph_digraph"]


def pull_rows(frames: Iterable, *, shipments: bool) -> pa.Table:
    """The used rows (Spark DataFrames) as one Arrow table without duplicates (a row can serve the
    downstream and the upstream walk of a ``both`` trace)."""
    columns = ["shipment_id", *ROW_COLUMNS] if shipments else list(ROW_COLUMNS)
    frames = [f.select(*columns) for f in frames]
    if not frames:
        return _empty(columns)
    union = frames[0]
    for frame in frames[1:]:
        union = union.unionByName(frame)
    table = union.distinct().toArrow()
    return table.select(columns)


def _empty(columns: list[str]) -> pa.Table:
    types = {"shipment_id": pa.int64(), "src": pa.int64(), "dst": pa.int64(), "hs6": pa.string(),
             "shipments": pa.int32(), "kg": pa.float64(), "usd": pa.float64(), "first_date": pa.date32(),
             "last_date": pa.date32()}
    return pa.table({c: pa.array([], type=types[c]) for c in columns})


def subgraph_index(store, rows: pa.Table, nodes: Iterable[int] = ()) -> TradeIndex:
    """A :class:`TradeIndex` over the pulled ``rows`` and ``nodes`` only (entity ids): node positions,
    HS vocabulary and CSR are those of the subgraph; ``store`` answers names, flags and evidence."""
    ids = set(id_array(list(nodes), what="entity ids").tolist())
    ids |= set(rows["src"].to_pylist()) | set(rows["dst"].to_pylist())
    node_ids = np.array(sorted(ids), dtype=np.int64)
    hs_vocab = np.unique(np.array([h or "" for h in rows["hs6"].to_pylist()] or [""], dtype=str))
    shipments = "shipment_id" in rows.column_names
    arrays = _edge_arrays(rows, node_ids, hs_vocab, with_shipment_ids=shipments)
    empty = np.zeros(len(node_ids), dtype=np.int32)
    index = TradeIndex(store, "subgraph", node_ids, empty, np.array([""]), hs_vocab, arrays)
    if shipments:
        index._facts = arrays  # noqa: SLF001 - the subgraph's rows ARE its facts
    return index


def subgraph_digraph(store, rows: pa.Table, flt: TradeFilter, *, tiers: dict[int, int | None] | None = None,
                     evidence: bool = True) -> tuple[nx.DiGraph, TradeIndex]:
    """The networkx DiGraph of ``rows`` plus the ``tiers`` nodes (entity id → tier), exactly as
    :func:`~tracekit.graph.project.build_digraph` makes it for a DuckDB workspace."""
    tiers = tiers or {}
    index = subgraph_index(store, rows, tiers)
    positions = dict(zip(index.positions(list(tiers)).tolist(), tiers.values(), strict=True)) if tiers else {}
    graph = build_digraph(index, index.edges, np.arange(len(index.edges), dtype=np.int64), flt,
                          tiers=positions, evidence=evidence)
    return graph, index
