"""The whole investigation on a generated world, checked against its ground truth.

Each stage has its own tests; these check that the stages agree with each other: what the demo plants,
ingest accounts for row by row, and the rows behind every planted shipment come back unchanged.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import tracekit
from tracekit.demo import generate
from tracekit.demo.truth import read_truth


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate(out, rows=15_000, seed=23, progress=False)
    return out


@pytest.fixture(scope="module")
def loaded(world, tmp_path_factory):
    ws = tracekit.Workspace(tmp_path_factory.mktemp("ws") / "case")
    report = ws.load(str(world / "shipments-*.csv"), progress=False)
    yield ws, report
    ws.close()


def test_every_row_is_loaded_or_quarantined(loaded, world):
    ws, report = loaded
    truth = read_truth(world)
    assert report.rows_read == sum(truth["rows"].values())
    assert report.rows_read == report.rows_loaded + report.rows_quarantined
    assert ws.info().shipments == report.rows_loaded


def test_quarantine_is_exactly_the_planted_bad_rows(loaded, world):
    ws, _ = loaded
    planted = {(b["file"], int(b["line"]), b["reason"]) for b in read_truth(world)["bad_rows"]}
    got = {
        (Path(f).name, int(line), reason)
        for f, line, reason in ws.quarantine()[["file", "line", "reason"]].itertuples(index=False)
    }
    assert got == planted


def test_flagged_shipments_trace_back_to_their_raw_rows(loaded, world):
    ws, _ = loaded
    flagged = read_truth(world)["flagged_shipments"]
    assert flagged, "the demo world plants flagged shipments"
    stored = ws.sql("SELECT s.shipment_id, s.record_id, s.line, src.path FROM shipments s "
                    "JOIN sources src USING (source_id)")
    stored["file"] = stored["path"].map(lambda p: Path(p).name)
    by_place = {(f, int(line)): (sid, rid) for sid, rid, line, f in
                stored[["shipment_id", "record_id", "line", "file"]].itertuples(index=False)}
    ids = []
    for row in flagged:
        shipment_id, record_id = by_place[(row["file"], int(row["line"]))]
        assert record_id == row["record_id"]
        ids.append(shipment_id)
    raw = ws.source_rows(ids)
    assert len(raw) == len(ids)
    raw_text = raw.astype(object).fillna("").astype(str).apply(" ".join, axis=1)
    for row in flagged:
        assert raw_text.str.contains(row["record_id"], regex=False).any()


@pytest.fixture(scope="module")
def resolved(loaded, world):
    """The loaded world after entity resolution, and truth entity id → the workspace's entity for it."""
    import pandas as pd

    ws, _ = loaded
    ws.resolve(progress=False)
    truth = pd.read_parquet(world / "truth-mentions.parquet").dropna(subset=["entity_id"])
    ours = ws.sql(
        "SELECT src.path, pm.line, pm.role, me.entity_id AS ours FROM party_mentions pm "
        "JOIN mention_entities me USING (mention_id) JOIN sources src USING (source_id)")
    ours["file"] = ours["path"].map(lambda p: Path(p).name)
    joined = truth.merge(ours, on=["file", "line", "role"])
    # each true company maps to the entity holding most of its mentions
    majority = (joined.groupby(["entity_id", "ours"]).size().reset_index(name="n")
                .sort_values("n", ascending=False).drop_duplicates("entity_id"))
    return ws, dict(zip(majority["entity_id"], majority["ours"], strict=True))


def test_trace_by_name_recovers_every_planted_chain(resolved, world):
    """What `make demo` does: trace a planted importer by its name, up, time-respecting."""
    ws, ours = resolved
    truth = read_truth(world)
    names = {e["id"]: e["name"] for e in truth["entities"]}
    for network in truth["networks"]:
        importer = network["importer"]
        up = ws.trace(names[importer], "up", hops=3, time_respecting=True)
        assert up.seed == ours[importer]
        for chain in network["chains"]:
            position = chain["entities"].index(importer)
            suppliers = chain["entities"][:position]
            missing = [names[e] for e in suppliers if ours[e] not in up.graph]
            assert not missing, f"{network['id']}: trace up from {names[importer]} misses {missing}"
            down = ws.trace(names[chain["entities"][0]], "down", hops=len(chain["entities"]) - 1,
                            time_respecting=True)
            missing = [names[e] for e in chain["entities"][1:] if ours[e] not in down.graph]
            assert not missing, f"{network['id']}: trace down from the maker misses {missing}"
