"""Workspace verbs contributed by the views stage (mixed into :class:`tracekit.Workspace`)."""

from __future__ import annotations


class ViewVerbs:
    """Verbs of the views stage; they use ``self.store`` (a :class:`tracekit.store.Store`)."""
