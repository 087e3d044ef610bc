"""The one-pass load (plain UTF-8 files: no raw table) gives what the raw-table path gives, row for row.

The same bytes are loaded as a plain ``.csv`` (one pass, :mod:`tracekit.store.direct`) and as a ``.csv.gz``
(the raw-table path): shipments, quarantine (reason, column, detail, raw text), warnings and the date
reading must agree exactly, for generated rows with unknown and derived countries, US state codes,
ambiguous dates, bad weights and HS codes, and repeated record ids.
"""

from __future__ import annotations

import csv
import gzip
import io
import sys
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tracekit
import tracekit.store.shipment_tables as shipment_tables
from tracekit.ingest.codes import country_table
from tracekit.store.provenance import SourceFileChanged

HEADER = ["identifier", "actual_arrival_date", "shipper_party_name", "shipper_party_address_1",
          "shipper_party_address_2", "consignee_name", "consignee_country", "harmonized_number", "weight",
          "weight_unit", "description_text", "extra_note"]

countries = st.sampled_from(sorted(country_table())[:200] + ["Narnia", "CA", "DE", "N/A", "", "  China. ", "中国"])
dates = st.sampled_from(["2024-01-12", "12/01/2024", "01/13/2024", "13/01/2024", "2024/1/2", "20240131",
                         "2023-02-30", "", "soon", "5 MAR 2024"])
weights = st.sampled_from(["10", "1,200", "-5", "", "12 KG", "3.5", "heavy", "7 LBS"])
units = st.sampled_from(["KG", "LB", "", "T", "BAGS"])
hs = st.sampled_from(["2933.39", "29O3.39", "", "293339", "2933"])
names = st.sampled_from(["ACME CHEM", "", "Química del Norte", "SHANGHAI 1 CO", "a,b \"quoted\""])
ids = st.sampled_from(["B1", "B2", "B3", "", "B4", "B5"])
rows = st.lists(st.tuples(ids, dates, names, st.text(alphabet="AB 12,", max_size=8), countries, names, countries,
                          hs, weights, units, st.text(alphabet="xyz ,\"", max_size=6), st.text(max_size=4)),
                min_size=1, max_size=12)


def _csv(records: list[tuple]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for record in records:
        # the engine reads a line break in a field as a record spanning lines: covered elsewhere
        writer.writerow([str(v).replace("\n", " ").replace("\r", " ") for v in record])
    return out.getvalue().encode("utf-8")


def _state(ws: tracekit.Workspace, report) -> tuple:
    shipments = ws.sql("SELECT * EXCLUDE (shipment_id, source_id) FROM shipments ORDER BY line")
    quarantine = ws.sql('SELECT line, "column", reason, detail, raw_text FROM quarantine ORDER BY line')
    mentions = ws.sql("SELECT * EXCLUDE (mention_id, shipment_id, source_id) FROM party_mentions ORDER BY line, role")
    source = report.sources[0]
    return (shipments.to_csv(), quarantine.to_csv(), mentions.to_csv(), source.warnings, source.date_order,
            report.rows_read, report.rows_loaded, report.rows_quarantined)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=rows)
def test_one_pass_equals_raw_table_path(tmp_path_factory, records):
    folder = tmp_path_factory.mktemp("one-pass")
    data = _csv(records)
    plain, packed = folder / "f.csv", folder / "g.csv.gz"
    plain.write_bytes(data)
    packed.write_bytes(gzip.compress(data))
    with tracekit.Workspace() as one, tracekit.Workspace() as two:
        direct, raw = one.load(plain, progress=False), two.load(packed, progress=False)
        assert one.sql("SELECT raw_table FROM sources")["raw_table"].isna().all()
        assert two.sql("SELECT raw_table FROM sources")["raw_table"].notna().all()
        assert _state(one, direct) == _state(two, raw)
        lines = list(range(2, len(records) + 2))
        assert (one.source_rows(source=1, lines=lines).drop(columns="source").to_csv()
                == two.source_rows(source=1, lines=lines).drop(columns="source").to_csv())
        # a large file's way (a table of its own behind the shipments view) gives the same, on both paths
        with pytest.MonkeyPatch.context() as patch, tracekit.Workspace() as three, tracekit.Workspace() as four:
            patch.setattr(shipment_tables, "OWN_TABLE_MIN_BYTES", 0)
            patch.setattr(shipment_tables, "OWN_TABLE_MIN_ROWS", 0)
            for ws, path, report in ((three, plain, direct), (four, packed, raw)):
                alone = ws.load(path, progress=False)
                assert ws.store.table_exists("shipments_00001")
                assert _state(ws, alone) == _state(one, report)


def _ams(*lines: str) -> str:
    return "identifier,actual_arrival_date,shipper_party_name,consignee_name,weight,weight_unit\n" + \
        "".join(line + "\n" for line in lines)


