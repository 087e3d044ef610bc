"""``flags``: shipments and companies ranked by their flags, each flag with its reason and source row.

The flags are built in the graph stage (:mod:`tracekit.graph.flags`, table ``graph_shipment_flags``);
this verb only reads them. ``to_frame()`` ranks shipments (the sum of their flags' weights), ``entities``
ranks companies (the sum over their distinct flags of the heaviest weight), ``graph`` is the trade among
the top companies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import pandas as pd

from tracekit.errors import TracekitError
from tracekit.graph.flag_rules import FLAG_WEIGHTS
from tracekit.query.results import GraphResult
from tracekit.query.subgraphs import among, prepared

__all__ = ["flags", "FlagsResult", "SHIPMENT_COLUMNS", "ENTITY_COLUMNS"]

SHIPMENT_COLUMNS = ["rank", "score", "flags", "chemicals", "reasons", "matched_text", "date", "shipper",
                    "consignee", "hs_code", "description", "source_file", "line", "shipment_id"]
ENTITY_COLUMNS = ["rank", "entity_id", "name", "country", "score", "flags", "flagged_shipments"]
_DRAWN = 15

_SHIPMENTS_SQL = """
WITH f AS (
  SELECT * FROM graph_shipment_flags WHERE {where}
), per AS (
  SELECT shipment_id, sum(weight) AS score, list(DISTINCT flag ORDER BY flag) AS flags,
         list(DISTINCT chemical ORDER BY chemical) FILTER (WHERE chemical IS NOT NULL) AS chemicals,
         list(reason ORDER BY weight DESC, flag) AS reasons,
         list(DISTINCT matched_text ORDER BY matched_text) FILTER (WHERE matched_text IS NOT NULL) AS matched_text,
         first(source_file) AS source_file, first(line) AS line
  FROM f GROUP BY shipment_id
)
SELECT per.score, per.flags, coalesce(per.chemicals, []) AS chemicals, per.reasons,
       coalesce(per.matched_text, []) AS matched_text, s.date, s.shipper_name AS shipper,
       s.consignee_name AS consignee, s.hs_code, s.description, per.source_file, per.line, per.shipment_id
FROM per JOIN shipments s ON s.shipment_id = per.shipment_id
ORDER BY per.score DESC, s.date DESC NULLS LAST, per.shipment_id
"""

_ENTITIES_SQL = """
SELECT g.entity_id, e.name, e.country, sum(g.weight) AS score, list(g.flag ORDER BY g.weight DESC, g.flag) AS flags,
       max(g.shipments) AS flagged_shipments
