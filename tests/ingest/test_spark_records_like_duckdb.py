"""The Spark load's executor-side line parser judges each line as DuckDB's CSV reader (the local load) does.

No Spark needed: ``_Records.record`` is the plain function ``mapInPandas`` runs on the executors.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

from tracekit.store.spark_load_read import _Records

HEADER = "a,b,c"
LINES = [
    "1,2,3",
    "4,5,6,,,",  # surplus fields all empty: a row (spreadsheet padding)
    '4,5,6,"",',  # quoted empties are empty too
    "7,8,9,,x",  # something in the surplus: ragged
    "10,11",  # a field missing: ragged
    "12,,",  # empty fields inside the width: a row with nulls
    "13,14,15,16",
]


def _duckdb_verdicts(path: Path) -> dict[int, str]:
    con = duckdb.connect()
    rows = con.execute("SELECT * FROM read_csv(?, all_varchar=true, header=true, store_rejects=true)",
                       [str(path)]).fetchall()
    rejected = {line: kind for line, kind in con.execute("SELECT line, error_type FROM reject_errors").fetchall()}
    verdicts = {}
    kept = iter(rows)
    for number in range(2, len(LINES) + 2):  # physical line numbers, the header is line 1
        verdicts[number] = "ragged" if number in rejected else next(kept)
    return verdicts


@pytest.fixture()
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "rows.csv"
    path.write_text("\n".join([HEADER, *LINES]) + "\n", encoding="utf-8")
    return path


def test_each_line_is_judged_as_the_local_load_judges_it(sample: Path):
    records = _Records(SimpleNamespace(encoding="utf-8", delimiter=",", names=["a", "b", "c"]))
    want = _duckdb_verdicts(sample)
    for number, line in enumerate(LINES, start=2):
        out = dict(zip(records.columns, records.record(("f", 0), number, [line], True, False), strict=True))
        if want[number] == "ragged":
            assert (out["kind"], out["reason"]) == ("reject", "ragged_line"), line
        else:
            assert out["kind"] == "row", line
            assert (out["c0"], out["c1"], out["c2"]) == want[number], line
