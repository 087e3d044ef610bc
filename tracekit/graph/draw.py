"""Static SVG drawings of trade graphs, with a deterministic layout.

Every graph output in a notebook carries one of these drawings in its mime bundle, so a notebook
exported with nbconvert (HTML, PDF) or viewed on GitHub still shows the graph that the live widget shows
in JupyterLab. The same input always gives byte-identical SVG: positions come from the ``tier``
attribute (suppliers left, seed in the middle, buyers right) or from a seeded spring layout, never from
the clock or a random state.

All node labels and tooltips are attacker-controlled text (company names from bills of lading) and are
escaped here: a name like ``<img src=x onerror=alert(1)>`` is drawn as those characters.
"""

from __future__ import annotations

import html
import math
from collections.abc import Hashable, Iterable

import networkx as nx

from tracekit.safetext import visible

__all__ = ["to_svg", "layout_positions", "select_nodes", "KIND_COLOURS", "risk_colour"]

#: Fill colour per node ``kind`` (also used by the widget style sheet, so both renderings agree).
KIND_COLOURS = {
    "company": "#4c78a8",
    "address": "#9d755d",
    "product": "#54a24b",
    "port": "#b279a2",
    "more": "#bab0ac",
}
_HIGHLIGHT = "#d62728"
_EDGE = "#9aa5b1"
_WIDTH, _HEIGHT = 960.0, 600.0
_MARGIN = 60.0


def risk_colour(risk: float | None) -> str | None:
    """Outline colour for a risk score in [0, 1]: None below 0.3, amber, then red.

    Examples
    --------
    >>> risk_colour(None) is None, risk_colour(0.5), risk_colour(0.9)
    (True, '#f58518', '#d62728')
    """
    if risk is None or (isinstance(risk, float) and math.isnan(risk)) or risk < 0.3:
        return None
    return "#d62728" if risk >= 0.7 else "#f58518"


def _sort_key(node: Hashable) -> tuple[str, str]:
    return (type(node).__name__, str(node))


def select_nodes(G: nx.Graph, *, highlight: Iterable | None = None, max_nodes: int = 300) -> list:
    """The ``max_nodes`` most important nodes of ``G``, deterministically.

    Highlighted nodes come first, then seeds (``tier == 0``), then the nodes with the most shipments on
    their edges; ties break on the node key.

    Examples
    --------
    >>> G = nx.path_graph(5)
    >>> select_nodes(G, highlight=[4], max_nodes=2)
    [4, 1]
    """
    marked = set(highlight or ()) & set(G.nodes)

    def weight(node: Hashable) -> float:
        return sum(float(d.get("shipments") or 1) for *_, d in G.edges(node, data=True)) + (
            sum(float(d.get("shipments") or 1) for *_, d in G.in_edges(node, data=True))
            if G.is_directed() else 0.0
        )

    ranked = sorted(
        G.nodes,
        key=lambda n: (n not in marked, G.nodes[n].get("tier") != 0, -weight(n), _sort_key(n)),
    )
    return ranked[:max_nodes]


