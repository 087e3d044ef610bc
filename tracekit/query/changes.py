"""``changes``: what changed in the trade between a ``before`` and an ``after`` window, ranked.

Kinds of change (``score`` ranks them across kinds; higher is more worth a look):

* ``new_intermediary``: goods went from A to C before (directly or through other intermediaries);
  after, they go A → B → C with B new on that flow (a swap when every old route stopped). Score 4,
  +2 for a swap, + log of the volume.
* ``hs_shift``: same shipper, consignee and description, different HS6 code. Score 3.
* ``route_shift``: the usual port of lading or country of origin of a flow changed. Score 2.
* ``volume_jump``: shipments per day on a flow rose or fell by ``jump``× or more. Score |log2 ratio|.
* ``new_counterparty`` / ``vanished_counterparty``: a company active in both windows gained or lost
  a partner. Score 1 + log of the volume.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from tracekit.errors import TracekitError
from tracekit.graph.filters import TradeFilter, parse_date
from tracekit.graph.project import node_frame
from tracekit.query.prepared import graph_index
from tracekit.query.results import GraphResult
from tracekit.store.ids import id_series, id_value

__all__ = ["changes", "ChangesResult", "parse_window"]

COLUMNS = ["rank", "kind", "score", "src", "src_name", "dst", "dst_name", "via", "via_name", "before",
           "after", "detail"]


def _period_end(text: str) -> dt.date:
    day = parse_date(text, "window end")
    if len(text) == 4:
        return dt.date(day.year, 12, 31)
    if len(text) == 7:
        return dt.date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return day


def parse_window(value, name: str = "window") -> tuple[dt.date, dt.date]:
    """A window as (first day, last day): ``"2023-01..2023-06"``, ``"2023"`` or a pair of dates.

    Examples
    --------
    >>> parse_window("2023-01..2023-06")
    (datetime.date(2023, 1, 1), datetime.date(2023, 6, 30))
    >>> parse_window("2024")
    (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
    """
    if isinstance(value, str):
        text = value.strip()
        start, _, end = text.partition("..")
        end = end or start
        window = (parse_date(start.strip(), name), _period_end(end.strip()))
    elif isinstance(value, tuple | list) and len(value) == 2:
        window = (parse_date(value[0], name), parse_date(value[1], name))
    else:
        raise TracekitError(f"{name}={value!r}: give 'YYYY-MM-DD..YYYY-MM-DD' (or YYYY-MM, YYYY) or a pair")
    if window[0] is None or window[1] is None or window[0] > window[1]:
        raise TracekitError(f"{name}={value!r} is an empty window")
    return window


def _windowed_sql(where: str) -> str:
    return f"""SELECT t.*, CASE WHEN t.date BETWEEN $b0 AND $b1 THEN 'before'
                           WHEN t.date BETWEEN $a0 AND $a1 THEN 'after' END AS win
      FROM graph_trade t WHERE t.src IS NOT NULL AND t.dst IS NOT NULL AND t.src <> t.dst AND {where}"""  # noqa: S608


def _usual_sql(rows: str, keys: str, column: str) -> str:
    """Each group's most frequent ``column``, ties going to the smaller value. ``mode()`` would break ties
    by the order rows are read, which differs between DuckDB's threads and Spark's partitions, so a flow
    whose two ports tie could report a route shift on one run and not the next."""
    return f"""SELECT {keys}, value FROM (
      SELECT {keys}, {column} AS value,
             row_number() OVER (PARTITION BY {keys} ORDER BY count(*) DESC, {column}) AS rank_in_group
      FROM ({rows}) r WHERE win IS NOT NULL AND {column} IS NOT NULL GROUP BY {keys}, {column}
    ) ranked WHERE rank_in_group = 1"""  # noqa: S608 - built from constants


def _pair_sql(where: str) -> str:
    keys = "win, src, dst"
    rows = _windowed_sql(where)
    return f"""
SELECT f.win, f.src, f.dst, f.shipments, f.kg, pol.value AS pol, org.value AS origin
FROM (SELECT {keys}, count(*) AS shipments, coalesce(sum(kg), 0) AS kg
      FROM ({rows}) w WHERE win IS NOT NULL GROUP BY {keys}) f
LEFT JOIN ({_usual_sql(rows, keys, "port_of_lading")}) pol
  ON pol.win = f.win AND pol.src = f.src AND pol.dst = f.dst
LEFT JOIN ({_usual_sql(rows, keys, "origin")}) org
  ON org.win = f.win AND org.src = f.src AND org.dst = f.dst
"""  # noqa: S608 - validated filter literals only


def _hs_shift_sql(where: str) -> str:
    rows = f"""
  SELECT t.src, t.dst, t.hs6, lower(trim(s.description)) AS descr,
         CASE WHEN t.date BETWEEN $b0 AND $b1 THEN 'before' WHEN t.date BETWEEN $a0 AND $a1 THEN 'after' END AS win
  FROM graph_trade t JOIN shipments s ON s.shipment_id = t.shipment_id
  WHERE t.src IS NOT NULL AND t.dst IS NOT NULL AND t.hs6 <> '' AND s.description IS NOT NULL AND {where}"""  # noqa: S608 - validated filter literals only
    return f"""
WITH m AS ({_usual_sql(rows, "win, src, dst, descr", "hs6")})
SELECT b.src, b.dst, b.descr, b.value AS before_hs, a.value AS after_hs
FROM m b JOIN m a ON a.src = b.src AND a.dst = b.dst AND a.descr = b.descr
WHERE b.win = 'before' AND a.win = 'after' AND a.value <> b.value
"""  # noqa: S608 - validated filter literals only


def _row(kind, score, src, dst, before, after, detail, via=None) -> dict:
    return {"kind": kind, "score": round(float(score), 3), "src": int(src), "dst": int(dst),
            "via": None if via is None else int(via), "before": before, "after": after, "detail": detail}


def _flow_changes(pairs: pd.DataFrame, days: tuple[int, int], jump: float) -> list[dict]:
    before = pairs[pairs["win"] == "before"].drop(columns="win")
    after = pairs[pairs["win"] == "after"].drop(columns="win")
    active_b = set(before["src"]) | set(before["dst"])
    active_a = set(after["src"]) | set(after["dst"])
    both = before.merge(after, on=["src", "dst"], how="outer", suffixes=("_b", "_a"),
                         indicator="side")
    out = []
    for r in both.itertuples(index=False):
        if r.side == "right_only" and (r.src in active_b or r.dst in active_b):
            out.append(_row("new_counterparty", 1 + np.log1p(r.shipments_a), r.src, r.dst, 0,
                            int(r.shipments_a), f"{int(r.shipments_a)} shipments in the after window"))
        elif r.side == "left_only" and r.src in active_a and r.dst in active_a | active_b:
            out.append(_row("vanished_counterparty", 1 + np.log1p(r.shipments_b) * 0.8, r.src, r.dst,
                            int(r.shipments_b), 0, f"{int(r.shipments_b)} shipments before, none after"))
        elif r.side == "both":
            rate_b, rate_a = r.shipments_b / days[0], r.shipments_a / days[1]
            ratio = rate_a / rate_b
            if ratio >= jump or ratio <= 1 / jump:
                out.append(_row("volume_jump", abs(np.log2(ratio)), r.src, r.dst, int(r.shipments_b),
                                int(r.shipments_a), f"shipments per day ×{ratio:.1f}"))
            for label, b, a in (("port of lading", r.pol_b, r.pol_a), ("origin", r.origin_b, r.origin_a)):
                if isinstance(b, str) and isinstance(a, str) and a != b:
                    out.append(_row("route_shift", 2, r.src, r.dst, b, a, f"usual {label} {b} → {a}"))
    return out


def _intermediary_sql(where: str) -> str:
    """Routes A → B → C in the after window on a flow A ⇒ C that existed before (directly or through
    other intermediaries) where B is new on that flow; ``swap`` when every old route stopped."""
    return f"""
WITH p AS ({_pair_sql(where)}),
b AS (SELECT src, dst, shipments FROM p WHERE win = 'before'),
a AS (SELECT src, dst, shipments FROM p WHERE win = 'after'),
ta AS (
  SELECT a1.src, a1.dst AS via, a2.dst, least(a1.shipments, a2.shipments) AS n
  FROM a a1 JOIN a a2 ON a2.src = a1.dst
  WHERE a2.dst <> a1.src AND a2.dst <> a1.dst AND a1.src <> a1.dst
),
old AS (
  SELECT src, dst, -1 AS via, shipments AS n FROM b WHERE (src, dst) IN (SELECT src, dst FROM ta)
  UNION ALL
  SELECT b1.src, b2.dst, b1.dst AS via, least(b1.shipments, b2.shipments) AS n
  FROM b b1 JOIN b b2 ON b2.src = b1.dst
  WHERE b2.dst <> b1.src AND (b1.src, b2.dst) IN (SELECT src, dst FROM ta)
),
still AS (  -- old routes still used after: direct, or through an old intermediary
  SELECT o.src, o.dst FROM old o JOIN a ON a.src = o.src AND a.dst = o.dst WHERE o.via = -1
  UNION
  SELECT o.src, o.dst FROM old o JOIN ta ON ta.src = o.src AND ta.dst = o.dst AND ta.via = o.via
)
SELECT ta.src, ta.via, ta.dst, ta.n AS after_n, max(o.n) AS before_n,
       NOT EXISTS (SELECT 1 FROM still s WHERE s.src = ta.src AND s.dst = ta.dst) AS swap
FROM ta JOIN old o ON o.src = ta.src AND o.dst = ta.dst
WHERE NOT EXISTS (SELECT 1 FROM old x WHERE x.src = ta.src AND x.dst = ta.dst AND x.via = ta.via)
GROUP BY ta.src, ta.via, ta.dst, ta.n
"""  # noqa: S608 - validated filter literals only


def _intermediaries(ws, where: str, params: dict) -> list[dict]:
    out = []
    for r in ws.store.df(_intermediary_sql(where), params).itertuples(index=False):
        detail = ("the old route stopped: flow now runs through a new intermediary" if r.swap
                  else "a new intermediary beside the existing route")
        out.append(_row("new_intermediary", 4 + 2 * bool(r.swap) + np.log1p(r.after_n), r.src, r.dst,
                        int(r.before_n), int(r.after_n), detail, via=r.via))
    return out


@dataclass(repr=False)
class ChangesResult(GraphResult):
    """``to_frame()``: one row per change, highest score first."""

    def summary_lines(self) -> list[str]:
        counts = self.frame.groupby("kind").size().to_dict() if len(self.frame) else {}
        return [", ".join(f"{k}: {n}" for k, n in sorted(counts.items())) or "no changes"]


def changes(ws, before, after, *, jump: float = 3.0, hs=None, countries=None, min_shipments: int = 1,
            top: int | None = None) -> ChangesResult:
    """Ranked changes in trade between two windows.

    Parameters
    ----------
    ws : Workspace
    before, after : str or (date, date)
        Windows, e.g. ``"2023-01..2023-12"`` and ``"2024"``.
    jump : float
        Factor of change in shipments per day that counts as a volume jump (or fall).
    hs, countries, min_shipments
        Trade filters (``countries`` keeps changes whose companies are all in them;
        ``min_shipments`` drops changes with fewer shipments in both windows).
    top : int, optional
        Keep the ``top`` highest-ranked changes.
    """
    b0, b1 = parse_window(before, "before")
    a0, a1 = parse_window(after, "after")
    if not (b1 < a0 or a1 < b0):
        raise TracekitError(f"the windows overlap ({b0}..{b1} and {a0}..{a1}): give disjoint windows")
    if jump <= 1:
        raise TracekitError(f"jump={jump} must be greater than 1")
    flt = TradeFilter(hs=hs, countries=countries, min_shipments=min_shipments)
    graph_index(ws)
    params = {"b0": b0, "b1": b1, "a0": a0, "a1": a1}
    where = flt.where_sql("t", dates=False)
    pairs = ws.store.df(_pair_sql(where), params)
    days = ((b1 - b0).days + 1, (a1 - a0).days + 1)
    found = _flow_changes(pairs, days, jump) + _intermediaries(ws, where, params)
    for r in ws.store.df(_hs_shift_sql(where), params).itertuples(index=False):
        found.append(_row("hs_shift", 3, r.src, r.dst, r.before_hs, r.after_hs,
                          f"HS {r.before_hs} → {r.after_hs} for the same description {r.descr!r}"))
    columns = [c for c in COLUMNS if not c.endswith("name") and c != "rank"]
    frame = pd.DataFrame(found, columns=columns).astype({"via": object}) if found else \
        pd.DataFrame(columns=columns)
    for column in ("src", "dst", "via"):  # `via` is missing on most rows: inferred as float64 it rounds ids
        frame[column] = id_series([r[column] for r in found], name=column, index=frame.index)
    frame = _named(ws, frame, flt)
    if top is not None:
        frame = frame.head(int(top))
    return ChangesResult(title=f"changes: {b0}..{b1} → {a0}..{a1}", graph=_change_graph(ws, frame),
                         frame=frame, filters=flt.describe(), workspace=ws)


def _named(ws, frame: pd.DataFrame, flt: TradeFilter) -> pd.DataFrame:
    nodes = node_frame(ws.store, _ids_in(frame)).set_index("entity_id")
    if flt.countries:
        allowed = set(nodes.index[nodes["country"].isin(flt.countries)])
        frame = frame[frame["src"].isin(allowed) & frame["dst"].isin(allowed)
                      & (frame["via"].isna() | frame["via"].isin(allowed))]
    if flt.min_shipments > 1:
        volume = pd.to_numeric(frame["before"], errors="coerce").fillna(0).clip(lower=0) + \
            pd.to_numeric(frame["after"], errors="coerce").fillna(0)
        frame = frame[(volume >= flt.min_shipments) | frame["kind"].isin(["route_shift", "hs_shift"])]
    names = nodes["name"].to_dict()
    frame = frame.assign(
        src_name=frame["src"].map(names), dst_name=frame["dst"].map(names),
        via_name=frame["via"].map(lambda v: None if v is pd.NA else names.get(int(v)), na_action="ignore"),
    )
    # A change names every company it shows; a name the graph lacks still gets a readable label.
    for column in ("src", "dst", "via"):
        missing = frame[column].notna() & frame[f"{column}_name"].isna()
        frame.loc[missing, f"{column}_name"] = frame.loc[missing, column].map(lambda v: f"(unnamed entity {v})")
    frame = frame.sort_values(["score", "kind", "src", "dst"], ascending=[False, True, True, True],
                              ignore_index=True)
    frame.insert(0, "rank", np.arange(1, len(frame) + 1))
    return frame[COLUMNS]


def _ids_in(frame: pd.DataFrame) -> list[int]:
    """Every entity id a change frame names (exact ints; ``via`` is often missing)."""
    ids = {id_value(v) for column in ("src", "dst", "via") for v in frame[column].dropna().tolist()}
    return sorted(ids)


def _change_graph(ws, frame: pd.DataFrame, max_rows: int = 100) -> nx.DiGraph:
    shown = frame.head(max_rows)
    graph = nx.DiGraph()
    for row in node_frame(ws.store, _ids_in(shown)).itertuples(index=False):
        graph.add_node(int(row.entity_id), label=row.name, kind="company", country=row.country,
                       mentions=0, risk=None if row.risk != row.risk else row.risk, flags=list(row.flags), community=None,
                       tier=None)
    for r in shown.itertuples(index=False):
        src, dst, via = id_value(r.src), id_value(r.dst), id_value(r.via)
        legs = [(src, via), (via, dst)] if via is not None else [(src, dst)]
        for a, b in legs:
            if graph.has_edge(a, b):
                graph.edges[a, b]["changes"].append(r.kind)
            else:
                graph.add_edge(int(a), int(b), kind="change", changes=[r.kind], score=r.score)
    return graph
