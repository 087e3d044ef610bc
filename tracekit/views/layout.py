"""Where the explorer puts its nodes: tier columns sized for a readable canvas, with their headings.

The static SVG spreads any graph over a fixed page (``tracekit.graph.draw.layout_positions``). On the
canvas that made a six-node trace 1,200 units wide, fitted at zoom 0.5: labels shrank below what a person
reads. Here one model unit is meant to be one screen pixel at zoom 1 on a canvas of about
:data:`CANVAS` pixels: rows are :data:`ROW` apart, and a tier with more nodes than fit in one column wraps
into several sub-columns (:data:`SUBCOLUMN` apart, as wide as the longest label the canvas shows), with
the number of rows chosen so that the whole layout fits the canvas at the largest zoom. A tier heading
(``← suppliers``, ``seed``, ``buyers →``) stands above each tier's block.
"""

from __future__ import annotations

import math
from collections.abc import Hashable

import networkx as nx

from tracekit.graph.draw import layout_positions

__all__ = ["tier_layout", "tier_heading", "CANVAS", "ROW", "SUBCOLUMN", "LABEL_WIDTH"]

#: the canvas the layout is sized for (px): the explorer's canvas is 68 % of a notebook's width × 520 px
CANVAS = (820.0, 480.0)
#: vertical distance between two nodes of a column: a node, its label under it, and air
ROW = 36.0
#: horizontal distance between two sub-columns of one tier
SUBCOLUMN = 170.0
#: the longest label the canvas draws (model units; longer ones end in "…"); less than SUBCOLUMN
LABEL_WIDTH = 150.0
#: extra distance between two tiers (their blocks must read as separate columns)
TIER_GAP = 90.0


def tier_heading(tier: int) -> str:
    """The heading of a tier column.

    Examples
    --------
    >>> [tier_heading(t) for t in (-2, -1, 0, 1, 3)]
    ['← 2 tiers up', '← suppliers', 'seed', 'buyers →', '3 tiers down →']
    """
    if tier == 0:
        return "seed"
    if tier < 0:
        return f"← {-tier} tiers up" if tier < -1 else "← suppliers"
    return f"{tier} tiers down →" if tier > 1 else "buyers →"


def _column_order(G: nx.Graph, n: Hashable) -> tuple:
    attrs = G.nodes[n]
    return (attrs.get("kind") == "more", attrs.get("community") is None, attrs.get("community") or 0,
            str(attrs.get("label") or n).casefold(), type(n).__name__, str(n))


def _rows_per_column(sizes: list[int]) -> int:
    """The rows per sub-column that let the whole layout fit :data:`CANVAS` at the largest zoom."""
    tallest = max(sizes)
    best, best_zoom = tallest, -1.0
    for rows in range(1, tallest + 1):
        width = sum((math.ceil(n / rows) - 1) * SUBCOLUMN for n in sizes) + (len(sizes) - 1) * (
            SUBCOLUMN + TIER_GAP) + LABEL_WIDTH
        height = (min(rows, tallest) - 1) * ROW + ROW
        zoom = min(CANVAS[0] / width, CANVAS[1] / height)
        if zoom > best_zoom + 1e-9:
            best, best_zoom = rows, zoom
    return best


def tier_layout(G: nx.Graph) -> tuple[dict, list[dict]]:
    """Positions ``{node: (x, y)}`` and tier headings ``[{"tier", "x", "text"}]`` for the canvas.

    When every node has an integer ``tier``, each tier is a block of sub-columns (suppliers left, the seed
    in the middle, buyers right), ordered by community then label, "more" nodes last. Otherwise a spring
    layout scaled to the number of nodes, and no headings.

    Examples
    --------
    >>> G = nx.DiGraph([(1, 2), (2, 3)])
    >>> nx.set_node_attributes(G, {1: -1, 2: 0, 3: 1}, "tier")
    >>> pos, heads = tier_layout(G)
    >>> pos[1][0] < pos[2][0] < pos[3][0], [h["text"] for h in heads]
    (True, ['← suppliers', 'seed', 'buyers →'])
    >>> pos[2][0] - pos[1][0] >= SUBCOLUMN   # far enough apart for two labels side by side
    True
    """
    if G.number_of_nodes() == 0:
        return {}, []
    tiers = {n: G.nodes[n].get("tier") for n in G.nodes}
    if not all(isinstance(t, int) and not isinstance(t, bool) for t in tiers.values()):
        side = max(CANVAS[0], math.sqrt(G.number_of_nodes()) * SUBCOLUMN * 0.8)
        return layout_positions(G, width=side, height=side * CANVAS[1] / CANVAS[0]), []
    columns: dict[int, list] = {}
    for n in G.nodes:
        columns.setdefault(tiers[n], []).append(n)
    order = sorted(columns)
    rows = _rows_per_column([len(columns[t]) for t in order])
    positions: dict = {}
    headings: list[dict] = []
    x = 0.0
    for tier in order:
        members = sorted(columns[tier], key=lambda n: _column_order(G, n))
        count = math.ceil(len(members) / rows)
        for col in range(count):
            column = members[col * rows:(col + 1) * rows]
            # the seed (drawn larger, bold label) and a "more" node (label inside it) get more room
            heights = [1.6 if tier == 0 else 1.4 if G.nodes[n].get("kind") == "more" else 1.0 for n in column]
            ys = [0.0]
            for above, below in zip(heights, heights[1:], strict=False):
                ys.append(ys[-1] + (above + below) / 2 * ROW)
            middle = ys[-1] / 2
            for n, y in zip(column, ys, strict=True):
                positions[n] = (round(x + col * SUBCOLUMN, 1), round(y - middle, 1))
        headings.append({"tier": tier, "x": round(x + (count - 1) * SUBCOLUMN / 2, 1), "text": tier_heading(tier)})
        x += (count - 1) * SUBCOLUMN + SUBCOLUMN + TIER_GAP
    return positions, headings
