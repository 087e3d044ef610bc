"""``risk``: companies ranked by an additive, explainable score, each term with its evidence rows.

Built in the graph stage (:mod:`tracekit.graph.risk`, tables ``graph_risk`` and
``graph_risk_contributions``, weights in ``tracekit/graph/data/risk_weights.csv``); this verb only reads
them. ``ws.risk()`` ranks every company; ``ws.risk(entity)`` explains one: ``to_frame()`` has one row per
feature (all five, zero ones with a note saying why), and the contributions add up to the score.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from tracekit.errors import TracekitError
from tracekit.graph.filters import TradeFilter
from tracekit.graph.project import build_digraph
from tracekit.graph.risk import FEATURES, MAX_HOPS, lists_loaded, load_risk_weights
from tracekit.graph.traverse import rows_among
from tracekit.query.entities import resolve_entity
from tracekit.query.prepared import graph_index
from tracekit.query.results import GraphResult, frame_records

__all__ = ["risk", "RiskResult", "RANK_COLUMNS", "CONTRIBUTION_COLUMNS"]

RANK_COLUMNS = ["rank", "entity_id", "name", "country", "score", "top_feature", "features"]
CONTRIBUTION_COLUMNS = ["feature", "contribution", "weight", "cap", "raw", "note", "evidence_count", "evidence_rows",
                        "evidence"]
_DRAWN = 15
_ZERO_NOTES = {
    "flags": "no flagged shipment",
    "trace_position": "never received precursor-flagged goods and shipped onward",
    "shell_cluster": "shares no identifier with another company",
    "newly_appearing": "first seen more than the window before the latest data",
}


@dataclass(repr=False)
class RiskResult(GraphResult):
    """Ranking (``entity`` is None) or one company's contributions (``entity_id`` set)."""

    entity_id: int | None = None
    score: float | None = None

    def summary_lines(self) -> list[str]:
        if self.entity_id is None:
            return [f"{len(self.frame):,} companies with a non-zero risk; score = Σ weight × min(raw, cap)/cap "
                    "(weights: tracekit/graph/data/risk_weights.csv)"]
        return [f"risk {self.score:.3f} = " + " + ".join(
            f"{r.feature} {r.contribution:.3f}" for r in self.frame.itertuples() if r.contribution)]

    def to_json(self) -> dict:
        """JSON with every id as a string (64-bit ids do not survive JavaScript numbers)."""
        frame = self.frame.copy()
        if "entity_id" in frame:
            frame["entity_id"] = frame["entity_id"].astype("int64").astype(str)
        out = {"title": self.title, "filters": self.filters, "summary": self.summary_lines(),
               "rows": frame_records(frame)}
        if self.entity_id is not None:
            out.update(entity_id=str(self.entity_id), score=self.score)
        return out




