"""Where shipments are kept (schema version 3): a large source's own narrow table behind the
``shipments`` view, the full-width ``shipments_base`` for small sources and version-2 workspaces' rows,
and those workspaces moved on at their first read-write open.

The ``own_tables`` fixture lowers the size that earns a table of its own to nothing, so these small
files take the large files' way."""

from __future__ import annotations

import gzip

import duckdb
import pytest

import tracekit
from tests.ingest.conftest import ams_rows
from tracekit.ingest.fields import field_names

ROWS = ["B1,2024-01-12,ACME CHEM,\"Rm 1, Bldg 2\",QUIMICA SA,2933.39,BENZYL CHLORIDE IN 25 KG DRUMS,\"1,200\",LB,blue",
        "B2,12-JAN-2024,ACME CHEM,,,2933.39,SAID TO CONTAIN INDUSTRIAL CHEMICALS,2,MT,red",
        "B3,2024-13-45,ACME CHEM,,QUIMICA SA,2933.39,INDUSTRIAL SOLVENT IN STEEL DRUMS,2,KG,x"]
ALL_COLUMNS = ["shipment_id", "source_id", "line", *field_names()]


@pytest.fixture
def own_tables(monkeypatch):
    import tracekit.store.shipment_tables as tables

    monkeypatch.setattr(tables, "OWN_TABLE_MIN_BYTES", 0)
    monkeypatch.setattr(tables, "OWN_TABLE_MIN_ROWS", 0)


def _tables(ws) -> set[str]:
    return set(ws.sql("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'shipments%'").table_name)


def _columns(ws, table: str) -> list[str]:
    return ws.sql("SELECT column_name FROM duckdb_columns() WHERE table_name = ? ORDER BY column_index",
                  [table]).column_name.tolist()


def test_a_large_source_keeps_only_its_filled_fields_and_reads_as_every_field(ws, write, own_tables):
    ws.load(write("f.csv", ams_rows(*ROWS)), progress=False)
    assert _tables(ws) == {"shipments_base", "shipments_00001"}
    assert _columns(ws, "shipments_00001") == [
        "shipment_id", "line", "record_id", "date", "shipper_name", "shipper_address", "consignee_name",
        "hs_code", "description", "weight_kg"]
    assert ws.store.columns("shipments") == ALL_COLUMNS
    rows = ws.sql("SELECT * FROM shipments ORDER BY line")
    assert rows.source_id.tolist() == [1, 1] and rows.line.tolist() == [2, 3]
    assert rows.shipment_id.tolist() == [(1 << 32) | 2, (1 << 32) | 3]
    assert rows.weight_kg.round(3).tolist() == [544.311, 2000.0]
    assert rows.notify_phone.isna().all() and rows.value_usd.isna().all()
    # the bad date went to quarantine, not into the table with a marked line
    assert ws.quarantine().line.tolist() == [4]
    assert int(ws.store.scalar("SELECT count(*) FROM shipments_00001 WHERE line < 0")) == 0
    assert not any(name.startswith("shipments") for name in ws.info().tables)


def test_sources_of_both_paths_read_together_and_a_filter_on_source_id_keeps_to_one(ws, write, own_tables):
    ws.load(write("f.csv", ams_rows(*ROWS)), progress=False)
    zipped = write("g.csv.gz", gzip.compress(ams_rows(ROWS[0].replace("B1", "G1")).encode()))
    assert ws.load(zipped, progress=False).rows_loaded == 1  # the raw-table path: a table of its own too
    assert _tables(ws) == {"shipments_base", "shipments_00001", "shipments_00002"}
    assert ws.store.scalar("SELECT count(*) FROM shipments_base") == 0
    assert ws.store.scalar("SELECT raw_table FROM sources WHERE source_id = 2") == "raw_00002"
    by_source = ws.sql("SELECT source_id, count(*) AS n, min(record_id) AS first FROM shipments GROUP BY 1 ORDER BY 1")
    assert by_source.values.tolist() == [[1, 2, "B1"], [2, 1, "G1"]]
    assert ws.sql("SELECT record_id FROM shipments WHERE source_id = 1 ORDER BY 1").record_id.tolist() == ["B1", "B2"]


def test_deleting_or_replacing_a_source_drops_its_table(tmp_path, write, own_tables):
    path = write("f.csv", ams_rows(*ROWS))
    with tracekit.Workspace(tmp_path / "ws") as ws:
        ws.load(path, progress=False)
        path.write_text(ams_rows(ROWS[0]))
        assert ws.load(path, on_change="replace", progress=False).rows_loaded == 1
        assert _tables(ws) == {"shipments_base", "shipments_00002"}
        assert ws.sql("SELECT source_id, count(*) AS n FROM shipments GROUP BY 1").values.tolist() == [[2, 1]]
    with tracekit.Workspace(tmp_path / "ws") as ws:  # the view is stored with the tables
        assert ws.info().shipments == 1


