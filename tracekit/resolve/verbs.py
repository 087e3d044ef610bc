"""Workspace verbs contributed by the resolve stage (mixed into :class:`tracekit.Workspace`)."""

from __future__ import annotations


class ResolveVerbs:
    """Verbs of the resolve stage; they use ``self.store`` (a :class:`tracekit.store.Store`)."""
