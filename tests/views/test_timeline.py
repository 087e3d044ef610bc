"""The explorer's timeline from Python: dated counts per edge, flow order, payload and chart."""

from __future__ import annotations

import json

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import tracekit
from tests.views.conftest import HOSTILE, trade_graph
from tracekit.query.prepared import graph_index
from tracekit.views.explorer import Explorer
from tracekit.views.timeline import TimelineBar, timeline_payload
from tracekit.views.timeline_data import _sweep, edge_id, flow_order, flows_from_spans, monthly_counts


def _row(shipper, consignee, date, hs="293339"):
    return dict(shipper_name=shipper, consignee_name=consignee, hs_code=hs, date=date, description="NPP",
                weight_kg=10)


# Alpha (seed) → Bravo → Charlie → Echo is a re-export chain; Bravo → Delta left before Bravo received
# anything, so it is not part of a time-respecting flow; Zulu supplies Alpha before Alpha ships.
ROWS = [
    _row("Alpha Chem Co", "Bravo Trading Ltd", "2023-01-10"),
    _row("Alpha Chem Co", "Bravo Trading Ltd", "2023-03-02"),
    _row("Alpha Chem Co", "Bravo Trading Ltd", "2023-03-20", hs="280610"),
    _row("Bravo Trading Ltd", "Charlie Labs SA", "2023-02-01"),
    _row("Bravo Trading Ltd", "Delta Pharma SA", "2022-12-01"),
    _row("Charlie Labs SA", "Echo Distribuidora", "2023-04-15"),
    _row("Zulu Supplies", "Alpha Chem Co", "2022-11-20"),
    _row(HOSTILE, "Alpha Chem Co", "2022-10-02"),
]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    ws = tracekit.Workspace(tmp_path_factory.mktemp("timeline") / "ws")
    ws.load(pd.DataFrame(ROWS))
    ws.resolve()
    ids = {name.split()[0]: int(ws.search(name, 1).entity_id[0]) for name in
           ("Alpha Chem Co", "Bravo Trading Ltd", "Charlie Labs SA", "Delta Pharma SA", "Echo Distribuidora",
            "Zulu Supplies")}
    yield ws, ids
    ws.close()


def test_counts_per_month_add_up_to_each_edges_shipments_under_its_hs_filter(world):
    ws, ids = world
    for hs in (None, "2933"):
        graph = ws.trace(ids["Alpha"], "both", 3, hs=hs).graph
        counts = monthly_counts(graph_index(ws), graph)
        trade = [(u, v, d) for u, v, d in graph.edges(data=True) if d.get("kind") == "trade"]
        assert trade
        for u, v, d in trade:
            assert counts.total(u, v) == d["shipments"], (hs, u, v)
    alpha_bravo = monthly_counts(graph_index(ws), ws.trace(ids["Alpha"], "down", 1, hs="2933").graph)
    assert alpha_bravo.counts[(ids["Alpha"], ids["Bravo"])] == {"2023-01": 1, "2023-03": 1}  # not the 2806 one


def test_each_hop_lights_after_its_inbound_shipment_arrived(world):
    ws, ids = world
    graph = ws.trace(ids["Alpha"], "both", 3).graph
    order = flow_order(graph_index(ws), graph, [ids["Alpha"]])
    a, b, c, d, e, z = (ids[k] for k in ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Zulu"))
    assert order.edges[(a, b)] == "2023-01-10"
    assert order.edges[(b, c)] == "2023-02-01"  # after Bravo received on 2023-01-10
    assert order.edges[(c, e)] == "2023-04-15"
    assert order.edges[(z, a)] == "2022-11-20"  # upstream: Zulu supplied the seed
    assert (b, d) not in order.edges  # Delta's shipment left Bravo before Bravo received anything
    assert order.nodes[c] == "2023-02-01" and order.nodes[a] == "2022-10-02"
    days = [day for day, _edges in order.steps()]
    assert days == sorted(days)
    # the flows are made of the time-respecting trace's own shipments
    respecting = ws.trace(ids["Alpha"], "both", 3, time_respecting=True).graph
    assert set(order.edges) <= set(respecting.edges)


shipments = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6), st.integers(0, 6)).filter(
    lambda s: s[1] != s[2]), max_size=25)


@settings(max_examples=300, deadline=None)
@given(shipments, st.sets(st.integers(0, 6), max_size=2))
def test_sweep_lights_exactly_the_shipments_whose_shipper_already_held_goods(ships, roots):
    order = _sweep(ships, roots)
    receivers = {v for _t, _u, v in ships}
    starts = set(roots) | {u for _t, u, _v in ships if u not in receivers}
    lit = {edge: (pd.Timestamp(day) - pd.Timestamp("1970-01-01")).days for edge, day in order.edges.items()}

    def held(node, t):
        return node in starts or any(w_v[1] == node and day <= t for w_v, day in lit.items())

    for (u, v), day in lit.items():
        assert held(u, day), (u, v, day)  # no hop lights before something reached its shipper
        assert (day, u, v) in ships
    for t, u, v in ships:  # and every shipment that could move did light its edge (by then)
        if held(u, t):
            assert (u, v) in lit and lit[(u, v)] <= t


