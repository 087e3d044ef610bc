"""Sanctions and watch lists kept in the workspace: table ``screen_list_entries``, one row per name.

``ws.screen_lists.add(path, name=…)`` reads a list (OFAC legacy CSV or FollowTheMoney JSON lines, see
:mod:`tracekit.ingest.screen_lists`) and replaces any list of that name, in one transaction, so a
newer copy of the same list never leaves old entries behind.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from tracekit.errors import TracekitError
from tracekit.ingest.screen_lists import ENTRY_COLUMNS, read_screen_list
from tracekit.store.engine import Store
from tracekit.store.schema import ensure_table

__all__ = ["SCREEN_TABLE", "ScreenLists", "ensure_screen_table"]

SCREEN_TABLE = "screen_list_entries"
_COLUMNS_SQL = ("list_name VARCHAR, entry_id VARCHAR, name VARCHAR, name_type VARCHAR, kind VARCHAR, "
                "programs VARCHAR, country VARCHAR, address VARCHAR, source_file VARCHAR, source_row BIGINT")


def ensure_screen_table(store: Store) -> None:
    ensure_table(store, SCREEN_TABLE, _COLUMNS_SQL)


class ScreenLists:
    """The lists a workspace screens against (``ws.screen_lists``).

    Examples
    --------
    >>> import tracekit
    >>> ws = tracekit.Workspace()
    >>> ws.screen_lists.names()
    []
    >>> ws.close()
    """

    def __init__(self, store: Store):
        self.store = store

    def add(self, path: str | Path, name: str | None = None, *, format: str = "auto") -> int:  # noqa: A002
        """Store the list at ``path`` as ``name`` (default: the file or folder name); returns name rows."""
        name = (name or Path(path).stem).strip()
        if not name:
            raise TracekitError("a screening list needs a name: pass name=")
        entries = read_screen_list(path, format)
        frame = entries.assign(list_name=name)[["list_name", *ENTRY_COLUMNS]]
        frame["source_row"] = frame["source_row"].astype("int64")
        ensure_screen_table(self.store)
        with self.store.transaction(), self.store.registered("tk_screen_new", frame):
            self.store.execute(f"DELETE FROM {SCREEN_TABLE} WHERE list_name = ?", [name])  # noqa: S608
            self.store.execute(f"INSERT INTO {SCREEN_TABLE} SELECT * FROM tk_screen_new")  # noqa: S608
        return len(frame)

    def remove(self, name: str) -> None:
        if name not in self.names():
            raise TracekitError(f"no screening list is named {name!r}; lists: {', '.join(self.names()) or 'none'}")
        self.store.execute(f"DELETE FROM {SCREEN_TABLE} WHERE list_name = ?", [name])  # noqa: S608

    def names(self) -> list[str]:
        if not self.store.table_exists(SCREEN_TABLE):
            return []
        return [r[0] for r in self.store.rows(f"SELECT DISTINCT list_name FROM {SCREEN_TABLE} ORDER BY 1")]  # noqa: S608

    def entries(self, name: str | None = None) -> pd.DataFrame:
        """Every stored name row (of one list, or all)."""
        if not self.store.table_exists(SCREEN_TABLE):
            return pd.DataFrame(columns=["list_name", *ENTRY_COLUMNS])
        where, params = ("WHERE list_name = ?", [name]) if name else ("", [])
        return self.store.df(f"SELECT * FROM {SCREEN_TABLE} {where} ORDER BY list_name, source_file, source_row",  # noqa: S608
                             params)

    def to_frame(self) -> pd.DataFrame:
        """One row per list: entries, names, kinds."""
        if not self.store.table_exists(SCREEN_TABLE):
            return pd.DataFrame(columns=["list_name", "entries", "names", "organizations"])
        return self.store.df(f"""
            SELECT list_name, count(DISTINCT entry_id) AS entries, count(*) AS names,
                   count(DISTINCT entry_id) FILTER (WHERE kind = 'organization') AS organizations
            FROM {SCREEN_TABLE} GROUP BY 1 ORDER BY 1""")  # noqa: S608

    def list(self) -> pd.DataFrame:  # noqa: A003 -- the action word of `tracekit screen-lists list`
        """One row per list: entries, names, organizations (the same as :meth:`to_frame`)."""
        return self.to_frame()

    def __repr__(self) -> str:
        return f"<screening lists: {', '.join(self.names()) or 'none'}>"

    def _repr_html_(self) -> str:
        frame = self.to_frame()
        rows = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r) + "</tr>"
                       for r in frame.itertuples(index=False))
        head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
        return f"<table class='tracekit-result'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"
