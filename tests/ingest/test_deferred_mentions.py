"""Party mentions deferred by the load and written at first use (tracekit.store.mentions).

The deferred path must give exactly the eager path's mentions, write them once, survive Ctrl-C with
the workspace as it was, and let a read-only session (which cannot write) see the same mentions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import tracekit
from tracekit.errors import SourceError
from tracekit.store import mentions as mentions_module
from tracekit.store.mentions import PENDING_TABLE

MENTIONS = "SELECT * FROM party_mentions ORDER BY mention_id"


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> list[Path]:
    """The demo world's three files (noisy names, three layouts, cp1252, bad rows, a declaration-less MX file)."""
    from tracekit.demo.generate import generate

    out = tmp_path_factory.mktemp("demo")
    generate(out, rows=3000, seed=11, progress=False)
    return sorted(out.glob("shipments-*.csv"))


@pytest.fixture(scope="module")
def eager(demo_files, tmp_path_factory):
    """(mentions frame, load report) of the demo files loaded with mentions written in the load."""
    with tracekit.Workspace(tmp_path_factory.mktemp("eager") / "ws") as ws:
        report = ws.load(demo_files, progress=False, mentions="now")
        return ws.sql(MENTIONS), report


def _pending(ws: tracekit.Workspace) -> list[int]:
    with ws.store.mentions_hook_paused():
        return ws.sql(f"SELECT source_id FROM {PENDING_TABLE} ORDER BY 1")["source_id"].tolist()  # noqa: S608


def _stored_count(ws: tracekit.Workspace) -> int:
    with ws.store.mentions_hook_paused():
        return int(ws.sql("SELECT count(*) AS n FROM main.party_mentions")["n"][0])


def test_deferred_mentions_equal_the_eager_ones_and_are_written_once(demo_files, eager, tmp_path, monkeypatch):
    expected, eager_report = eager
    calls: list[int] = []
    real = mentions_module.write_mentions

    def counting(store, source_id, *args, **kwargs):
        calls.append(source_id)
        return real(store, source_id, *args, **kwargs)

    monkeypatch.setattr(mentions_module, "write_mentions", counting)
    with tracekit.Workspace(tmp_path / "ws") as ws:
        report = ws.load(demo_files, progress=False, mentions="deferred")
        assert [s.mentions_pending for s in report.sources] == [True, True, True]
        assert "party mentions: pending" in str(report)
        # everything else the load reports is the eager load's
        assert [(s.rows_read, s.rows_loaded, s.quarantine_reasons, s.warnings) for s in report.sources] == \
            [(s.rows_read, s.rows_loaded, s.quarantine_reasons, s.warnings) for s in eager_report.sources]
        assert _pending(ws) == [1, 2, 3] and _stored_count(ws) == 0 and calls == []
        got = ws.sql(MENTIONS)  # the first reader writes them
        assert calls == [1, 2, 3] and _pending(ws) == []
        ws.sql(MENTIONS)
        info = ws.info()
        assert calls == [1, 2, 3]  # once only
    assert len(got) > 5_000
    assert got.to_csv() == expected.to_csv()
    assert info.party_mentions == len(expected)
    assert info.country_sources == {k: v for k, v in _sum_sources(eager_report).items()}


def _sum_sources(report) -> dict[str, int]:
    total: dict[str, int] = {}
    for s in report.sources:
        for k, v in s.country_sources.items():
            total[k] = total.get(k, 0) + v
    return {k: total[k] for k in ("column", "declaration", "address", "route", "port") if k in total}


