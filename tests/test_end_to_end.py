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
