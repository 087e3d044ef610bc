"""``screen``: which resolved entities are on a sanctions list, and how far every other one is from them.

Matching is the resolution stage's (:func:`tracekit.resolve.screen.screen_matches`). Proximity is one
breadth-first pass over the trade index from all matched entities at once, following trade in either
direction (a broker that buys from a listed party and one that sells to it are both one hop away), up
to ``max_hops``. Each reached entity keeps the edge that reached it first, so its path to the nearest
listed party is read back hop by hop, with the shipments that make up each hop as evidence.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from tracekit.errors import TracekitError
from tracekit.graph.filters import TradeFilter
from tracekit.graph.project import build_digraph
from tracekit.graph.traverse import hop_distances
from tracekit.query.entities import resolve_entity
from tracekit.query.prepared import graph_index
from tracekit.query.results import GraphResult, frame_records, html_table
from tracekit.resolve.screen import DEFAULT_MIN_SCORE, SCREEN_KINDS, screen_matches
from tracekit.store.screen_lists import ScreenLists

__all__ = ["screen", "sanctions_proximity", "ScreenResult", "Proximity", "HOPS_COLUMNS", "MAX_HOPS"]

MAX_HOPS = 3
EVIDENCE_PER_HOP = 5
HOPS_COLUMNS = ["entity_id", "entity_name", "hops", "nearest_listed_id", "nearest_listed_name", "listed_as",
                "path", "path_entity_ids", "evidence_shipment_ids"]
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

    def _repr_html_(self) -> str:
        near = self.hops[self.hops["hops"] > 0] if self.hops is not None else pd.DataFrame()
        return (super()._repr_html_().removesuffix("</div>")
                + f"<h5>{html.escape('nearest listed party (trade hops, either direction)')}</h5>"
                + html_table(near.drop(columns=["path_entity_ids"], errors="ignore")) + "</div>")


def _parents(index, arrays, hop_of: np.ndarray, kept: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """Per node position: the neighbour one hop nearer a listed party, and the edge row between them."""
    parent = np.full(index.n_nodes, -1, dtype=np.int64)
    via = np.full(index.n_nodes, -1, dtype=np.int64)
    for hop, rows in enumerate(kept, start=1):
        rows = np.sort(rows)  # the lowest row wins ties: same data, same path
        src, dst = arrays.src[rows], arrays.dst[rows]
        forward = (hop_of[dst] == hop) & (hop_of[src] == hop - 1)
        child, near = np.where(forward, dst, src), np.where(forward, src, dst)
        child_rev, first = np.unique(child[::-1], return_index=True)  # reversed: keep each child's first row
        pick = len(child) - 1 - first
        parent[child_rev], via[child_rev] = near[pick], rows[pick]
    return parent, via


def _hop_evidence(store, pairs: pd.DataFrame) -> dict[tuple[int, int], list[int]]:  # noqa: ANN001
    """Up to a few shipment ids per (entity, neighbour) hop, in either direction."""
    if not len(pairs):
        return {}
    with store.registered("tk_scr_hops", pairs):
        found = store.df(f"""
            SELECT u, v, list(shipment_id ORDER BY shipment_id) AS ids FROM (
                SELECT h.u, h.v, t.shipment_id,
                       row_number() OVER (PARTITION BY h.u, h.v ORDER BY t.shipment_id) AS k
                FROM tk_scr_hops h JOIN graph_trade t
                  ON (t.src = h.u AND t.dst = h.v) OR (t.src = h.v AND t.dst = h.u)
            ) WHERE k <= {EVIDENCE_PER_HOP} GROUP BY u, v""")  # noqa: S608
    return {(int(u), int(v)): [int(x) for x in ids] for u, v, ids in found.itertuples(index=False)}


def _proximity(ws, matches: pd.DataFrame, max_hops: int, flt: TradeFilter):  # noqa: ANN001, ANN202
    index = graph_index(ws)
    arrays = index.arrays_for(flt)
    listed_ids = np.unique(matches["entity_id"].to_numpy(dtype=np.int64))
    present = listed_ids[np.isin(listed_ids, index.node_ids)]
    if not len(present):
        return pd.DataFrame(columns=HOPS_COLUMNS), nx.DiGraph()
    seeds = index.positions(present)
    hop_of, kept = hop_distances(index, arrays, seeds, forward=None, hops=max_hops, flt=flt)
    parent, via = _parents(index, arrays, hop_of, kept)
    reached = np.flatnonzero(hop_of >= 0)
    ids = index.node_ids
    hop_pairs = pd.DataFrame({"u": ids[reached[hop_of[reached] > 0]],
                              "v": ids[parent[reached[hop_of[reached] > 0]]]}).astype("int64")
    evidence = _hop_evidence(ws.store, hop_pairs)
    names = ws.store.df("SELECT entity_id, name FROM entities").set_index("entity_id")["name"].to_dict()
    listed_as = matches.groupby("entity_id").apply(
        lambda g: "; ".join(f"{ln}:{e} {n}" for ln, e, n in
                            zip(g["list_name"], g["entry_id"], g["listed_name"], strict=True)),
        include_groups=False).to_dict()
    records = []
    for pos in reached[np.argsort(hop_of[reached], kind="stable")].tolist():
        chain = [pos]
        while hop_of[chain[-1]] > 0:
            chain.append(int(parent[chain[-1]]))
        chain_ids = [int(ids[p]) for p in chain]
        text = str(names.get(chain_ids[0], chain_ids[0]))
        for p, q in zip(chain, chain[1:], strict=False):
            arrow = "→" if (arrays.src[via[p]], arrays.dst[via[p]]) == (p, q) else "←"
            text += f" {arrow} {names.get(int(ids[q]), int(ids[q]))}"
        records.append({
            "entity_id": chain_ids[0], "entity_name": names.get(chain_ids[0]), "hops": len(chain) - 1,
            "nearest_listed_id": chain_ids[-1], "nearest_listed_name": names.get(chain_ids[-1]),
            "listed_as": listed_as.get(chain_ids[-1]), "path": text, "path_entity_ids": chain_ids,
            "evidence_shipment_ids": [evidence.get((u, v), []) for u, v in zip(chain_ids, chain_ids[1:],
                                                                                 strict=False)],
        })
    rows = via[reached[hop_of[reached] > 0]]
    graph = build_digraph(index, arrays, np.unique(rows), flt, evidence=True)
    return pd.DataFrame(records, columns=HOPS_COLUMNS), graph


def _entries(ws, lists, kinds) -> pd.DataFrame:  # noqa: ANN001
    store_lists = ScreenLists(ws.store)
    names = store_lists.names()
    if not names:
        raise TracekitError("no screening list is loaded: ws.screen_lists.add(PATH, name=…) "
                            "(tracekit screen add FILE --name NAME) first")
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
    flt = TradeFilter()
    hops, graph = _proximity(ws, matches, int(max_hops), flt)
    for entity_id in matches["entity_id"].unique().tolist():
        if entity_id not in graph:
            graph.add_node(int(entity_id), label=str(matches.loc[matches["entity_id"] == entity_id,
                                                                 "entity_name"].iloc[0]), kind="company", flags=[])
        graph.nodes[int(entity_id)].setdefault("flags", []).append("listed")
    return ScreenResult(title=f"screen against {', '.join(sorted(entries['list_name'].unique()))}",
                        graph=graph, frame=matches, filters=f"min_score {min_score}, kinds {', '.join(kinds)}",
                        highlight=[int(e) for e in matches["entity_id"].unique()], hops=hops,
                        meta={"min_score": min_score, "max_hops": int(max_hops)})


class Proximity(dict):
    """One entity's row of ``.hops`` (a dict); ``to_json()`` writes ids as strings, ``str()`` a sentence."""

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

