"""xlsx, zip members and pandas DataFrames on a Spark workspace: converted on the driver by the local readers
(Parquet with the local line numbers; a member's text extracted) into the workspace, then loaded by Spark
with the same mapping, quarantine reasons, lines and provenance as the local load gives them."""

from __future__ import annotations

import zipfile

import pandas as pd
import pytest

import tracekit
from tracekit.ingest.fields import field_names

from .test_load import _frame, _report_facts, _same

pytestmark = pytest.mark.timeout(1800)  # three sources at ~20 Spark jobs each on a shared 2-core machine


@pytest.fixture(scope="module")
def local_formats(tmp_path_factory):
    """An .xlsx (an Excel serial date, a bad HS code), a zip holding a ';' CSV (a bad date, a ragged line)
    and a DataFrame (a row with no party): each with rows the load must quarantine."""
    from openpyxl import Workbook

    folder = tmp_path_factory.mktemp("spark-local-formats")
    book = Workbook()
    sheet = book.active
    sheet.append(["Shipper", "Consignee", "HS Code", "Fecha", "Peso KG"])
    sheet.append(["HEBEI CHEM CO", "QUIMICA DEL NORTE SA", "2933.39", 45303, 12.5])
    sheet.append(["OMEGA LTD", "BETA SA", "29XX", "2024-02-01", 3])
    sheet.append(["SIGMA TRADING", "DELTA SA DE CV", "292142", "2024-03-04", None])
    book.save(folder / "declarations.xlsx")
    with zipfile.ZipFile(folder / "bills.zip", "w") as archive:
        archive.writestr("inner/bills.csv", "Shipper;Consignee;HS Code;Date\nACME CO;QUIMICA SA;293339;05/03/2024\n"
                                            "GAMMA SA;DELTA SA;292142;45/13/2024\nTOO;MANY;FIELDS;2024;X\n"
                                            "ZETA LTD;ETA SA;293339;07/03/2024\n")
    frame = pd.DataFrame({"shipper": ["KAPPA CO", None, "LAMBDA LTD"], "consignee": ["MU SA", None, "NU SA"],
                          "hs_code": ["293339", "2933", "292142"], "date": ["2024-04-01", "2024-04-02", "2024-04-03"]})
    return folder, frame


def test_xlsx_zip_and_dataframes_load_on_spark_as_locally(spark, local_formats, tmp_path):
    folder, frame = local_formats
    sources = [str(folder / "declarations.xlsx"), str(folder / "bills.zip"), frame]
    duck = tracekit.Workspace(tmp_path / "duck")
    on_spark = tracekit.Workspace.spark(spark, tmp_path / "spark")
    try:
        want = duck.load(sources, progress=False)
        got = on_spark.load(sources, progress=False)
        assert _report_facts(got) == _report_facts(want)
        assert [s.format for s in got.sources] == ["xlsx", "csv", "frame"]
        assert all(s.rows_quarantined >= 1 for s in got.sources), "every source plants a bad row"
        assert got.rows_read == got.rows_loaded + got.rows_quarantined == 3 + 4 + 3
        _same(duck, on_spark, f"SELECT {', '.join(['shipment_id', 'source_id', 'line', *field_names()])} "  # noqa: S608
                              "FROM shipments")
        _same(duck, on_spark, 'SELECT source_id, file, line, "column", reason, detail, raw_text FROM quarantine')
        _same(duck, on_spark, "SELECT mention_id, role, name, country, country_source FROM party_mentions")
        _same(duck, on_spark, "SELECT source_id, path, name, content_hash, format, encoding, delimiter, mapping_json, "
                              "raw_table, header_lines, rows_read, rows_loaded, rows_quarantined FROM sources")
        for raw in ("raw_00001", "raw_00002", "raw_00003"):  # what ws.source_rows reads: the same rows and lines
            _same(duck, on_spark, f"SELECT * FROM {raw}")  # noqa: S608
        assert _frame(on_spark.store, "SELECT line FROM raw_00001")["line"].tolist() == [2, 3, 4], "Excel rows"
        # the staged copies are gone; the same DataFrame again is recognised by its content and skipped
        assert not list(on_spark.path.glob("tracekit-spark-load-*"))
        (again,) = on_spark.load(frame, progress=False).sources
        assert again.status == "skipped" and again.source_id == 3
    finally:
        on_spark.close()
        duck.close()
