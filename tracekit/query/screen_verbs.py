"""Workspace verbs of sanctions screening (mixed into :class:`tracekit.Workspace`)."""

from __future__ import annotations

from tracekit.query.verbs import Verb


class ScreenVerbs:
    """``ws.screen_lists``, ``ws.screen``, ``ws.sanctions_proximity``; they use ``self.store``."""

    @property
    def screen_lists(self):  # noqa: ANN201 -- ScreenLists, imported lazily
        """The stored sanctions / watch lists: ``.add(path, name=…)``, ``.names()``, ``.entries()``."""
        from tracekit.store.screen_lists import ScreenLists

        return ScreenLists(self.store)

    screen = Verb("tracekit.query.screen:screen", graph=True)
    sanctions_proximity = Verb("tracekit.query.screen:sanctions_proximity")
