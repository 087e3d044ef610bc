"""Regressions found by the fuzz suite: every record on its own physical line, none counted twice."""

from __future__ import annotations

import gzip

import tracekit

HEADER = "shipper_name,consignee_name,hs_code\r\n"


def _lines(ws) -> tuple[list[int], list[tuple[int, str]]]:
    loaded = sorted(ws.sql("SELECT line FROM shipments")["line"])
    quarantined = sorted(map(tuple, ws.sql("SELECT line, reason FROM quarantine").values.tolist()))
    return loaded, quarantined


def test_rejected_record_after_blank_crlf_lines_keeps_its_line(tmp_path):
    # lines: 1 header, 2 row, 3-5 blank, 6 ragged, 7 row spanning 7-8, 9 ragged
    text = HEADER + "A,B,293339\r\n\r\n\r\n\r\nRAGGED\r\n\"C\r\nD\",E,293339\r\nALSO,RAGGED\r\n"
    path = tmp_path / "blank.csv"
    path.write_bytes(text.encode())
    with tracekit.Workspace() as ws:
        report = ws.load(path, progress=False)
        assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (4, 2, 2)
        assert _lines(ws) == ([2, 7], [(6, "ragged_line"), (9, "ragged_line")])


def test_gzip_read_by_the_engine_gets_physical_lines_from_its_text(tmp_path):
    text = ("\ufeff" + HEADER + "\n" + "A,B,293339\n\n\"C\nD\",E,293339\nRAGGED\n").replace("\r\n", "\n")
    path = tmp_path / "bom.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    with tracekit.Workspace() as ws:
        report = ws.load(path, progress=False)
        assert (report.rows_read, report.rows_loaded, report.rows_quarantined) == (3, 2, 1)
        assert _lines(ws) == ([3, 5], [(7, "ragged_line")])
