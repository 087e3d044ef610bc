"""Every bad-input class is quarantined with its reason, column and physical line; read = loaded + quarantined."""

from __future__ import annotations

import pytest

from tests.ingest.conftest import ams_rows

GOOD = "B{n},2024-01-12,ACME CHEM,Rm 1,QUIMICA SA,2933.39,NPP,1200,KG,x"


def _one_bad(ws, write, bad: str, reason: str, column: str):
    text = ams_rows(GOOD.format(n=1), bad, GOOD.format(n=3))
    report = ws.load(write("f.csv", text), progress=False)
    assert report.rows_read == 3 == report.rows_loaded + report.rows_quarantined
    assert report.quarantine_reasons == {reason: 1}
    q = ws.quarantine()
    assert q[["line", "column", "reason"]].values.tolist() == [[3, column, reason]]
    assert ws.sql("SELECT line FROM shipments ORDER BY line")["line"].tolist() == [2, 4]
    return q.iloc[0]


@pytest.mark.parametrize(("bad", "reason", "column"), [
    ("B2,31/31/2024,A,,B,2933,x,1,KG,x", "bad_date", "actual_arrival_date"),
    ("B2,2024-01-12,A,,B,2933,x,abc,KG,x", "bad_weight", "weight"),
    ("B2,2024-01-12,A,,B,2933,x,12,FURLONG,x", "bad_weight", "weight"),
    ("B2,2024-01-12,A,,B,2933,x,-4,KG,x", "negative_weight", "weight"),
    ("B2,2024-01-12,,,,2933,x,1,KG,x", "no_party", "shipper_party_name, consignee_name"),
    ("B2,2024-01-12,A,,B,29O3.39,x,1,KG,x", "bad_hs_code", "harmonized_number"),
    ("B1,2024-01-12,A,,B,2933,x,1,KG,x", "duplicate_record_id", "identifier"),
])
def test_row_level_problem_is_quarantined_with_reason_column_and_line(ws, write, bad, reason, column):
    row = _one_bad(ws, write, bad, reason, column)
    assert row["raw_text"] == bad  # the line as written
    assert reason in row["detail"]


def test_ragged_line_is_quarantined_with_its_raw_text(ws, write):
    row = _one_bad(ws, write, "B2,2024-01-12,A,,B,2933,x,1,KG,x,EXTRA", "ragged_line", None)
    assert "EXTRA" in row["raw_text"]


@pytest.mark.parametrize("encoding", [None, "utf-8"])
def test_undecodable_bytes_are_quarantined_not_fatal(ws, write, encoding):
    utf8 = ams_rows(*[GOOD.format(n=n).replace("ACME", "QUÍMICA ÑANDÚ") for n in range(1, 6)]).encode()
    text = utf8 + b"B9,2024-01-12,AC\xffME,,B,2933,x,1,KG,x\n" + (GOOD.format(n=10) + "\n").encode()
    report = ws.load(write("f.csv", text), encoding=encoding, progress=False)
    assert report.sources[0].encoding == "utf-8"
    assert report.rows_read == 7 and report.quarantine_reasons == {"bad_encoding": 1}
    assert ws.quarantine()["line"].tolist() == [7]


def test_several_problems_pick_one_reason_and_keep_all_in_detail(ws, write):
    report = ws.load(write("f.csv", ams_rows("B1,notadate,A,,B,29XX,x,-1,KG,x")), progress=False)
    assert report.quarantine_reasons == {"bad_date": 1}
    detail = ws.quarantine()["detail"].iloc[0]
    assert "negative_weight" in detail and "bad_hs_code" in detail


def test_line_numbers_survive_multiline_fields_blank_lines_and_rejects(ws, write):
    text = (
        "identifier,shipper_party_name,consignee_name,description_text\n"  # 1
        'B1,A,B,"two\nlines"\n'  # 2-3
        "\n"  # 4 blank
        "B2,A,B,x,RAGGED\n"  # 5
        'B3,A,B,"three\nphysical\nlines"\n'  # 6-8
        "B4,,,x\n"  # 9 no party
        "B5,A,B,x\n"  # 10
    )
    report = ws.load(write("f.csv", text), progress=False)
    assert report.rows_read == 5 and report.rows_loaded == 3
    shipments = ws.sql("SELECT record_id, line FROM shipments ORDER BY line")
    assert shipments.values.tolist() == [["B1", 2], ["B3", 6], ["B5", 10]]
    assert ws.quarantine()[["line", "reason"]].values.tolist() == [[5, "ragged_line"], [9, "no_party"]]


def test_missing_party_column_fails_before_writing_and_names_columns(ws, write):
    from tracekit.errors import MappingError

    good = write("good.csv", ams_rows(GOOD.format(n=1)))
    bad = write("bad.csv", "id,colour\n1,blue\n")
    with pytest.raises(MappingError) as info:
        ws.load([good, bad], progress=False)
    message = str(info.value)
    assert "shipper_name" in message and "consignee_name" in message and "colour" in message
    assert ws.info().sources == 0 and ws.info().shipments == 0
