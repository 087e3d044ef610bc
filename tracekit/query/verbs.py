"""Workspace verbs contributed by the query stage (mixed into :class:`tracekit.Workspace`).

Each verb is a thin wrapper over the plain function in its own module (``tracekit.query.trace.trace``
…), imported lazily so opening a workspace stays fast.
"""

from __future__ import annotations


class QueryVerbs:
    """Verbs of the query stage; they use ``self.store`` (a :class:`tracekit.store.Store`)."""

    def graph(self, *, context=(), **filters):
        """The whole trade graph (filtered) as a networkx DiGraph; see :func:`tracekit.query.whole.whole_graph`."""
        from tracekit.query.whole import whole_graph

        return whole_graph(self, context=context, **filters)

    def trace(self, entity, direction: str = "down", hops: int = 3, **options):
        """Suppliers (``up``) or buyers (``down``) tier by tier; see :func:`tracekit.query.trace.trace`."""
        from tracekit.query.trace import trace

        return trace(self, entity, direction, hops, **options)

    def paths(self, a, b, **options):
        """Trade paths from ``a`` to ``b``; see :func:`tracekit.query.paths.paths`."""
        from tracekit.query.paths import paths

        return paths(self, a, b, **options)

    def communities(self, method: str = "leiden", resolution: float = 1.0, **options):
        """Trade communities with a summary each; see :func:`tracekit.query.communities.communities`."""
        from tracekit.query.communities import communities

        return communities(self, method, resolution, **options)

    def shell_clusters(self, **options):
        """Companies joined by shared identifiers, ranked; see :func:`tracekit.query.shell_clusters.shell_clusters`."""
        from tracekit.query.shell_clusters import shell_clusters

        return shell_clusters(self, **options)

    def changes(self, before, after, **options):
        """What changed between two windows, ranked; see :func:`tracekit.query.changes.changes`."""
        from tracekit.query.changes import changes

        return changes(self, before, after, **options)

    def neighbourhood(self, entity, hops: int = 1, limit: int = 50, **filters):
        """What the explorer shows on click; see :func:`tracekit.query.neighbourhood.neighbourhood`."""
        from tracekit.query.neighbourhood import neighbourhood

        return neighbourhood(self, entity, hops, limit, **filters)

    neighborhood = neighbourhood

    def flags(self, **options):
        """Flagged shipments and companies, ranked, with reasons and source rows; see :func:`tracekit.query.flags.flags`."""
        from tracekit.query.flags import flags

        return flags(self, **options)

    @property
    def watchlists(self):
        """The watch lists in force: ``.list()``, ``.add(path)``, ``.remove(name)``, ``.terms()``."""
        from tracekit.query.watchlists import Watchlists

        return Watchlists(self)

    def evidence(self, a, b=None, limit: int | None = 100, **filters):
        """Shipments on the edge ``a → b`` or all of ``a``'s; see :func:`tracekit.query.evidence.evidence`."""
        from tracekit.query.evidence import evidence

        return evidence(self, a, b, limit, **filters)
