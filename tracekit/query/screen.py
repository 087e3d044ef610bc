"""``screen``: which resolved entities are on a sanctions list, and how far every other one is from them.

Matching is the resolution stage's (:func:`tracekit.resolve.screen.screen_matches`); proximity the
graph stage's (:func:`tracekit.graph.sanctions.sanctions_hops`, where risk can use it too). This
module joins them into one result object.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracekit.errors import TracekitError
from tracekit.graph.filters import TradeFilter
from tracekit.graph.sanctions import HOPS_COLUMNS, MAX_HOPS, sanctions_hops
from tracekit.query.entities import resolve_entity
from tracekit.query.results import GraphResult, frame_records
from tracekit.query.subgraphs import prepared
from tracekit.rendering import Report
from tracekit.resolve.screen import DEFAULT_MIN_SCORE, SCREEN_KINDS, screen_matches
from tracekit.store.screen_lists import ScreenLists

__all__ = ["screen", "sanctions_proximity", "ScreenResult", "Proximity", "HOPS_COLUMNS", "MAX_HOPS"]

_ID_COLUMNS = ("entity_id", "nearest_listed_id", "path_entity_ids", "evidence_shipment_ids")


def _as_text_ids(value):  # noqa: ANN001, ANN202 -- ints, lists of ints, lists of lists
    if isinstance(value, list | tuple | np.ndarray):
        return [_as_text_ids(v) for v in value]
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(int(value))


@dataclass(repr=False)
class ScreenResult(GraphResult):
    """Screening hits (``to_frame()``: one row per entity × list entry, best first) and ``.hops``."""

    hops: pd.DataFrame | None = None

    def summary_lines(self) -> list[str]:
        listed = self.frame["entity_id"].nunique() if len(self.frame) else 0
        near = self.hops[self.hops["hops"] > 0] if self.hops is not None else []
        return [f"{listed:,} entities match a list entry ({len(self.frame):,} hits)",
                f"{len(near):,} more entities within {self.meta.get('max_hops', MAX_HOPS)} trade hops of one"]

    def to_json(self) -> dict:
        """JSON with every id as a string (64-bit ids do not survive JavaScript numbers)."""
        def records(frame: pd.DataFrame) -> list[dict]:
            rows = frame_records(frame.drop(columns=[c for c in _ID_COLUMNS if c in frame.columns]))
            for row, (_, original) in zip(rows, frame.iterrows(), strict=True):
                row.update({c: _as_text_ids(original[c]) for c in _ID_COLUMNS if c in frame.columns})
            return rows

        return {"title": self.title, "filters": self.filters, "summary": self.summary_lines(),
                "rows": records(self.frame), "hops": records(self.hops if self.hops is not None
                                                             else pd.DataFrame(columns=HOPS_COLUMNS)),
                "min_score": self.meta.get("min_score"), "max_hops": self.meta.get("max_hops")}

    def extra_tables(self) -> dict[str, pd.DataFrame]:
        near = self.hops[self.hops["hops"] > 0] if self.hops is not None else pd.DataFrame()
        return {"nearest listed party (trade hops, either direction)":
                near.drop(columns=["path_entity_ids"], errors="ignore")}


def _entries(ws, lists, kinds) -> pd.DataFrame:  # noqa: ANN001
    store_lists = ScreenLists(ws.store)
    names = store_lists.names()
    if not names:
        raise TracekitError("no screening list is loaded: ws.screen_lists.add(PATH, name=…) "
                            "(tracekit screen-lists add FILE --name NAME) first")
    wanted = [lists] if isinstance(lists, str) else list(lists or names)
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        raise TracekitError(f"no screening list named {', '.join(map(repr, unknown))}; lists: {', '.join(names)}")
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    known = ("organization", "individual", "vessel", "aircraft")
    if not kinds or set(kinds) - set(known):
        raise TracekitError(f"kinds={kinds!r}: use some of {', '.join(known)}")
    entries = store_lists.entries()
    return entries[entries["list_name"].isin(wanted) & entries["kind"].isin(kinds)]


def screen(ws, *, min_score: float = DEFAULT_MIN_SCORE, lists=None, kinds=SCREEN_KINDS,  # noqa: ANN001
           max_hops: int = MAX_HOPS) -> ScreenResult:
    """Screen every resolved entity against the stored lists; ``.hops`` has the proximity of the rest.

    Parameters
    ----------
    min_score : float
        Lowest match score (0–1) reported; see :data:`tracekit.resolve.screen.DEFAULT_MIN_SCORE`.
    lists : str or list of str, optional
        Which stored lists (default: all of ``ws.screen_lists``).
    kinds : tuple of str
        List entry kinds screened (``organization``, ``individual``, ``vessel``, ``aircraft``).
    max_hops : int
        Trade hops searched from the matched entities (1–6).
    """
    if not 1 <= int(max_hops) <= 6:
        raise TracekitError(f"max_hops={max_hops}: use 1 to 6 (beyond that everything is near everything)")
    entries = _entries(ws, lists, kinds)
    matches = screen_matches(ws.store, entries, min_score=min_score)
    prepared(ws)  # graph tables and flags up to date (DuckDB: the index too; Spark: never the index)
    hops, graph = sanctions_hops(ws.store, matches, int(max_hops), TradeFilter())
    for entity_id in matches["entity_id"].unique().tolist():
        if entity_id not in graph:
            graph.add_node(int(entity_id), label=str(matches.loc[matches["entity_id"] == entity_id,
                                                                 "entity_name"].iloc[0]), kind="company", flags=[])
        graph.nodes[int(entity_id)].setdefault("flags", []).append("listed")
    return ScreenResult(title=f"screen against {', '.join(sorted(entries['list_name'].unique()))}",
                        graph=graph, frame=matches, filters=f"min_score {min_score}, kinds {', '.join(kinds)}",
                        highlight=[int(e) for e in matches["entity_id"].unique()], hops=hops,
                        meta={"min_score": min_score, "max_hops": int(max_hops)}, workspace=ws)


class Proximity(dict, Report):
    """One entity's row of ``.hops`` (a dict); ``to_json()`` writes ids as strings, ``str()`` a sentence;
    HTML and ``to_frame()`` (one row per hop with its evidence shipments) from the one render mixin."""

    @property
    def title(self) -> str:
        return f"sanctions proximity of {self.get('entity_name') or self.get('entity_id')}"

    @property
    def frame(self) -> pd.DataFrame:
        hops = self.get("evidence_shipment_ids")
        hops = [] if hops is None else list(hops)
        return pd.DataFrame({"hop": list(range(1, len(hops) + 1)),
                             "evidence_shipment_ids": [[int(i) for i in ids] for ids in hops]})

    def summary_lines(self) -> list[str]:
        return str(self).splitlines()[:2]

    def to_json(self) -> dict:
        return {k: _as_text_ids(v) if k in _ID_COLUMNS else v for k, v in self.items()}

    def __str__(self) -> str:
        if self.get("hops") is None:
            return f"{self.get('entity_name') or self['entity_id']}: {self['path']}"
        lines = [f"{self['entity_name']}: {self['hops']} hop(s) to {self['nearest_listed_name']} "
                 f"({self['listed_as']})", f"path: {self['path']}"]
        lines += [f"hop {k}: shipments {', '.join(map(str, ids))}"
                  for k, ids in enumerate(self["evidence_shipment_ids"], start=1)]
        return "\n".join(lines)


def sanctions_proximity(ws, entity, **options) -> Proximity:  # noqa: ANN001
    """One entity's hops to the nearest listed party, with the path and evidence shipment ids."""
    entity_id = resolve_entity(ws, entity)
    result = screen(ws, **options)
    row = result.hops[result.hops["entity_id"] == entity_id]
    if len(row):
        return Proximity(row.iloc[0].to_dict())
    limit = result.meta["max_hops"]
    name = ws.store.scalar("SELECT name FROM entities WHERE entity_id = ?", [entity_id])
    return Proximity({"entity_id": entity_id, "entity_name": name, "hops": None,
                      "path": f"no listed party within {limit} trade hops", "path_entity_ids": [],
                      "evidence_shipment_ids": []})

