"""Hops to the nearest listed party on Spark: the multi-source frontier gives DuckDB's hops, paths, evidence
and graph, and never loads the whole trade index (what ``ws.screen`` and risk's ``listed_hops`` show)."""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest

from tracekit.graph.sanctions import sanctions_hops


@pytest.fixture(scope="module")
def listed(duck_world) -> pd.DataFrame:
    """Two pretend-listed companies: the busiest consignee and the busiest shipper."""
    with duck_world.store.reading("listed"):
        ids = [int(duck_world.store.scalar(
            f"SELECT {end} FROM graph_edges GROUP BY {end} ORDER BY sum(shipments) DESC, {end} LIMIT 1"))  # noqa: S608
            for end in ("dst", "src")]
    return pd.DataFrame({"entity_id": ids, "list_name": "test", "entry_id": ["e1", "e2"],
                         "listed_name": ["LISTED ONE", "LISTED TWO"]})


def test_spark_hops_to_listed_parties_are_duckdbs(spark_world, duck_world, listed, monkeypatch):
    from tracekit.graph import index as index_module
    from tracekit.query.spark_prepared import prepare

    prepare(spark_world)  # graph tables, flags and risk of the Spark workspace, built by its own verbs
    with duck_world.store.reading("hops"):
        want, want_graph = sanctions_hops(duck_world.store, listed, 3)
    real = index_module.load_index
    monkeypatch.setattr(index_module, "load_index", lambda store, **o: (
        pytest.fail("sanctions hops on Spark loaded the whole trade index") if getattr(store, "engine", "") == "spark"
        else real(store, **o)))
    got, got_graph = sanctions_hops(spark_world.store, listed, 3)
    # an oracle apart from both engines: undirected BFS from the listed companies in networkx
    with duck_world.store.reading("oracle"):
        edges = duck_world.store.df("SELECT DISTINCT src, dst FROM graph_edges WHERE src IS NOT NULL AND dst IS NOT NULL")
    oracle = nx.Graph(list(zip(edges["src"].astype(int), edges["dst"].astype(int), strict=True)))
    distance = nx.multi_source_dijkstra_path_length(oracle, set(listed["entity_id"]), cutoff=3)
    assert dict(zip(got["entity_id"], got["hops"], strict=True)) == distance
    assert (got["hops"] >= 2).any(), "the walk goes beyond the listed companies' partners"
    pd.testing.assert_frame_equal(got, want)
    close = lambda d: {k: pytest.approx(v, rel=1e-9) if isinstance(v, float) else v for k, v in d.items()}  # noqa: E731 - kg, USD summed in each engine's order
    assert dict(got_graph.nodes(data=True)) == {n: close(d) for n, d in want_graph.nodes(data=True)}
    assert {(a, b): d for a, b, d in got_graph.edges(data=True)} == \
        {(a, b): close(d) for a, b, d in want_graph.edges(data=True)}
