"""From a networkx trade graph to cytoscape.js elements: capped, folded, styled, JSON-ready.

The explorer never pushes an unbounded graph to the browser. :func:`visible_subgraph` keeps the most
important nodes and folds every other neighbour of a kept node into one ``more:<node>`` summary node (the
convention of ``ws.neighbourhood``), which expands on click. :func:`to_elements` turns what is shown into
the plain dicts cytoscape.js reads. Nothing here is HTML: labels are drawn on a canvas, and the hover text
(``tk_tip``) is set with ``textContent`` by ``widgets/explorer.js`` (ipycytoscape's own click tooltip,
which would assign it to ``innerHTML``, is switched off in :mod:`tracekit.views.canvas`). Untrusted text
still passes through :func:`tracekit.safetext.visible`, so control and bidi characters show as marks.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Hashable, Iterable

import networkx as nx

from tracekit.graph.draw import KIND_COLOURS, select_nodes
from tracekit.safetext import visible
from tracekit.views.layout import LABEL_WIDTH, tier_heading, tier_layout

__all__ = ["visible_subgraph", "to_elements", "node_key", "edge_width", "COLOUR_MODES", "PALETTE"]

COLOUR_MODES = ("kind", "country", "risk", "community")
#: Tableau 10: distinguishable, colour-blind friendlier than the default cycle.
PALETTE = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6",
           "#9d755d", "#bab0ac")


def node_key(node: Hashable) -> str:
    """The cytoscape id of a node: its key as text (entity ids are integers).

    Examples
    --------
    >>> node_key(42), node_key("more:42")
    ('42', 'more:42')
    """
    return str(node)


def _category_colour(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "#cccccc"
    return PALETTE[zlib.crc32(str(value).encode()) % len(PALETTE)]


def _risk_fill(risk: float | None) -> str:
    if risk is None or (isinstance(risk, float) and math.isnan(risk)):
        return "#cccccc"
    r = min(max(float(risk), 0.0), 1.0)  # white-ish → red ramp
    return f"#{int(240 - 26 * r):02x}{int(240 - 201 * r):02x}{int(240 - 200 * r):02x}"


def node_colour(attrs: dict, mode: str = "kind") -> str:
    """Fill colour of a node under a colour mode (``kind``, ``country``, ``risk`` or ``community``).

    Examples
    --------
    >>> node_colour({"kind": "company"}) == KIND_COLOURS["company"]
    True
    >>> node_colour({"risk": 1.0}, "risk")
    '#d62728'
    """
    if mode not in COLOUR_MODES:
        raise ValueError(f"colour mode {mode!r} is not one of {', '.join(COLOUR_MODES)}")
    if mode == "kind":
        return KIND_COLOURS.get(attrs.get("kind") or "company", "#4c78a8")
    if mode == "risk":
        return _risk_fill(attrs.get("risk"))
    return _category_colour(attrs.get(mode))


def visible_subgraph(G: nx.Graph, shown: Iterable | None = None, *, max_nodes: int = 300,
                     highlight: Iterable | None = None) -> nx.DiGraph:
    """The part of ``G`` to draw: at most ``max_nodes`` real nodes, the rest folded into ``more:`` nodes.

    Parameters
    ----------
    G : networkx.Graph
        Everything known (the result graph plus what the analyst expanded).
    shown : iterable, optional
        Nodes the analyst asked to see; default: the ``max_nodes`` most important (see
        :func:`tracekit.graph.draw.select_nodes`). Always capped at ``max_nodes``.
    max_nodes : int
        The cap on real nodes sent to the browser.
    highlight : iterable, optional
        Nodes to keep first when capping.

    Returns
    -------
    networkx.DiGraph
        Induced subgraph on the kept nodes, plus for each kept node with hidden neighbours a node
        ``more:<node>`` (``kind="more"``, ``hidden=<count>``) joined to it. ``more:`` nodes already in
        ``G`` (folded by ``ws.neighbourhood``) are kept as they are.

    Examples
    --------
    >>> G = nx.star_graph(10, create_using=nx.DiGraph)
    >>> V = visible_subgraph(G, max_nodes=4)
    >>> sorted(map(str, V.nodes))
    ['0', '1', '10', '2', 'more:0']
    >>> V.nodes["more:0"]["hidden"]
    7
    """
    candidates = [n for n in G.nodes if G.nodes[n].get("kind") != "more"]
    sub = G.subgraph(candidates)
    if shown is None:
        keep = select_nodes(sub, highlight=highlight, max_nodes=max_nodes)
    else:
        wanted = [n for n in shown if n in sub]
        keep = wanted if len(wanted) <= max_nodes else select_nodes(
            sub.subgraph(wanted), highlight=highlight, max_nodes=max_nodes)
    kept = set(keep)
    V = nx.DiGraph(G.subgraph(kept))
    for more in (n for n in G.nodes if G.nodes[n].get("kind") == "more"):
        owners = [o for o in nx.all_neighbors(G, more) if o in kept] if G.is_directed() else \
            [o for o in G.neighbors(more) if o in kept]
        if owners:
            V.add_node(more, **G.nodes[more])
            V.add_edge(owners[0], more, **G.get_edge_data(owners[0], more, default={"kind": "more"}))
    neighbours = (lambda n: nx.all_neighbors(G, n)) if G.is_directed() else G.neighbors
    for node in sorted(kept, key=lambda n: (type(n).__name__, str(n))):
        hidden = sum(1 for m in set(neighbours(node)) if m not in kept and G.nodes[m].get("kind") != "more")
        if not hidden:
            continue
        key = f"more:{node}"
        if key in V:  # add to the neighbourhood's own summary node (partners not even in G)
            V.nodes[key]["hidden"] = int(V.nodes[key].get("hidden") or 0) + hidden
            V.nodes[key]["label"] = f"{V.nodes[key]['hidden']:,} more"
            continue
        V.add_node(key, label=f"{hidden:,} more", kind="more", hidden=hidden, country=None, mentions=0,
                   risk=None, flags=[], community=None, tier=G.nodes[node].get("tier"))
        V.add_edge(node, key, kind="more", hidden=hidden)
    return V


def _dates(first: object, last: object) -> str | None:
    first, last = (str(d)[:10] if d not in (None, "") else None for d in (first, last))
    if not (first or last):
        return None
    return first if first == last else f"{first or '?'} – {last or '?'}"


def _trade_summary(V: nx.Graph, node: Hashable) -> tuple[int, int, str | None]:
    """Shipments in, shipments out and the date span of a node's trade edges on the canvas."""
    inbound = outbound = 0
    firsts, lasts = [], []
    edges = [(e, "in") for e in V.in_edges(node, data=True)] + [(e, "out") for e in V.out_edges(node, data=True)] \
        if V.is_directed() else [(e, "out") for e in V.edges(node, data=True)]
    for (_u, _v, attrs), way in edges:
        if (attrs.get("kind") or "trade") != "trade":
            continue
        count = int(attrs.get("shipments") or 0)
        inbound, outbound = (inbound + count, outbound) if way == "in" else (inbound, outbound + count)
        firsts += [str(attrs["first_date"])[:10]] if attrs.get("first_date") else []
        lasts += [str(attrs["last_date"])[:10]] if attrs.get("last_date") else []
    return inbound, outbound, _dates(min(firsts, default=None), max(lasts, default=None))


