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
from tracekit.graph.spark_filters import ROW_COLUMNS, trade_rows
from tracekit.store.ids import id_array

__all__ = ["pull_rows", "empty_rows", "subgraph_index", "subgraph_digraph", "id_frame", "rows_among", "rows_around",
           "digraph_among"]


def pull_rows(frames: Iterable, *, shipments: bool, extra: Iterable[str] = ()) -> pa.Table:
    """The used rows (Spark DataFrames) as one Arrow table without duplicates (a row can serve the
    downstream and the upstream walk of a ``both`` trace); ``extra`` columns kept after the row's."""
    columns = ["shipment_id", *ROW_COLUMNS] if shipments else list(ROW_COLUMNS)
    columns += list(extra)
    frames = [f.select(*columns) for f in frames]
    if not frames:
        return _empty(columns)
    union = frames[0]
    for frame in frames[1:]:
        union = union.unionByName(frame)
    table = union.distinct().toArrow()
    return table.select(columns)


def empty_rows(*, shipments: bool) -> pa.Table:
    """No rows, with the columns :func:`pull_rows` gives (a search that found nothing pulls nothing)."""
    return _empty(["shipment_id", *ROW_COLUMNS] if shipments else list(ROW_COLUMNS))


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


def id_frame(store, ids: Iterable[int], column: str = "node"):
    """A one-column Spark DataFrame of entity ids (a small set the driver holds: seeds, members)."""
    values = sorted(set(id_array(list(ids), what="entity ids").tolist()))
    return store.session.createDataFrame([(v,) for v in values], f"{column} BIGINT")


def rows_among(store, ids, flt: TradeFilter | None = None, *, facts: bool = False) -> pa.Table:
    """The trade rows passing ``flt`` whose shipper AND consignee are both in ``ids`` (entity ids, or a
    Spark DataFrame with a ``node`` column): the only rows pulled, the whole table stays on the cluster.
    ``facts``: one row per shipment (with its id and date), as a dated filter gives."""
    flt = flt or TradeFilter()
    nodes = ids if hasattr(ids, "createOrReplaceTempView") else id_frame(store, ids)
    rows = trade_rows(store, flt, facts=facts)
    rows = rows.join(nodes.withColumnRenamed("node", "src"), on="src", how="left_semi") \
        .join(nodes.withColumnRenamed("node", "dst"), on="dst", how="left_semi")
    return pull_rows([rows], shipments=flt.dated or facts)


def rows_around(store, entity_id: int, limit: int) -> pa.Table:
    """Up to ``limit`` aggregated trade rows in or out of one company, busiest first (ties by the ends
    and HS code, the order the DuckDB drawing uses too)."""
    from pyspark.sql import functions as F  # noqa: N812 - pyspark's own convention

    rows = trade_rows(store).where((F.col("src") == F.lit(int(entity_id))) | (F.col("dst") == F.lit(int(entity_id))))
    rows = rows.orderBy(F.col("shipments").desc(), "src", "dst", "hs6").limit(int(limit))
    return pull_rows([rows], shipments=False)


def digraph_among(store, ids: Iterable[int], flt: TradeFilter | None = None, *, evidence: bool = True,
                  rows: pa.Table | None = None, alone: bool = True) -> nx.DiGraph:
    """Trade among ``ids`` (each a node with tier None; ``alone`` False: only those with a row), as the
    DuckDB drawings build it from the whole index; ``rows`` when the caller pulled them already
    (e.g. :func:`rows_around`)."""
    flt = flt or TradeFilter()
    ids = id_array(list(ids), what="entity ids").tolist()
    rows = rows_among(store, ids, flt) if rows is None else rows
    tiers = dict.fromkeys(ids) if alone else None  # alone: every id a node, traded or not
    graph, _index = subgraph_digraph(store, rows, flt, tiers=tiers, evidence=evidence)
    return graph
