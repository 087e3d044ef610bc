"""Many files of one layout load on Spark as ONE set of jobs, with the local load's answers per file: the same
source ids, rows, lines, quarantine (a repeated record id counts within its own file only), day order per
file (two files of one layout whose dates read in different orders), party mentions and reconciliation.

(A file whose record-id column repeats a value is mapped differently by the automatic mapping — as a house
bill, not a record id — so it is no longer "one layout and mapping" with the others: loaded in its own group.)"""

from __future__ import annotations

import pytest

import tracekit
from tracekit.ingest.fields import MENTION_COLUMNS, field_names

from .test_load import _same

pytestmark = pytest.mark.timeout(1800)

HEADER = "Bill of Lading,Shipper,Consignee,Consignee Address,HS Code,Date,Weight KG\n"


def _file(n: int, dates: list[str], extra: str = "") -> str:
    rows = [f"BOL{n}{i:03d},SHIPPER {n} CO,BUYER {i % 3} SA,\"AV REFORMA {i}, MONTERREY, MEXICO\",293339,{d},{10 + i}"
            for i, d in enumerate(dates)]
    return HEADER + "\n".join(rows) + "\n" + extra


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark-many")
    (folder / "a.csv").write_text(_file(1, ["13/02/2024", "01/03/2024", "05/03/2024"],
                                        "BOL1999,,,,293339,07/03/2024,5\n"))  # no party
    (folder / "b.csv").write_text(_file(2, ["02/13/2024", "03/01/2024", "03/05/2024"]))  # month first: MDY
    (folder / "c.csv").write_text(_file(1, ["14/02/2024", "2024-13-45", "06/03/2024"],  # BOL1000 again: new file
                                        "TOO,MANY,FIELDS,A,B,C,D,E,F\n"))
    (folder / "d.csv").write_text(_file(4, ["15/02/2024"], ",,,,29XX,,\n"))
    return folder


def test_files_of_one_layout_load_together_with_the_local_answers_per_file(spark, many, tmp_path):
    duck = tracekit.Workspace(tmp_path / "duck")
    on_spark = tracekit.Workspace.spark(spark, tmp_path / "spark")
    try:
        want = duck.load(str(many / "*.csv"), progress=False)
        got = on_spark.load(str(many / "*.csv"), progress=False)
        for ours, theirs in zip(got.sources, want.sources, strict=True):
            assert any("together with 3 other file(s)" in n for n in ours.notes)
            ours_json, theirs_json = ours.to_json(), theirs.to_json()
            for data in (ours_json, theirs_json):
                data.pop("seconds")
                data["notes"] = [n for n in data["notes"] if "together with" not in n]
            assert ours_json == theirs_json
        assert [s.source_id for s in got.sources] == [1, 2, 3, 4]
        assert not any("duplicate_record_id" in s.quarantine_reasons for s in got.sources), \
            "c.csv repeats a.csv's record ids: a record id repeats only within its own file"
        assert got.sources[0].date_order != got.sources[1].date_order, "each file's own day order"
        assert got.rows_read == got.rows_loaded + got.rows_quarantined
        _same(duck, on_spark, f"SELECT {', '.join(['shipment_id', 'source_id', 'line', *field_names()])} "  # noqa: S608
                              "FROM shipments")
        _same(duck, on_spark, 'SELECT source_id, file, line, "column", reason, detail, raw_text FROM quarantine')
        _same(duck, on_spark, f"SELECT {', '.join(c.name for c in MENTION_COLUMNS)} FROM party_mentions")  # noqa: S608
        _same(duck, on_spark, "SELECT source_id, name, content_hash, format, encoding, delimiter, mapping_json, "
                              "header_lines, rows_read, rows_loaded, rows_quarantined FROM sources")
        for sid in (1, 2, 3, 4):
            assert on_spark.store.count(f"raw_{sid:05d}") == \
                got.sources[sid - 1].rows_loaded + got.sources[sid - 1].rows_quarantined - \
                got.sources[sid - 1].quarantine_reasons.get("ragged_line", 0)
        again = on_spark.load(str(many / "*.csv"), progress=False)  # known files go one by one: all skipped
        assert [s.status for s in again.sources] == ["skipped"] * 4
    finally:
        on_spark.close()
        duck.close()