def _node_tip(V: nx.Graph, attrs: dict, node: Hashable) -> str:
    """The hover text of a node: plain text (the browser sets it as text, never as HTML)."""
    lines = [visible(attrs.get("label") or node)]
    if attrs.get("kind") == "more":
        return "\n".join(lines + ["click to show them"])
    where = [visible(attrs["country"])] if attrs.get("country") else []
    if isinstance(node, int):  # the id beside the name, to copy into a verb or a report
        where.append(f"entity {node}")
    if where:
        lines.append(" · ".join(where))
    inbound, outbound, span = _trade_summary(V, node)
    if inbound or outbound:
        lines.append(f"{inbound + outbound:,} shipments ({inbound:,} in, {outbound:,} out)")
    if span:
        lines.append(span)
    tier = attrs.get("tier")
    if isinstance(tier, int) and not isinstance(tier, bool):
        lines.append(tier_heading(tier).strip("←→ "))
    risk = attrs.get("risk")
    if isinstance(risk, int | float) and not (isinstance(risk, float) and math.isnan(risk)) and risk > 0:
        lines.append(f"risk {risk:.2f}")
    if attrs.get("flags"):
        lines.append("flags: " + ", ".join(visible(f) for f in attrs["flags"]))
    return "\n".join(lines)


def _edge_tip(V: nx.Graph, u: Hashable, v: Hashable, attrs: dict) -> str:
    names = [visible(V.nodes[n].get("label") or n) for n in (u, v)]
    kind = attrs.get("kind") or "trade"
    lines = [f"{names[0]} → {names[1]}"]
    if kind != "trade":
        return "\n".join(lines + [kind.replace("_", " ")])
    if attrs.get("shipments") is not None:
        weight = f", {float(attrs['kg']):,.0f} kg" if attrs.get("kg") not in (None, "") else ""
        lines.append(f"{int(attrs['shipments']):,} shipments{weight}")
    span = _dates(attrs.get("first_date"), attrs.get("last_date"))
    if span:
        lines.append(span)
    if attrs.get("hs_codes"):
        lines.append("HS " + ", ".join(visible(c) for c in list(attrs["hs_codes"])[:5]))
    return "\n".join(lines)