def risk(ws, entity=None, *, top: int | None = None, weights=None) -> RiskResult:  # noqa: ANN001
    """Risk of one company (``entity``: id or name) or all companies ranked.

    Parameters
    ----------
    entity : int or str, optional
        The company to explain; omitted: rank all companies.
    top : int, optional
        Keep the ``top`` highest scores (ranking only).
    weights : str or Path, optional
        A weights table in the format of ``tracekit/graph/data/risk_weights.csv`` to score with
        (the stored risk is rebuilt with it; the next call without it rebuilds with the shipped one).
    """
    index = graph_index(ws)
    if weights is not None:
        from tracekit.graph.flags import flags_stamp
        from tracekit.graph.risk import ensure_risk, risk_stamp

        flags = flags_stamp(ws.store, index.fingerprint)
        ensure_risk(ws.store, flags, weights_path=weights)
        index.risk_stamp = risk_stamp(ws.store, flags, weights)
    store = ws.store
    if not store.table_exists("graph_risk"):
        raise TracekitError("risk has not been built yet and the workspace is open read-only: "
                            "open it writable once (ws.risk() builds it)")
    if entity is not None:
        return _one(ws, index, resolve_entity(ws, entity), weights)
    frame = store.df("""
SELECT r.entity_id, e.name, e.country, r.score,
       -- equal contributions in feature-name order (the read order differed between runs and engines)
       arg_min(c.feature, struct_pack(c := -c.contribution, f := c.feature)) AS top_feature,
       list(c.feature || ' ' || round(c.contribution, 3) ORDER BY c.contribution DESC, c.feature) AS features
FROM graph_risk r LEFT JOIN entities e ON e.entity_id = r.entity_id
JOIN graph_risk_contributions c ON c.entity_id = r.entity_id
GROUP BY r.entity_id, e.name, e.country, r.score
ORDER BY r.score DESC, r.entity_id""")
    if top is not None:
        frame = frame.head(int(top))
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    ids = frame["entity_id"].head(_DRAWN).astype(int).tolist()
    return RiskResult(title="risk", graph=_graph(index, ids), frame=frame[RANK_COLUMNS],
                      filters="all companies" if top is None else f"top {top}", workspace=ws)
    # no highlight: the explorer paints highlighted nodes red, which would hide the colour-by-risk fill


def _one(ws, index, entity_id: int, weights) -> RiskResult:  # noqa: ANN001
    stored = ws.store.df("SELECT feature, contribution, weight, cap, raw, note, evidence_count, evidence "
                         "FROM graph_risk_contributions WHERE entity_id = ?", [entity_id])
    table = load_risk_weights(weights)
    rows = []
    for feature in FEATURES:
        hit = stored[stored["feature"] == feature]
        if len(hit):
            row = hit.iloc[0].to_dict()
            row["evidence"] = json.loads(row["evidence"]) if isinstance(row["evidence"], str) else row["evidence"]
            rows.append(row)
            continue
        note = _ZERO_NOTES.get(feature)
        if feature == "listed_hops":
            note = ("no screening list is loaded (ws.screen_lists.add / tracekit screen-lists add): 0 until one is"
                    if not lists_loaded(ws.store) else f"no listed party within {MAX_HOPS} trade hops")
        if table[feature].weight == 0:
            note = f"{note}; weight 0 in the weights table"
        rows.append({"feature": feature, "contribution": 0.0, "weight": table[feature].weight,
                     "cap": table[feature].cap, "raw": 0.0, "note": note, "evidence_count": 0, "evidence": []})
    for row in rows:  # readable in a terminal: file:line of each evidence row
        row["evidence_rows"] = ", ".join(f"{Path(str(e.get('source_file'))).name}:{e.get('line')}"
                                         for e in row["evidence"])
    frame = pd.DataFrame(rows, columns=CONTRIBUTION_COLUMNS)
    frame = frame.sort_values("contribution", ascending=False, kind="stable", ignore_index=True)
    score = float(frame["contribution"].sum())
    name = ws.store.scalar("SELECT name FROM entities WHERE entity_id = ?", [entity_id]) or str(entity_id)
    return RiskResult(title=f"risk of {name}", graph=_graph(index, [entity_id], neighbours=True), frame=frame,
                      filters="all trade", highlight=[entity_id], entity_id=entity_id, score=score, workspace=ws)


def _graph(index, entity_ids: list[int], *, neighbours: bool = False) -> nx.DiGraph:  # noqa: ANN001
    known = set(index.node_ids.tolist())
    ids = [e for e in entity_ids if e in known]
    if not ids:
        graph = nx.DiGraph()
        return graph
    flt = TradeFilter()
    positions = index.positions(ids)
    if neighbours:
        rows = np.unique(np.concatenate([index.edges.out_rows(positions), index.edges.in_rows(positions)]))
        rows = rows[:200]
    else:
        rows = rows_among(index, index.edges, positions, flt)
    return build_digraph(index, index.edges, rows, flt, tiers={int(p): None for p in positions})
