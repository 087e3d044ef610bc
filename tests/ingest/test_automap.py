"""The automatic mapping: header words, content checks, preview / dry run, loud missing-field warnings."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracekit.ingest.automap import propose
from tracekit.ingest.headers import header_currency, header_evidence, header_unit, header_words
from tracekit.ingest.mapping import resolve_mapping


@pytest.mark.parametrize(("header", "target"), [
    ("Goods Shipped", "description"), ("Cargo Desc", "description"), ("Product Desc.", "description"),
    ("Descripción Comercial", "description"), ("DESCRIPCION_DE_LA_MERCANCIA", "description"),
    ("Value of Goods (USD)", "value_usd"), ("FOB Value (USD)", "value_usd"), ("Monto USD", "value_usd"),
    ("Country of Export", "country_of_origin"), ("Orig Ctry", "country_of_origin"),
    ("País Destino", "destination_country"), ("Dest. Country", "destination_country"),
    ("Gross Wt (LB)", "weight"), ("Peso Bruto (kg)", "weight"), ("Qty", "quantity"), ("POL", "port_of_lading"),
    ("POD", "port_of_unlading"), ("Consignee Nbr", None), ("ShipperName", "shipper_name"),
    ("consigneeAddress2", "consignee_address"), ("Notify Party Tel", "notify_phone"), ("SHIPER", "shipper_name"),
    ("Overseas Buyer", "consignee_name"), ("MBL No.", "master_bol"), ("Cntr #", "container"),
])
def test_headers_are_read_by_their_words(header, target):
    evidence = header_evidence(header)
    assert (evidence[0].target if evidence else None) == target, [(e.target, e.score) for e in evidence]


def test_every_header_the_old_exact_list_knew_still_maps(monkeypatch):
    from tests.benchmarks.bench_mapping import OLD_SYNONYMS

    # The old list had a few choices the content now decides (a B/L number is the record id when its
    # values are unique, else the house bill) and a role-less tax id goes to the declarant (the importer here).
    decided_by_content = {"billofladingnumber", "bolnumber", "billoflading"}
    for target, spellings in OLD_SYNONYMS.items():
        for spelling in spellings:
            if spelling in decided_by_content:
                continue
            got = propose([spelling, "Consignee"]).columns
            owner = next((t for t, cols in got.items() if spelling in cols), None)
            assert owner == target, (spelling, target, owner)


def test_units_and_currencies_from_headers():
    assert [header_unit(h) for h in ["Weight (kg)", "Peso Bruto (kg)", "Gross Wt (LB)", "Weight (MT)"]] == \
        ["KG", "KG", "LB", "MT"]
    assert [header_currency(h) for h in ["FOB Value (INR)", "Valor (MXN)", "Value of Goods (USD)"]] == \
        ["INR", "MXN", "USD"]
    p = propose(["Shipper", "FOB Value (INR)", "Valor (MXN)"])
    reasons = {d.column: d.reason for d in p.decisions}
    assert "value_usd" not in p.columns
    assert reasons["FOB Value (INR)"] == "value in INR: no exchange rate; kept as an extra column"
    assert reasons["Valor (MXN)"].startswith("value in MXN: no exchange rate")


_WORD = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyzáéíóúñç0123456789"), min_size=1, max_size=8)


@given(st.lists(_WORD, min_size=1, max_size=4), st.sampled_from([" ", "_", "-", ".", "/", "  "]))
@settings(max_examples=200, deadline=None)
def test_separators_and_case_do_not_change_the_words(words, sep):
    header = sep.join(words)
    assert header_words(header).concepts == header_words(header.upper()).concepts == \
        header_words(header.title()).concepts == header_words(" ".join(words)).concepts


@given(st.sampled_from(["description", "weight", "quantity", "shipper", "consignee", "country", "origin",
                        "destination", "value", "address"]),
       st.sampled_from(["Descripción", "DESCRIPCION", "descripcion"]))
@settings(max_examples=50, deadline=None)
def test_accents_and_camel_case_fold(word, spanish):
    assert header_words(spanish).concepts == ["description"]
    camel = word + "Name"
    assert header_words(camel).raw == [word, "name"]
    assert header_words(word.upper() + "_NAME").raw == [word, "name"]


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_any_header_text_is_read_without_error(header):
    words = header_words(header)
    assert all(w == w.lower() for w in words.raw)
    for e in header_evidence(header):
        assert 0 < e.score <= 1 and e.reason


def test_content_refuses_a_date_header_over_non_dates(ws, write):
    rows = "".join(f"ACME {i},BUYER {i},{code}\n" for i, code in enumerate(["A1", "B2", "ZZ", "Q9", "X7", "K3"] * 3))
    report = ws.load(write("f.csv", "Shipper,Consignee,Export Date\n" + rows), progress=False)
    m = report.sources[0].mapping
    assert "date" not in m.columns
    assert "Export Date" in m.unmapped and "read as dates" in m.unmapped["Export Date"]
    assert any(w.startswith("NO DATE COLUMN") for w in report.sources[0].field_warnings)


def test_content_decides_a_header_that_says_nothing(ws, write):
    rows = "".join(f"ACME {i},2933.{10 + i},12/0{1 + i % 9}/2024,BUYER {i}\n" for i in range(12))
    m = ws.preview(write("f.csv", "Shipper,Col2,Col3,Consignee\n" + rows)).sources[0].mapping
    assert m.column("hs_code") == "Col2" and m.column("date") == "Col3"
    assert "no header evidence" in m.decision("Col2").reason


def test_repeated_declaration_numbers_are_not_a_record_id(ws, write):
    rows = "".join(f"D{i // 3},ACME,BUYER,2933\n" for i in range(12))
    report = ws.load(write("f.csv", "Declaration No.,Exporter,Overseas Buyer,HS Code\n" + rows), progress=False)
    assert report.rows_loaded == 12 and "record_id" not in report.sources[0].mapping.columns
    assert "repeat" in report.sources[0].mapping.unmapped["Declaration No."]


def test_missing_fields_are_loud_in_the_report(ws, write, capsys):
    report = ws.load(write("f.csv", "Consignee,Weight\nACME,10\n"), progress=False)
    warnings = report.sources[0].field_warnings
    assert [w.split(":")[0] for w in warnings] == ["NO DATE COLUMN", "NO DESCRIPTION COLUMN", "NO SHIPPER COLUMN"]
    assert "time-respecting traces" in warnings[0] and "precursor flags" in warnings[1]
    assert "!! WARNING NO DATE COLUMN" in str(report)
    assert "NO DESCRIPTION COLUMN" in report._repr_html_()
    assert report.to_json()["sources"][0]["field_warnings"] == warnings
    assert len(report.to_json()["field_warnings"]) == 3


def test_cli_prints_missing_field_warnings_even_with_json(tmp_path, write, capsys):
    from tracekit.cli import main

    path = write("f.csv", "Consignee,Weight\nACME,10\n")
    assert main(["load", str(path), "--workspace", str(tmp_path / "ws"), "--json"]) == 0
    captured = capsys.readouterr()
    assert "WARNING" in captured.err and "NO DATE COLUMN" in captured.err
    assert json.loads(captured.out)["sources"][0]["field_warnings"]
    assert main(["load", str(path), "--workspace", str(tmp_path / "ws2")]) == 0
    assert "!! WARNING NO SHIPPER COLUMN" in capsys.readouterr().out


def test_no_party_column_fails_with_the_reason_per_column():
    from tracekit.errors import MappingError

    with pytest.raises(MappingError, match="no_party") as info:
        resolve_mapping("auto", ["Arrival Date", "Trade Mode"])
    assert "Trade Mode: no tracekit field matches its words" in str(info.value)


def _db_state(folder) -> tuple:
    import tracekit

    with tracekit.Workspace(folder) as ws:
        tables = tuple(sorted(ws.sql("SELECT table_name FROM information_schema.tables")["table_name"]))
        counts = (ws.info().sources, ws.info().shipments, ws.info().party_mentions)
    digest = hashlib.sha256((folder / "tracekit.duckdb").read_bytes()).hexdigest() \
        if (folder / "tracekit.duckdb").exists() else None
    return tables, counts, digest


def test_preview_and_dry_run_write_nothing(tmp_path, write, capsys):
    import tracekit
    from tracekit.cli import main

    path = write("f.csv", "Shipper,Consignee,Goods Shipped,Weight (kg),Arrival Date\n"
                          "<b>ACME</b>,Q SA,ACETONE 200L,\"1,200\",2024-01-03\n")
    folder = tmp_path / "ws"
    with tracekit.Workspace(folder) as ws:
        ws.load(write("g.csv", "Shipper,Consignee\nA,B\n"), progress=False)
    before = _db_state(folder)
    with tracekit.Workspace(folder) as ws:
        result = ws.preview(path)
        html = result._repr_html_()
        assert "&lt;b&gt;ACME&lt;/b&gt;" in html and "<b>ACME" not in html
        assert "weight (KG)" in str(result) and "nothing written" in str(result)
    assert main(["load", str(path), "--workspace", str(folder), "--dry-run", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["dry_run"] is True
    columns = {c["column"]: c for c in out["sources"][0]["columns"]}
    assert columns["Goods Shipped"]["target"] == "description" and columns["Goods Shipped"]["samples"] == ["ACETONE 200L"]
    assert 0 < columns["Weight (kg)"]["confidence"] <= 1 and columns["Weight (kg)"]["reason"]
    assert main(["load", str(path), "--workspace", str(tmp_path / "never"), "--dry-run"]) == 0
    assert "Goods Shipped" in capsys.readouterr().out
    assert not (tmp_path / "never").exists()
    assert _db_state(folder) == before


def test_preview_of_a_frame_and_of_a_failing_source(ws):
    result = ws.preview(pd.DataFrame({"Trade Mode": ["x"], "Colour": ["blue"]}))
    assert result.sources[0].error and "no column for a party name" in result.sources[0].error
    assert "ERROR" in str(result)
    frame = result.to_frame()
    assert list(frame["column"]) == ["Trade Mode", "Colour"] and frame["target"].isna().all()


@pytest.mark.parametrize(("currency", "mapped"), [("USD", True), ("EUR", False)])
def test_a_currency_column_decides_whether_a_value_is_usd(ws, write, currency, mapped):
    rows = "".join(f"ACME {i},BUYER,\"{1000 + i:,}.50\",{currency}\n" for i in range(8))
    m = ws.preview(write("f.csv", "Shipper,Consignee,Total Value,Currency\n" + rows)).sources[0].mapping
    assert (m.column("value_usd") == "Total Value") is mapped
    if mapped:
        assert "column Currency says USD" in m.decision("Total Value").reason
        assert m.unmapped["Currency"].startswith("the currency of 'Total Value'")
    else:
        assert m.unmapped["Total Value"] == "value in EUR (column Currency): no exchange rate; kept as an extra column"


def test_money_in_another_currency_written_in_the_values_is_not_usd(ws, write):
    rows = "".join(f"ACME {i},BUYER,\"INR {1000 + i:,}\"\n" for i in range(8))
    m = ws.preview(write("f.csv", "Shipper,Consignee,Amount\n" + rows)).sources[0].mapping
    assert "value_usd" not in m.columns and "value in INR" in m.unmapped["Amount"]


def test_cells_listing_several_hs_codes_are_judged_by_the_first(ws, write):
    rows = "".join(f'ACME {i},BUYER,"2933.{30 + i}; 2921.42"\n' for i in range(8))
    report = ws.load(write("f.csv", "Shipper,Consignee,HS Codes\n" + rows), progress=False)
    assert report.sources[0].mapping.column("hs_code") == "HS Codes"
    assert ws.sql("SELECT hs_code FROM shipments ORDER BY line")["hs_code"][0] == "293330"
