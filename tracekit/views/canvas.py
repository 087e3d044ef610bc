"""The graph canvas: an ipycytoscape view fed its elements in one JSON payload.

Why not ``CytoscapeWidget.graph.add_graph_from_networkx``? ipycytoscape creates one ipywidget (one comm,
one model, one view) per node and per edge: ~1 ms each in Python before the browser sees anything, and
much more in the browser (its issue #275: 5k nodes / 30k edges > 2 minutes). Here the ipycytoscape
widget only provides the cytoscape.js instance, its style sheet and its tooltips; the elements travel as
one string trait of a small anywidget (``widgets/explorer.js``) that applies them as a diff in one batch
and reports taps back. Cost: the element list is re-sent whole on each change (a few hundred kB for 5,000
elements), and the canvas needs the anywidget front end (installed with the ``anywidget`` package).
"""

from __future__ import annotations

import base64
import itertools
import json
import threading
from collections.abc import Callable
from importlib.resources import files

import anywidget
import ipycytoscape
import ipywidgets as widgets
import traitlets

__all__ = ["ElementFeeder", "GraphCanvas", "STYLE", "LAYOUTS"]

_FRONTEND = files("tracekit.frontend")
STYLE: list[dict] = json.loads((_FRONTEND / "style.json").read_text(encoding="utf-8"))

#: Layout names offered to the analyst → cytoscape.js layout options ("tiers" uses the positions
#: :func:`tracekit.views.layout.tier_layout` computes: suppliers left, the seed in the middle, buyers right,
#: each tier headed, in columns sized for a readable canvas).
LAYOUTS: dict[str, dict] = {
    "tiers": {"name": "preset"},
    "dagre (tiers)": {"name": "dagre", "rankDir": "LR", "nodeSep": 12, "rankSep": 90},
    "force (cose)": {"name": "cose", "randomize": False, "nodeRepulsion": 8000, "numIter": 600},
    "concentric": {"name": "concentric", "minNodeSpacing": 12},
    "breadthfirst": {"name": "breadthfirst", "directed": True, "spacingFactor": 0.9},
}


class ElementFeeder(anywidget.AnyWidget):
    """Carries the whole element list to the browser as one trait; relays taps back to Python."""

    _esm = (_FRONTEND / "explorer.js").read_text(encoding="utf-8")
    elements = traitlets.Unicode("[]").tag(sync=True)
    revision = traitlets.Int(0).tag(sync=True)
    # not "layout": that is every DOM widget's Layout model, and a dict there makes the widget manager
    # fail to build a child view in the browser (a page error on every explorer)
    cy_layout = traitlets.Dict({"name": "preset"}).tag(sync=True)
    #: JSON list of {"tier", "x", "text"}: the tier headings drawn above the columns (tiers layout only)
    headings = traitlets.Unicode("[]").tag(sync=True)
    painted = traitlets.Int(-1).tag(sync=True)


class GraphCanvas(widgets.Box):
    """The cytoscape canvas plus its feeder, as one box.

    Parameters
    ----------
    height : str
        CSS height of the canvas.

    Examples
    --------
    >>> canvas = GraphCanvas()
    >>> canvas.set_elements([{"group": "nodes", "data": {"id": "1", "label": "A"}}])
    >>> canvas.feeder.revision, len(json.loads(canvas.feeder.elements))
    (1, 1)
    """

    def __init__(self, *, height: str = "520px"):
        self.cyto = ipycytoscape.CytoscapeWidget(
            layout=widgets.Layout(height=height, width="100%", border="1px solid #ddd"),
        )
        self.cyto.cytoscape_style = STYLE
        self.cyto.cytoscape_layout = {"name": "preset"}
        # ipycytoscape's click tooltip assigns data[tooltip_source] to innerHTML: keep it off (an empty
        # source is never shown); widgets/explorer.js shows tk_tip on hover, as text
        self.cyto.tooltip_source = ""
        self.cyto.add_class("tk-canvas")
        self.feeder = ElementFeeder()
        self._tap_handlers: list[Callable[[str, str, str], None]] = []
        self._png_waiters: dict[int, tuple[threading.Event, list]] = {}
        self._tokens = itertools.count(1)
        self.feeder.on_msg(self._on_message)
        super().__init__([self.cyto, self.feeder],
                         layout=widgets.Layout(width="100%", flex="1 1 auto", flex_flow="column"))

    def set_elements(self, elements: list[dict], *, headings: list[dict] | None = None) -> None:
        """Replace what the canvas shows (the browser applies it as a diff), with its tier headings."""
        self.feeder.headings = json.dumps(headings or [], ensure_ascii=False, separators=(",", ":"))
        self.feeder.elements = json.dumps(elements, ensure_ascii=False, separators=(",", ":"))
        self.feeder.revision += 1

    def set_layout(self, name: str) -> None:
        """Run one of :data:`LAYOUTS` in the browser."""
        self.feeder.cy_layout = dict(LAYOUTS[name])

    def on_tap(self, handler: Callable[[str, str, str], None]) -> None:
        """Call ``handler(event, group, element_id)`` on ``tap``/``dbltap`` of a node or an edge."""
        self._tap_handlers.append(handler)

    def request_png(self, callback: Callable[[bytes], None], *, scale: int = 2) -> None:
        """Ask the browser for a PNG of the whole graph; ``callback(png_bytes)`` runs when it arrives."""
        token = next(self._tokens)
        self._png_waiters[token] = (threading.Event(), [callback])
        self.feeder.send({"action": "png", "token": token, "scale": scale})

    def _on_message(self, _widget, content: dict, _buffers) -> None:
        event = content.get("event")
        if event == "png":
            waiter = self._png_waiters.pop(content.get("token"), None)
            if waiter:
                for callback in waiter[1]:
                    callback(base64.b64decode(content.get("data") or ""))
            return
        if event in ("tap", "dbltap") and content.get("group") in ("nodes", "edges"):
            for handler in self._tap_handlers:
                handler(event, content["group"], str(content.get("id")))