def _as_version_2(folder) -> None:
    """Turn a workspace back into the version-2 layout: ``shipments`` one full-width table."""
    con = duckdb.connect(str(folder / "tracekit.duckdb"))
    con.execute("CREATE TABLE old_rows AS SELECT * FROM shipments")
    con.execute("DROP VIEW shipments")
    for (name,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE 'shipments_%'").fetchall():
        con.execute(f"DROP TABLE {name}")
    con.execute("ALTER TABLE old_rows RENAME TO shipments")
    con.execute("UPDATE tk_meta SET value = '2' WHERE key = 'schema_version'")
    con.close()


def test_a_version_2_workspace_reads_as_it_is_and_moves_on_at_its_first_read_write_open(tmp_path, write, own_tables):
    with tracekit.Workspace(tmp_path / "ws") as ws:
        ws.load(write("f.csv", ams_rows(*ROWS)), progress=False)
        before = ws.sql("SELECT * FROM shipments ORDER BY shipment_id")
    _as_version_2(tmp_path / "ws")
    with tracekit.Workspace(tmp_path / "ws", read_only=True) as ws:
        assert ws.schema_version == 2 and ws.info().shipments == 2
    with tracekit.Workspace(tmp_path / "ws") as ws:
        assert ws.schema_version == 3
        assert ws.store.scalar("SELECT value FROM tk_meta WHERE key = 'schema_version'") == "3"
        assert ws.sql("SELECT table_type FROM information_schema.tables WHERE table_name = 'shipments'"
                      ).table_type.tolist() == ["VIEW"]
        assert ws.sql("SELECT * FROM shipments ORDER BY shipment_id").equals(before)
        ws.load(write("g.csv", ams_rows(ROWS[0].replace("B1", "G1"))), progress=False)
        assert _tables(ws) == {"shipments_base", "shipments_00002"}
        assert ws.info().shipments == 3


def test_the_tables_published_to_spark_name_the_view_not_the_tables_behind_it(ws, write, own_tables):
    from tracekit.store.shipment_tables import workspace_tables

    ws.load(write("f.csv", ams_rows(*ROWS)), progress=False)
    names = workspace_tables(ws.store)
    assert "shipments" in names and "sources" in names and "party_mentions" in names
    assert not [n for n in names if n.startswith("shipments_")]


def test_small_sources_share_the_base_table_and_leave_the_view_alone(ws, write):
    for name in ("f.csv", "g.csv.gz"):
        text = ams_rows(*(r.replace("B", name[0].upper(), 1) for r in ROWS))
        ws.load(write(name, gzip.compress(text.encode()) if name.endswith(".gz") else text), progress=False)
    assert _tables(ws) == {"shipments_base"}
    assert ws.store.rows("SELECT source_id, count(*) FROM shipments_base GROUP BY 1 ORDER BY 1") == [(1, 2), (2, 2)]
    assert ws.sql("SELECT count(*) AS n FROM shipments").n[0] == 4


@pytest.mark.parametrize("own", [False, True], ids=["base table", "own table"])
def test_rows_read_in_line_order_after_the_problem_rows_go(tmp_path, monkeypatch, own):
    """400k rows (four of the engine's row groups), a bad weight every 10,007: the first and last lines by
    ORDER BY ... LIMIT are the file's, read back as stored.

    Marking those rows by a negative line made DuckDB 2.0.1 skip whole row groups in this query after the
    numbering's UPDATE and the DELETE — on a 900k-row, 133 MB file (first line 611,534), and in the engine
    alone from 400k rows; this narrower file does not bring it out, so it guards the order, not that bug."""
    if own:
        import tracekit.store.shipment_tables as tables

        monkeypatch.setattr(tables, "OWN_TABLE_MIN_BYTES", 0)
    rows = 400_000
    path = tmp_path / "f.csv"
    with open(path, "w", encoding="utf-8") as out:
        out.write("identifier,actual_arrival_date,shipper_party_name,consignee_name,weight,weight_unit\n")
        out.writelines(f"B{i},2024-01-12,ACME CHEM,BUYER SA,{-5 if i % 10_007 == 3 else 10},KG\n" for i in range(rows))
    bad_lines = [i + 2 for i in range(rows) if i % 10_007 == 3]
    with tracekit.Workspace(tmp_path / "ws") as ws:
        report = ws.load(path, progress=False)
    with tracekit.Workspace(tmp_path / "ws", read_only=True) as ws:  # as stored (checkpointed)
        assert report.rows_loaded == rows - len(bad_lines) and ws.quarantine().line.tolist() == bad_lines
        assert ws.store.table_exists("shipments_00001") is own
        first = ws.sql("SELECT line FROM shipments ORDER BY line LIMIT 5").line.tolist()
        last = ws.sql("SELECT line FROM shipments ORDER BY line DESC LIMIT 2").line.tolist()
        by_id = ws.sql("SELECT shipment_id FROM shipments ORDER BY shipment_id LIMIT 2").shipment_id.tolist()
    assert first == [2, 3, 4, 6, 7]  # line 5 (row 3) is the first bad one
    assert last == [rows + 1, rows] and by_id == [(1 << 32) | 2, (1 << 32) | 3]
