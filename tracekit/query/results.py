"""Result objects of the graph verbs, rendered by the one mixin (:class:`tracekit.rendering.Rendered`).

A graph result holds a networkx graph (``.graph``) and a table (``.to_frame()``); it prints as text in a
terminal, as escaped HTML with a static SVG of its graph (and ``image/svg+xml``) in a notebook, as JSON
for ``--json``, and as CSV with spreadsheet formula prefixes neutralised.

Explorable by default: in a live Jupyter kernel the views stage registers a display formatter for
:class:`GraphResult` (:mod:`tracekit.views.result_display`) that shows the explorer widget with this
static rendering in the same output. The query stage never imports views; a result only says what the
explorer needs (``graph``, ``title``, ``highlight``, ``workspace``) and how it wants to be shown
(``display``: ``"auto"`` — the explorer where a kernel can show one — or ``"static"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import pandas as pd

from tracekit.errors import TracekitError
from tracekit.rendering import (
    Rendered,
    TableResult,
    cell_text,
    csv_safe,
    frame_records,
    html_table,
    safe_frame,
)

__all__ = ["GraphResult", "TableResult", "DISPLAY_MODES", "check_display", "csv_safe", "html_table",
           "safe_frame", "frame_records", "cell_text"]

DISPLAY_MODES = ("auto", "static")
"""``auto``: the explorer widget in a live kernel (static SVG in the same output); ``static``: SVG and table."""


def check_display(display: str) -> str:
    """Validate a ``display=`` argument.

    Examples
    --------
    >>> check_display("static")
    'static'
    """
    if display not in DISPLAY_MODES:
        raise TracekitError(f"display={display!r}: use one of {', '.join(map(repr, DISPLAY_MODES))}")
    return display


@dataclass(repr=False)
class GraphResult(Rendered):
    """Base of every graph verb's result.

    Subclasses set ``title`` and ``frame`` (and may override :meth:`summary_lines`).
    """

    title: str
    graph: nx.DiGraph
    frame: pd.DataFrame
    filters: str = "all trade"
    highlight: list = field(default_factory=list)
    meta: dict = field(default_factory=dict)
    display: str = "auto"
    workspace: object = field(default=None, repr=False, compare=False)

    def summary_lines(self) -> list[str]:
        return [f"{self.graph.number_of_nodes():,} companies/nodes, {self.graph.number_of_edges():,} edges"]

    def to_json(self) -> dict:
        out = super().to_json()
        out.update({k: frame_records(v) if isinstance(v, pd.DataFrame) else v for k, v in self.meta.items()})
        return out

    def figure_svg(self) -> str | None:
        if self.graph.number_of_nodes() == 0:
            return None
        from tracekit.graph.draw import to_svg

        return to_svg(self.graph, highlight=self.highlight or None)

    def static(self) -> GraphResult:
        """This result shown as its static SVG and table, never as the explorer (``display="static"``)."""
        self.display = "static"
        return self
