"""Analyst decisions: persisted, applied after every re-resolution, conflicts reported; explain; export."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import tracekit
from tests.resolve.conftest import add_mentions, entity_of
from tracekit.errors import TracekitError

RECORDS = [
    {"name": "SHANGHAI XYZ CHEMICAL CO., LTD", "country": "CN"},
    {"name": "上海XYZ化工有限公司", "country": "CN"},
    {"name": "ABC LOGISTICS CO", "country": "CN"},
    {"name": "ORIENT GATE HK LTD", "country": "HK"},
    {"name": "<script>alert(1)</script> TRADING", "country": "US"},
]


@pytest.fixture
def resolved(workspace):
    ids = add_mentions(workspace, RECORDS)
    workspace.resolve(progress=False)
    return workspace, ids


def test_decisions_survive_reresolution_and_reopen(resolved, tmp_path, monkeypatch):
    ws, ids = resolved
    monkeypatch.setenv("TRACEKIT_USER", "analyst7")
    assert entity_of(ws, ids[0]) == entity_of(ws, ids[1])
    ws.merge(ids[0], ids[3], reason="same director and bank account")
    ws.merge(ids[0], ids[2], reason="forwarder named them together")
    assert entity_of(ws, ids[2]) == entity_of(ws, ids[3]) == entity_of(ws, ids[1])
    ws.split(entity_of(ws, ids[0]), ids[2], reason="the forwarder was wrong")
    assert entity_of(ws, ids[0]) == entity_of(ws, ids[3]) == entity_of(ws, ids[1])
    assert entity_of(ws, ids[2]) != entity_of(ws, ids[0])
    log = (ws.path / "decisions.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["action"] for line in log] == ["merge", "merge", "split"]
    assert json.loads(log[0])["user"] == "analyst7" and json.loads(log[0])["a_key"] == "shanghai xyz chem|CN|"
    path = ws.path
    ws.close()
    with tracekit.Workspace(path) as again:
        again.resolve(full=True, progress=False)
        assert entity_of(again, ids[0]) == entity_of(again, ids[3]) == entity_of(again, ids[1])
        assert entity_of(again, ids[2]) != entity_of(again, ids[0])
        late = add_mentions(again, [{"name": "ABC LOGISTICS CO", "country": "CN"}])
        again.resolve(progress=False)
        assert entity_of(again, late[0]) == entity_of(again, ids[2]) != entity_of(again, ids[0])
        assert len(again.decisions()) == 3


def test_never_merge_applies_and_conflicting_merge_chain_is_reported(resolved):
    ws, ids = resolved
    ws.never_merge(ids[0], ids[2], reason="different licences")
    ws.merge(ids[0], ids[3], reason="shared bank account")
    result = ws.merge(ids[3], ids[2], reason="forwarder says so")
    assert entity_of(ws, ids[0]) != entity_of(ws, ids[2])
    assert result.conflicts and "never-merge" in result.conflicts[0]
    report = ws.resolve(full=True, progress=False)
    assert report.conflicts and entity_of(ws, ids[0]) != entity_of(ws, ids[2])


def test_decision_needs_reason(resolved):
    ws, ids = resolved
    with pytest.raises(TracekitError, match="reason"):
        ws.merge(ids[0], ids[2], reason=" ")


def test_in_memory_decisions_live_in_a_table(mem_ws):
    ids = add_mentions(mem_ws, RECORDS)
    mem_ws.resolve(progress=False)
    mem_ws.merge(ids[0], ids[2], reason="checked the registry")
    assert entity_of(mem_ws, ids[0]) == entity_of(mem_ws, ids[2])
    assert mem_ws.store.count("resolve_decisions") == 1


def test_explain_pair_shows_features_score_and_escapes(resolved):
    ws, ids = resolved
    same = ws.explain(ids[0], ids[1])
    assert same.same_entity and same.score >= same.threshold
    assert same.features["name similarity"] == 1.0 and same.features["country"] == "agree"
    assert "SAME entity" in str(same)
    other = ws.explain(entity_of(ws, ids[0]), ids[4])
    assert not other.same_entity and other.score < other.threshold
    page = other._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert other.to_json()["right"]["name"].startswith("<script>")


def test_entity_card_lists_variants_and_evidence(resolved):
    ws, ids = resolved
    card = ws.entity(entity_of(ws, ids[0]))
    assert set(card.variants["name"]) == {RECORDS[0]["name"], RECORDS[1]["name"]}
    assert card.entity["mention_count"] == 2
    assert "上海XYZ化工有限公司" in str(card)
    assert "&lt;script&gt;" in ws.entity(ids[4])._repr_html_()


def test_export_csv_neutralises_formulas(resolved, tmp_path):
    ws, ids = resolved
    add_mentions(ws, [{"name": "=cmd|' /C calc'!A0", "country": "US"}, {"name": "@SUM(1)", "country": "US"}])
    ws.resolve(progress=False)
    result = ws.export_mentions(tmp_path / "out.csv")
    frame = pd.read_csv(tmp_path / "out.csv", dtype=str)
    assert result.rows == len(frame) == len(RECORDS) + 2
    assert list(frame.columns) == ["source_file", "line", "record_id", "role", "raw_name", "entity_id",
                                   "entity_name"]
    assert not frame["raw_name"].str.match(r"^[=+\-@]").any()
    assert "'=cmd|' /C calc'!A0" in frame["raw_name"].tolist()
    ws.export_mentions(tmp_path / "out.parquet")
    assert "=cmd|' /C calc'!A0" in pd.read_parquet(tmp_path / "out.parquet")["raw_name"].tolist()


def test_cli_resolve_search_explain_json(resolved, capsys):
    from tracekit.cli import main

    ws, ids = resolved
    path = str(ws.path)
    ws.close()
    assert main(["resolve", "-w", path, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["new_mentions"] == 0
    assert main(["search", "xyz", "chem", "-w", path, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["name"] in {RECORDS[0]["name"], RECORDS[1]["name"]}
    assert main(["explain", str(ids[0]), str(ids[1]), "-w", path, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["same_entity"] is True
    assert main(["explain", "no such company anywhere", "-w", path]) == 2
