"""Workspace verbs contributed by the query stage (mixed into :class:`tracekit.Workspace`)."""

from __future__ import annotations


class QueryVerbs:
    """Verbs of the query stage; they use ``self.store`` (a :class:`tracekit.store.Store`)."""
