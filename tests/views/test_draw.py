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


def _label_boxes(svg: str) -> tuple[float, float, list[tuple[str, float, float, float, float]]]:
    """Each drawn name's box measured with the real font (DejaVu Sans: Chromium's sans-serif on Debian)."""
    from matplotlib import font_manager
    from PIL import ImageFont

    font = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), 11)
    root = ET.fromstring(svg)
    boxes = []
    for g in root.iter(f"{SVG}g"):
        text = g.find(f"{SVG}text")
        if text is None:
            continue
        x, y, width = float(text.get("x")), float(text.get("y")), font.getlength(text.text)
        left = {"start": x, "middle": x - width / 2, "end": x - width}[text.get("text-anchor")]
        boxes.append((text.text, left, y - 9, left + width, y + 3))
    return float(root.get("width")), float(root.get("height")), boxes


def _star(buyers: int, name: str) -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_node("seed", label="ZHICHANG INTERNATIONAL TRADING CO LIMITED", kind="company", tier=0)
    G.add_node("maker", label="WUHAN WIDE-MARGIN MANUFACTURING WORKS LTD", kind="company", tier=-1)
    G.add_edge("maker", "seed", shipments=4)
    for i in range(buyers):
        G.add_node(f"b{i}", label=name.format(i=i), kind="company", tier=1)
        G.add_edge("seed", f"b{i}", shipments=1 + i % 5)
    return G


def test_thirty_buyers_each_keep_a_readable_name_inside_the_canvas():
    svg = to_svg(_star(30, "MWMWMW BUYER NUMBER {i} IMPORTACIONES S.A. DE C.V."))
    width, height, boxes = _label_boxes(svg)
    names = [b[0] for b in boxes]
    assert len(boxes) == 32, names  # every name shown: the canvas grows rather than stacking labels
    assert sum("BUYER NUMBER" in n for n in names) == 30
    for name, x0, y0, x1, y1 in boxes:
        assert 0 <= x0 and x1 <= width and 0 <= y0 and y1 <= height, (name, x0, x1)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]), (a, b)


def test_a_crowd_too_big_for_the_canvas_leaves_names_out_and_says_so():
    svg = to_svg(_star(200, "Buyer {i}"))
    width, height, boxes = _label_boxes(svg)
    assert height <= 2400
    assert any(b[0].startswith("ZHICHANG INTERNATIONAL") for b in boxes)  # the seed's name always
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]), (a, b)
    assert 0 < len(boxes) < 202
    assert f"{202 - len(boxes)} names left out where they would overlap" in svg


def test_long_names_at_the_canvas_edge_are_not_cut_off_in_a_spring_layout():
    G = nx.Graph()
    for i in range(8):
        G.add_node(i, label=f"WIDE WIDE WIDE COMPANY NAME NUMBER {i} LIMITED", kind="company")
    G.add_edges_from((i, i + 1) for i in range(7))
    width, height, boxes = _label_boxes(to_svg(G))
    assert boxes
    for name, x0, _, x1, _ in boxes:
        assert 0 <= x0 and x1 <= width, (name, x0, x1)
