"""Evidence: the shipments behind an edge (a → b) or behind one company, with their source rows."""

from __future__ import annotations

import pandas as pd

from tracekit.errors import TracekitError
from tracekit.graph.filters import TradeFilter
from tracekit.graph.tables import ensure_graph_tables
from tracekit.query.entities import entity_name, resolve_entity
from tracekit.rendering import TableResult
from tracekit.store.ids import id_array

__all__ = ["evidence", "evidence_result", "EVIDENCE_COLUMNS"]

EVIDENCE_COLUMNS = [
    "date", "shipper", "consignee", "notify", "hs_code", "description", "weight_kg", "value_usd",
    "port_of_lading", "port_of_unlading", "source_file", "line", "shipment_id", "shipper_entity",
    "consignee_entity",
]


def evidence_sql(where: str, limit: int, extra_join: str = "") -> str:
    """The shipments of ``graph_trade`` rows matching ``where`` with their canonical fields."""
    return f"""
SELECT s.date, s.shipper_name AS shipper, s.consignee_name AS consignee, s.notify_name AS notify,
       s.hs_code, s.description, s.weight_kg, s.value_usd, s.port_of_lading, s.port_of_unlading,
       coalesce(src.name, src.path) AS source_file, s.line, s.shipment_id,
       t.src AS shipper_entity, t.dst AS consignee_entity
FROM graph_trade t
{extra_join}
JOIN shipments s ON s.shipment_id = t.shipment_id
LEFT JOIN sources src ON src.source_id = s.source_id
WHERE {where}
ORDER BY s.date DESC NULLS LAST, s.shipment_id
LIMIT {int(limit)}
"""  # noqa: S608 - integers and validated filter literals only


def evidence(ws, a, b=None, limit: int | None = 100, *, hs=None, since=None, until=None,
             shipment_ids=None) -> TableResult:
    """Shipments on the trade edge ``a → b``, or every shipment ``a`` shipped, received or was notified of.

    Parameters
    ----------
    ws : Workspace
    a, b : int or str
        Entity ids or names (names go through ``ws.search``; an ambiguous name raises).
    limit : int or None
        Most recent shipments first; ``None`` for all.
    shipment_ids : array of int, optional
        Restrict to these shipments (a time-respecting trace passes the ones it followed).
    hs, since, until
        Trade filters, as in every graph verb.

    Returns
    -------
    TableResult
        Reads like a DataFrame with columns ``EVIDENCE_COLUMNS`` (``.to_frame()`` gives one): each row
        points back to its source file and line.
    """
    flt = TradeFilter(hs=hs, since=since, until=until)
    if limit is not None and int(limit) < 1:
        raise TracekitError(f"limit={limit} must be at least 1 (or None for all)")
    ensure_graph_tables(ws.store)
    first = resolve_entity(ws, a)
    if b is None:
        where = f"({first} IN (t.src, t.dst) OR t.notify = {first})"
        title = f"evidence: shipments of {entity_name(ws, first)}"
    else:
        second = resolve_entity(ws, b)
        where = f"t.src = {first} AND t.dst = {second}"
        title = f"evidence: {entity_name(ws, first)} → {entity_name(ws, second)}"
    where = f"{where} AND {flt.where_sql('t')}"
    limit_value = 2**62 if limit is None else int(limit)
    if shipment_ids is None:
        frame = ws.store.df(evidence_sql(where, limit_value))
    else:
        ids = pd.DataFrame({"shipment_id": id_array(list(shipment_ids), what="shipment ids")})
        with ws.store.registered("tk_evidence_only", ids):
            frame = ws.store.df(evidence_sql(
                where, limit_value, "JOIN tk_evidence_only x ON x.shipment_id = t.shipment_id"))
    return evidence_result(title, frame, flt)


def evidence_result(title: str, frame: pd.DataFrame, flt: TradeFilter | None = None) -> TableResult:
    """Evidence shipments as a result (a table that names its filters and how many shipments)."""
    filters = flt.describe() if flt is not None else "all trade"
    return TableResult(title, frame, summary=[f"filters: {filters}", f"{len(frame):,} shipments, newest first; "
                                              "source_file and line name each raw row (ws.source_rows)"])
