"""The explorer's timeline: a date-range slider, a play button and a shipments-over-time chart.

Filtering runs in the browser (``widgets/timeline.js``): Python sends, once per change of the graph,
ONE JSON trait with every visible trade edge's shipments per month and the day each edge and node
joins a time-respecting flow (:mod:`tracekit.views.timeline_data`). Scrubbing the slider then hides
edges whose shipments all fall outside the window without a kernel round trip (cytoscape classes in one
batch), and play steps through time lighting the flows in order. The window chosen in the browser comes
back as :attr:`Timeline.window` (for Python code and tests), and the panel's chart
(:mod:`tracekit.views.timeline_chart`) is a static matplotlib SVG.

The explorer calls three hooks: :meth:`Timeline.attach` once, :meth:`Timeline.update` after each
refresh and :meth:`Timeline.show` when an element is selected.
"""

from __future__ import annotations

import html
import json
import numbers
from collections.abc import Hashable
from importlib.resources import files

import anywidget
import ipywidgets as widgets
import networkx as nx
import traitlets

from tracekit.errors import TracekitError
from tracekit.views.elements import node_key
from tracekit.views.timeline_chart import shipments_chart_svg
from tracekit.views.timeline_data import (
    EdgeMonths,
    FlowOrder,
    edge_id,
    flow_order,
    flows_from_spans,
    month_range,
    monthly_counts,
)

__all__ = ["Timeline", "timeline_payload"]

_FRONTEND = files("tracekit.frontend")


def timeline_payload(G: nx.DiGraph, counts: EdgeMonths | None, flows: FlowOrder) -> dict:
    """The one JSON document the browser's timeline reads for graph ``G``.

    ``months``: every month from the earliest to the latest date of any trade edge; ``counts``: edge id →
    ``[month index, shipments, …]`` (flat pairs; absent when there is no workspace: the browser then
    uses the edge's ``first_date``/``last_date``); ``flow_edges`` / ``flow_nodes``: id → ISO day it
    lights up.

    Examples
    --------
    >>> G = nx.DiGraph()
    >>> G.add_edge(1, 2, kind="trade", first_date="2024-01-03", last_date="2024-03-09")
    >>> p = timeline_payload(G, EdgeMonths({(1, 2): {"2024-01": 2, "2024-03": 1}}), FlowOrder())
    >>> p["months"], p["counts"]
    (['2024-01', '2024-02', '2024-03'], {'1->2': [0, 2, 2, 1]})
    """
    dates: list[str] = []
    for _u, _v, d in G.edges(data=True):
        if d.get("kind", "trade") == "trade":
            dates += [str(d[k])[:7] for k in ("first_date", "last_date") if d.get(k)]
    per_edge = counts.counts if counts is not None else {}
    dates += [m for (u, v), per in per_edge.items() if G.has_edge(u, v) for m in per]
    dates += [d[:7] for d in flows.edges.values()]
    months = month_range(min(dates), max(dates)) if dates else []
    position = {m: i for i, m in enumerate(months)}
    out_counts = {}
    for (u, v), per in per_edge.items():
        if G.has_edge(u, v):
            out_counts[edge_id(u, v)] = [x for m in sorted(per) for x in (position[m], per[m])]
    return {
        "months": months,
        "counts": out_counts,
        "dated_by": "shipments" if counts is not None else "edge first/last dates",
        "flow_edges": {edge_id(u, v): day for (u, v), day in flows.edges.items() if G.has_edge(u, v)},
        "flow_nodes": {node_key(n): day for n, day in flows.nodes.items() if n in G},
        "flow_source": flows.source,
    }


class TimelineBar(anywidget.AnyWidget):
    """The slider, play button and step readout, drawn and run entirely in the browser."""

    _esm = (_FRONTEND / "timeline.js").read_text(encoding="utf-8")
    payload = traitlets.Unicode("{}").tag(sync=True)
    revision = traitlets.Int(0).tag(sync=True)
    #: ``[first month, last month]`` the analyst chose in the browser (empty: the whole range)
    window = traitlets.List(traitlets.Unicode(), default_value=[]).tag(sync=True)
    step_ms = traitlets.Int(700).tag(sync=True)


