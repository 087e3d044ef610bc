"""The explorer: a trade graph to click, expand and filter, with the evidence one click away.

Layout of the widget::

    [layout ▾] [colour by ▾] [expand] [collapse] [fit]   [search …] [find] [hits ▾]   [export ▾] [save]
    [since] [until] [HS prefix] [min shipments] [min risk] [apply]
    ┌──────────── graph canvas ────────────┐ ┌──── panel ────┐
    │ cytoscape.js, fed in one payload      │ │ details       │
    │                                       │ │ evidence      │
    └───────────────────────────────────────┘ └───────────────┘
    status line

Everything is state in Python (``self.full`` — all that is known — and ``self.shown`` — the real nodes on
the canvas); each change re-sends the visible elements, capped at ``max_nodes`` with the overflow folded
into ``more:`` nodes that expand on click.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Hashable, Iterable
from pathlib import Path

import ipywidgets as widgets
import networkx as nx
import pandas as pd

from tracekit.errors import TracekitError
from tracekit.graph.draw import select_nodes, to_svg
from tracekit.views import export, panel
from tracekit.views.canvas import LAYOUTS, GraphCanvas
from tracekit.views.elements import COLOUR_MODES, node_key, to_elements, visible_subgraph
from tracekit.views.filtering import ViewFilters, filtered_graph
from tracekit.views.layout import tier_layout
from tracekit.views.timeline import Timeline  # timeline hook (issue 11 item 3)

__all__ = ["Explorer"]

_EXPORTS = ("PNG", "GraphML", "GEXF (Gephi)", "evidence CSV", "FtM (Aleph)")


def _frame(evidence) -> pd.DataFrame:
    """``ws.evidence`` gives a DataFrame, or a result object with ``.to_frame()``."""
    return evidence if isinstance(evidence, pd.DataFrame) else evidence.to_frame()


class Explorer(widgets.VBox):
    """An explorable trade graph (ipycytoscape canvas + ipywidgets toolbar and side panel).

    Parameters
    ----------
    graph : networkx.DiGraph
        A graph following the ARCHITECTURE.md conventions (e.g. ``ws.trace(...).graph``).
    ws : Workspace, optional
        Enables expansion through ``ws.neighbourhood``, evidence through ``ws.evidence`` and search
        through ``ws.search``; without it the explorer works on ``graph`` alone.
    highlight : iterable, optional
        A path (node keys in order) drawn in red.
    seeds : iterable, optional
        The starting companies (heavy outline, never collapsed away).
    title : str
        Shown above the canvas (escaped).
    max_nodes : int
        Most real nodes on the canvas at once; the rest fold into ``more:`` nodes.
    expand_limit : int
        Partners added per expansion.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_edge(1, 2, kind="trade", shipments=3)
    >>> ex = Explorer(G, title="demo")
    >>> ex.visible.number_of_nodes(), str(ex).splitlines()[0]
    (2, 'demo: 2 of 2 nodes shown, 1 edges')
    """

    def __init__(self, graph: nx.Graph, *, ws=None, highlight: Iterable | None = None,
                 seeds: Iterable | None = None, title: str = "", max_nodes: int = 300,
                 expand_limit: int = 25, colour_by: str = "kind", layout: str = "tiers",
                 filters: ViewFilters | None = None):
        self.ws = ws
        self.full = nx.DiGraph(graph)
        self.highlight = [n for n in (highlight or ()) if n in self.full]
        self.seeds = {n for n in (seeds or ()) if n in self.full} or {
            n for n, d in self.full.nodes(data=True) if d.get("tier") == 0 and d.get("kind") != "more"}
        self.title = title
        self.max_nodes = max_nodes
        self.expand_limit = expand_limit
        self.colour_by = colour_by
        self.filters = filters or ViewFilters()
        self.shown: list = select_nodes(self._real(self.full), highlight=[*self.highlight, *self.seeds],
                                        max_nodes=max_nodes)
        self.selected: tuple | None = None
        self.evidence: pd.DataFrame | None = None
        self.visible = nx.DiGraph()
        self._ids: dict[str, Hashable] = {}
        self._build_controls(layout)
        super().__init__([self.header, self.toolbar, self.filter_bar,
                          widgets.HBox([self.canvas, self.panel],
                                       layout=widgets.Layout(width="100%", align_items="stretch")),
                          self.status])
        self.add_class("tk-explorer")
        self.timeline = Timeline.attach(self)  # timeline hook: slider + play above the canvas, chart in the panel
        self.refresh()

    # -- building ---------------------------------------------------------------------------------
    def _build_controls(self, layout: str) -> None:
        small = widgets.Layout(width="auto")
        self.header = widgets.HTML(f"<b>{html.escape(self.title)}</b>" if self.title else "")
        self.layout_menu = widgets.Dropdown(options=list(LAYOUTS), value=layout, description="layout",
                                            layout=widgets.Layout(width="210px"))
        self.colour_menu = widgets.Dropdown(options=list(COLOUR_MODES), value=self.colour_by,
                                            description="colour", layout=widgets.Layout(width="170px"))
        self.expand_button = widgets.Button(description="expand", tooltip="add partners of the selected node",
                                            layout=small)
        self.collapse_button = widgets.Button(description="collapse", layout=small,
                                              tooltip="hide partners only the selected node links to")
        self.search_box = widgets.Text(placeholder="find a company…", continuous_update=False, layout=widgets.Layout(width="180px"))
        self.search_button = widgets.Button(description="find", layout=small)
        self.hits = widgets.Dropdown(options=[], layout=widgets.Layout(width="220px"))
        self.export_menu = widgets.Dropdown(options=list(_EXPORTS), layout=widgets.Layout(width="130px"))
        self.export_button = widgets.Button(description="save", icon="download", layout=small)
        self.toolbar = widgets.HBox([self.layout_menu, self.colour_menu, self.expand_button,
                                     self.collapse_button, self.search_box, self.search_button, self.hits,
                                     self.export_menu, self.export_button],
                                    layout=widgets.Layout(flex_flow="row wrap"))
        self.since = widgets.Text(placeholder="since YYYY-MM-DD", layout=widgets.Layout(width="140px"))
        self.until = widgets.Text(placeholder="until YYYY-MM-DD", layout=widgets.Layout(width="140px"))
        self.hs_prefix = widgets.Text(placeholder="HS prefix", layout=widgets.Layout(width="100px"))
        self.min_shipments = widgets.BoundedIntText(value=1, min=1, max=10**9, description="min ships",
                                                    layout=widgets.Layout(width="160px"))
        self.min_risk = widgets.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.05, description="min risk",
                                            layout=widgets.Layout(width="260px"))
        self.apply_button = widgets.Button(description="apply filters", layout=small)
        self.filter_bar = widgets.HBox([self.since, self.until, self.hs_prefix, self.min_shipments,
                                        self.min_risk, self.apply_button],
                                       layout=widgets.Layout(flex_flow="row wrap"))
        self.canvas = GraphCanvas()
        self.canvas.layout.width = "68%"
        self.canvas.set_layout(layout)
        self.details = widgets.HTML("<em>click a node or an edge</em>")
        self.evidence_box = widgets.HTML("")
        self.panel = widgets.VBox([widgets.HTML(panel.PANEL_CSS), self.details, self.evidence_box],
                                  layout=widgets.Layout(width="32%", padding="0 0 0 8px", overflow="auto"))
        self.panel.add_class("tk-panel")
        self.status = widgets.HTML("")
        self.layout_menu.observe(lambda change: self.canvas.set_layout(change["new"]), "value")
        self.colour_menu.observe(lambda change: self.set_colour(change["new"]), "value")
        self.expand_button.on_click(lambda _b: self._on_selected(self.expand))
        self.collapse_button.on_click(lambda _b: self._on_selected(self.collapse))
        self.search_button.on_click(lambda _b: self._guard(self.find, self.search_box.value))
        self.search_box.observe(lambda change: self._guard(self.find, change["new"]), "value")
        self.hits.observe(self._on_hit, "value")
        self.apply_button.on_click(lambda _b: self._guard(self._apply_filter_controls))
        self.export_button.on_click(lambda _b: self._guard(self._export_chosen))
        self.canvas.on_tap(self._on_tap)

    # -- state → canvas ---------------------------------------------------------------------------
    @staticmethod
    def _real(G: nx.Graph) -> nx.Graph:
        return G.subgraph([n for n, d in G.nodes(data=True) if d.get("kind") != "more"])

    def refresh(self) -> None:
        """Recompute the visible graph from ``full``, ``shown`` and the filters and send it."""
        keep = set(self.seeds) | set(self.highlight)
        filtered = filtered_graph(self.full, self.filters, keep=keep)
        shown = [n for n in self.shown if n in filtered]
        self.visible = visible_subgraph(filtered, shown, max_nodes=self.max_nodes,
                                        highlight=[*self.highlight, *self.seeds])
        self._ids = {node_key(n): n for n in self.visible.nodes}
        self._ids.update({f"{node_key(u)}->{node_key(v)}": (u, v) for u, v in self.visible.edges})
        positions, headings = tier_layout(self.visible)
        self.canvas.set_elements(to_elements(self.visible, colour_by=self.colour_by, highlight=self.highlight,
                                             seeds=self.seeds, positions=positions), headings=headings)
        real = sum(1 for _n, d in self.visible.nodes(data=True) if d.get("kind") != "more")
        self.status.value = panel.message(self._summary(real))
        self.timeline.update(self)  # timeline hook: dated counts and flows of what is shown

    def _summary(self, real: int) -> str:
        known = self._real(self.full).number_of_nodes()
        text = f"{real:,} of {known:,} nodes shown, {self.visible.number_of_edges():,} edges"
        if self.filters.active():
            text += f"; filters: {self.filters.describe()}"
        return text

    # -- verbs the toolbar and clicks call -------------------------------------------------------
    def select(self, element) -> None:
        """Show a node's (key) or an edge's (``(u, v)``) details and evidence shipments in the panel."""
        self.selected = element
        if isinstance(element, tuple):
            u, v = element
            self.details.value = panel.edge_details(self.visible, u, v)
            self.evidence = self._edge_evidence(u, v)
        elif self.visible.nodes[element].get("kind") == "more":
            owner = next(iter(self.visible.predecessors(element)), None)
            self.details.value = panel.node_details(self.visible, element)
            self.evidence = None
            if owner is not None:
                self.expand(owner)
                return
        else:
            self.details.value = panel.node_details(self.visible, element)
            self.evidence = self._node_evidence(element)
        self.evidence_box.value = panel.evidence_html(self.evidence)
        self.timeline.show(self, element)  # timeline hook: shipments-over-time chart

    def expand(self, node) -> None:
        """Add up to ``expand_limit`` more partners of ``node`` (through ``ws.neighbourhood`` if any)."""
        if self.ws is not None and isinstance(node, int):
            result = self.ws.neighbourhood(node, 1, self.expand_limit, **self.filters.query_kwargs())
            self._merge(result.graph, around=node)
        partners = [m for m in nx.all_neighbors(self.full, node)
                    if m not in self.shown and self.full.nodes[m].get("kind") != "more"]
        partners = sorted(set(partners), key=lambda m: (-self._volume(node, m), str(m)))[: self.expand_limit]
        self.shown.extend(partners)
        if len(self.shown) > self.max_nodes:  # make room: drop the oldest non-kept nodes first
            keep = set(self.seeds) | set(self.highlight) | {node, *partners}
            extra = len(self.shown) - self.max_nodes
            drop = [n for n in self.shown if n not in keep][:extra]
            self.shown = [n for n in self.shown if n not in set(drop)]
        self.refresh()
        self.status.value = panel.message(f"expanded {self._name(node)}: {len(partners)} partners added; "
                                          + self._summary(self.visible.number_of_nodes()))

    def collapse(self, node) -> None:
        """Hide the partners of ``node`` that no other shown node links to (never seeds or the path)."""
        shown = set(self.shown)
        keep = set(self.seeds) | set(self.highlight) | {node}
        drop = {m for m in nx.all_neighbors(self.full, node)
                if m in shown and m not in keep and set(nx.all_neighbors(self.full, m)) & shown <= {node}}
        self.shown = [n for n in self.shown if n not in drop]
        self.refresh()

    def find(self, text: str) -> pd.DataFrame:
        """Fuzzy-search companies (``ws.search``, or the labels in the graph) and list them as hits."""
        text = (text or "").strip()
        if not text:
            return pd.DataFrame()
        if self.ws is not None:
            hits = self.ws.search(text, 10)
        else:
            from rapidfuzz import fuzz, process

            labels = {n: str(d.get("label") or n) for n, d in self._real(self.full).nodes(data=True)}
            found = process.extract(text, labels, scorer=fuzz.WRatio, limit=10)
            hits = pd.DataFrame([{"entity_id": key, "name": label, "score": score}
                                 for label, score, key in found])
        options = [(f"{r['name']} ({r['entity_id']})", r["entity_id"]) for r in hits.to_dict("records")]
        self.hits.options = options  # Dropdown renders option labels as text, never HTML
        self.status.value = panel.message(f"{len(options)} matches for {text!r}")
        return hits

    def focus(self, entity) -> None:
        """Bring ``entity`` onto the canvas (expanding it) and select it."""
        entity = int(entity) if isinstance(entity, str) and entity.isdigit() else entity
        if entity not in self.full and self.ws is not None:
            self._merge(self.ws.neighbourhood(entity, 1, self.expand_limit,
                                              **self.filters.query_kwargs()).graph, around=None)
        if entity not in self.full:
            raise TracekitError(f"entity {entity} is not in this graph")
        if entity not in self.shown:
            self.shown.append(entity)
        self.expand(entity)
        self.select(entity)

    def set_colour(self, mode: str) -> None:
        self.colour_by = mode
        self.refresh()

    def set_filters(self, **filters) -> None:
        """Filter the canvas: ``since``, ``until``, ``hs``, ``min_shipments``, ``min_risk``."""
        self.filters = ViewFilters(**filters)
        self.refresh()

    def highlight_path(self, nodes: Iterable) -> None:
        """Draw a path (node keys in order) in red, adding its nodes to the canvas."""
        self.highlight = [n for n in nodes if n in self.full]
        self.shown.extend(n for n in self.highlight if n not in self.shown)
        self.refresh()

    # -- exports ----------------------------------------------------------------------------------
    def export_dir(self) -> Path:
        base = self.ws.path if self.ws is not None and self.ws.path is not None else Path.cwd()
        folder = Path(base) / "exports"
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def to_graphml(self, path: str | Path) -> Path:
        """What the canvas shows, as GraphML."""
        return export.write_graphml(self.visible, path)

    def to_gexf(self, path: str | Path) -> Path:
        """What the canvas shows, as GEXF for Gephi."""
        return export.write_gexf(self.visible, path)

    def evidence_to_csv(self, path: str | Path) -> Path:
        """The evidence shipments in the panel, as CSV with formula prefixes neutralised."""
        if self.evidence is None:
            raise TracekitError("no evidence to export: click a node or an edge first")
        return export.write_evidence_csv(self.evidence, path)

    def to_ftm(self, path: str | Path) -> Path:
        """The companies on the canvas and the shipments among them, as FollowTheMoney JSON lines (Aleph)."""
        if self.ws is None:
            raise TracekitError("the FtM export needs the workspace: open the explorer with ws.show(...)")
        return self.ws.export("ftm", path, scope=self.visible, progress=False).path

    def save_png(self, path: str | Path) -> None:
        """Ask the browser for a PNG of the whole graph and write it to ``path`` when it arrives."""
        path = Path(path)

        def write(data: bytes) -> None:
            path.write_bytes(data)
            self.status.value = panel.message(f"saved {path}")

        self.canvas.request_png(write)

    def _export_chosen(self) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        folder, choice = self.export_dir(), self.export_menu.value
        if choice == "PNG":
            self.save_png(folder / f"graph-{stamp}.png")
            self.status.value = panel.message("PNG requested from the browser…")
            return
        writer, suffix = {"GraphML": (self.to_graphml, "graphml"), "GEXF (Gephi)": (self.to_gexf, "gexf"),
                          "evidence CSV": (self.evidence_to_csv, "csv"), "FtM (Aleph)": (self.to_ftm, "ftm.jsonl")}[choice]
        path = writer(folder / f"{'evidence' if suffix == 'csv' else 'graph'}-{stamp}.{suffix}")
        self.status.value = panel.message(f"saved {path}")

    # -- helpers ----------------------------------------------------------------------------------
    def _merge(self, graph: nx.Graph, *, around) -> None:
        offset = self.full.nodes[around].get("tier") if around in self.full else None
        base = graph.nodes[around].get("tier") if around in graph else None
        if around is not None and f"more:{around}" in self.full:
            self.full.remove_node(f"more:{around}")  # the fresh result says what is still folded
        for node, attrs in graph.nodes(data=True):
            attrs = dict(attrs)
            if attrs.get("kind") == "more":
                self.full.add_node(node, **attrs)
                continue
            if isinstance(offset, int) and isinstance(base, int) and isinstance(attrs.get("tier"), int):
                attrs["tier"] = offset + attrs["tier"] - base  # keep tiers relative to the canvas
            if node in self.full:
                attrs = {k: v for k, v in attrs.items() if k != "tier"} | {
                    k: v for k, v in self.full.nodes[node].items() if v is not None}
            self.full.add_node(node, **attrs)
        for u, v, attrs in graph.edges(data=True):
            if not self.full.has_edge(u, v):
                self.full.add_edge(u, v, **attrs)

    def _volume(self, a, b) -> float:
        return sum(float((self.full.get_edge_data(x, y) or {}).get("shipments") or 0) for x, y in ((a, b), (b, a)))

    def _name(self, node) -> str:
        return str(self.full.nodes[node].get("label") or node) if node in self.full else str(node)

    def _node_evidence(self, node) -> pd.DataFrame | None:
        if self.ws is None or not isinstance(node, int):
            return None
        return _frame(self.ws.evidence(node, None, 100, **self.filters.query_kwargs(dates=True, countries=False)))

    def _edge_evidence(self, u, v) -> pd.DataFrame | None:
        if self.ws is None or not (isinstance(u, int) and isinstance(v, int)):
            attrs = self.visible.edges[u, v]
            ids = attrs.get("evidence") or []
            return pd.DataFrame({"shipment_id": list(ids)}) if ids else None
        return _frame(self.ws.evidence(u, v, 100, **self.filters.query_kwargs(dates=True, countries=False)))

    def _on_tap(self, event: str, group: str, element_id: str) -> None:
        target = self._ids.get(element_id)
        if target is None:
            return
        if event == "dbltap" and group == "nodes":
            self._guard(self.expand, target)
        else:
            self._guard(self.select, target)

    def _on_selected(self, verb) -> None:
        if self.selected is None or isinstance(self.selected, tuple):
            self.status.value = panel.message("select a node first", error=True)
            return
        self._guard(verb, self.selected)

    def _on_hit(self, change) -> None:
        if change["new"] is not None:
            self._guard(self.focus, change["new"])

    def _apply_filter_controls(self) -> None:
        self.set_filters(since=self.since.value or None, until=self.until.value or None,
                         hs=self.hs_prefix.value or None, min_shipments=self.min_shipments.value,
                         min_risk=self.min_risk.value or None)

    def _guard(self, action, *args) -> None:
        """Run a UI action; a user-fixable error becomes a red status line, not a lost traceback."""
        try:
            action(*args)
        except TracekitError as exc:
            self.status.value = panel.message(str(exc), error=True)

    # -- rendering --------------------------------------------------------------------------------
    def to_svg(self) -> str:
        """The static drawing of what the canvas shows (deterministic layout)."""
        return to_svg(self.visible, highlight=self.highlight or None, max_nodes=self.max_nodes)

    def __str__(self) -> str:
        real = sum(1 for _n, d in self.visible.nodes(data=True) if d.get("kind") != "more")
        return f"{self.title or 'graph'}: {self._summary(real)}"

    def _repr_mimebundle_(self, **kwargs) -> dict:
        # the live widget for JupyterLab, plus a static SVG for nbconvert, GitHub and PDF
        bundle = super()._repr_mimebundle_(**kwargs) or {}
        svg = self.to_svg()
        bundle["text/plain"] = str(self)
        bundle["image/svg+xml"] = svg
        bundle["text/html"] = (f"<div class='tracekit-explorer-static'><p>{html.escape(str(self))}</p>{svg}</div>")
        return bundle
