"""The Spark frontier loops give the same answers as the in-memory traversal and networkx.

Both engines read the same graph tables (the DuckDB world's, copied into the Spark workspace), so a
difference here is a difference in the traversal, not in resolution.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from tracekit.errors import TracekitError
from tracekit.graph.index import load_index
from tracekit.graph.spark_traverse import components, shortest_path_length, trace
from tracekit.graph.traverse import traverse


@pytest.fixture(scope="module")
def index(duck_world):
    return load_index(duck_world.store, progress=False)


@pytest.fixture(scope="module")
def digraph(duck_world):
    edges = duck_world.store.df(
        "SELECT DISTINCT src, dst FROM graph_edges WHERE src IS NOT NULL AND dst IS NOT NULL")
    return nx.DiGraph(list(zip(edges["src"].tolist(), edges["dst"].tolist(), strict=True)))


@pytest.fixture(scope="module")
def hubs(digraph):
    """A busy shipper (for down traces) and a busy consignee (for up traces)."""
    shipper = max(digraph.nodes, key=lambda n: (digraph.out_degree(n), -n))
    consignee = max(digraph.nodes, key=lambda n: (digraph.in_degree(n), -n))
    return shipper, consignee


def _in_memory(index, seed: int, direction: str, time_respecting: bool):
    reach = traverse(index, [index.position(seed)], direction=direction, hops=3,
                     time_respecting=time_respecting, max_lag_days=180)
    tiers = dict(zip(index.node_ids[reach.nodes].tolist(), reach.tiers.tolist(), strict=True))
    arrays = reach.arrays
    if time_respecting:
        used = set(arrays.shipment_id[reach.rows].tolist())
    else:
        used = set(zip(index.node_ids[arrays.src[reach.rows]].tolist(),
                       index.node_ids[arrays.dst[reach.rows]].tolist(),
                       index.hs_vocab[arrays.hs[reach.rows]].tolist(), strict=True))
    return tiers, used


@pytest.mark.parametrize(("direction", "time_respecting"),
                         [("down", False), ("up", False), ("both", False), ("down", True), ("up", True)])
def test_trace_matches_the_in_memory_traversal(spark_graph_store, index, hubs, direction, time_respecting):
    seed = hubs[1] if direction == "up" else hubs[0]
    want_tiers, want_used = _in_memory(index, seed, direction, time_respecting)
    got = trace(spark_graph_store, [seed], direction=direction, hops=3, time_respecting=time_respecting)
    assert len(want_tiers) > 3, "the seed must reach somewhere for the comparison to mean anything"
    assert got.tiers == want_tiers
    if time_respecting:
        used = set(got.edges["shipment_id"].tolist())
    else:
        used = set(zip(got.edges["src"].tolist(), got.edges["dst"].tolist(),
                       got.edges["hs6"].fillna("").tolist(), strict=True))
    assert used == want_used


def test_time_respecting_trace_is_narrower_than_the_undated_one(spark_graph_store, hubs):
    undated = trace(spark_graph_store, [hubs[0]], direction="down", hops=3)
    dated = trace(spark_graph_store, [hubs[0]], direction="down", hops=3, time_respecting=True)
    assert set(dated.tiers) <= set(undated.tiers)


def test_fan_out_cap_fails_loudly(spark_graph_store, hubs):
    with pytest.raises(TracekitError, match="more than 2 companies"):
        trace(spark_graph_store, [hubs[0]], direction="down", hops=3, max_nodes=2)


def test_bidirectional_shortest_path_matches_networkx(spark_graph_store, digraph):
    # the company with the deepest downstream reach, so paths of several lengths exist
    reach = {n: nx.single_source_shortest_path_length(digraph, n, cutoff=4) for n in sorted(digraph.nodes)}
    source = max(reach, key=lambda n: (max(reach[n].values()), len(reach[n])))
    lengths = reach[source]
    by_length: dict[int, int] = {}
    for node, length in sorted(lengths.items()):
        by_length.setdefault(length, node)
    targets = [by_length[k] for k in sorted(by_length) if k > 0]
    assert len(targets) >= 3, by_length
    for target in targets[:3]:  # few calls: each round is a Spark job or two
        assert shortest_path_length(spark_graph_store, source, target, max_hops=6) == lengths[target]
    far = targets[-1]
    assert shortest_path_length(spark_graph_store, far, source, max_hops=6, directed=False) \
        == nx.shortest_path_length(digraph.to_undirected(), far, source)
    unreachable = next(n for n in sorted(digraph.nodes) if n not in lengths and not nx.has_path(digraph, source, n))
    assert shortest_path_length(spark_graph_store, source, unreachable, max_hops=4) is None


def test_components_match_networkx(spark_graph_store, digraph):
    frame = components(spark_graph_store)
    want = {n: min(c) for c in nx.weakly_connected_components(digraph) for n in c}
    got = dict(zip(frame["entity_id"].tolist(), frame["component"].tolist(), strict=True))
    assert got == want
    assert len(set(got.values())) == nx.number_weakly_connected_components(digraph)
    assert np.issubdtype(frame["entity_id"].dtype, np.integer)
