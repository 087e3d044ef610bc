"""paths against networkx on seeded random worlds (same lengths, same costs, same path sets)."""

from __future__ import annotations

import networkx as nx
import pytest

from tests.graph.random_world import random_shipments, reference_graph
from tracekit.errors import TracekitError
from tracekit.query.paths import edge_cost


@pytest.mark.parametrize("seed", [4, 5, 6, 7])
def test_shortest_paths_match_networkx(world, seed):
    rows, info = random_shipments(seed, companies=20, shipments=60)
    ws, ids = world(rows, info)
    reference = reference_graph(rows, info, ids, hs=["29"])
    for _u, _v, d in reference.edges(data=True):
        d["cost"] = edge_cost(d["shipments"])
    names = list(ids)
    pairs = [(ids[names[i]], ids[names[-1 - i]]) for i in range(6)]
    for a, b in pairs:
        result = ws.paths(a, b, hs=["29"], max_hops=20, k=3)
        if not nx.has_path(reference, a, b):
            assert len(result) == 0
            continue
        assert result.to_frame()["hops"].iloc[0] == nx.shortest_path_length(reference, a, b)
        expected_k = [len(p) - 1 for p in list(nx.shortest_simple_paths(reference, a, b))[:3]]
        assert result.to_frame()["hops"].tolist() == expected_k
        weighted = ws.paths(a, b, hs=["29"], max_hops=20, method="weight")
        assert weighted.to_frame()["cost"].iloc[0] == pytest.approx(
            nx.shortest_path_length(reference, a, b, weight="cost"))


def test_bounded_all_paths_match_networkx(world):
    rows, info = random_shipments(11, companies=12, shipments=40)
    ws, ids = world(rows, info)
    reference = reference_graph(rows, info, ids)
    names = list(ids)
    a, b = ids[names[0]], ids[names[5]]
    expected = {tuple(p) for p in nx.all_simple_paths(reference, a, b, cutoff=3)}
    result = ws.paths(a, b, all_paths=True, max_hops=3, max_paths=10_000)
    assert {tuple(p) for p in result.to_frame()["entity_ids"]} == expected
    undirected = ws.paths(b, a, all_paths=True, max_hops=2, directed=False, max_paths=10_000)
    expected_u = {tuple(p) for p in nx.all_simple_paths(reference.to_undirected(), b, a, cutoff=2)}
    assert {tuple(p) for p in undirected.to_frame()["entity_ids"]} == expected_u


def test_paths_rejects_bad_requests(world):
    ws, ids = world([{"shipper": "ONE CHEM", "consignee": "TWO TRADE", "date": "2024-01-01"}])
    with pytest.raises(TracekitError, match="same entity"):
        ws.paths(ids["ONE CHEM"], ids["ONE CHEM"])
    with pytest.raises(TracekitError, match="method"):
        ws.paths(ids["ONE CHEM"], ids["TWO TRADE"], method="fastest")
    assert len(ws.paths(ids["TWO TRADE"], ids["ONE CHEM"])) == 0
    assert len(ws.paths(ids["TWO TRADE"], ids["ONE CHEM"], directed=False)) == 1
