"""Leiden (or Louvain) one trade component at a time, scored against the whole graph.

A Spark workspace cannot hand the whole trade graph to igraph on the driver: it finds the connected
components on the cluster and pulls the component(s) asked for. Modularity never puts two components in
one community (merging them only adds the penalty term), so the whole graph's objective splits into one
per component — provided each component is scored with the WHOLE graph's total weight: modularity with
resolution γ over a component of weight W_C is the whole objective restricted to it when run with
resolution γ · W_C / W (the same expected-edge penalty, ``d_a·d_b / 2W``). That is what this module does,
so a component's communities do not depend on which other components were pulled, and with every
component pulled the demo world gives the whole-graph run's communities (tests/spark/test_query_spark.py).
Both engines use it for ``communities(components=N)``; DuckDB's default stays the whole-graph run
(:func:`tracekit.graph.whole.community_membership`).
"""

from __future__ import annotations

import random

import igraph as ig
import numpy as np

from tracekit.errors import TracekitError
from tracekit.graph.whole import COMMUNITY_METHODS, LEIDEN_ITERATIONS, number_by_size

__all__ = ["component_of", "communities_by_component"]


def component_of(u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Connected components of the pairs ``u – v`` (entity ids): the sorted ids and, per id, its
    component's smallest member."""
    ids, inverse = np.unique(np.concatenate([u, v]), return_inverse=True)
    graph = ig.Graph(n=len(ids), edges=np.column_stack([inverse[: len(u)], inverse[len(u):]]), directed=False)
    membership = np.asarray(graph.connected_components().membership, dtype=np.int64)
    smallest = np.full(membership.max() + 1 if len(ids) else 0, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(smallest, membership, ids)
    return ids, smallest[membership]


def communities_by_component(u: np.ndarray, v: np.ndarray, weight: np.ndarray, *, total_weight: float,
                             method: str = "leiden", resolution: float = 1.0,
                             seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Communities of the companies in the pairs ``u < v`` (entity ids, whole components only) with
    ``weight`` (shipments), each component run alone against ``total_weight`` (module doc).

    Returns (entity ids sorted, labels) with labels numbered as :func:`~tracekit.graph.whole.
    community_membership` numbers them: by size (0 = largest), ties to the smallest member.
    """
    if method not in COMMUNITY_METHODS:
        raise TracekitError(f"method={method!r}: use one of {', '.join(COMMUNITY_METHODS)}")
    if not resolution > 0:
        raise TracekitError(f"resolution={resolution} must be positive")
    u, v = np.asarray(u, dtype=np.int64), np.asarray(v, dtype=np.int64)
    weight = np.asarray(weight, dtype=np.float64)
    ids, component = component_of(u, v)
    if not len(ids):
        return ids, np.empty(0, dtype=np.int64)
    raw = np.empty(len(ids), dtype=np.int64)
    pair_component = component[np.searchsorted(ids, u)]
    next_label = 0
    for smallest in np.unique(component):
        members = np.flatnonzero(component == smallest)  # positions in ids: sorted by entity id
        mine = pair_component == smallest
        a = np.searchsorted(ids[members], u[mine])
        b = np.searchsorted(ids[members], v[mine])
        w = weight[mine]
        graph = ig.Graph(n=len(members), directed=False)
        graph.add_edges(np.column_stack([a, b]))
        scaled = resolution * float(w.sum()) / float(total_weight)
        random.seed(seed)  # igraph draws from Python's random module: each component from the same start
        ig.set_random_number_generator(random)
        if method == "leiden":
            parts = graph.community_leiden(objective_function="modularity", weights=w, resolution=scaled,
                                           n_iterations=LEIDEN_ITERATIONS)
        else:
            parts = graph.community_multilevel(weights=w, resolution=scaled)
        labels = np.asarray(parts.membership, dtype=np.int64)
        raw[members] = labels + next_label
        next_label += int(labels.max()) + 1
    return ids, number_by_size(raw)