def _rank(node: Hashable, attrs: dict, seeds: set, marked: set) -> float:
    """Whose label wins when labels would overlap (lower first): seeds, the path, then risk and volume."""
    if node in seeds:
        return 0.0
    if node in marked:
        return 1.0
    risk = attrs.get("risk") if isinstance(attrs.get("risk"), int | float) else 0.0
    risk = 0.0 if isinstance(risk, float) and math.isnan(risk) else float(risk)
    return round(2.0 + (1.0 - risk) + 1.0 / (2.0 + float(attrs.get("mentions") or 0)), 4)


def label_room(positions: dict) -> dict:
    """How wide each node's label may be (model units): the gap to the nearest other column, less air.

    Labels are centred under their node, so a label as wide as the gap to the next column would meet the
    next column's labels half-way: half a gap each side. Between :data:`LABEL_WIDTH` - 40 and 300.

    Examples
    --------
    >>> label_room({1: (0, 0), 2: (0, 36), 3: (170, 0), 4: (430, 0)})
    {1: 150.0, 2: 150.0, 3: 150.0, 4: 240.0}
    """
    columns = sorted({round(float(x), 1) for x, _y in positions.values()})
    room = {}
    for i, x in enumerate(columns):
        gaps = ([x - columns[i - 1]] if i > 0 else []) + ([columns[i + 1] - x] if i + 1 < len(columns) else [])
        room[x] = min(max(min(gaps, default=300.0) - 20.0, LABEL_WIDTH - 40.0), 300.0)
    return {n: room[round(float(x), 1)] for n, (x, _y) in positions.items()}


def edge_width(shipments: object) -> float:
    """Line width of a trade edge: grows with the log of its shipments (1 → 2, 100 → 5.6, 1,000 → 7.7).

    Examples
    --------
    >>> edge_width(1), edge_width(10), edge_width(1000), edge_width(None)
    (2.0, 3.6, 7.7, 2.0)
    """
    count = float(shipments or 1)
    return round(1.4 + 2.1 * math.log10(1 + max(count, 1.0)), 1)


def _plain(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        value = value.item()
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**53:
        return str(value)  # JavaScript would round it to another id
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value][:20]
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


