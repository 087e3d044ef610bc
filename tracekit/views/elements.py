"""From a networkx trade graph to cytoscape.js elements: capped, folded, styled, JSON-ready.

The explorer never pushes an unbounded graph to the browser. :func:`visible_subgraph` keeps the most
important nodes and folds every other neighbour of a kept node into one ``more:<node>`` summary node (the
convention of ``ws.neighbourhood``), which expands on click. :func:`to_elements` turns what is shown into
the plain dicts cytoscape.js reads; labels stay raw text because cytoscape draws them on a canvas (never
as HTML), and the only HTML field (``tk_tip``, the hover tooltip ipycytoscape assigns to ``innerHTML``) is
escaped here.
"""

from __future__ import annotations

import html
import math
import zlib
from collections.abc import Hashable, Iterable

import networkx as nx

from tracekit.graph.draw import KIND_COLOURS, layout_positions, select_nodes
from tracekit.safetext import visible

__all__ = ["visible_subgraph", "to_elements", "node_key", "COLOUR_MODES", "PALETTE"]

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


def _tip(attrs: dict, node: Hashable) -> str:
    lines = [visible(attrs.get("label") or node)]
    if isinstance(node, int):  # the id beside the name, to copy into a verb or a report
        lines.append(f"entity {node}")
    lines += [f"{k}: {attrs[k]}" for k in ("country", "mentions", "risk", "community") if attrs.get(k) is not None]
    return "<br>".join(html.escape(line) for line in lines)


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
        Nodes drawn with a heavy outline (the starting companies).
    positions : dict, optional
        ``{node: (x, y)}`` for the preset ("tiers") layout; default from
        :func:`tracekit.graph.draw.layout_positions`, the same as the static SVG.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_edge(1, 2, kind="trade", shipments=9)
    >>> els = to_elements(G)
    >>> [e["group"] for e in els], els[2]["data"]["source"], els[2]["data"]["width"]
    (['nodes', 'nodes', 'edges'], '1', 2.5)
    """
    highlight = list(highlight or ())
    marked = set(highlight)
    path = set(zip(highlight, highlight[1:], strict=False))
    seeds = set(seeds or ())
    positions = positions if positions is not None else layout_positions(V, width=1200, height=800)
    out: list[dict] = []
    for node, attrs in sorted(V.nodes(data=True), key=lambda item: (type(item[0]).__name__, str(item[0]))):
        risk = attrs.get("risk")
        classes = [f"kind-{attrs.get('kind') or 'company'}"]
        if isinstance(risk, int | float) and not (isinstance(risk, float) and math.isnan(risk)):
            classes.append("risk-high" if risk >= 0.7 else "risk-medium" if risk >= 0.3 else "risk-low")
        if node in seeds:
            classes.append("seed")
        if node in marked:
            classes.append("highlight")
        size = 14 + 4 * math.log10(1 + float(attrs.get("mentions") or 0))
        data = {k: _plain(v) for k, v in attrs.items() if k not in ("evidence",)}
        data.update(id=node_key(node), label=visible(attrs.get("label") or node), kind=attrs.get("kind") or "company",
                    colour=node_colour(attrs, colour_by), size=round(size, 1), tk_tip=_tip(attrs, node))
        element = {"group": "nodes", "data": data, "classes": " ".join(classes)}
        if node in positions:
            x, y = positions[node]
            element["position"] = {"x": round(float(x), 1), "y": round(float(y), 1)}
        out.append(element)
    for u, v, attrs in sorted(V.edges(data=True), key=lambda e: (str(e[0]), str(e[1]))):
        data = {k: _plain(v) for k, v in attrs.items() if k not in ("evidence", "descriptions")}
        shipments = float(attrs.get("shipments") or 1)
        data.update(id=f"{node_key(u)}->{node_key(v)}", source=node_key(u), target=node_key(v),
                    kind=attrs.get("kind") or "trade", width=round(1 + 1.5 * math.log10(1 + shipments), 2))
        classes = "highlight" if (u, v) in path else ""
        out.append({"group": "edges", "data": data, "classes": classes})
    return out
