"""Encodings, compression, delimiters, archives, Parquet, Excel and DataFrames all load the same facts."""

from __future__ import annotations

import gzip
import zipfile

import pandas as pd
import pytest

NAMES = ["Química Ñandú S.A.", "上海化工有限公司", "Zoë “Quote” Ltd €"]


def _csv(names, delimiter=","):
    lines = [delimiter.join(["SHIPPER_NAME", "CONSIGNEE_NAME", "HS_CODE"])]
    lines += [delimiter.join([n, "BUYER", "293339"]) for n in names]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("encoding", "names"), [
    ("utf-8", NAMES), ("utf-8-sig", NAMES), ("cp1252", [NAMES[0], NAMES[2]]),
    ("latin-1", [NAMES[0], "Zoë Ltd"]), ("gb18030", NAMES[:2] + ["北京贸易公司"]),
])
def test_encodings_round_trip_names_exactly(ws, write, encoding, names):
    report = ws.load(write("f.csv", _csv(names), encoding), progress=False)
    assert report.rows_loaded == len(names), str(report)
    assert ws.sql("SELECT shipper_name FROM shipments ORDER BY line")["shipper_name"].tolist() == names


@pytest.mark.parametrize(("delimiter", "suffix"), [("\t", ".tsv"), (";", ".csv"), ("|", ".txt"), ("\t", ".txt")])
def test_delimiters_are_detected(ws, write, delimiter, suffix):
    tricky = "".join(c for c in "A; B | C, D" if c != delimiter)  # the other delimiters inside a value
    report = ws.load(write("f" + suffix, _csv([tricky, "D"], delimiter)), progress=False)
    assert report.rows_loaded == 2 and report.sources[0].delimiter == delimiter
    assert ws.sql("SELECT hs_code FROM shipments")["hs_code"].tolist() == ["293339", "293339"]


def test_gzip_zip_and_glob(ws, write, tmp_path):
    write("a.csv.gz", gzip.compress(_csv(["A1", "A2"]).encode()))
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as archive:
        archive.writestr("inner/b1.csv", _csv(["B1"]))
        archive.writestr("b2.csv", _csv(["B2"]).encode("cp1252"))
    report = ws.load(str(tmp_path / "*.*"), progress=False)
    assert report.rows_loaded == 4 and len(report.sources) == 3
    assert sorted(ws.sql("SELECT shipper_name FROM shipments")["shipper_name"]) == ["A1", "A2", "B1", "B2"]
    assert any(s.name.endswith("b.zip!inner/b1.csv") for s in report.sources)


def test_parquet_xlsx_and_dataframe(ws, tmp_path):
    frame = pd.DataFrame({"Shipper": ["ACME", "BETA"], "Consignee": ["X", "Y"], "HS Code": ["0901.21", "293339"],
                          "Date": [pd.Timestamp("2024-01-12"), pd.Timestamp("2024-02-01")],
                          "Gross Weight": [10.0, 1.5]})
    frame.to_parquet(tmp_path / "f.parquet")
    frame.to_excel(tmp_path / "f.xlsx", index=False)
    for source in (tmp_path / "f.parquet", tmp_path / "f.xlsx", frame):
        ws.load(source, progress=False)
    got = ws.sql("SELECT source_id, line, shipper_name, hs_code, date, weight_kg FROM shipments ORDER BY 1, 2")
    assert got["hs_code"].tolist() == ["090121", "293339"] * 3
    assert [str(d)[:10] for d in got["date"]] == ["2024-01-12", "2024-02-01"] * 3
    assert got["weight_kg"].tolist() == [10.0, 1.5] * 3
    assert got["line"].tolist() == [1, 2, 2, 3, 1, 2]  # parquet rows, Excel row numbers, DataFrame rows


def test_excel_serial_dates(ws, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Shipper", "Consignee", "Fecha"])
    sheet.append(["A", "B", 45303])
    book.save(tmp_path / "serial.xlsx")
    ws.load(tmp_path / "serial.xlsx", progress=False)
    assert str(ws.sql("SELECT date FROM shipments")["date"].iloc[0])[:10] == "2024-01-12"
