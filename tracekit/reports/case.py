"""The case a brief is about: one entity in one workspace, with what the sections compute, once.

The briefing template opens it in its kernel (``open_case(workspace, entity, …)``); each section of
:mod:`tracekit.reports.sections` reads from it, so the trace, the flags and the proximity are computed
once however many sections use them. The workspace is opened read-only: a brief reports the case, it
never changes it (``tracekit.reports.brief.brief`` brings the derived tables up to date first).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from tracekit.errors import TracekitError
from tracekit.query.changes import parse_window
from tracekit.query.entities import resolve_entity

__all__ = ["Case", "open_case", "default_change_windows", "TERM_FLAGS"]

#: flags that come from a watch-list term (the ``watchlists`` parameter selects which lists count)
TERM_FLAGS = ("precursor_named", "cas", "vague_chemical")
_CHANGE_MONTHS = 6  # without a window, the latest six months of data against the six before


@dataclass
class Case:
    """One entity in an open workspace, and the brief's parameters."""

    ws: object
    entity_id: int
    hops: int = 2
    window: tuple[dt.date, dt.date] | None = None
    watchlists: tuple[str, ...] | None = None
    parameters: dict = field(default_factory=dict)

    @cached_property
    def profile(self) -> dict:
        """Name, country and counts of the entity (``entities`` row), plus its trade dates."""
        row = self.ws.store.df("SELECT name, country, mention_count, shipment_count FROM entities "
                               "WHERE entity_id = ?", [self.entity_id])
        out = row.iloc[0].to_dict() if len(row) else {"name": None, "country": None, "mention_count": 0,
                                                      "shipment_count": 0}
        dates = self.ws.store.rows("SELECT min(date), max(date) FROM graph_trade WHERE src = $e OR dst = $e "
                                   "OR notify = $e", {"e": self.entity_id})
        out["first_date"], out["last_date"] = dates[0] if dates else (None, None)
        out["name"] = out.get("name") or f"unnamed entity {self.entity_id}"
        return out

    @property
    def name(self) -> str:
        return self.profile["name"]

    @property
    def since(self) -> str | None:
        return self.window[0].isoformat() if self.window else None

    @property
    def until(self) -> str | None:
        return self.window[1].isoformat() if self.window else None

    @cached_property
    def trace(self):  # noqa: ANN201 -- TraceResult
        """Suppliers and buyers up to ``hops`` tiers, in the window."""
        return self.ws.trace(self.entity_id, "both", self.hops, since=self.since, until=self.until)

    @cached_property
    def risk(self):  # noqa: ANN201 -- RiskResult
        return self.ws.risk(self.entity_id)

    @cached_property
    def risk_rank(self) -> tuple[int | None, int]:
        """(rank of the entity among scored companies or None, number of scored companies)."""
        ranking = self.ws.store.df("SELECT entity_id, rank() OVER (ORDER BY score DESC) AS r FROM graph_risk")
        hit = ranking[ranking["entity_id"] == self.entity_id]
        return (int(hit["r"].iloc[0]) if len(hit) else None), len(ranking)

    @cached_property
    def network(self) -> list[int]:
        """The companies of the trace (the entity first)."""
        others = sorted(int(n) for n, d in self.trace.graph.nodes(data=True)
                        if d.get("kind", "company") == "company" and n != self.entity_id)
        return [self.entity_id, *others]

    @cached_property
    def flag_rows(self) -> pd.DataFrame:
        """One row per flag on a shipment of the traced network (in the window, selected watch lists)."""
        ids = pd.DataFrame({"entity_id": pd.Series(self.network, dtype="int64")})
        window = "TRUE" if not self.window else "t.date BETWEEN $since AND $until"
        params = {"since": self.window[0], "until": self.window[1]} if self.window else {}
        with self.ws.store.registered("tk_brief_network", ids):
            frame = self.ws.store.df(f"""
SELECT f.shipment_id, f.flag, f.chemical, f.reason, f.matched_text, f.weight, f.source_file, f.line,
       json_extract_string(f.evidence, '$.list') AS watchlist, t.src, t.dst, t.notify, s.date,
       s.shipper_name, s.consignee_name, s.hs_code, s.description
FROM graph_shipment_flags f JOIN graph_trade t ON t.shipment_id = f.shipment_id
JOIN shipments s ON s.shipment_id = f.shipment_id
WHERE (t.src IN (SELECT entity_id FROM tk_brief_network) OR t.dst IN (SELECT entity_id FROM tk_brief_network))
  AND {window}""", params)  # noqa: S608 - fixed text, values bound
        if self.watchlists is not None:
            from_list = frame["flag"].isin(TERM_FLAGS) & frame["watchlist"].notna()
            frame = frame[~from_list | frame["watchlist"].isin(self.watchlists)]
        return frame.reset_index(drop=True)

    @cached_property
    def lists_loaded(self) -> list[str]:
        return list(self.ws.screen_lists.names())

    @cached_property
    def screening(self):  # noqa: ANN201 -- ScreenResult or None
        """The workspace screened against its lists, once (matches and hops; None without a list)."""
        return self.ws.screen() if self.lists_loaded else None

    @cached_property
    def proximity(self):  # noqa: ANN201 -- Proximity or None
        """Hops to the nearest listed party, as ``ws.sanctions_proximity`` gives them (None without a list)."""
        if self.screening is None:
            return None
        from tracekit.query.screen import Proximity

        hops = self.screening.hops
        row = hops[hops["entity_id"] == self.entity_id]
        if len(row):
            return Proximity(row.iloc[0].to_dict())
        return Proximity({"entity_id": self.entity_id, "entity_name": self.name, "hops": None,
                          "path": f"no listed party within {self.screening.meta['max_hops']} trade hops",
                          "path_entity_ids": [], "evidence_shipment_ids": []})

    @cached_property
    def screen_hits(self) -> pd.DataFrame:
        """List entries the entity itself matches."""
        if self.screening is None:
            return pd.DataFrame()
        frame = self.screening.to_frame()
        return frame[frame["entity_id"] == self.entity_id].reset_index(drop=True)

    @cached_property
    def change_windows(self) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date]] | None:
        return default_change_windows(self.ws, self.window)

    @cached_property
    def changes(self) -> pd.DataFrame:
        """Changes between the windows that involve the traced network, highest score first."""
        if self.change_windows is None:
            return pd.DataFrame()
        before, after = self.change_windows
        frame = self.ws.changes(before, after).to_frame()
        members = set(self.network)
        involved = frame["src"].isin(members) | frame["dst"].isin(members) | frame["via"].isin(members)
        return frame[involved].reset_index(drop=True)

    def places(self, shipment_ids) -> dict[int, tuple[str, int]]:  # noqa: ANN001
        """shipment id → (source file, line) for evidence shown by id."""
        ids = sorted({int(i) for i in shipment_ids})
        if not ids:
            return {}
        frame = pd.DataFrame({"shipment_id": pd.Series(ids, dtype="int64")})
        with self.ws.store.registered("tk_brief_ids", frame):
            rows = self.ws.store.rows("SELECT s.shipment_id, src.path, s.line FROM shipments s "
                                      "JOIN sources src USING (source_id) "
                                      "WHERE s.shipment_id IN (SELECT shipment_id FROM tk_brief_ids)")
        return {int(i): (path, int(line)) for i, path, line in rows}


