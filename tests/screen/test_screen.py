"""Screening resolved entities against lists: planted listed party, its explanation, hops with paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.screen.world import BROKER, BYSTANDER, FTM_LISTED, HOSTILE, LISTED, MAKER, resolved_world
from tracekit.commands import all_commands
from tracekit.commands._render import to_json_text
from tracekit.errors import TracekitError

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def screened(tmp_path_factory, shared_dir):
    ws = resolved_world(tmp_path_factory.mktemp("world"))
    ws.screen_lists.add(shared_dir / "data" / "ofac-sdn-2022-01", name="ofac")
    yield ws, ws.screen()
    ws.close()


def _record_ids(ws, shipment_ids: list[int]) -> list[str]:
    found = ws.store.rows("SELECT record_id FROM shipments WHERE shipment_id IN (SELECT unnest(?)) ORDER BY 1",
                          [shipment_ids])
    return [r[0] for r in found]


def test_planted_listed_party_is_screened_with_an_explanation(screened):
    _ws, result = screened
    hits = result.to_frame()
    assert hits["entity_name"].tolist() == [LISTED]  # nothing else in the world is on the list
    hit = hits.iloc[0]
    assert (hit["list_name"], hit["entry_id"]) == ("ofac", "11244")
    assert hit["listed_name"] == "LABORATORIOS WILLMAR, S.A. DE C.V." and "SDNTK" in hit["programs"]
    assert hit["score"] >= 0.9 and 0.9 <= hit["name_sim"] < 1.0  # a typo: similar, not equal
    assert hit["country_evidence"] == "same country MX"
    assert "legal forms differ (sa / sacv)" in hit["legal_form_evidence"]
    assert "LABORATORIOS WILLMAR, S.A. DE C.V." in hit["explanation"] and "name 0.9" in hit["explanation"]
    assert hit["source_file"].endswith("sdn.csv") and hit["source_row"] == 1777


def test_broker_is_one_hop_with_path_and_evidence_shipments(screened):
    ws, result = screened
    hops = result.hops.set_index("entity_name")
    broker = hops.loc[BROKER]
    assert broker["hops"] == 1 and broker["nearest_listed_name"] == LISTED
    assert broker["path"] == f"{BROKER} → {LISTED}"  # goods flow from the broker to the listed party
    assert _record_ids(ws, broker["evidence_shipment_ids"][0]) == ["BL2", "BL3"]
    maker = hops.loc[MAKER]
    assert maker["hops"] == 2 and maker["path"] == f"{MAKER} → {BROKER} → {LISTED}"
    assert [_record_ids(ws, e) for e in maker["evidence_shipment_ids"]] == [["BL1"], ["BL2", "BL3"]]
    assert hops.loc[LISTED, "hops"] == 0
    assert BYSTANDER not in hops.index  # no trade path to the listed party
    proximity = ws.sanctions_proximity(BROKER)
    assert proximity["hops"] == 1 and proximity["path_entity_ids"][-1] == result.to_frame()["entity_id"].iloc[0]
    assert json.loads(to_json_text(proximity))["path_entity_ids"][0] == str(proximity["entity_id"])
    assert "hop 1: shipments" in str(proximity)
    far = ws.sanctions_proximity(BYSTANDER)
    assert far["hops"] is None and far["entity_name"] == BYSTANDER and "no listed party" in str(far)


def test_hostile_names_escaped_and_ids_are_strings(screened):
    _ws, result = screened
    page = result._repr_html_()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    bundle = result._repr_mimebundle_()
    assert "<img src=x" not in bundle["text/html"]
    data = json.loads(to_json_text(result))
    assert isinstance(data["rows"][0]["entity_id"], str) and data["rows"][0]["entity_id"].isdigit()
    hostile = next(h for h in data["hops"] if h["entity_name"] == HOSTILE)
    assert all(isinstance(i, str) for i in hostile["path_entity_ids"])
    assert all(isinstance(i, str) for hop in hostile["evidence_shipment_ids"] for i in hop)


def test_ftm_list_screens_without_the_shared_data(tmp_path):
    ws = resolved_world(tmp_path)
    try:
        with pytest.raises(TracekitError, match="no screening list is loaded"):
            ws.screen()
        ws.screen_lists.add(FIXTURES / "lists.ftm.jsonl", name="mine")
        with pytest.raises(TracekitError, match="no screening list named 'other'"):
            ws.screen(lists="other")
        with pytest.raises(TracekitError, match="kinds=.*use some of organization"):
            ws.screen(kinds=("company",))
        with pytest.raises(TracekitError, match="min_score=0: use a score between 0 and 1"):
            ws.screen(min_score=0)
        result = ws.screen()
        hit = result.to_frame().iloc[0]
        assert len(result) == 1 and hit["entity_name"] == FTM_LISTED and hit["entry_id"] == "ftm-acme"
        assert hit["listed_name"] == "Química Andina S.A. de C.V." and hit["country_evidence"] == "same country MX"
        assert hit["source_row"] == 1
        broker = result.hops.set_index("entity_name").loc[BROKER]
        assert broker["hops"] == 1 and broker["path"] == f"{BROKER} → {FTM_LISTED}"
        # Accents and legal form are normalised away: the names agree fully, the legal form is still shown.
        assert hit["name_sim"] == 1.0 and hit["legal_form_evidence"] == "same legal form (sacv)"
        assert ws.screen(min_score=1.0).to_frame()["entity_name"].tolist() == [FTM_LISTED]
    finally:
        ws.close()


def test_screen_verb_is_shared_by_cli_and_magic(tmp_path):
    cmd = all_commands()["screen"]
    assert "sanctions" in cmd.help
    ws = resolved_world(tmp_path)
    try:
        import argparse

        lists_cmd = all_commands()["screen-lists"]
        lists_parser = argparse.ArgumentParser()
        lists_cmd.add_arguments(lists_parser)
        listed = lists_cmd.run(ws, lists_parser.parse_args(["add", str(FIXTURES / "lists.ftm.jsonl"),
                                                            "--name", "mine"]))
        parser = argparse.ArgumentParser()
        cmd.add_arguments(parser)
        assert listed["list_name"].tolist() == ["mine"]
        result = cmd.run(ws, parser.parse_args(["--min-score", "0.8", "--list", "mine"]))
        assert result.title == "screen against mine" and result.meta["min_score"] == 0.8
    finally:
        ws.close()


def test_tk_magic_adds_a_list_and_screens(tmp_path, monkeypatch):
    from IPython.core.interactiveshell import InteractiveShell

    from tests.screen.world import write_world

    monkeypatch.setenv("TRACEKIT_WORKSPACE", str(tmp_path / "ws"))
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "tracekit")
    try:
        ip.user_ns.update(manifest=str(write_world(tmp_path)), ftm=str(FIXTURES / "lists.ftm.jsonl"))
        ip.run_cell("%tk load {manifest}")
        ip.run_cell("%tk resolve")
        ip.run_cell("%tk screen-lists add {ftm} --name mine")
        ip.run_cell("%tk screen -o hits")
        hits = ip.user_ns["hits"]
        assert hits.to_frame()["entity_name"].tolist() == [FTM_LISTED]
        assert hits.hops.set_index("entity_name").loc[BROKER, "hops"] == 1
    finally:
        ip.run_line_magic("tk", "close")
        ip.run_line_magic("unload_ext", "tracekit")
        ip.user_ns.pop("hits", None)
