"""trace against networkx BFS on seeded random worlds, the time-respecting mode on a hand-built case."""

from __future__ import annotations

import networkx as nx
import pytest

from tests.graph.random_world import random_shipments, reference_graph
from tracekit.errors import AmbiguousEntity, EntityNotFound, TracekitError

FILTER_CASES = [
    {},
    {"hs": ["2933"]},
    {"since": "2023-06-01", "until": "2024-03-31"},
    {"countries": ["CN", "HK", "MX"]},
    {"min_shipments": 2},
    {"hs": ["29"], "since": "2023-03-01", "min_shipments": 2},
]


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("filters", FILTER_CASES, ids=lambda f: ",".join(f) or "none")
def test_trace_reaches_what_networkx_bfs_reaches(world, seed, filters):
    rows, info = random_shipments(seed)
    ws, ids = world(rows, info)
    reference = reference_graph(rows, info, ids, **filters)
    origin = ids[rows[0]["shipper"]]
    for direction, graph in (("down", reference), ("up", reference.reverse())):
        expected = nx.single_source_shortest_path_length(graph, origin, cutoff=2)
        result = ws.trace(origin, direction, hops=2, **filters)
        tiers = {n: d["tier"] for n, d in result.graph.nodes(data=True)}
        sign = 1 if direction == "down" else -1
        assert tiers == {n: sign * h for n, h in expected.items()}
        # every edge in the result is a real filtered edge with the right shipment count
        for a, b, d in result.graph.edges(data=True):
            assert reference.edges[a, b]["shipments"] == d["shipments"]


def test_trace_both_directions_and_tier_signs(world):
    rows = [{"shipper": "NORTH MAKER CO", "consignee": "HARBOUR BROKER LTD", "date": "2024-01-05", "hs": "293337"},
            {"shipper": "HARBOUR BROKER LTD", "consignee": "SUR IMPORTADORA SA", "date": "2024-02-05", "hs": "293337"}]
    ws, ids = world(rows)
    result = ws.trace("HARBOUR BROKER LTD", "both", hops=1)
    assert result.tiers().set_index("entity_id")["tier"].to_dict() == {
        ids["HARBOUR BROKER LTD"]: 0, ids["NORTH MAKER CO"]: -1, ids["SUR IMPORTADORA SA"]: 1}
    edge = result.graph.edges[ids["NORTH MAKER CO"], ids["HARBOUR BROKER LTD"]]
    assert edge["kind"] == "trade" and edge["hs_codes"] == ["293337"] and len(edge["evidence"]) == 1


def _chain_world(world):
    """MAKER → BROKER in March; BROKER → BUYER in May (a re-export) and BROKER → EARLY in January
    (before the goods arrived: coincidental traffic); BUYER → LAB in June, and a late resale in 2025."""
    rows = [
        {"shipper": "MAKER CHEMICAL CO", "consignee": "BROKER HK LTD", "date": "2024-03-01", "hs": "293339",
         "description": "4-piperidone hydrochloride"},
        {"shipper": "BROKER HK LTD", "consignee": "BUYER MX SA", "date": "2024-05-01", "hs": "293339"},
        {"shipper": "BROKER HK LTD", "consignee": "EARLY CUSTOMER SA", "date": "2024-01-10", "hs": "293339"},
        {"shipper": "BUYER MX SA", "consignee": "LAB DISTRIBUIDORA", "date": "2024-06-01", "hs": "293339"},
        {"shipper": "BUYER MX SA", "consignee": "LATE RESALE SA", "date": "2025-06-01", "hs": "293339"},
    ]
    return world(rows)