def default_change_windows(ws, window) -> tuple | None:  # noqa: ANN001
    """(before, after): the window against the same span just before it (as many months for a window of
    whole months); without a window the last six months of data against the six before. None when the
    data has no dates.

    Examples
    --------
    >>> import datetime as dt
    >>> default_change_windows(None, (dt.date(2022, 7, 1), dt.date(2022, 12, 31)))[0]
    (datetime.date(2022, 1, 1), datetime.date(2022, 6, 30))
    >>> default_change_windows(None, (dt.date(2022, 7, 10), dt.date(2022, 7, 19)))[0]
    (datetime.date(2022, 6, 30), datetime.date(2022, 7, 9))
    """
    if window is None:
        latest = ws.store.scalar("SELECT max(date) FROM graph_trade")
        if latest is None:
            return None
        after_end = latest
        after_start = (pd.Timestamp(latest) - pd.DateOffset(months=_CHANGE_MONTHS) + pd.Timedelta(days=1)).date()
    else:
        after_start, after_end = window
    before_end = after_start - dt.timedelta(days=1)
    if after_start.day == 1 and (after_end + dt.timedelta(days=1)).day == 1:  # whole months: as many before
        months = (after_end.year - after_start.year) * 12 + after_end.month - after_start.month + 1
        before_start = (pd.Timestamp(after_start) - pd.DateOffset(months=months)).date()
    else:
        before_start = before_end - dt.timedelta(days=(after_end - after_start).days)
    return (before_start, before_end), (after_start, after_end)


def _watchlists(ws, watchlists) -> tuple[str, ...] | None:  # noqa: ANN001
    if watchlists is None or (isinstance(watchlists, list | tuple) and not watchlists):
        return None
    names = (watchlists,) if isinstance(watchlists, str) else tuple(str(w) for w in watchlists)
    names = tuple(Path(n).stem if n.lower().endswith(".csv") else n for n in names)
    known = set(ws.watchlists.list()["list"])
    unknown = sorted(set(names) - known)
    if unknown:
        raise TracekitError(f"watchlists: no watch list named {', '.join(map(repr, unknown))} in this workspace; "
                            f"lists in force: {', '.join(sorted(known))} (add one with `tracekit watchlists add FILE`)")
    return names


def open_case(workspace, entity, *, hops: int = 2, window=None, watchlists=None) -> Case:  # noqa: ANN001
    """Open ``workspace`` read-only and the case of ``entity`` (an id or a name, resolved as every verb does).

    Parameters
    ----------
    workspace : str or Workspace
        The workspace folder (the template's parameter), or an open workspace.
    entity : int or str
        Entity id or company name; an ambiguous name is an error listing the candidates.
    hops : int
        Tiers of suppliers and buyers traced (1–4).
    window : str or (date, date), optional
        ``"2024-01..2024-06"`` (or ``"2024"``): trade in the window only, and changes against the same
        length of time before it. Default: all trade; changes over the latest six months.
    watchlists : list of str, optional
        Names of the watch lists whose matches count as flags (default: every list in force).
    """
    if workspace is None or entity is None or str(entity).strip() == "":
        raise TracekitError("the brief needs its parameters: workspace (a folder) and entity (an id or a name)")
    if not 1 <= int(hops) <= 4:
        raise TracekitError(f"hops={hops}: use 1 to 4 (a brief beyond four tiers is a census, not a case)")
    if isinstance(workspace, str | Path):
        import tracekit

        ws = tracekit.Workspace(workspace, read_only=True, create=False)
    else:
        ws = workspace
    parsed = parse_window(window) if window not in (None, "") else None
    case = Case(ws, resolve_entity(ws, entity), int(hops), parsed, _watchlists(ws, watchlists),
                parameters={"workspace": str(getattr(ws, "path", workspace) or workspace), "entity": entity,
                            "hops": int(hops), "window": window, "watchlists": watchlists})
    return case


def summary_json(case: Case) -> str:
    """The brief's key facts as JSON (read back by the caller from the executed notebook)."""
    return json.dumps({"entity_id": str(case.entity_id), "name": case.name, "score": case.risk.score})