def test_payload_carries_counts_flows_and_every_month_in_one_trait(world):
    ws, ids = world
    result = ws.trace(ids["Alpha"], "both", 3)
    ex = Explorer(result.graph, ws=ws, seeds=[ids["Alpha"]])
    payload = json.loads(ex.timeline.bar.payload)
    assert payload["months"][0] == "2022-10" and payload["months"][-1] == "2023-04"
    assert len(payload["months"]) == 7  # consecutive, gaps included
    key = edge_id(ids["Alpha"], ids["Bravo"])
    months = payload["months"]
    pairs = payload["counts"][key]
    assert {months[i]: n for i, n in zip(pairs[::2], pairs[1::2], strict=True)} == {"2023-01": 1, "2023-03": 2}
    assert payload["flow_edges"][edge_id(ids["Bravo"], ids["Charlie"])] == "2023-02-01"
    assert edge_id(ids["Bravo"], ids["Delta"]) not in payload["flow_edges"]
    assert payload["dated_by"] == "shipments"
    # ids of every edge in the payload are edges the canvas holds
    sent = {e["data"]["id"] for e in json.loads(ex.canvas.feeder.elements) if e["group"] == "edges"}
    assert set(payload["counts"]) <= sent and set(payload["flow_edges"]) <= sent
    assert any(isinstance(child, TimelineBar) for child in ex.children)


def test_panel_chart_is_a_static_svg_without_any_name_from_the_data(world):
    ws, ids = world
    hostile = int(ws.search(HOSTILE, 1).entity_id[0])
    ex = Explorer(ws.trace(ids["Alpha"], "both", 3).graph, ws=ws, seeds=[ids["Alpha"]])
    ex.select(ids["Alpha"])
    chart = ex.timeline.chart.value
    assert "<svg" in chart and "<text" not in chart and "<script" not in chart
    assert "5 dated shipments, 2022-10 to 2023-03" in chart  # 3 shipped + 2 received
    assert ex.timeline.monthly(ex.full, ids["Alpha"])["received"] == {"2022-10": 1, "2022-11": 1}
    ex.select((hostile, ids["Alpha"]))
    assert "1 dated shipments, 2022-10 to 2022-10" in ex.timeline.chart.value
    assert "onerror" not in ex.timeline.chart.value


def test_without_a_workspace_the_browser_filters_by_edge_spans_and_flows_use_first_dates():
    G = trade_graph(buyers=6)
    G.add_edge(2, 50, kind="trade", shipments=1, first_date="2023-10-01", last_date="2023-10-01")
    G.add_edge(3, 51, kind="trade", shipments=1, first_date="2021-06-01", last_date="2021-06-01")
    ex = Explorer(G, seeds=[1])
    payload = json.loads(ex.timeline.bar.payload)
    assert payload["counts"] == {} and payload["dated_by"] == "edge first/last dates"
    assert payload["months"][0] == "2021-06" and payload["months"][-1] == "2023-12"
    assert payload["flow_source"] == "first shipment per edge"
    flows = payload["flow_edges"]
    assert flows["100->1"] == "2023-01-05" and flows["1->2"] == "2023-09-01" and flows["1->3"] == "2022-01-01"
    assert flows["2->50"] == "2023-10-01"  # after 2 received from the seed
    assert "3->51" not in flows  # 3 shipped before anything reached it
    ex.select(1)
    assert "need a workspace" in ex.timeline.chart.value


def test_flows_from_spans_and_payload_on_an_undated_graph():
    G = nx.DiGraph()
    G.add_edge(1, 2, kind="trade", shipments=1)
    assert flows_from_spans(G, [1]).edges == {}
    assert timeline_payload(G, None, flows_from_spans(G, [1]))["months"] == []


def test_a_workspace_error_leaves_the_explorer_working_with_edge_dates(world, monkeypatch):
    from tracekit.errors import TracekitError
    from tracekit.views.timeline import Timeline

    ws, ids = world

    def broken(self, graph=None):
        raise TracekitError("workspace is closed")

    monkeypatch.setattr(Timeline, "index", broken)
    ex = Explorer(ws.trace(ids["Alpha"], "both", 3).graph, ws=ws, seeds=[ids["Alpha"]])
    payload = json.loads(ex.timeline.bar.payload)
    assert payload["note"] == "shipment dates unavailable: workspace is closed"
    assert payload["counts"] == {} and payload["months"][0] == "2022-10"
    assert payload["flow_edges"][edge_id(ids["Bravo"], ids["Charlie"])] == "2023-02-01"
