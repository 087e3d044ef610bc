"""The explorer's risk controls on a real workspace: node risk, colour by risk, the min-risk slider, outline."""

from __future__ import annotations

import json

import pytest

from tests.screen.world import BROKER, BYSTANDER, FTM_LISTED, resolved_world
from tracekit.views.explorer import Explorer

pytest.importorskip("ipywidgets")


@pytest.fixture(scope="module")
def ws(tmp_path_factory):
    from pathlib import Path

    workspace = resolved_world(tmp_path_factory.mktemp("explorer_risk"))
    workspace.screen_lists.add(Path(__file__).parents[1] / "screen" / "fixtures" / "lists.ftm.jsonl", name="mine")
    yield workspace
    workspace.close()


def _nodes(ex: Explorer) -> dict[str, dict]:
    return {e["data"]["id"]: e for e in json.loads(ex.canvas.feeder.elements) if e["group"] == "nodes"}




def test_every_drawn_company_carries_its_stored_risk(ws):
    ex = ws.show(ws.risk())
    stored = dict(ws.store.rows("SELECT entity_id, score FROM graph_risk"))
    companies = [(n, d) for n, d in ex.full.nodes(data=True) if d.get("kind") == "company"]
    assert companies
    for node, attrs in companies:
        assert attrs["risk"] == pytest.approx(stored.get(node, 0.0), abs=1e-4) and 0 <= attrs["risk"] <= 1
    trace = ws.trace(BROKER, "down", 1)  # graphs of other verbs carry risk too
    assert all(d["risk"] is not None for _n, d in trace.graph.nodes(data=True) if d.get("kind") == "company")


def test_colour_by_risk_slider_and_outline(ws):
    broker = ws.risk(BROKER)
    bystander = ws.risk(BYSTANDER)
    assert broker.score > 0.5 > bystander.score
    ex = ws.show(ws.risk())
    nodes = _nodes(ex)
    high, low = nodes[str(broker.entity_id)], nodes[str(bystander.entity_id)]
    assert high["data"]["risk"] == pytest.approx(broker.score, abs=1e-4)
    kind_colours = (high["data"]["colour"], low["data"]["colour"])
    ex.colour_menu.value = "risk"  # the toolbar's dropdown, as a click would set it
    nodes = _nodes(ex)
    high, low = nodes[str(broker.entity_id)], nodes[str(bystander.entity_id)]
    assert high["data"]["colour"] != low["data"]["colour"]
    assert (high["data"]["colour"], low["data"]["colour"]) != kind_colours
    assert "risk-medium" in high["classes"] or "risk-high" in high["classes"]
    assert "risk-low" in low["classes"]
    ex.min_risk.value = 0.5  # the slider, then "apply filters"
    ex.apply_button.click()
    kept = {n for n, d in ex.visible.nodes(data=True) if d.get("kind") == "company"}
    assert broker.entity_id in kept and bystander.entity_id not in kept
    assert all(ex.visible.nodes[n]["risk"] >= 0.5 or n in ex.seeds or n in ex.highlight for n in kept)
    assert "risk ≥ 0.5" in ex.status.value
    ex.min_risk.value = 0.0
    ex.apply_button.click()
    assert bystander.entity_id in ex.visible


def test_listed_party_outranks_its_bystanders_in_the_drawn_ranking(ws):
    ranking = ws.risk().to_frame()
    assert ranking["name"].iloc[0] == BROKER
    assert ranking.set_index("name").loc[FTM_LISTED, "score"] > ranking.set_index("name").loc[BYSTANDER, "score"]
