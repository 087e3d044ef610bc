"""Workspace verbs of the reports stage (mixed into :class:`tracekit.Workspace`), imported lazily."""

from __future__ import annotations


class ReportVerbs:
    """``ws.brief``; it uses the whole workspace (reports is the last stage)."""

    def brief(self, entity, *, out=None, hops: int = 2, window=None, watchlists=None, template=None,
              pdf: bool = False):  # noqa: ANN201 -- Brief, imported lazily
        """Write a self-contained HTML brief of ``entity`` (and the executed notebook beside it);
        see :func:`tracekit.reports.brief.brief`."""
        from tracekit.reports.brief import brief

        return brief(self, entity, out=out, hops=hops, window=window, watchlists=watchlists, template=template,
                     pdf=pdf)
