"""Risk: contributions add up to the score, each carries its evidence rows, weights come from the table."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from tests.screen.world import BROKER, BYSTANDER, FTM_LISTED, LISTED, MAKER, resolved_world
from tracekit.commands import all_commands
from tracekit.commands._render import to_json_text
from tracekit.errors import TracekitError
from tracekit.graph.risk import FEATURES, load_risk_weights

FTM_FIXTURE = Path(__file__).parents[1] / "screen" / "fixtures" / "lists.ftm.jsonl"
WEIGHTS = Path(__file__).parents[2] / "tracekit" / "graph" / "data" / "risk_weights.csv"


@pytest.fixture(scope="module")
def screen_world(tmp_path_factory):
    ws = resolved_world(tmp_path_factory.mktemp("risk_world"))
    yield ws
    ws.close()


def _record_ids(ws, evidence: list[dict]) -> list[str]:
    ids = [int(e["shipment_id"]) for e in evidence]
    return [r[0] for r in ws.store.rows(
        "SELECT record_id FROM shipments WHERE shipment_id IN (SELECT unnest(?)) ORDER BY 1", [ids])]


def _check_explained(ws, result) -> None:
    """Contributions sum to the score; every non-zero one has evidence rows that point at real source rows."""
    frame = result.to_frame()
    assert sorted(frame["feature"]) == sorted(FEATURES)
    assert frame["contribution"].sum() == pytest.approx(result.score)
    assert 0.0 <= result.score <= 1.0
    stored = ws.store.scalar("SELECT coalesce(max(score), 0) FROM graph_risk WHERE entity_id = ?", [result.entity_id])
    assert result.score == pytest.approx(stored)
    for row in frame.itertuples():
        if not row.contribution:
            assert row.evidence == [] and row.note
            continue
        assert row.evidence and row.evidence_count >= len(row.evidence) and row.note
        assert row.evidence_rows == ", ".join(f"manifest.csv:{e['line']}" for e in row.evidence)
        for item in row.evidence:
            line = ws.store.scalar("SELECT line FROM shipments WHERE shipment_id = ?", [int(item["shipment_id"])])
            assert item["line"] == line and item["source_file"].endswith("manifest.csv")


def test_contributions_sum_to_the_score_with_evidence_for_every_company(screen_world):
    ranking = screen_world.risk().to_frame()
    assert len(ranking) >= 5 and ranking["score"].is_monotonic_decreasing
    totals = screen_world.store.df("SELECT entity_id, sum(contribution) AS total, count(*) FILTER (WHERE evidence_count = 0) "
                            "AS bare FROM graph_risk_contributions GROUP BY entity_id")
    merged = ranking.merge(totals, on="entity_id")
    assert len(merged) == len(ranking)
    assert (merged["score"] - merged["total"]).abs().max() < 1e-9
    assert merged["bare"].sum() == 0  # no contribution without evidence rows
    for name in ranking["name"]:
        _check_explained(screen_world, screen_world.risk(name))


def test_no_list_loaded_means_zero_hops_contribution_with_a_note(tmp_path):
    ws = resolved_world(tmp_path)
    try:
        frame = ws.risk(BROKER).to_frame().set_index("feature")
        assert frame.loc["listed_hops", "contribution"] == 0
        assert "no screening list is loaded" in frame.loc["listed_hops", "note"]
        # the broker received named 4-piperidone from the maker and shipped onward afterwards
        trace = frame.loc["trace_position"]
        assert trace["contribution"] > 0 and MAKER in trace["note"]
        assert _record_ids(ws, trace["evidence"]) == ["BL1", "BL2"]
    finally:
        ws.close()


def test_broker_shipping_to_a_listed_party_is_one_hop_with_evidence_rows(tmp_path):
    ws = resolved_world(tmp_path)
    try:
        before = ws.risk(BROKER).score
        ws.screen_lists.add(FTM_FIXTURE, name="mine")  # a new list rebuilds risk on next use
        result = ws.risk(BROKER)
        _check_explained(ws, result)
        hops = result.to_frame().set_index("feature").loc["listed_hops"]
        weights = load_risk_weights()["listed_hops"]
        assert hops["raw"] == 3 and hops["contribution"] == pytest.approx(weights.weight * 3 / weights.cap)
        assert hops["note"].startswith("1 hop(s) to a listed party (mine:ftm-acme") and hops["note"].endswith(
            f"{BROKER} → {FTM_LISTED}")
        assert _record_ids(ws, hops["evidence"]) == ["BL6"]  # the shipment to the listed party
        assert result.score == pytest.approx(before + hops["contribution"])
        listed = ws.risk(FTM_LISTED).to_frame().set_index("feature").loc["listed_hops"]
        assert listed["raw"] == 4 and listed["note"].startswith("listed: mine:ftm-acme")
        far = ws.risk(BYSTANDER).to_frame().set_index("feature").loc["listed_hops"]
        assert far["contribution"] == 0 and "no listed party within 3 trade hops" in far["note"]
        data = json.loads(to_json_text(result))
        assert data["entity_id"] == str(result.entity_id)
        assert all(isinstance(e["shipment_id"], str) for row in data["rows"] for e in row["evidence"])
        ranked = json.loads(to_json_text(ws.risk()))
        assert all(isinstance(r["entity_id"], str) for r in ranked["rows"])
    finally:
        ws.close()


def test_planted_ofac_party_puts_its_broker_one_hop_away(tmp_path, shared_dir):
    ws = resolved_world(tmp_path)
    try:
        ws.screen_lists.add(shared_dir / "data" / "ofac-sdn-2022-01", name="ofac")
        hops = ws.risk(BROKER).to_frame().set_index("feature").loc["listed_hops"]
        assert hops["raw"] == 3 and "ofac:11244" in hops["note"] and hops["note"].endswith(f"{BROKER} → {LISTED}")
        assert _record_ids(ws, hops["evidence"]) == ["BL2", "BL3"]
        maker = ws.risk(MAKER).to_frame().set_index("feature").loc["listed_hops"]
        assert maker["raw"] == 2 and maker["note"].endswith(f"{MAKER} → {BROKER} → {LISTED}")
        assert _record_ids(ws, maker["evidence"]) == ["BL1", "BL2", "BL3"]  # every hop of the path
    finally:
        ws.close()


def test_weights_are_read_from_the_table(screen_world, tmp_path):
    shipped = screen_world.risk(BROKER)
    text = WEIGHTS.read_text(encoding="utf-8")
    changed = tmp_path / "weights.csv"
    changed.write_text(text.replace("\ntrace_position,0.15,", "\ntrace_position,0.05,"), encoding="utf-8")
    reweighed = screen_world.risk(BROKER, weights=changed)
    trace = reweighed.to_frame().set_index("feature").loc["trace_position"]
    assert trace["weight"] == 0.05 and trace["contribution"] == pytest.approx(0.05)
    assert reweighed.score == pytest.approx(shipped.score - 0.10)
    assert screen_world.risk(BROKER).score == pytest.approx(shipped.score)  # the shipped table again
    too_heavy = tmp_path / "heavy.csv"
    too_heavy.write_text(text.replace("\nflags,0.42,", "\nflags,0.99,"), encoding="utf-8")
    with pytest.raises(TracekitError, match="sum to 1.57"):
        screen_world.risk(BROKER, weights=too_heavy)
    broken = tmp_path / "broken.csv"
    broken.write_text(text.replace("\nshell_cluster,0.15,", "\nshell_cluster,heavy,"), encoding="utf-8")
    with pytest.raises(TracekitError, match=r"broken.csv, line 5, column weight: 'heavy'"):
        load_risk_weights(broken)
    table = load_risk_weights()
    assert all(f.description and f.rationale for f in table.values())


def test_shell_cluster_membership_counts_with_the_shared_address_rows(world):
    ws, _ids = world(
        [{"shipper": "FRONT ONE", "consignee": "LONE BUYER", "date": "2024-01-05", "hs": "293339",
          "description": "chemical raw material"},
         {"shipper": "FRONT TWO", "consignee": "LONE BUYER", "date": "2024-02-05", "hs": "291400",
          "description": "acetone"}],
        {"FRONT ONE": {"country": "HK", "address": "12 harbour rd"},
         "FRONT TWO": {"country": "HK", "address": "12 harbour rd"}, "LONE BUYER": {"country": "MX"}})
    result = ws.risk("FRONT ONE")
    shell = result.to_frame().set_index("feature").loc["shell_cluster"]
    weights = load_risk_weights()["shell_cluster"]
    assert shell["raw"] == 1 and "address 12 harbour rd with 1 other(s)" in shell["note"]
    assert shell["contribution"] == pytest.approx(weights.weight / weights.cap)
    assert [e["line"] for e in shell["evidence"]] == [2]  # its own row with that address
    assert result.to_frame()["contribution"].sum() == pytest.approx(result.score)
    assert ws.risk("LONE BUYER").to_frame().set_index("feature").loc["shell_cluster", "contribution"] == 0


def test_risk_verb_is_shared_by_cli_and_magic(screen_world):
    cmd = all_commands()["risk"]
    parser = argparse.ArgumentParser()
    cmd.add_arguments(parser)
    ranked = cmd.run(screen_world, parser.parse_args(["--top", "2"]))
    assert len(ranked) == 2 and ranked.to_frame()["rank"].tolist() == [1, 2]
    one = cmd.run(screen_world, parser.parse_args([BROKER]))
    assert one.entity_id == ranked.to_frame()["entity_id"].iloc[0]
    assert "&lt;img" in screen_world.risk()._repr_html_() and "<img src=x" not in screen_world.risk()._repr_html_()
