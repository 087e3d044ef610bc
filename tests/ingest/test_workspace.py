"""Idempotent reloads, replace, provenance, extras, reopening and schema versions."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from tests.ingest.conftest import ams_rows

ROWS = ["B1,2024-01-12,ACME CHEM,\"Rm 1, Bldg 2\",QUIMICA SA,2933.39,NPP,\"1,200\",LB,blue",
        "B2,12-JAN-2024,ACME CHEM,,,2933.39,said to contain,2,MT,red"]


def test_same_file_twice_adds_nothing_and_replace_reloads(ws, write):
    path = write("f.csv", ams_rows(*ROWS))
    first = ws.load(path, progress=False)
    again = ws.load(path, progress=False)
    assert (first.rows_loaded, again.rows_loaded, again.sources[0].status) == (2, 0, "skipped")
    assert ws.info().shipments == 2 and ws.info().sources == 1
    replaced = ws.load(path, replace=True, progress=False)
    assert replaced.sources[0].status == "replaced" and replaced.rows_loaded == 2
    assert (ws.info().sources, ws.info().shipments, ws.info().party_mentions) == (1, 2, 3)
    # a plain CSV keeps no raw table: its provenance is the file, indexed once (one row after the replace)
    assert len(ws.sql("SELECT * FROM information_schema.tables WHERE table_name LIKE 'raw_%'")) == 0
    assert ws.store.rows("SELECT source_id FROM source_files") == [(ws.store.scalar("SELECT source_id FROM sources"),)]


def test_provenance_round_trip_gives_exact_raw_text_and_extras(ws, write):
    ws.load(write("f.csv", ams_rows(*ROWS)), progress=False)
    ids = ws.sql("SELECT shipment_id FROM shipments ORDER BY line DESC")["shipment_id"].tolist()
    raw = ws.source_rows(ids)
    assert raw["line"].tolist() == [3, 2]
    assert raw["weight"].tolist() == ["2", "1,200"] and raw["extra_col"].tolist() == ["red", "blue"]
    assert raw["shipper_party_address_1"].iloc[1] == "Rm 1, Bldg 2"
    by_line = ws.source_rows(source=str(ws.sql("SELECT name FROM sources")["name"][0]), lines=[3])
    assert by_line["identifier"].tolist() == ["B2"]


def test_normalised_values(ws, write):
    ws.load(write("f.csv", ams_rows(*ROWS)), progress=False)
    got = ws.sql("SELECT date, hs_code, weight_kg, shipper_address FROM shipments ORDER BY line")
    assert [str(d)[:10] for d in got["date"]] == ["2024-01-12", "2024-01-12"]
    assert got["hs_code"].tolist() == ["293339", "293339"]
    assert got["weight_kg"].tolist() == pytest.approx([1200 * 0.45359237, 2000.0])
    mentions = ws.sql("SELECT mention_id, shipment_id, role FROM party_mentions ORDER BY mention_id")
    assert (mentions["mention_id"] == mentions["shipment_id"] * 4 + mentions["role"].map(
        {"shipper": 0, "consignee": 1, "notify": 2})).all()


def test_reopen_resumes(tmp_path, write):
    import tracekit

    with tracekit.Workspace(tmp_path / "ws") as ws:
        ws.load(write("f.csv", ams_rows(*ROWS)), progress=False)
    with tracekit.Workspace(tmp_path / "ws") as ws:
        assert ws.info().shipments == 2
        assert ws.load(write("f.csv", ams_rows(*ROWS)), progress=False).sources[0].status == "skipped"


def test_schema_version_mismatch_fails_clearly(tmp_path):
    import tracekit
    from tracekit.errors import SchemaVersionError

    with tracekit.Workspace(tmp_path / "ws") as ws:
        ws.store.execute("UPDATE tk_meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(SchemaVersionError, match="99"):
        tracekit.Workspace(tmp_path / "ws")


def test_explicit_dict_and_json_mapping(ws, write, tmp_path):
    path = write("f.csv", "Vendor,Buyer,Code\nA,B,2933\n")
    assert ws.load(path, mapping={"Vendor": "shipper_name", "Buyer": "consignee_name"},
                   progress=False).rows_loaded == 1
    (tmp_path / "m.json").write_text(json.dumps({"shipper_name": "Vendor", "hs_code": "Code"}))
    report = ws.load(path, mapping=str(tmp_path / "m.json"), replace=True, progress=False)
    assert report.sources[0].mapping.columns == {"shipper_name": ["Vendor"], "hs_code": ["Code"]}
    assert report.sources[0].mapping.extras == ["Buyer"]


def test_load_cli_json_and_report_rendering(tmp_path, write, capsys):
    from tracekit.cli import main

    path = write("f.csv", ams_rows(*ROWS, "B3,2024-01-12,<b>EVIL</b>,,X,29XX,x,1,KG,x"))
    assert main(["load", str(path), "--workspace", str(tmp_path / "ws"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["rows_read"], out["rows_loaded"], out["rows_quarantined"]) == (3, 2, 1)
    assert out["quarantine_reasons"] == {"bad_hs_code": 1}
    import tracekit

    with tracekit.Workspace(tmp_path / "ws2") as ws:
        report = ws.load(pd.DataFrame({"Shipper": ["<script>x</script>"], "Consignee": ["B"]}), progress=False)
        page = report._repr_html_()
        assert "<script>x" not in page and "&lt;script&gt;" not in page or "DataFrame" in page
        assert "read 1 = loaded 1 + quarantined 0" in str(report)
        assert main(["load", str(path), "--workspace", str(tmp_path / "missing-arg"), "--mapping", "nope"]) == 2