def test_ctrl_c_while_writing_pending_mentions_leaves_the_workspace_as_it_was(demo_files, eager, tmp_path,
                                                                              monkeypatch):
    expected, _ = eager
    real = mentions_module.write_mentions
    calls: list[int] = []

    def interrupted(store, source_id, *args, **kwargs):
        calls.append(source_id)
        if len(calls) == 2:  # the first source's mentions are inserted by now, in the same transaction
            raise KeyboardInterrupt
        return real(store, source_id, *args, **kwargs)

    folder = tmp_path / "ws"
    with tracekit.Workspace(folder) as ws:
        ws.load(demo_files, progress=False, mentions="deferred")
        monkeypatch.setattr(mentions_module, "write_mentions", interrupted)
        with pytest.raises(KeyboardInterrupt):
            ws.sql("SELECT count(*) FROM party_mentions")
        assert calls == [1, 2]
        assert _pending(ws) == [1, 2, 3] and _stored_count(ws) == 0  # rolled back whole
        monkeypatch.setattr(mentions_module, "write_mentions", real)
    with tracekit.Workspace(folder) as ws:  # a fresh process-like open finishes the work
        assert ws.sql(MENTIONS).to_csv() == expected.to_csv()
        assert _pending(ws) == []


def test_a_read_only_session_sees_the_same_mentions_and_writes_nothing(demo_files, eager, tmp_path):
    expected, _ = eager
    folder = tmp_path / "ws"
    with tracekit.Workspace(folder) as ws:
        ws.load(demo_files, progress=False, mentions="deferred")
    with tracekit.Workspace(folder, read_only=True) as ro:
        assert ro.sql(MENTIONS).to_csv() == expected.to_csv()
        assert ro.info().party_mentions == len(expected)
        assert ro.sql("SELECT count(*) AS n FROM party_mentions WHERE role = 'shipper'")["n"][0] == \
            (expected["role"] == "shipper").sum()
    with tracekit.Workspace(folder) as ws:  # nothing was written by the reader
        assert _pending(ws) == [1, 2, 3] and _stored_count(ws) == 0


def test_a_source_replaced_while_pending_leaves_nothing_pending_of_it(demo_files, eager, tmp_path):
    expected, _ = eager
    with tracekit.Workspace(tmp_path / "ws") as ws:
        ws.load(demo_files, progress=False, mentions="deferred")
        ws.load(demo_files[0], progress=False, replace=True, mentions="now")  # source 1 goes, comes back as 4
        assert _pending(ws) == [2, 3]
        got = ws.sql("SELECT * EXCLUDE (mention_id, shipment_id, source_id) FROM party_mentions "
                     "ORDER BY source_id, line, role")
        assert _pending(ws) == []
    order = expected.assign(o=expected["source_id"].replace({1: 4})).sort_values(["o", "line", "role"])
    want = order.drop(columns=["mention_id", "shipment_id", "source_id", "o"]).reset_index(drop=True)
    assert got.to_csv() == want.to_csv()


def test_auto_defers_from_the_threshold(tmp_path, monkeypatch, demo_files):
    lines = sorted(len(f.read_bytes().splitlines()) for f in demo_files)
    threshold = (lines[1] + lines[2]) // 2  # the biggest file only
    monkeypatch.setattr(mentions_module, "DEFER_FROM_ROWS", threshold)
    with tracekit.Workspace(tmp_path / "ws") as ws:
        report = ws.load(demo_files, progress=False)  # auto
        big = [s.rows_read >= threshold for s in report.sources]
        assert [s.mentions_pending for s in report.sources] == big
        assert sum(big) == 1
    with pytest.raises(SourceError, match="mentions='later'"):
        tracekit.Workspace().load(demo_files[0], progress=False, mentions="later")


def test_resolution_of_a_deferred_load_matches_the_eager_one(demo_files, tmp_path):
    entities = []
    for mode in ("now", "deferred"):
        with tracekit.Workspace(tmp_path / mode) as ws:
            ws.load(demo_files, progress=False, mentions=mode)
            ws.resolve(progress=False)
            entities.append(ws.sql("SELECT mention_id, entity_id FROM mention_entities ORDER BY mention_id"))
    assert len(entities[0]) > 1000
    assert entities[0].equals(entities[1])