FROM graph_flags g LEFT JOIN entities e ON e.entity_id = g.entity_id
WHERE {where}
GROUP BY g.entity_id, e.name, e.country
ORDER BY score DESC, flagged_shipments DESC, g.entity_id
"""


@dataclass(repr=False)
class FlagsResult(GraphResult):
    """``to_frame()``: one row per flagged shipment, best first; ``entities``: one row per company."""

    entities: pd.DataFrame = field(default_factory=pd.DataFrame)
    workspace: object = None

    def summary_lines(self) -> list[str]:
        counts = self.meta.get("counts", {})
        by_flag = ", ".join(f"{k} {v:,}" for k, v in counts.items()) or "none"
        return [f"{len(self.frame):,} flagged shipments, {len(self.entities):,} flagged companies",
                f"shipments per flag: {by_flag}",
                f".graph: trade among the top {min(_DRAWN, len(self.entities))} companies; "
                ".entities ranks companies; every row names its source file and line"]

    def extra_tables(self) -> dict[str, pd.DataFrame]:
        return {"entities": self.entities}

    def evidence(self, shipment_id: int) -> pd.DataFrame:
        """Every flag row of one shipment (reason, matched text, evidence JSON, source file and line)."""
        return self.workspace.store.df(
            "SELECT * FROM graph_shipment_flags WHERE shipment_id = ? ORDER BY weight DESC, flag",
            [int(shipment_id)])


def _where(flag, chemical, column_prefix: str = "") -> tuple[str, list]:
    clauses, params = ["TRUE"], []
    if flag:
        names = [flag] if isinstance(flag, str) else list(flag)
        unknown = sorted(set(names) - set(FLAG_WEIGHTS) - {"precursor"})
        if unknown:
            raise TracekitError(f"unknown flag(s) {unknown}; flags are {', '.join(FLAG_WEIGHTS)}")
        clauses.append(f"{column_prefix}flag IN ({', '.join('?' * len(names))})")
        params += names
    if chemical:
        clauses.append(f"lower({column_prefix}chemical) LIKE '%' || lower(?) || '%'")
        params.append(chemical)
    return " AND ".join(clauses), params


def flags(ws, *, flag=None, chemical: str | None = None, min_score: float = 0.0,
          top: int | None = None) -> FlagsResult:
    """Flagged shipments and companies, ranked by the weights of their flags.

    Parameters
    ----------
    ws : Workspace
    flag : str or list of str, optional
        Keep only these flags (``precursor_named``, ``cas``, ``precursor_hs``, ``misdeclared``,
        ``vague_chemical``, ``unit_value``, ``relay``, ``transshipment``, ``new_one_buyer``,
        ``placeholder_party``, ``cas_check_digit``).
    chemical : str, optional
        Keep flags naming this chemical (substring, case-insensitive), e.g. ``"NPP"``.
    min_score : float
        Keep shipments whose summed weight reaches this.
    top : int, optional
        Keep the ``top`` best-ranked shipments (and companies).
    """
    prepared(ws)  # graph tables and flags up to date with the data and the watch lists
    store = ws.store
    if not store.table_exists("graph_shipment_flags"):
        raise TracekitError("the flags have not been built yet and the workspace is open read-only: "
                            "open it writable once (ws.flags() builds them)")
    where, params = _where(flag, chemical)
    frame = store.df(_SHIPMENTS_SQL.format(where=where), params)
    frame = frame[frame["score"] >= float(min_score)].reset_index(drop=True)
    if top is not None:
        frame = frame.head(int(top))
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    if chemical:
        ids = pd.DataFrame({"shipment_id": frame["shipment_id"].astype("int64")})
        with store.registered("tk_flag_ids", ids):
            entity_where = ("g.entity_id IN (SELECT unnest([t.src, t.dst, t.notify]) FROM graph_trade t "
                            "JOIN tk_flag_ids i ON i.shipment_id = t.shipment_id)")
            entities = store.df(_ENTITIES_SQL.format(where=entity_where))
    else:
        entity_flags = None
        if flag:
            names = [flag] if isinstance(flag, str) else list(flag)
            entity_flags = sorted({"precursor" if n in ("precursor_named", "cas") else n for n in names})
        entity_where = "TRUE" if not entity_flags else f"g.flag IN ({', '.join('?' * len(entity_flags))})"
        entities = store.df(_ENTITIES_SQL.format(where=entity_where), entity_flags or [])
    if top is not None:
        entities = entities.head(int(top))
    entities.insert(0, "rank", np.arange(1, len(entities) + 1))
    counts_sql = (f"SELECT flag, count(DISTINCT shipment_id) AS n FROM graph_shipment_flags WHERE {where} "  # noqa: S608
                  "GROUP BY flag ORDER BY n DESC, flag")
    counts = store.df(counts_sql, params)
    described = ", ".join(x for x in (f"flag={flag}" if flag else "", f"chemical={chemical}" if chemical else "",
                                      f"min_score={min_score:g}" if min_score else "") if x) or "all flags"
    result = FlagsResult(title="flags", graph=nx.DiGraph(), frame=frame[SHIPMENT_COLUMNS], filters=described,
                         entities=entities[ENTITY_COLUMNS], workspace=ws,
                         meta={"counts": dict(zip(counts["flag"], counts["n"].astype(int), strict=True))})
    result.graph = _top_graph(ws, entities["entity_id"].head(_DRAWN).tolist())
    result.highlight = entities["entity_id"].head(_DRAWN).astype(int).tolist()
    return result


def _top_graph(ws, entity_ids: list[int]) -> nx.DiGraph:
    """Trade among the top companies and their partners on flagged shipments (the flagged flows)."""
    if not entity_ids:
        return nx.DiGraph()
    top = pd.DataFrame({"entity_id": pd.Series(entity_ids, dtype="int64")})
    with ws.store.registered("tk_top_flagged", top):
        partners = ws.store.df(
            "SELECT DISTINCT unnest([t.src, t.dst]) AS entity_id FROM graph_trade t "
            "JOIN (SELECT DISTINCT shipment_id FROM graph_shipment_flags) f ON f.shipment_id = t.shipment_id "
            "WHERE t.src IN (SELECT entity_id FROM tk_top_flagged) OR t.dst IN (SELECT entity_id FROM tk_top_flagged) "
            "ORDER BY entity_id LIMIT 60")  # ordered: both engines draw the same 60 partners
    ids = sorted({int(e) for e in entity_ids} | {int(e) for e in partners["entity_id"].dropna()})
    return among(ws, ids)
