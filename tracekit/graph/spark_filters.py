"""The trade a Spark graph verb looks at: :class:`~tracekit.graph.filters.TradeFilter` on DataFrames.

The in-memory index filters the rows of each frontier (:meth:`tracekit.graph.index.TradeIndex.filtered_rows`);
on Spark the same filter is applied once to the whole edge (or shipment) table, lazily, before the
frontier loop joins it, so each hop reads only trade that passes. Both select the same rows:

* ``hs``: the row's HS6 starts with one of the prefixes;
* ``since`` / ``until``: per-shipment rows (``graph_trade``) with a known date inside the window — a
  dated filter needs shipments, not the aggregated ``graph_edges``, exactly as in memory;
* ``countries``: both ends' entity country (``entities.country``; none counts as ``''``) is in the list;
* ``min_shipments``: the rows of a shipper–consignee pair that pass the filters above sum to at least N
  shipments (over the whole table: the in-memory rule sums a pair's rows in the frontier's slice, which
  holds all of them).
"""

from __future__ import annotations

from tracekit.graph.filters import TradeFilter

__all__ = ["ROW_COLUMNS", "trade_rows"]

ROW_COLUMNS = ("src", "dst", "hs6", "shipments", "kg", "usd", "first_date", "last_date")
"""Columns of a trade row, as :func:`tracekit.graph.index._edge_arrays` reads them (facts add ``shipment_id``)."""


def _functions():
    from pyspark.sql import functions as F  # noqa: N812 - pyspark's own convention

    return F


def trade_rows(store, flt: TradeFilter | None = None, *, facts: bool = False, min_shipments: bool = True):
    """Lazy DataFrame of the trade rows passing ``flt``: aggregated edges, or shipments (``facts``, or a
    dated filter). Columns :data:`ROW_COLUMNS` (+ ``shipment_id``, ``t`` day number, for shipments).

    ``min_shipments=False`` leaves that part of the filter to the caller (the time-respecting walk
    counts a pair's shipments per hop, as the in-memory walk does).
    """
    F = _functions()
    flt = flt or TradeFilter()
    per_shipment = facts or flt.dated
    if per_shipment:
        rows = store.table("graph_trade").where(F.col("src").isNotNull() & F.col("dst").isNotNull()).select(
            "shipment_id", "src", "dst", F.coalesce(F.col("hs6"), F.lit("")).alias("hs6"),
            F.lit(1).cast("int").alias("shipments"), F.coalesce(F.col("kg"), F.lit(0.0)).cast("double").alias("kg"),
            F.coalesce(F.col("usd"), F.lit(0.0)).cast("double").alias("usd"),
            F.col("date").alias("first_date"), F.col("date").alias("last_date"),
            F.datediff(F.col("date"), F.lit("1970-01-01")).alias("t"))
    else:
        rows = store.table("graph_edges").where(F.col("src").isNotNull() & F.col("dst").isNotNull()).select(
            "src", "dst", F.coalesce(F.col("hs6"), F.lit("")).alias("hs6"), F.col("shipments").cast("int"),
            F.col("kg").cast("double"), F.col("usd").cast("double"), "first_date", "last_date")
    if flt.hs:
        test = F.lit(False)
        for prefix in flt.hs:
            test = test | F.col("hs6").startswith(prefix)
        rows = rows.where(test)
    if flt.dated:
        rows = rows.where(F.col("first_date").isNotNull())
        if flt.since:
            rows = rows.where(F.col("first_date") >= F.lit(flt.since))
        if flt.until:
            rows = rows.where(F.col("first_date") <= F.lit(flt.until))
    if flt.countries:
        allowed = store.table("entities").where(F.col("country").isin(list(flt.countries))).select("entity_id")
        rows = rows.join(allowed.withColumnRenamed("entity_id", "src"), on="src", how="left_semi") \
            .join(allowed.withColumnRenamed("entity_id", "dst"), on="dst", how="left_semi")
    if min_shipments and flt.min_shipments > 1:
        totals = rows.groupBy("src", "dst").agg(F.sum("shipments").alias("_pair_shipments")) \
            .where(F.col("_pair_shipments") >= flt.min_shipments).select("src", "dst")
        rows = rows.join(totals, on=["src", "dst"], how="left_semi")
    return rows