def layout_positions(G: nx.Graph, *, width: float = _WIDTH, height: float = _HEIGHT) -> dict:
    """Deterministic positions ``{node: (x, y)}`` inside ``width`` × ``height``.

    When every node has an integer ``tier``, nodes stand in columns by tier (suppliers, negative tiers,
    on the left; buyers on the right), ordered within a column by community, then by label. Otherwise a
    spring layout seeded with a constant is used on the nodes in sorted order.

    Examples
    --------
    >>> G = nx.DiGraph([(1, 2)])
    >>> nx.set_node_attributes(G, {1: -1, 2: 0}, "tier")
    >>> pos = layout_positions(G)
    >>> pos[1][0] < pos[2][0]
    True
    """
    nodes = sorted(G.nodes, key=_sort_key)
    if not nodes:
        return {}
    tiers = {n: G.nodes[n].get("tier") for n in nodes}
    inner_w, inner_h = width - 2 * _MARGIN, height - 2 * _MARGIN
    if all(isinstance(t, int) and not isinstance(t, bool) for t in tiers.values()):
        columns: dict[int, list] = {}
        for n in nodes:
            columns.setdefault(tiers[n], []).append(n)
        order = sorted(columns)
        positions = {}
        for i, tier in enumerate(order):
            column = sorted(
                columns[tier],
                key=lambda n: (
                    G.nodes[n].get("community") is None,
                    G.nodes[n].get("community") or 0,
                    str(G.nodes[n].get("label") or n).casefold(),
                    _sort_key(n),
                ),
            )
            x = _MARGIN + (inner_w * i / (len(order) - 1) if len(order) > 1 else inner_w / 2)
            for j, n in enumerate(column):
                y = _MARGIN + (inner_h * (j + 0.5) / len(column))
                positions[n] = (x, y)
        return positions
    H = nx.Graph()
    H.add_nodes_from(nodes)
    H.add_edges_from(sorted(((u, v) for u, v in G.edges()), key=lambda e: (_sort_key(e[0]), _sort_key(e[1]))))
    raw = nx.spring_layout(H, seed=7, iterations=60) if len(nodes) > 1 else {nodes[0]: (0.0, 0.0)}
    xs = [p[0] for p in raw.values()]
    ys = [p[1] for p in raw.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    return {
        n: (
            _MARGIN + inner_w * (raw[n][0] - min(xs)) / span_x if len(nodes) > 1 else width / 2,
            _MARGIN + inner_h * (raw[n][1] - min(ys)) / span_y if len(nodes) > 1 else height / 2,
        )
        for n in nodes
    }


def _label(G: nx.Graph, node: Hashable, limit: int = 28) -> str:
    text = visible(G.nodes[node].get("label") or node)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _node_title(G: nx.Graph, node: Hashable) -> str:
    attrs = G.nodes[node]
    parts = [visible(attrs.get("label") or node)]
    if isinstance(node, int):  # the id beside the name, to copy into a verb or a report
        parts.append(f"entity {node}")
    for key in ("kind", "country", "mentions", "risk", "community", "tier"):
        if attrs.get(key) is not None:
            parts.append(f"{key}: {attrs[key]}")
    if attrs.get("flags"):
        parts.append("flags: " + ", ".join(map(str, attrs["flags"])))
    return "\n".join(parts)


def _edge_width(data: dict) -> float:
    return round(1.0 + 1.5 * math.log10(1 + float(data.get("shipments") or 1)), 2)


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def to_svg(G: nx.Graph, *, highlight: Iterable | None = None, max_nodes: int = 300) -> str:
    """Draw ``G`` as a self-contained SVG document (a string), deterministically.

    Parameters
    ----------
    G : networkx.Graph
        A graph following the tracekit conventions (node ``label``, ``kind``, ``risk``, ``tier``; edge
        ``shipments``, ``kind``); missing attributes fall back to defaults.
    highlight : iterable, optional
        Nodes to draw in red, e.g. a path; edges between consecutive highlighted nodes are red too.
    max_nodes : int
        At most this many nodes are drawn (the most important, see :func:`select_nodes`); the drawing
        says how many were left out.

    Returns
    -------
    str
        ``<svg …>…</svg>``; every label and tooltip is HTML-escaped.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_node(1, label="<img src=x onerror=alert(1)>", kind="company", tier=-1)
    >>> G.add_node(2, label="Buyer SA", kind="company", tier=0)
    >>> G.add_edge(1, 2, kind="trade", shipments=3)
    >>> svg = to_svg(G)
    >>> "<img" in svg, "&lt;img src=x" in svg
    (False, True)
    >>> svg == to_svg(G)
    True
    """
    highlight = list(highlight or ())
    total = G.number_of_nodes()
    keep = select_nodes(G, highlight=highlight, max_nodes=max_nodes)
    sub = G.subgraph(keep)
    pos = layout_positions(sub)
    marked = set(highlight) & set(keep)
    path_edges = {(a, b) for a, b in zip(highlight, highlight[1:], strict=False)}
    path_edges |= {(b, a) for a, b in path_edges} if not G.is_directed() else set()
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tracekit-graph" viewBox="0 0 {_WIDTH:g} {_HEIGHT:g}" '
        f'width="{_WIDTH:g}" height="{_HEIGHT:g}" font-family="sans-serif" font-size="11">',
        "<defs>"
        f'<marker id="tk-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{_EDGE}"/></marker>'
        f'<marker id="tk-arrow-hl" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{_HIGHLIGHT}"/></marker>'
        "</defs>",
        f'<rect width="{_WIDTH:g}" height="{_HEIGHT:g}" fill="white"/>',
    ]
    radius = 9.0
    edges = sorted(sub.edges(data=True), key=lambda e: (_sort_key(e[0]), _sort_key(e[1])))
    for u, v, data in edges:
        (x1, y1), (x2, y2) = pos[u], pos[v]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy) or 1.0
        # stop the line at the target's rim so the arrow head stays visible
        x2, y2 = x2 - dx / length * (radius + 2), y2 - dy / length * (radius + 2)
        hot = (u, v) in path_edges
        colour = _HIGHLIGHT if hot else _EDGE
        dash = "" if data.get("kind", "trade") == "trade" else ' stroke-dasharray="4 3"'
        arrow = f' marker-end="url(#tk-arrow{"-hl" if hot else ""})"' if G.is_directed() else ""
        title = (f"{visible(G.nodes[u].get('label') or u)} → {visible(G.nodes[v].get('label') or v)}\n"
                 f"{data.get('kind', 'trade')}")
        if data.get("shipments") is not None:
            title += f", {data['shipments']} shipments"
        out.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
            f'stroke-width="{_edge_width(data)}"{dash}{arrow}><title>{_esc(title)}</title></line>'
        )
    for node in sorted(keep, key=_sort_key):
        attrs = sub.nodes[node]
        x, y = pos[node]
        fill = _HIGHLIGHT if node in marked else KIND_COLOURS.get(attrs.get("kind", "company"), "#4c78a8")
        ring = risk_colour(attrs.get("risk"))
        stroke = f' stroke="{ring}" stroke-width="3"' if ring else ' stroke="white" stroke-width="1"'
        out.append(
            f'<g class="tk-node"><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:g}" fill="{fill}"{stroke}>'
            f"<title>{_esc(_node_title(sub, node))}</title></circle>"
            f'<text x="{x:.1f}" y="{y + radius + 11:.1f}" text-anchor="middle" fill="#222">'
            f"{_esc(_label(sub, node))}</text></g>"
        )
    shown = len(keep)
    caption = f"{shown} of {total} nodes" if shown < total else f"{total} nodes"
    caption += f", {sub.number_of_edges()} edges"
    if shown < total:
        caption += f" — {total - shown} less connected nodes not drawn"
    out.append(f'<text x="8" y="{_HEIGHT - 8:g}" fill="#666">{_esc(caption)}</text>')
    out.append("</svg>")
    return "".join(out)
