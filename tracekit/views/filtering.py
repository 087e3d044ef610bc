"""The explorer's filters: applied to the graph on the canvas, and passed on to the workspace queries.

On the canvas a trade edge is kept when its date span overlaps ``since``..``until``, one of its HS codes
starts with the prefix and it has at least ``min_shipments`` shipments; a company is kept when its risk
is at least ``min_risk`` (unknown risk counts as 0). Seeds and the highlighted path always stay. Expansion
and evidence go back to the workspace with the same date/HS/shipment filters, so the panel's shipments
are exact even where the edge-level test is coarser (an edge spanning the window may have no shipment in
it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import networkx as nx

from tracekit.errors import TracekitError

__all__ = ["ViewFilters", "filtered_graph"]


def _iso(value: str | None, name: str) -> str | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    parts = text.split("-")
    if not (1 <= len(parts) <= 3 and all(p.isdigit() for p in parts) and len(parts[0]) == 4):
        raise TracekitError(f"{name} date {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    return text


@dataclass(frozen=True)
class ViewFilters:
    """Date range, HS prefix, minimum shipments and minimum risk.

    Examples
    --------
    >>> ViewFilters(since="2024-01", hs="2933").describe()
    'since 2024-01, HS 2933*'
    >>> ViewFilters().active()
    False
    """

    since: str | None = None
    until: str | None = None
    hs: str | None = None
    min_shipments: int = 1
    min_risk: float | None = None

    def __post_init__(self):
        object.__setattr__(self, "since", _iso(self.since, "since"))
        object.__setattr__(self, "until", _iso(self.until, "until"))
        hs = (self.hs or "").replace(".", "").strip() or None
        if hs is not None and not hs.isdigit():
            raise TracekitError(f"HS prefix {self.hs!r} must be digits, e.g. 2933")
        object.__setattr__(self, "hs", hs)
        if self.min_shipments is None or int(self.min_shipments) < 1:
            raise TracekitError("min shipments must be at least 1")

    def active(self) -> bool:
        return self != ViewFilters()

    def describe(self) -> str:
        parts = []
        if self.since:
            parts.append(f"since {self.since}")
        if self.until:
            parts.append(f"until {self.until}")
        if self.hs:
            parts.append(f"HS {self.hs}*")
        if self.min_shipments and self.min_shipments > 1:
            parts.append(f"≥ {self.min_shipments} shipments")
        if self.min_risk:
            parts.append(f"risk ≥ {self.min_risk:g}")
        return ", ".join(parts) or "none"

    def query_kwargs(self, *, dates: bool = True, countries: bool = True) -> dict:
        """Keyword filters for ``ws.neighbourhood`` / ``ws.evidence``."""
        del countries  # the explorer has no country filter; kept for call-site clarity
        out: dict = {"hs": [self.hs] if self.hs else None}
        if dates:
            out.update(since=self.since, until=self.until)
        if self.min_shipments and self.min_shipments > 1:
            out["min_shipments"] = self.min_shipments
        return out

    def to_dict(self) -> dict:
        return asdict(self)


def _upper(date: str) -> str:
    """The last day a partial date covers, as comparable text ("2024" → "2024-99")."""
    return date + "-99" * (2 - date.count("-"))


def _edge_passes(attrs: dict, f: ViewFilters) -> bool:
    if attrs.get("kind", "trade") != "trade":
        return True
    if int(attrs.get("shipments") or 0) < (f.min_shipments or 1) and attrs.get("shipments") is not None:
        return False
    first, last = attrs.get("first_date"), attrs.get("last_date")
    if f.since and last and str(last) < f.since:
        return False
    if f.until and first and str(first)[: len(_upper(f.until))] > _upper(f.until):
        return False
    if f.hs:
        codes = attrs.get("hs_codes")
        if codes is not None and not any(str(c).replace(".", "").startswith(f.hs) for c in codes):
            return False
    return True


def filtered_graph(G: nx.DiGraph, f: ViewFilters, *, keep: set | frozenset = frozenset()) -> nx.DiGraph:
    """A view of ``G`` under ``f``; nodes left without any edge are dropped unless in ``keep``.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_edge(1, 2, kind="trade", shipments=1, hs_codes=["293339"])
    >>> G.add_edge(2, 3, kind="trade", shipments=5, hs_codes=["280610"])
    >>> sorted(filtered_graph(G, ViewFilters(hs="2933")).nodes)
    [1, 2]
    >>> sorted(filtered_graph(G, ViewFilters(min_shipments=2), keep={1}).nodes)
    [1, 2, 3]
    """
    if not f.active():
        return G
    edges = [(u, v) for u, v, d in G.edges(data=True) if _edge_passes(d, f)]
    H = G.edge_subgraph(edges)
    nodes = set(H.nodes) | (set(keep) & set(G.nodes))
    if f.min_risk:
        nodes = {n for n in nodes if n in keep or G.nodes[n].get("kind") == "more"
                 or float(G.nodes[n].get("risk") or 0.0) >= f.min_risk}
    # a folded "more:" node only makes sense beside its owner
    nodes = {n for n in nodes if G.nodes[n].get("kind") != "more"
             or any(m in nodes for m in nx.all_neighbors(G, n))}
    return _induced(G, nodes, edges)


def _induced(G: nx.DiGraph, nodes: set, edges: list) -> nx.DiGraph:
    out = nx.DiGraph()
    out.add_nodes_from((n, G.nodes[n]) for n in G.nodes if n in nodes)
    out.add_edges_from((u, v, G.edges[u, v]) for u, v in edges if u in nodes and v in nodes)
    return out
