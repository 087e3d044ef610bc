"""Each generated world's fictional sanctions list: the planted listed importer is screened with an
explanation, no decoy matches any company, and the broker shipping to it is one hop away in its risk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tracekit
from tests.second_world_support import load_second_world, mention_frame, truth_entity_map
from tracekit.demo import generate
from tracekit.demo.sanctions import SANCTIONS_FILE
from tracekit.demo.second.generate import generate_second
from tracekit.demo.truth import read_truth


def _demo(folder: Path) -> tracekit.Workspace:
    generate(folder, rows=6_000, seed=3, progress=False)
    ws = tracekit.Workspace()
    ws.load(str(folder / "shipments-*.csv"), progress=False)
    return ws


def _second(folder: Path) -> tracekit.Workspace:
    generate_second(folder, rows=3_000, seed=4, progress=False)
    ws = tracekit.Workspace()
    load_second_world(ws, folder)
    return ws


def _entity_of(ws: tracekit.Workspace, folder: Path, truth_id: str) -> int:
    """The workspace entity holding most mentions of the true firm ``truth_id``."""
    mentions = mention_frame(ws, folder)
    return truth_entity_map(mentions)[truth_id]


@pytest.fixture(scope="module", params=["demo", "second"])
def world(request, tmp_path_factory):
    folder = tmp_path_factory.mktemp(request.param)
    ws = {"demo": _demo, "second": _second}[request.param](folder)
    ws.resolve(progress=False)
    ws.screen_lists.add(folder / SANCTIONS_FILE, name="fictional")
    yield ws, folder, read_truth(folder)
    ws.close()


def test_list_is_valid_followthemoney(world):
    from followthemoney import model

    _ws, folder, truth = world
    lines = (folder / SANCTIONS_FILE).read_text("utf-8").splitlines()
    proxies = [model.get_proxy(json.loads(line)) for line in lines]
    schemata = {p.schema.name for p in proxies}
    assert {"Company", "Sanction"} <= schemata
    listed = next(p for p in proxies if p.id == truth["sanctions"]["listed_entry"])
    names = listed.get("name") + listed.get("alias")
    true_name = next(e["name"] for e in truth["entities"] if e["id"] == truth["sanctions"]["listed"])
    assert true_name not in names  # listed under a perturbed spelling only
    assert len(truth["sanctions"]["entries"]) >= 5


def test_planted_importer_is_screened_with_an_explanation_and_no_decoy_matches(world):
    ws, folder, truth = world
    sanctions = truth["sanctions"]
    listed = _entity_of(ws, folder, sanctions["listed"])
    hits = ws.screen().to_frame()
    assert set(hits["entry_id"]) == {sanctions["listed_entry"]}  # no decoy matches any company
    hit = hits[hits["entity_id"] == listed]
    assert len(hit) == 1, hits[["entity_name", "listed_name", "score"]]
    hit = hit.iloc[0]
    listed_country = next(e["country"] for e in truth["entities"] if e["id"] == sanctions["listed"])
    assert hit["country_evidence"] == f"same country {listed_country}"
    assert hit["listed_name"] in hit["explanation"] and hit["source_file"].endswith(SANCTIONS_FILE)
    assert hit["source_row"] == 1  # the listed company is the first line of the list


def test_broker_shows_one_hop_with_evidence_rows(world):
    ws, folder, truth = world
    sanctions = truth["sanctions"]
    listed = _entity_of(ws, folder, sanctions["listed"])
    broker_truth = sanctions["brokers"][0]
    broker = _entity_of(ws, folder, broker_truth)
    row = ws.risk(broker).to_frame().set_index("feature").loc["listed_hops"]
    assert row["raw"] == 3 and row["note"].startswith("1 hop(s) to a listed party (fictional:")
    evidence = row["evidence"] if isinstance(row["evidence"], list) else json.loads(row["evidence"])
    assert evidence
    # each evidence row is a real shipment from the broker to the listed importer, at its file and line
    mentions = mention_frame(ws, folder)
    by_line = mentions.pivot_table(index=["file", "line"], columns="role", values="truth", aggfunc="first")
    for item in evidence:
        file = Path(item["source_file"]).name
        parties = by_line.loc[(file, int(item["line"]))]
        assert (parties["shipper"], parties["consignee"]) == (broker_truth, sanctions["listed"]), item
        stored = ws.store.rows("SELECT line FROM shipments WHERE shipment_id = ?", [int(item["shipment_id"])])
        assert [r[0] for r in stored] == [int(item["line"])]
    assert listed != broker
