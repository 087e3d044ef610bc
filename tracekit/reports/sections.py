"""The sections of a brief, each an escaped piece of HTML computed from a :class:`~tracekit.reports.case.Case`.

The briefing template calls one function per section; an analyst's own template can call the same
ones, in any order, and add cells of its own. Every figure shown comes with the rows behind it (source
file and line), and every name from the data is escaped (:mod:`tracekit.reports.markup`).
"""

from __future__ import annotations

import json

import pandas as pd

from tracekit.graph.draw import to_svg
from tracekit.reports.case import Case
from tracekit.reports.markup import Html, bullets, heading, key_values, note, place, svg_image, table, text

__all__ = ["summary", "risk", "trace_graph", "counterparties", "flagged_shipments", "sanctions", "changes",
           "SUMMARY_MIME"]

#: mime type of the key facts the summary cell also outputs (read back by ``brief()``)
SUMMARY_MIME = "application/vnd.tracekit.brief-summary+json"
_EVIDENCE = 6  # source rows shown per counterparty


class _Summary(Html):
    def __init__(self, body: str, facts: dict):
        super().__init__(body)
        self.facts = facts

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:  # noqa: ANN001
        return {"text/html": self.body, SUMMARY_MIME: self.facts}


def _n(count: int, noun: str) -> str:
    """``1 buyer``, ``3 buyers``."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _tiers(case: Case) -> dict[int, int]:
    tiers = case.trace.tiers()
    return tiers[tiers["tier"] != 0].groupby("tier").size().to_dict() if len(tiers) else {}


def _own(frame: pd.DataFrame, entity_id: int) -> pd.Series:
    return (frame["src"] == entity_id) | (frame["dst"] == entity_id) | (frame["notify"] == entity_id)


def _per_shipment(rows: pd.DataFrame) -> pd.DataFrame:
    """Flag rows grouped per shipment: summed weight, flags, chemicals, reasons, source file and line."""
    if rows.empty:
        return pd.DataFrame(columns=["score", "date", "shipper_name", "consignee_name", "hs_code", "description",
                                     "flags", "chemicals", "matched_text", "reasons", "source", "shipment_id"])
    grouped = rows.sort_values(["weight", "flag"], ascending=[False, True]).groupby("shipment_id", sort=False)
    out = grouped.agg(score=("weight", "sum"), date=("date", "first"), shipper_name=("shipper_name", "first"),
                      consignee_name=("consignee_name", "first"), hs_code=("hs_code", "first"),
                      description=("description", "first"), flags=("flag", lambda s: sorted(set(s))),
                      chemicals=("chemical", lambda s: sorted(set(s.dropna()))),
                      matched_text=("matched_text", lambda s: sorted(set(s.dropna()))),
                      reasons=("reason", lambda s: list(dict.fromkeys(s.dropna()))),
                      source_file=("source_file", "first"), line=("line", "first")).reset_index()
    out["source"] = [place(f, ln) for f, ln in zip(out["source_file"], out["line"], strict=True)]
    return out.sort_values(["score", "date", "shipment_id"], ascending=[False, False, True], ignore_index=True)


_SHIPMENT_COLUMNS = {"date": "date", "source": "source row", "shipper_name": "shipper", "consignee_name": "consignee",
                     "hs_code": "HS", "description": "description", "flags": "flags", "chemicals": "chemicals",
                     "score": "weight", "reasons": "why", "shipment_id": "shipment id"}


def summary(case: Case) -> Html:
    """Who the entity is, its risk, and the findings of every later section in one list."""
    p = case.profile
    rank, scored = case.risk_rank
    tiers = _tiers(case)
    flagged = _per_shipment(case.flag_rows[_own(case.flag_rows, case.entity_id)])
    network_flagged = case.flag_rows["shipment_id"].nunique()
    top = case.risk.frame.iloc[0] if len(case.risk.frame) else None
    findings = [
        f"Risk score {case.risk.score:.2f}" + (f" (rank {rank:,} of {scored:,} scored companies)" if rank else
                                              " (no risk evidence)")
        + (f"; largest contribution: {top.feature} {top.contribution:.2f} — {top.note}" if top is not None
           and top.contribution else ""),
        f"{_n(sum(v for t, v in tiers.items() if t < 0), 'supplier')} and "
        f"{_n(sum(v for t, v in tiers.items() if t > 0), 'buyer')} within {case.hops} tiers "
        f"({_n(tiers.get(-1, 0), 'direct supplier')}, {_n(tiers.get(1, 0), 'direct buyer')})",
        f"{_n(len(flagged), 'flagged shipment')} of its own"
        + (f" (chemicals named: {', '.join(sorted({c for cs in flagged['chemicals'] for c in cs}))})"
           if len(flagged) and any(len(c) for c in flagged["chemicals"]) else "")
        + f"; {_n(network_flagged, 'flagged shipment')} in the traced network",
    ]
    if not case.lists_loaded:
        findings.append("Sanctions proximity not assessed: no screening list is loaded in this workspace")
    elif len(case.screen_hits):
        findings.append(f"Matches {len(case.screen_hits)} sanctions-list entr{'y' if len(case.screen_hits) == 1 else 'ies'}"
                        f" ({case.screen_hits['list_name'].iloc[0]}: {case.screen_hits['listed_name'].iloc[0]})")
    elif case.proximity and case.proximity.get("hops") is not None:
        findings.append(f"{_n(int(case.proximity['hops']), 'trade hop')} from the listed party "
                        f"{case.proximity['nearest_listed_name']}")
    else:
        findings.append(f"No listed party nearby: {case.proximity['path'] if case.proximity else ''}")
    if len(case.changes):
        c = case.changes.iloc[0]
        findings.append(f"{_n(len(case.changes), 'change')} in its network between the windows; the strongest: "
                        f"{c['kind']} {c['src_name']} → {c['dst_name']} ({c['detail']})")
    facts = {"entity_id": str(case.entity_id), "name": p["name"], "country": p.get("country"),
             "score": round(float(case.risk.score), 3), "rank": rank, "findings": findings}
    body = (f"<h2 class='tk-entity'>{text(p['name'])}</h2>"
            + str(key_values([("entity id", str(case.entity_id)), ("country", p.get("country") or "unknown"),
                              ("mentions in the data", p.get("mention_count")),
                              ("shipments", p.get("shipment_count")),
                              ("first / last shipment", f"{p.get('first_date') or '?'} / {p.get('last_date') or '?'}"),
                              ("window", f"{case.since} .. {case.until}" if case.window else "all trade"),
                              ("tiers traced", case.hops)]))
            + "<h4>Key findings</h4>" + str(bullets(findings)))
    return _Summary(body, json.loads(json.dumps(facts, default=str)))


def risk(case: Case) -> Html:
    """The five risk contributions with their notes, then the evidence rows behind each."""
    frame = case.risk.frame
    parts = [Html(f"<p>Score <strong>{case.risk.score:.3f}</strong> = the sum of the contributions below "
                  "(each: weight × min(raw, cap) / cap; weights in tracekit/graph/data/risk_weights.csv).</p>"),
             table(frame.assign(rows=[", ".join(place(e.get("source_file"), e.get("line")) for e in (ev or []))
                                      + (f" … ({n:,} in all)" if n and n > len(ev or []) else "")
                                      for ev, n in zip(frame["evidence"], frame["evidence_count"], strict=True)]),
                   columns={"feature": "feature", "contribution": "contribution", "weight": "weight", "cap": "cap",
                            "raw": "raw", "note": "why", "rows": "source rows (file:line)"}, wide=["why"])]
    return Html("".join(map(str, parts)))


def trace_graph(case: Case) -> Html:
    """Suppliers (left) and buyers (right) of the entity, drawn as an embedded static image."""
    graph = case.trace.graph
    if graph.number_of_nodes() <= 1:
        return note(f"No trade partner within {case.hops} tiers" + (" in the window" if case.window else ""))
    tiers = _tiers(case)
    caption = ", ".join(f"tier {t:+d}: {n}" for t, n in sorted(tiers.items()))
    image = svg_image(to_svg(graph, highlight=[case.entity_id]), alt=f"trade network of {case.name}")
    members = pd.DataFrame([{"tier": d.get("tier"), "name": d.get("label"), "country": d.get("country"),
                             "risk": d.get("risk"), "flags": d.get("flags") or [], "entity id": str(n)}
                            for n, d in graph.nodes(data=True) if d.get("kind", "company") == "company"])
    members = members.assign(_k=members["tier"].abs(), _r=members["risk"].fillna(0)).sort_values(
        ["_k", "tier", "_r"], ascending=[True, True, False]).drop(columns=["_k", "_r"])
    return image + Html(f"<p class='tk-caption'>{text(case.name)} in red, suppliers to the left, buyers to the "
                        f"right ({text(caption)}); edge width grows with shipments; a red or amber ring marks "
                        "a risk score of 0.7 or 0.3 and above.</p>") + heading(
        "Companies in the network (tier −n: n steps upstream, +n: downstream)", 4) + table(members, max_rows=60)


def counterparties(case: Case) -> Html:
    """Direct suppliers and buyers: shipments, weight, value, dates, HS codes, risk, flags and source rows."""
    graph, seed = case.trace.graph, case.entity_id
    rows = []
    for a, b, d in graph.edges(data=True):
        if d.get("kind") != "trade" or seed not in (a, b) or a == b:
            continue
        other = b if a == seed else a
        attrs = graph.nodes[other]
        rows.append({"role": "buyer" if a == seed else "supplier", "name": attrs.get("label"),
                     "country": attrs.get("country"), "risk": attrs.get("risk"), "flags": attrs.get("flags") or [],
                     "shipments": d.get("shipments"), "kg": d.get("kg"), "usd": d.get("usd"),
                     "first": d.get("first_date"), "last": d.get("last_date"), "hs": d.get("hs_codes") or [],
                     "evidence": list(d.get("evidence") or [])[:_EVIDENCE], "entity_id": str(other)})
    where = case.places(i for r in rows for i in r["evidence"])
    for r in rows:  # source rows of the first shipments on the edge, file:line
        r["evidence"] = ", ".join(place(*where[int(i)]) for i in r["evidence"] if int(i) in where)
    frame = pd.DataFrame(rows)
    if len(frame):
        frame = frame.sort_values(["role", "shipments"], ascending=[False, False], ignore_index=True)
    return table(frame, columns={"role": "role", "name": "name", "country": "country", "risk": "risk",
                                 "flags": "flags", "shipments": "shipments", "kg": "kg", "usd": "USD",
                                 "first": "first", "last": "last", "hs": "HS", "evidence": "source rows (first few)",
                                 "entity_id": "entity id"},
                 max_rows=60, wide=["source rows (first few)"], empty=f"no direct trade partner{' in the window' if case.window else ''}")


def flagged_shipments(case: Case) -> Html:
    """Flagged shipments of the entity, then of the rest of its traced network, each with its source row."""
    rows = case.flag_rows
    own = _per_shipment(rows[_own(rows, case.entity_id)])
    others = _per_shipment(rows[~_own(rows, case.entity_id)])
    lists = (f"watch lists: {', '.join(case.watchlists)}" if case.watchlists else "every watch list in force")
    return Html("".join(map(str, [
        Html(f"<p>Flags from {text(lists)}; the source row is file:line of the shipment as loaded "
             "(line 1 is the header).</p>"),
        heading(f"Shipments of {case.name} ({len(own):,})", 4),
        table(own, columns=_SHIPMENT_COLUMNS, max_rows=50, empty="no flagged shipment", wide=["why"]),
        heading(f"Elsewhere in the traced network ({len(others):,}; highest weight first)", 4),
        table(others, columns=_SHIPMENT_COLUMNS, max_rows=25, empty="no flagged shipment", wide=["why"]),
    ])))


def sanctions(case: Case) -> Html:
    """List entries the entity matches, and the trade path to the nearest listed party with its evidence."""
    if not case.lists_loaded:
        return note("No screening list is loaded in this workspace, so sanctions proximity was not assessed "
                    "(tracekit screen-lists add FILE --name NAME, then run the brief again).")
    parts = [Html(f"<p>Screened against: {text(', '.join(case.lists_loaded))}.</p>")]
    hits = case.screen_hits
    parts.append(table(hits, columns={"list_name": "list", "listed_name": "listed as", "matched_name": "our name",
                                      "matched_alias": "alias", "programs": "programs", "score": "score",
                                      "explanation": "why"},
                       empty="the entity itself matches no list entry"))
    p = case.proximity
    if p is None or p.get("hops") is None:
        parts.append(note(p["path"] if p else "no proximity computed"))
        return Html("".join(map(str, parts)))
    if p["hops"] > 0:
        parts.append(Html(f"<p><strong>{_n(int(p['hops']), 'trade hop')}</strong> to {text(p['nearest_listed_name'])} "
                          f"(listed as {text(p['listed_as'])}).</p><p>Path: {text(p['path'])}</p>"))
        where = case.places(i for hop in p["evidence_shipment_ids"] for i in hop)
        evidence = [{"hop": k, "shipment id": str(i), "source row": place(*where.get(int(i), ("?", None)))}
                    for k, hop in enumerate(p["evidence_shipment_ids"], start=1) for i in hop]
        parts += [heading("Evidence per hop", 4), table(pd.DataFrame(evidence))]
    return Html("".join(map(str, parts)))


def changes(case: Case) -> Html:
    """Changes in the traced network between the window and the same length of time before it."""
    if case.change_windows is None:
        return note("The data has no shipment dates: changes cannot be computed.")
    (b0, b1), (a0, a1) = case.change_windows
    frame = case.changes
    if len(frame):
        frame = frame.assign(flow=[f"{r.src_name} → {r.via_name} → {r.dst_name}" if isinstance(r.via_name, str)
                                   else f"{r.src_name} → {r.dst_name}" for r in frame.itertuples()])
    return Html(f"<p>{text(b0)} .. {text(b1)} against {text(a0)} .. {text(a1)}; changes that involve "
                "a company of the traced network.</p>") + table(
        frame, columns={"kind": "change", "score": "score", "flow": "flow", "before": "before",
                        "after": "after", "detail": "detail"}, max_rows=25, empty="no change between the windows")
