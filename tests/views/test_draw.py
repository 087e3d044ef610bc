"""The static SVG drawing: escaping, determinism, capping, tier layout."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from tracekit.graph.draw import layout_positions, select_nodes, to_svg

SVG = "{http://www.w3.org/2000/svg}"


def _trade_graph(n: int = 6) -> nx.DiGraph:
    G = nx.DiGraph()
    for i in range(n):
        G.add_node(i, label=f"Company {i}", kind="company", tier=i % 3 - 1, risk=0.9 if i == 2 else None)
    for i in range(n - 1):
        G.add_edge(i, i + 1, kind="trade", shipments=i + 1)
    return G


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1, max_size=20).filter(lambda s: s.isprintable()))
def test_any_label_is_drawn_as_text_and_the_svg_stays_well_formed(label):
    G = nx.DiGraph()
    G.add_node(1, label=label, kind="company")
    G.add_node(2, label="x", kind="company")
    G.add_edge(1, 2, kind="trade", shipments=1)
    root = ET.fromstring(to_svg(G))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert label in texts
    assert not list(root.iter(f"{SVG}img")) and not list(root.iter("script"))


def test_hostile_name_never_becomes_markup():
    G = _trade_graph()
    G.nodes[0]["label"] = '<img src=x onerror="window.__pwned=1">'
    svg = to_svg(G)
    assert "<img" not in svg and "onerror=&quot;" in svg
    root = ET.fromstring(svg)
    assert {el.tag for el in root.iter()} <= {f"{SVG}{t}" for t in
                                               ("svg", "defs", "marker", "path", "rect", "line", "title",
                                                "g", "circle", "text")}


def test_same_graph_gives_identical_svg_whatever_the_insertion_order():
    G = _trade_graph()
    H = nx.DiGraph()
    H.add_nodes_from(reversed(list(G.nodes(data=True))))
    H.add_edges_from(reversed(list(G.edges(data=True))))
    assert to_svg(G) == to_svg(H)
    G.graph.clear()
    for n in G:
        del G.nodes[n]["tier"]
    assert to_svg(G) == to_svg(G.copy())  # spring layout is seeded


def test_tiers_stand_in_columns_suppliers_left():
    pos = layout_positions(_trade_graph())
    assert pos[0][0] < pos[1][0] < pos[2][0]  # tiers -1, 0, 1
    assert pos[0][0] == pos[3][0]  # same tier, same column


def test_caps_nodes_and_says_so_keeping_highlighted_ones():
    G = nx.barabasi_albert_graph(400, 2, seed=1)
    keep = select_nodes(G, highlight=[399], max_nodes=50)
    assert len(keep) == 50 and keep[0] == 399
    root = ET.fromstring(to_svg(G, highlight=[399], max_nodes=50))
    assert len(list(root.iter(f"{SVG}circle"))) == 50
    assert any("350 less connected nodes not drawn" in (t.text or "") for t in root.iter(f"{SVG}text"))


def test_highlighted_path_is_red():
    svg = to_svg(_trade_graph(), highlight=[1, 2])
    root = ET.fromstring(svg)
    red_lines = [el for el in root.iter(f"{SVG}line") if el.get("stroke") == "#d62728"]
    assert len(red_lines) == 1
    assert sum(el.get("fill") == "#d62728" for el in root.iter(f"{SVG}circle")) == 2


def test_empty_graph_draws_an_empty_canvas():
    root = ET.fromstring(to_svg(nx.DiGraph()))
    assert not list(root.iter(f"{SVG}circle"))