class Timeline:
    """The timeline of one explorer: its bar (above the canvas) and its chart (in the panel)."""

    def __init__(self, *, ws=None, max_lag_days: int = 180):
        self.ws = ws
        self.max_lag_days = max_lag_days
        self.bar = TimelineBar()
        self.bar.add_class("tk-timeline-box")
        self.chart = widgets.HTML("")
        self.chart.add_class("tk-timeline-chart")
        self._counts = EdgeMonths()
        self._counted: set[tuple] = set()
        self._flows: FlowOrder | None = None
        self._flows_key: tuple | None = None
        self._index = None
        self._index_ids: set[int] = set()

    # -- hooks the explorer calls -----------------------------------------------------------------
    @classmethod
    def attach(cls, explorer) -> Timeline:
        """Put a timeline into ``explorer``: the bar above the canvas, the chart under the panel."""
        timeline = cls(ws=explorer.ws)
        children = list(explorer.children)
        at = children.index(explorer.filter_bar) + 1 if explorer.filter_bar in children else len(children) - 1
        explorer.children = (*children[:at], timeline.bar, *children[at:])
        explorer.panel.children = (*explorer.panel.children, timeline.chart)
        return timeline

    def update(self, explorer) -> None:
        """Send the browser the dated counts and flows of what the explorer now shows."""
        visible = explorer.visible
        try:
            counts = self._counts_for(visible) if self.ws is not None else None
            flows = self._flows_for(explorer.full, explorer.seeds)
            payload = timeline_payload(visible, counts, flows)
        except TracekitError as exc:  # e.g. the workspace was closed: the graph stays usable, undated
            payload = timeline_payload(visible, None, flows_from_spans(explorer.full, explorer.seeds))
            payload["note"] = f"shipment dates unavailable: {exc}"
        self.bar.payload = json.dumps(payload, separators=(",", ":"))
        self.bar.revision += 1

    def show(self, explorer, element) -> None:
        """Draw the selected node's or edge's shipments per month into the panel."""
        self.chart.value = self.chart_html(explorer.full, element)

    # -- data -------------------------------------------------------------------------------------
    def index(self, graph: nx.DiGraph | None = None):
        """The trade index the counts and flows read. On DuckDB the workspace's; on Spark an index of the
        shipments among the companies shown (``graph``'s), pulled again only when the explorer shows a
        company it does not hold: the whole trade graph never comes to the driver (docs/SCALING.md)."""
        from tracekit.query.subgraphs import on_spark

        if self.ws is not None and on_spark(self.ws):
            shown = {int(n) for n in (graph if graph is not None else ()) if isinstance(n, numbers.Integral)}
            if self._index is None or not shown <= self._index_ids:
                from tracekit.graph.spark_project import rows_among, subgraph_index

                wanted = shown | self._index_ids
                rows = rows_among(self.ws.store, sorted(wanted), facts=True)
                self._index, self._index_ids = subgraph_index(self.ws.store, rows, wanted), wanted
            return self._index
        if self._index is None:
            from tracekit.query.prepared import graph_index

            self._index = graph_index(self.ws)
        return self._index

    def _counts_for(self, G: nx.DiGraph, edges: list[tuple] | None = None) -> EdgeMonths:
        """Counts for the trade edges of ``G`` (or ``edges`` of it), querying only those not counted before."""
        pairs = G.edges(data=True) if edges is None else ((u, v, G.edges[u, v]) for u, v in edges)
        fresh = [(u, v) for u, v, d in pairs
                 if d.get("kind", "trade") == "trade" and (u, v) not in self._counted]
        if fresh:
            self._counts.counts.update(monthly_counts(self.index(G), G, fresh).counts)
            self._counted.update(fresh)
        return self._counts

    def _flows_for(self, full: nx.DiGraph, seeds) -> FlowOrder:
        key = (full.number_of_nodes(), full.number_of_edges(), tuple(sorted(map(str, seeds))))
        if self._flows is None or key != self._flows_key:
            if self.ws is not None:
                self._flows = flow_order(self.index(full), full, seeds, max_lag_days=self.max_lag_days)
            else:
                self._flows = flows_from_spans(full, seeds)
            self._flows_key = key
        return self._flows

    def monthly(self, G: nx.DiGraph, element: Hashable | tuple) -> dict[str, dict[str, int]]:
        """Shipments per month of an edge (``{"shipments": …}``) or a node (``shipped``/``received``)."""
        if isinstance(element, tuple):
            edges = {"shipments": [element]}
        else:
            edges = {"shipped": [(element, v) for v in G.successors(element)],
                     "received": [(u, element) for u in G.predecessors(element)]}
        trade = [e for group in edges.values() for e in group
                 if G.edges[e].get("kind", "trade") == "trade"]
        counts = self._counts_for(G, trade) if trade else EdgeMonths()
        out: dict[str, dict[str, int]] = {}
        for label, group in edges.items():
            per: dict[str, int] = {}
            for e in group:
                for month, n in counts.counts.get(e, {}).items():
                    per[month] = per.get(month, 0) + n
            out[label] = per
        return out

    def chart_html(self, G: nx.DiGraph, element) -> str:
        """The panel's chart for a node or an edge (a note when there is nothing dated to draw)."""
        if self.ws is None:
            return "<p class='tk-timeline-note'><em>shipments per month need a workspace</em></p>"
        if isinstance(element, tuple) and not G.has_edge(*element) or \
                not isinstance(element, tuple) and (element not in G or G.nodes[element].get("kind") == "more"):
            return ""
        series = self.monthly(G, element)
        months = sorted({m for per in series.values() for m in per})
        if not months:
            return "<p class='tk-timeline-note'><em>no dated shipments</em></p>"
        months = month_range(months[0], months[-1])
        svg = shipments_chart_svg(months, {k: [per.get(m, 0) for m in months] for k, per in series.items()},
                                  window=tuple(self.bar.window) if len(self.bar.window) == 2 else None)
        total = sum(sum(per.values()) for per in series.values())
        caption = html.escape(f"{total:,} dated shipments, {months[0]} to {months[-1]}")
        return f"<div class='tk-timeline-chart'><div><small>{caption}</small></div>{svg}</div>"
