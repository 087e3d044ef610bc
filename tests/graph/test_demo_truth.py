"""Truth recovery on the demo world: planted chains, decoys, shell clusters and the intermediary swap.

Entities are assigned from ``truth-mentions.parquet`` (every mention gets its true entity) and the
identifier keys from the true company records, so these tests measure the graph and its queries,
not the quality of entity resolution.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import tracekit
from tracekit.cli import main

pytestmark = pytest.mark.slow
ROWS = 20_000


def _eid(text: str) -> int:
    return int(text.lstrip("E"))


def _assign_truth(ws, folder) -> None:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    mentions = pd.read_parquet(folder / "truth-mentions.parquet")
    mentions = mentions[mentions["entity_id"].notna()]
    mentions = pd.DataFrame({"file": mentions["file"].astype(str), "line": mentions["line"].astype("int64"),
                             "role": mentions["role"].astype(str),
                             "entity_id": [_eid(e) for e in mentions["entity_id"]]})
    entities = pd.DataFrame([{"entity_id": _eid(e["id"]), "name": e["name"], "country": e["country"],
                              "address": e["address"], "phone": e["phone"], "tax_id": e["tax_id"]}
                             for e in truth["entities"]])
    store = ws.store
    with store.transaction(), store.registered("truth_m", mentions), store.registered("truth_e", entities):
        store.execute("""
CREATE OR REPLACE TABLE mention_entities AS
SELECT m.mention_id, t.entity_id FROM party_mentions m
JOIN sources s ON s.source_id = m.source_id
JOIN truth_m t ON t.file = regexp_extract(s.path, '[^/]+$') AND t.line = m.line AND t.role = m.role;
CREATE OR REPLACE TABLE entities AS
SELECT e.entity_id, e.name, e.country, count(me.mention_id) AS mention_count,
       count(DISTINCT me.mention_id // 4) AS shipment_count
FROM truth_e e LEFT JOIN mention_entities me ON me.entity_id = e.entity_id GROUP BY ALL;
CREATE OR REPLACE TABLE mention_features AS
SELECT me.mention_id, lower(e.name) AS name_key, lower(e.address) AS address_key,
       regexp_replace(e.phone, '[^0-9]', '', 'g') AS phone_key, NULL::VARCHAR AS email_key,
       e.tax_id AS tax_id_key
FROM mention_entities me JOIN truth_e e ON e.entity_id = me.entity_id;
""")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--rows", str(ROWS), "--seed", "11", "--out", str(folder)]) == 0
    ws = tracekit.Workspace()
    ws.load(str(folder / "shipments-*.csv"))
    _assign_truth(ws, folder)
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    yield ws, truth
    ws.close()


def test_every_planted_chain_is_found_from_either_end(demo):
    ws, truth = demo
    chains = [[_eid(e) for e in c["entities"]] for n in truth["networks"] for c in n["chains"]]
    assert chains
    for chain in chains:
        for time_respecting in (False, True):
            down = ws.trace(chain[0], "down", 3, time_respecting=time_respecting, max_nodes=None, evidence=False)
            assert [down.graph.nodes[e]["tier"] for e in chain] == [0, 1, 2, 3]
            up = ws.trace(chain[-1], "up", 3, time_respecting=time_respecting, max_nodes=None, evidence=False)
            assert all(e in up.graph for e in chain)
            assert up.graph.nodes[chain[0]]["tier"] <= -1


def test_decoy_traffic_is_separated_only_by_time_respecting_trace(demo):
    ws, truth = demo
    for network in truth["networks"]:
        maker = _eid(network["maker"])
        decoys = {_eid(d["to"]) for d in network["decoys"]}
        plain = ws.trace(maker, "down", 3, max_nodes=None, evidence=False)
        timed = ws.trace(maker, "down", 3, time_respecting=True, max_nodes=None, evidence=False)
        assert decoys <= set(plain.graph), network["id"]
        assert not decoys & set(timed.graph), network["id"]
        onward = {_eid(o) for o in network["onward"]}
        assert onward <= set(timed.graph)


def test_planted_shell_clusters_rank_in_the_top_ten(demo):
    ws, truth = demo
    frame = ws.shell_clusters().to_frame()
    members = ws.shell_clusters().members
    for planted in truth["shell_clusters"]:
        ids = {_eid(e) for e in planted["entities"]}
        clusters = set(members.loc[members["entity_id"].isin(ids), "cluster"])
        assert len(clusters) == 1, planted["id"]
        rank = int(frame.loc[frame["cluster"] == clusters.pop(), "rank"].iloc[0])
        assert rank <= 10, (planted["id"], rank)


def test_intermediary_swap_is_found_by_changes(demo):
    ws, truth = demo
    network = next(n for n in truth["networks"] if n["swap"])
    swap_day = pd.Timestamp(network["swap"]["date"])
    before = f"{truth['date_range'][0]}..{(swap_day - pd.Timedelta(days=1)).date()}"
    after = f"{swap_day.date()}..{truth['date_range'][1]}"
    frame = ws.changes(before, after).to_frame()
    hits = frame[(frame["kind"] == "new_intermediary") & (frame["src"] == _eid(network["maker"]))
                 & (frame["via"] == _eid(network["swap"]["new"])) & (frame["dst"] == _eid(network["importer"]))]
    assert len(hits) == 1
    assert int(hits["rank"].iloc[0]) <= 10
