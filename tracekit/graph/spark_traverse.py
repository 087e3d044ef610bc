"""Multi-hop work on Spark DataFrames: k-hop trace, time-respecting trace, shortest paths, components.

The in-memory :mod:`tracekit.graph.traverse` walks CSR arrays; a graph that outgrows one machine cannot be
held that way, and Spark has no recursive query fit for this (a recursive CTE or GraphFrames' BFS joins
every path, not every node, so paths multiply). Each function here is therefore a FRONTIER LOOP: one join
of the (small) frontier to the (large) edge table per hop, an anti-join against what was already reached,
and a ``localCheckpoint`` of the small state each hop so the query plan does not grow with the hop count.

Same answers as :func:`tracekit.graph.traverse.traverse`, filters included (hs, dates, countries,
min_shipments: :mod:`tracekit.graph.spark_filters`; tests compare them on the demo world).

Example (needs a Spark session, so it is not a doctest; tests/spark/ runs the same calls)::

    reach = trace(store, [entity_id], direction="down", hops=3)
    reach.tiers   # {entity_id: 0, <buyer>: 1, …}
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from tracekit.errors import TracekitError
from tracekit.graph.filters import TradeFilter
from tracekit.graph.spark_filters import ROW_COLUMNS, trade_rows
from tracekit.store.ids import id_array

__all__ = ["SparkReach", "trace", "reach_rows", "shortest_path_length", "components", "component_labels",
           "trade_pairs"]

DIRECTIONS = ("down", "up", "both")


@dataclass
class SparkReach:
    """What a trace reached: ``tiers`` (entity id → signed hop), ``edges`` the rows it used (pandas:
    ``src, dst, hs6, shipments, kg, usd, first_date, last_date``, plus ``shipment_id`` when the rows are
    shipments: a time-respecting trace or a date window)."""

    tiers: dict[int, int]
    edges: pd.DataFrame


def _functions():
    from pyspark.sql import functions as F  # noqa: N812 - pyspark's own convention

    return F


def _seed_frame(session, ids: list[int]):
    return session.createDataFrame([(i,) for i in ids], "node BIGINT")


def _check(direction: str, hops: int, max_nodes: int | None) -> None:
    if direction not in DIRECTIONS:
        raise TracekitError(f"direction={direction!r}: use one of {', '.join(DIRECTIONS)}")
    if not isinstance(hops, int) or hops < 1:
        raise TracekitError(f"hops={hops!r} must be a whole number of at least 1")
    if max_nodes is not None and max_nodes < 1:
        raise TracekitError(f"max_nodes={max_nodes!r} must be at least 1")


def _too_many(max_nodes: int, hop: int) -> TracekitError:
    return TracekitError(
        f"the traversal reached more than {max_nodes:,} companies at hop {hop}: lower hops, or narrow the "
        "edges first (a date window or HS prefix applied to graph_edges / graph_trade)")


def _hop_distances(store, rows, seeds: list[int], *, forward: bool, hops: int, max_nodes: int | None):
    """Breadth-first hop distance from ``seeds`` over the trade ``rows``: visited (node, hop), rows used
    per hop (those reaching a node for the first time, as in memory)."""
    F = _functions()
    near, far = ("src", "dst") if forward else ("dst", "src")
    visited = _seed_frame(store.session, seeds).withColumn("hop", F.lit(0)).localCheckpoint()
    frontier = visited.select("node")
    reached, kept = len(seeds), []
    for hop in range(1, hops + 1):
        step = rows.join(frontier.withColumnRenamed("node", near), on=near, how="left_semi")
        fresh = step.join(visited.select(F.col("node").alias(far)), on=far, how="left_anti").localCheckpoint()
        frontier = fresh.select(F.col(far).alias("node")).distinct().localCheckpoint()
        new = frontier.count()
        if not new:
            break
        if max_nodes is not None and reached + new > max_nodes:
            raise _too_many(max_nodes, hop)
        reached += new
        visited = visited.unionByName(frontier.withColumn("hop", F.lit(hop))).localCheckpoint()
        kept.append(fresh)
    return visited, kept


def _time_respecting(store, facts, seeds: list[int], *, forward: bool, hops: int, max_lag_days: int,
                     max_nodes: int | None, min_shipments: int = 1):
    """Hop-by-hop over shipments: a shipment leaving a company is followed only if it left on or after
    a reached shipment arrived there (and within ``max_lag_days``); upstream, time runs backwards.

    The accumulator is the set of arrival ANCHORS (company, day) reached so far: with a lag window, the
    earliest arrival alone does not decide (a shipment 400 days after the first arrival may be 10 days
    after a later one), so the anchors are kept, and joined on company with the window as a range
    condition. Shipments already used are anti-joined away, as the in-memory walk does; a pair with
    fewer than ``min_shipments`` of this hop's shipments is not followed (the in-memory rule).
    """
    F = _functions()
    near, far = ("src", "dst") if forward else ("dst", "src")
    sign = 1 if forward else -1
    facts = facts.where(F.col("first_date").isNotNull()).withColumn("t", F.lit(sign) * F.col("t"))
    seed_frame = _seed_frame(store.session, seeds).localCheckpoint()
    visited = seed_frame.withColumn("hop", F.lit(0)).localCheckpoint()
    frontier = seed_frame
    anchors = store.session.createDataFrame([], "anchor_node BIGINT, anchor_t INT")
    used = store.session.createDataFrame([], "shipment_id BIGINT")
    reached, kept = len(seeds), []
    for hop in range(1, hops + 1):
        rows = facts.join(frontier.withColumnRenamed("node", near), on=near, how="left_semi") \
            .join(used, on="shipment_id", how="left_anti")
        from_seed = rows.join(seed_frame.withColumnRenamed("node", near), on=near, how="left_semi")
        anchored = rows.join(seed_frame.withColumnRenamed("node", near), on=near, how="left_anti").join(
            anchors, on=(F.col(near) == F.col("anchor_node")) & (F.col("anchor_t") <= F.col("t"))
            & (F.col("t") - F.col("anchor_t") <= max_lag_days), how="left_semi")
        taken = from_seed.unionByName(anchored)
        if min_shipments > 1:
            pairs = taken.groupBy("src", "dst").count().where(F.col("count") >= min_shipments).drop("count")
            taken = taken.join(pairs, on=["src", "dst"], how="left_semi")
        taken = taken.localCheckpoint()
        if not taken.take(1):
            break
        kept.append(taken)
        used = used.unionByName(taken.select("shipment_id")).localCheckpoint()
        anchors = anchors.unionByName(taken.select(F.col(far).alias("anchor_node"),
                                                   F.col("t").alias("anchor_t"))).distinct().localCheckpoint()
        new = taken.select(F.col(far).alias("node")).distinct() \
            .join(visited.select("node"), on="node", how="left_anti").localCheckpoint()
        count = new.count()
        if max_nodes is not None and reached + count > max_nodes:
            raise _too_many(max_nodes, hop)
        reached += count
        visited = visited.unionByName(new.withColumn("hop", F.lit(hop))).localCheckpoint()
        frontier = taken.select(F.col(far).alias("node")).distinct() \
            .join(seed_frame, on="node", how="left_anti").localCheckpoint()
    return visited, kept


def reach_rows(store, seeds: Iterable[int], *, direction: str = "down", hops: int = 3,
               time_respecting: bool = False, max_lag_days: int = 180, max_nodes: int | None = None,
               flt: TradeFilter | None = None) -> tuple[dict[int, int], list]:
    """The frontier loops of :func:`trace`: tiers and the (lazy, checkpointed) DataFrames of rows used,
    every column of :data:`~tracekit.graph.spark_filters.ROW_COLUMNS` kept (+ ``shipment_id`` when
    the rows are shipments) so the caller can pull exactly the subgraph it shows."""
    _check(direction, hops, max_nodes)
    if max_lag_days < 0:
        raise TracekitError(f"max_lag_days={max_lag_days} must not be negative")
    flt = flt or TradeFilter()
    ids = sorted(set(id_array(list(seeds), what="entity ids").tolist()))
    rows = trade_rows(store, flt, facts=time_respecting, min_shipments=not time_respecting)
    columns = ["shipment_id", *ROW_COLUMNS] if (time_respecting or flt.dated) else list(ROW_COLUMNS)
    tiers: dict[int, int] = dict.fromkeys(ids, 0)
    used: list = []
    for forward, sign in ((True, 1), (False, -1)):
        if direction == ("up" if forward else "down"):
            continue
        if time_respecting:
            visited, kept = _time_respecting(store, rows, ids, forward=forward, hops=hops,
                                             max_lag_days=max_lag_days, max_nodes=max_nodes,
                                             min_shipments=flt.min_shipments)
        else:
            visited, kept = _hop_distances(store, rows, ids, forward=forward, hops=hops, max_nodes=max_nodes)
        for node, hop in visited.where("hop > 0").orderBy("hop", "node").collect():
            tiers.setdefault(int(node), sign * int(hop))
        used.extend(frame.select(*columns) for frame in kept)
    return tiers, used


def trace(store, seeds: Iterable[int], *, direction: str = "down", hops: int = 3,
          time_respecting: bool = False, max_lag_days: int = 180, max_nodes: int | None = None,
          flt: TradeFilter | None = None) -> SparkReach:
    """Companies within ``hops`` of ``seeds`` (entity ids) along trade, on a Spark store.

    Parameters as :func:`tracekit.graph.traverse.traverse` (seeds are entity ids here, not positions;
    ``flt`` the same :class:`~tracekit.graph.filters.TradeFilter`). ``max_nodes`` caps the fan-out:
    the loop stops with an explanation rather than grow a frontier without bound (on a power-law graph,
    hop 3 from a hub reaches most of the graph). ``edges`` holds the rows used (pandas).
    """
    flt = flt or TradeFilter()
    tiers, used = reach_rows(store, seeds, direction=direction, hops=hops, time_respecting=time_respecting,
                             max_lag_days=max_lag_days, max_nodes=max_nodes, flt=flt)
    columns = ["shipment_id", *ROW_COLUMNS] if (time_respecting or flt.dated) else list(ROW_COLUMNS)
    frames = [f.toPandas() for f in used]
    edges = (pd.concat(frames, ignore_index=True).drop_duplicates().reset_index(drop=True) if frames
             else pd.DataFrame(columns=columns))
    return SparkReach(tiers=tiers, edges=edges)


def shortest_path_length(store, a: int, b: int, *, max_hops: int = 6, directed: bool = True) -> int | None:
    """Fewest trade hops from ``a`` to ``b`` as a BIDIRECTIONAL frontier (None beyond ``max_hops``).

    Each round grows the smaller side by one hop (forward from ``a`` along goods, backward from ``b``)
    until the two visited sets meet: the frontiers stay near √ of one-sided search on a power-law graph.
    ``directed=False`` ignores the direction of trade.
    """
    F = _functions()
    if a == b:
        return 0
    edges = store.table("graph_edges").where(F.col("src").isNotNull() & F.col("dst").isNotNull()) \
        .select("src", "dst").distinct()
    if not directed:
        edges = edges.unionByName(edges.select(F.col("dst").alias("src"), F.col("src").alias("dst"))).distinct()
    edges = edges.localCheckpoint()
    sides = {}
    for name, seed, near, far in (("a", a, "src", "dst"), ("b", b, "dst", "src")):
        start = _seed_frame(store.session, [seed]).withColumn("d", F.lit(0)).localCheckpoint()
        sides[name] = {"visited": start, "frontier": start.select("node"), "size": 1, "depth": 0,
                       "near": near, "far": far}
    for _round in range(max_hops):
        side = min(sides.values(), key=lambda s: (s["size"], s["near"] == "dst"))
        other = sides["b"] if side is sides["a"] else sides["a"]
        near, far = side["near"], side["far"]
        grown = edges.join(side["frontier"].withColumnRenamed("node", near), on=near, how="left_semi") \
            .select(F.col(far).alias("node")).distinct() \
            .join(side["visited"].select("node"), on="node", how="left_anti").localCheckpoint()
        side["depth"] += 1
        side["size"] = grown.count()
        if not side["size"]:
            return None
        side["visited"] = side["visited"].unionByName(grown.withColumn("d", F.lit(side["depth"]))).localCheckpoint()
        side["frontier"] = grown
        meet = grown.join(other["visited"], on="node").agg(F.min("d")).first()[0]
        if meet is not None:
            return side["depth"] + int(meet)
    return None


def component_labels(edges, *, max_rounds: int = 50):
    """Weakly connected components of the graph ``edges`` (a Spark DataFrame of ``u, v`` node ids) by
    min-label propagation: a lazy, checkpointed DataFrame ``node, label`` (label = the smallest node of
    the component), nothing pulled.

    Every node starts with its own id as label; each round it takes the smallest label among itself
    and its neighbours (one join + one group-by), until no label changes. Rounds = the largest
    component's diameter, so this suits shell clusters and sparse trade graphs; a large-star/small-star
    scheme would bound rounds by log(n) on a cluster.
    """
    F = _functions()
    edges = edges.select("u", "v").where(F.col("u").isNotNull() & F.col("v").isNotNull())
    edges = edges.unionByName(edges.select(F.col("v").alias("u"), F.col("u").alias("v"))).distinct() \
        .localCheckpoint()
    labels = edges.select(F.col("u").alias("node")).distinct() \
        .withColumn("label", F.col("node")).localCheckpoint()
    for _round in range(max_rounds):
        offered = edges.join(labels.withColumnRenamed("node", "u"), on="u") \
            .select(F.col("v").alias("node"), "label")
        updated = labels.unionByName(offered).groupBy("node").agg(F.min("label").alias("label")).localCheckpoint()
        changed = updated.join(labels.withColumnRenamed("label", "old"), on="node") \
            .where(F.col("label") != F.col("old")).take(1)
        labels = updated
        if not changed:
            return labels
    raise TracekitError(f"components did not settle in {max_rounds} rounds: raise max_rounds")


def trade_pairs(store, flt: TradeFilter | None = None, *, self_trade: bool = False):
    """The filtered trade as undirected weighted pairs ``u ≤ v, weight`` (shipments summed over both
    directions and HS codes; self-trade dropped unless asked): what components and communities use."""
    F = _functions()
    rows = trade_rows(store, flt or TradeFilter())
    if not self_trade:
        rows = rows.where(F.col("src") != F.col("dst"))
    return rows.select(F.least("src", "dst").alias("u"), F.greatest("src", "dst").alias("v"), "shipments") \
        .groupBy("u", "v").agg(F.sum("shipments").cast("double").alias("weight"))


def components(store, *, max_rounds: int = 50, flt: TradeFilter | None = None) -> pd.DataFrame:
    """Weakly connected components of the (filtered) trade graph, pulled: ``entity_id, component``
    (smallest member). :func:`component_labels` keeps them on the cluster."""
    labels = component_labels(trade_pairs(store, flt, self_trade=True), max_rounds=max_rounds)
    frame = labels.toPandas().rename(columns={"node": "entity_id", "label": "component"})
    return frame.sort_values("entity_id").reset_index(drop=True)