def test_time_respecting_trace_follows_re_export_after_receipt_only(world):
    ws, ids = _chain_world(world)
    plain = ws.trace("MAKER CHEMICAL CO", hops=3)
    assert ids["EARLY CUSTOMER SA"] in plain.graph and ids["LATE RESALE SA"] in plain.graph
    timed = ws.trace("MAKER CHEMICAL CO", hops=3, time_respecting=True, max_lag_days=90)
    assert set(timed.graph) == {ids[n] for n in ("MAKER CHEMICAL CO", "BROKER HK LTD", "BUYER MX SA",
                                                "LAB DISTRIBUIDORA")}
    assert timed.graph.nodes[ids["LAB DISTRIBUIDORA"]]["tier"] == 3
    longer = ws.trace("MAKER CHEMICAL CO", hops=3, time_respecting=True, max_lag_days=500)
    assert ids["LATE RESALE SA"] in longer.graph and ids["EARLY CUSTOMER SA"] not in longer.graph


def test_time_respecting_trace_upstream(world):
    ws, ids = _chain_world(world)
    timed = ws.trace("LAB DISTRIBUIDORA", "up", hops=3, time_respecting=True)
    assert timed.tiers().set_index("entity_id")["tier"].to_dict() == {
        ids["LAB DISTRIBUIDORA"]: 0, ids["BUYER MX SA"]: -1, ids["BROKER HK LTD"]: -2,
        ids["MAKER CHEMICAL CO"]: -3}
    # evidence is limited to the shipments the timed trace followed
    assert len(timed.evidence()) == 3


def test_names_resolve_and_ambiguous_names_list_candidates(world):
    rows = [{"shipper": "GLOBAL TRADING CO", "consignee": "GLOBAL TRADING CORP", "date": "2024-01-01"},
            {"shipper": "GLOBAL TRADING CORP", "consignee": "ZETA LOGISTICS", "date": "2024-01-02"}]
    ws, ids = world(rows)
    assert ws.trace("zeta logistics", "up").seed == ids["ZETA LOGISTICS"]
    with pytest.raises(AmbiguousEntity) as info:
        ws.trace("global trading")
    assert len(info.value.candidates) >= 2 and "GLOBAL TRADING" in str(info.value)
    with pytest.raises(EntityNotFound):
        ws.trace(999999)
    with pytest.raises(TracekitError, match="direction"):
        ws.trace(ids["ZETA LOGISTICS"], "sideways")
    with pytest.raises(TracekitError, match="HS prefix"):
        ws.trace(ids["ZETA LOGISTICS"], hs="29x")


def test_rendering_escapes_untrusted_text_and_csv_neutralises_formulas(world, tmp_path):
    rows = [{"shipper": "<script>alert(1)</script> CHEM", "consignee": "=HYPERLINK(\"x\") SA",
             "date": "2024-01-01", "description": "<b>bold</b>"}]
    ws, ids = world(rows)
    result = ws.trace(ids["<script>alert(1)</script> CHEM"])
    page = result._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;bold" in page
    bundle = result._repr_mimebundle_()
    assert "<script>" not in bundle["text/html"]
    assert bundle["image/svg+xml"].lstrip().startswith(("<svg", "<?xml")) and "<script>" not in bundle["image/svg+xml"]
    text = result.to_csv(tmp_path / "t.csv").read_text()
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text
    assert result.to_json()["rows"][0]["dst_name"].startswith("=HYPERLINK")


def test_graph_cache_follows_resolution_changes(world):
    rows = [{"shipper": "ALPHA CHEM", "consignee": "BETA TRADE", "date": "2024-01-01"},
            {"shipper": "GAMMA CHEM", "consignee": "DELTA IMPORT", "date": "2024-01-02"}]
    ws, ids = world(rows)
    assert set(ws.trace(ids["ALPHA CHEM"]).graph) == {ids["ALPHA CHEM"], ids["BETA TRADE"]}
    # the analyst merges GAMMA CHEM into ALPHA CHEM: the graph must follow without a manual rebuild
    ws.store.execute("UPDATE mention_entities SET entity_id = ? WHERE entity_id = ?",
                     [ids["ALPHA CHEM"], ids["GAMMA CHEM"]])
    assert set(ws.trace(ids["ALPHA CHEM"]).graph) == {ids["ALPHA CHEM"], ids["BETA TRADE"], ids["DELTA IMPORT"]}
