"""Name-and-address cells: the Python reference and the SQL the load runs agree."""

from __future__ import annotations

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from tracekit.ingest.parties import name_address_sql, split_name_address

_NAME, _ADDRESS = name_address_sql("v")
_CON = duckdb.connect()
_PIECES = st.sampled_from(["ACME", "Quimica", "CHEMICAL", "CO.,", "LTD.", "S.A. de C.V.", "Inc", "Pvt Ltd", "No. 5",
                           "Rd", "Calle 5", ",", "\n", "\r\n", " ", "Kowloon", "HK", "GmbH", "200021", "  "])


def _sql(value: str) -> tuple:
    return tuple(_CON.execute(f"SELECT {_NAME}, {_ADDRESS} FROM (SELECT ? AS v)", [value]).fetchone())  # noqa: S608


@given(st.lists(_PIECES, max_size=10).map(" ".join))
@settings(max_examples=300, deadline=None)
def test_sql_agrees_with_python(value):
    assert _sql(value) == split_name_address(value)


def test_examples():
    assert split_name_address("HARBOR QUARTZ TEXTILES LTD FLAT 7B, 21 NATHAN ROAD") == \
        ("HARBOR QUARTZ TEXTILES LTD", "FLAT 7B, 21 NATHAN ROAD")
    assert split_name_address("Ember Quartz Chemical S.A. de C.V.") == ("Ember Quartz Chemical S.A. de C.V.", None)
    assert split_name_address("Jade Timber Chemical JSC\n12 Le Loi\nHanoi") == \
        ("Jade Timber Chemical JSC", "12 Le Loi, Hanoi")
