"""``ws.export(what, out, format=...)``: the exports of :mod:`tracekit.query.export` on the Workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class ExportVerbs:
    """The export verb; uses ``self.store``."""

    def export(self, what: str, out: str | Path, format: str | None = None, *, scope: Any = None,
               progress: bool = True, namespace: str | None = None, **filters):
        """Write ``mentions``, ``entities``, ``shipments`` (CSV, formula-safe, or Parquet), ``graph``
        (GraphML, GEXF) or ``ftm`` (FollowTheMoney JSON lines for Aleph) to ``out``.

        ``scope`` narrows it to a case (a result such as ``ws.trace(...)``, a graph, entity ids or
        names); see :func:`tracekit.query.export.export`.
        """
        from tracekit.query.export import export

        return export(self, what, out, format, scope=scope, progress=progress, namespace=namespace, **filters)
