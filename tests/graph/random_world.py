"""Seeded random trade worlds and the networkx reference graph they should project to."""

from __future__ import annotations

import datetime as dt
import random

import networkx as nx

COUNTRIES = ["CN", "HK", "MX", "US", "IN"]
HS_CODES = ["293339", "293337", "291400", "382499", "848180"]


def random_shipments(seed: int, companies: int = 24, shipments: int = 140) -> tuple[list[dict], dict]:
    rng = random.Random(seed)
    names = [f"COMPANY {chr(65 + i // 26)}{chr(65 + i % 26)} TRADING" for i in range(companies)]
    info = {n: {"country": rng.choice(COUNTRIES)} for n in names}
    start = dt.date(2023, 1, 1)
    rows = []
    for _ in range(shipments):
        a, b = rng.sample(names, 2)
        rows.append({"shipper": a, "consignee": b, "hs": rng.choice(HS_CODES),
                     "date": (start + dt.timedelta(days=rng.randrange(700))).isoformat(),
                     "kg": float(rng.randrange(1, 500))})
    return rows, info


def reference_graph(rows: list[dict], info: dict, ids: dict[str, int], *, hs=(), since=None, until=None,
                    countries=(), min_shipments: int = 1) -> nx.DiGraph:
    """The filtered trade graph computed the plain way: one Python pass, networkx edges."""
    counts: dict[tuple[int, int], int] = {}
    for r in rows:
        if hs and not r["hs"].startswith(tuple(hs)):
            continue
        if since and r["date"] < since or until and r["date"] > until:
            continue
        if countries and not (info[r["shipper"]]["country"] in countries
                              and info[r["consignee"]]["country"] in countries):
            continue
        key = (ids[r["shipper"]], ids[r["consignee"]])
        counts[key] = counts.get(key, 0) + 1
    graph = nx.DiGraph()
    graph.add_nodes_from(ids.values())
    graph.add_edges_from((a, b, {"shipments": n}) for (a, b), n in counts.items() if n >= min_shipments)
    return graph