def test_source_rows_reads_the_file_and_falls_back_when_it_changed(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(_ams("B1,2024-01-12,ACME,\"BUYER, INC\",10,KG", "B2,2024-01-12,,,10,KG",
                         "B3,2024-01-13,ACME,BUYER,-4,KG"), encoding="utf-8")
    with tracekit.Workspace(tmp_path / "ws") as ws:
        ws.load(path, progress=False)
        assert ws.sql("SELECT count(*) AS n FROM information_schema.tables WHERE table_name LIKE 'raw_%'")["n"][0] == 0
        rows = ws.source_rows(source=1, lines=[4, 2, 3])
        assert rows["line"].tolist() == [4, 2, 3]
        assert rows["consignee_name"].tolist() == ["BUYER", "BUYER, INC", None]
        assert rows["weight"].tolist() == ["-4", "10", "10"]
        path.write_text(_ams("B1,2024-01-12,EDITED,X,1,KG"), encoding="utf-8")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            stored = ws.source_rows(source=1, lines=[2, 4])
        assert any(issubclass(w.category, SourceFileChanged) for w in caught)
        assert stored["stored"].tolist() == ["shipments (normalised)", "quarantine raw text"]
        assert stored["shipper_party_name"].tolist() == ["ACME", "ACME"]
        assert stored["weight"].tolist()[1] == "-4"  # the quarantined row's own text
        path.unlink()
        with pytest.warns(SourceFileChanged):
            assert ws.source_rows(source=1, lines=[3])["stored"].tolist() == ["quarantine raw text"]


def test_a_wrong_day_order_guess_is_corrected_by_the_whole_column(tmp_path, monkeypatch):
    import tracekit.store.load as loading

    monkeypatch.setattr(loading, "guess_day_order", lambda *_: {"actual_arrival_date": "MDY"})
    path = tmp_path / "f.csv"
    path.write_text(_ams("B1,13/01/2024,A,B,1,KG", "B2,02/03/2024,A,B,1,KG"), encoding="utf-8")
    with tracekit.Workspace() as ws:
        report = ws.load(path, progress=False, mapping="ams")
        assert report.rows_loaded == 2
        assert [str(d)[:10] for d in ws.sql("SELECT date FROM shipments ORDER BY line")["date"]] == [
            "2024-01-13", "2024-03-02"]


def test_a_line_longer_than_the_default_buffer_is_read_on_a_retry(tmp_path):
    path = tmp_path / "f.csv"
    long = "X" * (3 << 20)
    path.write_text(_ams(f"B1,2024-01-12,{long},B,1,KG", "B2,2024-01-12,A,B,1,KG"), encoding="utf-8")
    with tracekit.Workspace() as ws:
        report = ws.load(path, progress=False)
        assert (report.rows_loaded, report.rows_quarantined) == (2, 0)
        assert len(ws.source_rows(source=1, lines=[2])["shipper_party_name"][0]) == 3 << 20


def test_a_failure_after_the_rows_are_committed_leaves_the_workspace_as_it_was(tmp_path, monkeypatch):
    """The scanned rows commit before they are numbered and quarantined: a failure then deletes them again."""
    import tracekit.store.load as load_module
    from tracekit.store.direct import UNRECORDED_MARK

    path = tmp_path / "bills.csv"
    path.write_bytes(_csv([("B1", "2024-01-12", "ACME CHEM", "1 RD", "China", "BUYER SA", "Mexico", "2933.39",
                            "10", "KG", "drums", "")]))

    def broken(*args, **kwargs):
        raise RuntimeError("the numbering failed")

    monkeypatch.setattr(load_module, "number_and_quarantine", broken)
    with tracekit.Workspace(tmp_path / "ws") as ws:
        with pytest.raises(RuntimeError, match="numbering failed"):
            ws.load(path, progress=False)
        counts = ws.sql("SELECT (SELECT count(*) FROM shipments) AS s, (SELECT count(*) FROM sources) AS n, "
                        "(SELECT count(*) FROM party_mentions) AS m")
        assert counts.iloc[0].tolist() == [0, 0, 0]
        monkeypatch.undo()
        assert ws.load(path, progress=False).rows_loaded == 1  # and it loads afterwards
    assert not (tmp_path / "ws" / UNRECORDED_MARK).exists()


def test_rows_of_a_load_killed_between_its_transactions_go_at_the_next_write(tmp_path):
    """A process killed after the first commit leaves a table of rows of no source (outside the shipments
    view) and a mark: the next read-write open drops that table."""
    import duckdb

    from tracekit.store.direct import UNRECORDED_MARK

    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    record = ("B1", "2024-01-12", "ACME CHEM", "1 RD", "China", "BUYER SA", "Mexico", "2933.39", "10", "KG", "", "")
    first.write_bytes(_csv([record]))
    second.write_bytes(_csv([record, ("B2", "2024-01-13", *record[2:])]))
    with tracekit.Workspace(tmp_path / "ws") as ws:
        ws.load(first, progress=False)
    con = duckdb.connect(str(tmp_path / "ws" / "tracekit.duckdb"))  # what the killed load left behind
    # a small file's rows in the base table, a large one's in a table of its own (store/shipment_tables.py)
    con.execute("INSERT INTO shipments_base BY NAME SELECT * REPLACE (7 AS source_id) FROM shipments")
    con.execute("CREATE TABLE shipments_00002 AS SELECT shipment_id, line, record_id FROM shipments")
    con.close()
    (tmp_path / "ws" / UNRECORDED_MARK).touch()
    with tracekit.Workspace(tmp_path / "ws") as ws:
        ws.load(second, progress=False)
        assert ws.sql("SELECT source_id, count(*) AS n FROM shipments GROUP BY 1 ORDER BY 1").values.tolist() == [
            [1, 1], [2, 2]]
        tables = set(ws.sql("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'shipments%'").table_name)
    assert tables == {"shipments_base"}
    assert not (tmp_path / "ws" / UNRECORDED_MARK).exists()


def test_a_load_caps_the_engine_memory_and_puts_the_settings_back(tmp_path, monkeypatch):
    import tracekit.store.write as write_module

    seen = []
    original = write_module.finish_rows

    def spy(store, **kwargs):
        seen.append(store.scalar("SELECT current_setting('memory_limit')"))
        return original(store, **kwargs)

    monkeypatch.setattr("tracekit.store.load.finish_rows", spy)
    path = tmp_path / "bills.csv"
    path.write_bytes(_csv([("B1", "2024-01-12", "ACME CHEM", "1 RD", "China", "BUYER SA", "Mexico", "2933.39",
                            "10", "KG", "drums", "")]))
    settings_sql = ("SELECT current_setting('memory_limit') AS m, current_setting('temp_directory') AS t, "
                    "current_setting('preserve_insertion_order') AS p, current_setting('disabled_optimizers') AS d")
    with tracekit.Workspace(tmp_path / "ws") as ws:
        before = ws.sql(settings_sql).iloc[0].tolist()
        ws.load(path, progress=False)
        assert ws.sql(settings_sql).iloc[0].tolist() == before
    assert seen == ["1.0 GiB"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priority is a Linux feature")
def test_the_file_is_hashed_and_indexed_at_a_lower_priority_than_the_scan(tmp_path, monkeypatch):
    """The hashing thread yields to the engine's threads (at equal priority it stalled the ordered insert)."""
    import os
    import threading

    import tracekit.store.direct as direct_module

    seen = {}
    original = direct_module.index_file

    def spy(path, *args, **kwargs):
        seen["index"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        return original(path, *args, **kwargs)

    monkeypatch.setattr(direct_module, "index_file", spy)
    path = tmp_path / "bills.csv"
    path.write_bytes(_csv([("B1", "2024-01-12", "ACME CHEM", "1 RD", "China", "BUYER SA", "Mexico", "2933.39",
                            "10", "KG", "drums", "")]))
    main_before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    with tracekit.Workspace(tmp_path / "ws") as ws:
        report = ws.load(path, progress=False)
    assert report.rows_loaded == 1
    assert seen["index"] == min(19, main_before + 10)
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == main_before  # the caller's own is untouched


def test_a_failed_or_interrupted_scan_does_not_wait_for_the_rest_of_the_hash(tmp_path, monkeypatch):
    """The hashing thread runs behind the scan (lower priority): an interrupt stops it at the next chunk."""
    import threading
    import time

    import tracekit.store.direct as direct_module
    from tracekit.ingest.lineindex import IndexCancelled, index_file

    path = tmp_path / "bills.csv"
    path.write_bytes(_csv([("B1", "2024-01-12", "ACME CHEM", "1 RD", "China", "BUYER SA", "Mexico", "2933.39",
                            "10", "KG", "drums", "")]))
    with pytest.raises(IndexCancelled):
        index_file(path, cancelled=lambda: True)
    chunks = threading.Event()

    def slow_index(path, *args, cancelled=None, **kwargs):  # a file whose hash would take 60 s
        for _ in range(600):
            chunks.set()
            if cancelled is not None and cancelled():
                raise IndexCancelled(str(path))
            time.sleep(0.1)
        raise AssertionError("never cancelled")

    def interrupted_scan(store, source, layout, sql):
        chunks.wait(5)
        raise KeyboardInterrupt

    monkeypatch.setattr(direct_module, "index_file", slow_index)
    monkeypatch.setattr("tracekit.store.load._read_csv", interrupted_scan)
    started = time.monotonic()
    with tracekit.Workspace(tmp_path / "ws") as ws, pytest.raises(KeyboardInterrupt):
        ws.load(path, progress=False)
    assert time.monotonic() - started < 5
