"""The canvas layout: tier columns that fit a canvas at a zoom where labels and rows stay apart."""

from __future__ import annotations

import networkx as nx
import pytest

from tests.views.conftest import trade_graph
from tracekit.views.elements import label_room, to_elements
from tracekit.views.layout import CANVAS, ROW, SUBCOLUMN, tier_layout


def _tiered(sizes: dict[int, int]) -> nx.DiGraph:
    G = nx.DiGraph()
    G.add_node(0, label="SEED", kind="company", tier=0)
    for tier, count in sizes.items():
        for i in range(count):
            node = tier * 1000 + i
            G.add_node(node, label=f"N{node}", kind="company", tier=tier)
            G.add_edge(node, 0) if tier < 0 else G.add_edge(0, node)
    return G


def _fitted_zoom(positions: dict) -> float:
    xs = [x for x, _ in positions.values()]
    ys = [y for _, y in positions.values()]
    width, height = max(xs) - min(xs) + 150, max(ys) - min(ys) + ROW
    return min(CANVAS[0] / width, CANVAS[1] / height)


@pytest.mark.parametrize("sizes", [{-1: 2, 1: 3}, {-2: 5, -1: 12, 1: 60, 2: 22}, {1: 99}, {-1: 40, 1: 59}])
def test_up_to_a_hundred_nodes_fit_with_rows_a_label_apart(sizes):
    G = _tiered(sizes)
    positions, headings = tier_layout(G)
    zoom = _fitted_zoom(positions)
    # on screen, rows stay ≥ 15 px apart: an 11 px label and air (the browser tests measure the real thing)
    assert ROW * zoom >= 15, (zoom, sizes)
    assert [h["tier"] for h in headings] == sorted({0, *sizes})
    # columns never interleave: every node of a tier left of every node of the next tier
    by_tier: dict[int, list[float]] = {}
    for node, (x, _y) in positions.items():
        by_tier.setdefault(G.nodes[node]["tier"], []).append(x)
    tiers = sorted(by_tier)
    for a, b in zip(tiers, tiers[1:], strict=False):
        assert max(by_tier[a]) + SUBCOLUMN <= min(by_tier[b])
    # no two nodes on one spot
    assert len(set(positions.values())) == len(positions)


def test_a_graph_without_tiers_gets_a_spring_layout_and_no_headings():
    G = nx.path_graph(5, create_using=nx.DiGraph)
    positions, headings = tier_layout(G)
    assert len(positions) == 5 and headings == []


def test_label_room_follows_the_gap_between_columns():
    elements = to_elements(trade_graph(suppliers=3, buyers=40))
    room = {e["data"]["id"]: e["data"]["tk_width"] for e in elements if e["group"] == "nodes"}
    assert room["1"] > room["5"]  # the seed stands alone in its column; buyers wrap into sub-columns
    assert label_room({1: (0, 0)}) == {1: 280.0}