def to_elements(V: nx.Graph, *, colour_by: str = "kind", highlight: Iterable | None = None,
                seeds: Iterable | None = None, positions: dict | None = None) -> list[dict]:
    """cytoscape.js element dicts for ``V`` (nodes first), JSON-serialisable.

    Parameters
    ----------
    V : networkx.Graph
        What to show (see :func:`visible_subgraph`).
    colour_by : str
        One of :data:`COLOUR_MODES`.
    highlight : iterable, optional
        A path: its nodes and the edges between consecutive nodes get class ``highlight``.
    seeds : iterable, optional
        Nodes drawn larger, with a heavy outline and a bold label (the starting companies).
    positions : dict, optional
        ``{node: (x, y)}`` for the preset ("tiers") layout; default from
        :func:`tracekit.views.layout.tier_layout` (tier columns sized for a readable canvas).

    Each node carries ``tk_tip`` (its hover text: name, country, shipments in and out, date span, tier,
    risk — plain text with untrusted parts through :func:`tracekit.safetext.visible`; the browser sets
    it as text, never as HTML), ``tk_rank`` (lower keeps its label when labels would overlap) and a
    ``tier-up`` / ``tier-seed`` / ``tier-down`` class; each edge ``width`` (:func:`edge_width` of its
    shipments) and ``tk_tip``.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_edge(1, 2, kind="trade", shipments=9, first_date="2024-01-02", last_date="2024-03-04")
    >>> els = to_elements(G)
    >>> [e["group"] for e in els], els[2]["data"]["source"], els[2]["data"]["width"]
    (['nodes', 'nodes', 'edges'], '1', 3.5)
    >>> print(els[2]["data"]["tk_tip"])
    1 → 2
    9 shipments
    2024-01-02 – 2024-03-04
    """
    highlight = list(highlight or ())
    marked = set(highlight)
    path = set(zip(highlight, highlight[1:], strict=False))
    seeds = set(seeds or ())
    if positions is None:
        positions, _headings = tier_layout(V)
    room = label_room(positions)
    out: list[dict] = []
    for node, attrs in sorted(V.nodes(data=True), key=lambda item: (type(item[0]).__name__, str(item[0]))):
        risk = attrs.get("risk")
        classes = [f"kind-{attrs.get('kind') or 'company'}"]
        if isinstance(risk, int | float) and not (isinstance(risk, float) and math.isnan(risk)):
            classes.append("risk-high" if risk >= 0.7 else "risk-medium" if risk >= 0.3 else "risk-low")
        tier = attrs.get("tier")
        if isinstance(tier, int) and not isinstance(tier, bool):
            classes.append("tier-seed" if tier == 0 else "tier-up" if tier < 0 else "tier-down")
        if node in seeds:
            classes.append("seed")
        if node in marked:
            classes.append("highlight")
        size = 14 + 4 * math.log10(1 + float(attrs.get("mentions") or 0))
        data = {k: _plain(v) for k, v in attrs.items() if k not in ("evidence",)}
        data.update(id=node_key(node), label=visible(attrs.get("label") or node), kind=attrs.get("kind") or "company",
                    colour=node_colour(attrs, colour_by), size=round(size, 1), tk_tip=_node_tip(V, attrs, node),
                    tk_rank=_rank(node, attrs, seeds, marked), tk_width=room.get(node, LABEL_WIDTH))
        element = {"group": "nodes", "data": data, "classes": " ".join(classes)}
        if node in positions:
            x, y = positions[node]
            element["position"] = {"x": round(float(x), 1), "y": round(float(y), 1)}
        out.append(element)
    for u, v, attrs in sorted(V.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        data = {k: _plain(v) for k, v in attrs.items() if k not in ("evidence", "descriptions")}
        data.update(id=f"{node_key(u)}->{node_key(v)}", source=node_key(u), target=node_key(v),
                    kind=attrs.get("kind") or "trade", width=edge_width(attrs.get("shipments")),
                    tk_tip=_edge_tip(V, u, v, attrs))
        classes = "highlight" if (u, v) in path else ""
        out.append({"group": "edges", "data": data, "classes": classes})
    return out
