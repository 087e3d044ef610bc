"""``ws.watchlists``: the watch lists in force (built in and the workspace's own), and adding or removing one.

The lists themselves live in the graph stage (:mod:`tracekit.graph.watchlists`), which builds the flags
from them; this is the analyst's handle on them.
"""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pandas as pd

from tracekit.graph import watchlists as lists

__all__ = ["Watchlists"]


class Watchlists:
    """The watch lists of a workspace. Adding or removing one rebuilds the flags on next use."""

    def __init__(self, ws):
        self._ws = ws

    def list(self) -> pd.DataFrame:
        """One row per list: name, origin (built-in / workspace), file, terms, chemicals, kinds."""
        return lists.list_watchlists(self._ws.store)

    def terms(self, name: str | None = None) -> pd.DataFrame:
        """Every term in force (or of list ``name``), with its source and where it was read from."""
        frame = pd.DataFrame([asdict(t) for t in lists.all_terms(self._ws.store)])
        return frame[frame["list"] == name].reset_index(drop=True) if name else frame

    def add(self, path: str | Path, *, replace: bool = False) -> pd.DataFrame:
        """Validate and store a watch-list CSV (same columns as the built-in lists); returns its summary."""
        return lists.add_watchlist(self._ws.store, path, replace=replace)

    def remove(self, name: str) -> int:
        """Remove a workspace list by name; returns how many terms went."""
        return lists.remove_watchlist(self._ws.store, name)

    def __repr__(self) -> str:
        return f"<Watchlists: {', '.join(self.list()['list'])}>"

    def _repr_html_(self) -> str:
        from tracekit.query.results import html_table

        return html_table(self.list())
