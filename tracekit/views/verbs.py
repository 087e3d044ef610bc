"""Workspace verbs contributed by the views stage (mixed into :class:`tracekit.Workspace`)."""

from __future__ import annotations

from typing import Any

import networkx as nx

__all__ = ["ViewVerbs"]


class ViewVerbs:
    """Verbs of the views stage; they use ``self.store`` (a :class:`tracekit.store.Store`)."""

    def show(self, what: Any, *, hops: int = 1, limit: int = 50, max_nodes: int = 300, **filters):
        """An explorer widget on ``what``: a result (``ws.trace(...)`` …), a networkx graph, or an entity.

        An entity id or name opens its neighbourhood (``limit`` partners per company, ``hops`` deep, under
        ``filters``); a result keeps its title and highlighted path. In JupyterLab the widget is live
        (click, expand, filter, export); exported notebooks show its static SVG.

        Returns
        -------
        tracekit.views.explorer.Explorer
        """
        from tracekit.views.explorer import Explorer

        if isinstance(what, nx.Graph):
            return Explorer(what, ws=self, max_nodes=max_nodes)
        graph = getattr(what, "graph", None)
        if isinstance(graph, nx.Graph):
            return Explorer(graph, ws=self, title=getattr(what, "title", ""), max_nodes=max_nodes,
                            highlight=getattr(what, "highlight", None) or None)
        result = self.neighbourhood(what, hops, limit, **filters)
        return Explorer(result.graph, ws=self, title=result.title, highlight=result.highlight,
                        seeds=result.highlight, max_nodes=max_nodes)

    def explore(self, what: Any, **options):
        """Same as :meth:`show` (the name analysts coming from ipysigma / graph-notebook look for)."""
        return self.show(what, **options)
