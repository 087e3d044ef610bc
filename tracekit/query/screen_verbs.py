"""Workspace verbs of sanctions screening (mixed into :class:`tracekit.Workspace`)."""

from __future__ import annotations


class ScreenVerbs:
    """``ws.screen_lists``, ``ws.screen``, ``ws.sanctions_proximity``; they use ``self.store``."""

    @property
    def screen_lists(self):  # noqa: ANN201 -- ScreenLists, imported lazily
        """The stored sanctions / watch lists: ``.add(path, name=…)``, ``.names()``, ``.entries()``."""
        from tracekit.store.screen_lists import ScreenLists

        return ScreenLists(self.store)

    def screen(self, **options):
        """Resolved entities matched against the lists, with ``.hops`` to the nearest listed party;
        see :func:`tracekit.query.screen.screen`."""
        from tracekit.query.screen import screen

        return screen(self, **options)

    def sanctions_proximity(self, entity, **options) -> dict:
        """Hops from ``entity`` to the nearest listed party, with the path and evidence shipments."""
        from tracekit.query.screen import sanctions_proximity

        return sanctions_proximity(self, entity, **options)
