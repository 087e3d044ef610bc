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
import re
import unicodedata
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
_FONT = 11.0
_RADIUS = 9.0
# A column of a tiered drawing gets at least this much height per node (a label beside each node needs
# ~13 px); past _MAX_HEIGHT the drawing stops growing and labels that would overlap are left out.
_ROW = 22.0
_MAX_HEIGHT = 2400.0
_LAST_COLUMN_ROOM = 140.0


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


def _natural(text: str) -> tuple:
    """Sort key that puts "Buyer 2" before "Buyer 10"."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text.casefold()) if part)


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
                    _natural(str(G.nodes[n].get("label") or n)),
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


# Advance widths of printable ASCII (space to ~) in DejaVu Sans, Chromium's sans-serif on Debian, in
# thousandths of an em: a label's width is estimated from the font the test browser really uses (other
# sans-serif fonts are narrower, so the estimate errs wide).
_ASCII_WIDTHS = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636,
    636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295,
    295, 656, 557, 863, 748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838,
    500, 500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521,
    392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
)


def _char_em(ch: str) -> float:
    if " " <= ch <= "~":
        return _ASCII_WIDTHS[ord(ch) - 32] / 1000
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.0
    # é is as wide as e, … as ...; combining marks take no room
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    if base and all(" " <= c <= "~" for c in base):
        return sum(_ASCII_WIDTHS[ord(c) - 32] for c in base) / 1000
    return 0.85


def _text_width(text: str) -> float:
    """Rendered width in px at the drawing's font size."""
    return _FONT * sum(_char_em(ch) for ch in text)


def _label(G: nx.Graph, node: Hashable, room: float = 28 * _FONT * 0.65) -> str:
    """The node's name, cut with an ellipsis to fit ``room`` px."""
    text = visible(G.nodes[node].get("label") or node)
    if _text_width(text) <= room:
        return text
    while text and _text_width(text + "…") > room:
        text = text[:-1]
    return text + "…"


def _tiered(G: nx.Graph) -> bool:
    tiers = [G.nodes[n].get("tier") for n in G.nodes]
    return bool(tiers) and all(isinstance(t, int) and not isinstance(t, bool) for t in tiers)


def _canvas_height(G: nx.Graph) -> float:
    """Taller than the default page when a tier column holds more nodes than fit one label apart."""
    if not _tiered(G):
        return _HEIGHT
    tallest = max(sum(1 for n in G.nodes if G.nodes[n]["tier"] == t) for t in {G.nodes[n]["tier"] for n in G})
    return min(max(_HEIGHT, 2 * _MARGIN + tallest * _ROW), _MAX_HEIGHT)


def _overlaps(box: tuple[float, float, float, float], placed: list[tuple[float, float, float, float]]) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in placed)


def _place_labels(G: nx.Graph, pos: dict, order: list, height: float) -> dict:
    """``{node: (x, y, anchor, text)}`` for the labels that fit, most important first.

    In a tiered drawing a label stands to the right of its node and is cut to the gap before the next
    column (the drawing keeps room for the last column's names); otherwise it stands below its node, moved sideways to stay
    on the canvas. A label that would overlap one already placed is left out (the node's tooltip still
    names it): on a crowded graph fewer names beat unreadable ones.
    """
    tiered = _tiered(G)
    columns = sorted({round(p[0], 1) for p in pos.values()}) if tiered else []
    placed: list[tuple[float, float, float, float]] = []
    labels = {}
    for node in order:
        x, y = pos[node]
        if tiered:
            # names read rightwards from their node, up to the next column (or the canvas edge)
            right = next((c for c in columns if c > round(x, 1) + 1), _WIDTH + _RADIUS + 8)
            room = min(right - x - 2 * _RADIUS - 12, 28 * _FONT * 0.65)
            text = _label(G, node, room=max(room, 6 * _FONT))
            width = _text_width(text)
            anchor, lx, ly = "start", x + _RADIUS + 4, y + 4
            box = (lx, y - 8, lx + width, y + 5)
        else:
            text = _label(G, node)
            width = _text_width(text)
            lx = min(max(x, width / 2 + 4), _WIDTH - width / 2 - 4)
            ly = min(y + _RADIUS + 11, height - 16)
            anchor, box = "middle", (lx - width / 2, ly - 9, lx + width / 2, ly + 3)
        if _overlaps(box, placed):
            continue
        placed.append(box)
        labels[node] = (lx, ly, anchor, text)
    return labels


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
    height = _canvas_height(sub)
    # a tiered drawing keeps room on the right for the last column's names, which read rightwards
    pos = layout_positions(sub, width=_WIDTH - _LAST_COLUMN_ROOM if _tiered(sub) else _WIDTH, height=height)
    marked = set(highlight) & set(keep)
    path_edges = {(a, b) for a, b in zip(highlight, highlight[1:], strict=False)}
    path_edges |= {(b, a) for a, b in path_edges} if not G.is_directed() else set()
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tracekit-graph" viewBox="0 0 {_WIDTH:g} {height:g}" '
        f'width="{_WIDTH:g}" height="{height:g}" font-family="sans-serif" font-size="{_FONT:g}">',
        "<defs>"
        f'<marker id="tk-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{_EDGE}"/></marker>'
        f'<marker id="tk-arrow-hl" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="6" markerHeight="6" '
        f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{_HIGHLIGHT}"/></marker>'
        "</defs>",
        f'<rect width="{_WIDTH:g}" height="{height:g}" fill="white"/>',
    ]
    radius = _RADIUS
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
    labels = _place_labels(sub, pos, keep, height)  # keep is ranked: highlighted, seeds, then weight
    for node in sorted(keep, key=_sort_key):
        attrs = sub.nodes[node]
        x, y = pos[node]
        fill = _HIGHLIGHT if node in marked else KIND_COLOURS.get(attrs.get("kind", "company"), "#4c78a8")
        ring = risk_colour(attrs.get("risk"))
        stroke = f' stroke="{ring}" stroke-width="3"' if ring else ' stroke="white" stroke-width="1"'
        text = ""
        if node in labels:
            lx, ly, anchor, label = labels[node]
            # a white plate keeps the name readable where an edge runs under it
            width = _text_width(label)
            left = {"start": lx, "middle": lx - width / 2, "end": lx - width}[anchor]
            text = (f'<rect x="{left - 2:.1f}" y="{ly - 10:.1f}" width="{width + 4:.1f}" height="14" '
                    f'fill="white" fill-opacity="0.85"/>'
                    f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}" fill="#222">{_esc(label)}</text>')
        out.append(
            f'<g class="tk-node"><circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:g}" fill="{fill}"{stroke}>'
            f"<title>{_esc(_node_title(sub, node))}</title></circle>{text}</g>"
        )
    shown = len(keep)
    caption = f"{shown} of {total} nodes" if shown < total else f"{total} nodes"
    caption += f", {sub.number_of_edges()} edges"
    if shown < total:
        caption += f" — {total - shown} less connected nodes not drawn"
    if len(labels) < shown:
        caption += f"; {shown - len(labels)} names left out where they would overlap (hover a node for its name)"
    out.append(f'<text x="8" y="{height - 8:g}" fill="#666">{_esc(caption)}</text>')
    out.append("</svg>")
    return "".join(out)
