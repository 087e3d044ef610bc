"""The cheap SQL paths agree with the reference normalisers, and the single-pass load keeps its guarantees."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ingest.conftest import AMS_HEADER, ams_rows
from tracekit.ingest.codes import country_table, hs_code_sql, normalise_hs_code
from tracekit.ingest.dates import date_sql, parse_date
from tracekit.ingest.numbers import number_sql, parse_number, parse_weight, weight_sql
from tracekit.ingest.plan import text_sql
from tracekit.ingest.sqltrim import trim_sql


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


def _sql(con, expr: str, *values):
    names = ", ".join(f"CAST(? AS VARCHAR) AS v{i}" for i in range(len(values)))
    return con.execute(f"SELECT {expr} FROM (SELECT {names})", list(values)).fetchone()[0]  # noqa: S608


@pytest.mark.parametrize("text", ["2024-02-29", "2023-02-29", "2100-12-31", "2101-01-01", "1900-01-01",
                                  "1899-12-31", "0000-01-01", "2024-13-01", "2024-00-10", " 2024-01-12 ",
                                  "2024-1-12", "2024-01-12T08:00", "２０２４-01-12"])
def test_iso_fast_path_equals_reference(con, text):
    assert _sql(con, date_sql("v0", "MDY"), text) == parse_date(text, "MDY")


@pytest.mark.parametrize("text", ["12", "12.", "0012", "1.200", "12.5", "1.200.000", "1,200", ".5", "1e5",
                                  " 7 ", "٣", "12 KG", "-4", "+4", "1_000", "0.000", "-0", "00", "15570",
                                  "9223372036854775807", "9223372036854775808", "-9223372036854775808",
                                  "123456789012345678901234567890", "0x10", "1e3"])
@pytest.mark.parametrize("unit", [None, "", "LB", "mt.", "FURLONG"])
def test_plain_number_fast_path_equals_reference(con, text, unit):
    assert _sql(con, number_sql("v0"), text) == pytest.approx(parse_number(text))
    py, sql = parse_weight(text, unit), _sql(con, weight_sql("v0", "v1"), text, unit)
    assert (sql is None) if py is None else sql == pytest.approx(py)


@pytest.mark.parametrize("text", ["293339", "2933.39.90", ".", "..", "2", "29.", "123456789012345",
                                  "1.2.3.4.5.6.7.8.9.0.1.2.3.4", " 0901.21 ", "2933.39, 2921", "29 33 39"])
def test_hs_fast_path_equals_reference(con, text):
    assert _sql(con, hs_code_sql("v0"), text) == normalise_hs_code(text)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.none(), st.text(alphabet=" ab\t\u00a0\u3000\u2009é中", max_size=6), st.text(max_size=6)))
def test_text_sql_is_nullif_trim(con, text):
    assert _sql(con, text_sql("v0"), text) == _sql(con, "nullif(trim(v0), '')", text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.none(), st.text(alphabet=" ab\t\x01!\u00a0\u3000\u2009\u0085é中", max_size=6),
                      st.text(max_size=6)))
def test_trim_sql_is_trim(con, text):
    # the normalisers' cheap trim must be the engine's trim exactly, whatever the first and last bytes are
    assert _sql(con, trim_sql("v0"), text) == _sql(con, "trim(v0)", text)


def test_no_country_key_holds_a_digit():
    # The loader skips the country lookup for text with a digit; that is exact only while this holds.
    assert not [k for k in country_table() if any(c.isdigit() for c in k)]


def test_shipment_ids_are_unique_across_sources_and_reloads(ws, write):
    rows = [f"B{n},2024-01-12,ACME,Rm 1,QUIMICA,2933.39,NPP,1200,KG,x" for n in range(1, 40)]
    first = write("a.csv", ams_rows(*rows))
    ws.load(first, progress=False)
    ws.load(write("b.csv", ams_rows(*rows[:10])), progress=False)
    ws.load(first, replace=True, progress=False)
    ids = ws.store.rows("SELECT count(*), count(DISTINCT shipment_id), "
                        "count(*) FILTER (WHERE shipment_id <> (CAST(source_id AS BIGINT) << 32) | line) "
                        "FROM shipments")[0]
    assert ids == (49, 49, 0)
    mentions = ws.store.rows("SELECT count(*), count(DISTINCT mention_id) FROM party_mentions")[0]
    assert mentions[0] == mentions[1] > 0


def test_engine_settings_are_restored_after_a_load(ws, write):
    ws.store.execute("SET enable_progress_bar = true")
    ws.load(write("f.csv", ams_rows("B1,2024-01-12,A,,B,2933,x,1,KG,x")), progress=False)
    assert ws.store.rows("SELECT current_setting('preserve_insertion_order'), "
                         "current_setting('disabled_optimizers'), current_setting('enable_progress_bar')")[0] \
        == (True, "", True)


def test_duplicate_of_a_quarantined_row_is_loaded_and_later_repeat_is_not(ws, write):
    text = ams_rows("B1,notadate,A,,B,2933,x,1,KG,x",  # line 2: bad date, so line 3 is the first clean B1
                    "B1,2024-01-12,A,,B,2933,x,1,KG,x",
                    "B2,2024-01-12,A,,B,2933,x,1,KG,x",
                    "B1,2024-01-13,A,,B,2933,x,1,KG,x")  # line 5: repeat of line 3
    report = ws.load(write("f.csv", text), progress=False)
    assert report.quarantine_reasons == {"bad_date": 1, "duplicate_record_id": 1}
    assert ws.store.rows("SELECT line FROM shipments ORDER BY line") == [(3,), (4,)]
    q = ws.quarantine()
    assert q[["line", "column", "reason"]].values.tolist() == [[2, "actual_arrival_date", "bad_date"],
                                                               [5, "identifier", "duplicate_record_id"]]
    assert q["detail"].iloc[1] == "duplicate_record_id: first seen on line 3"
    assert q["raw_text"].iloc[1] == "B1,2024-01-13,A,,B,2933,x,1,KG,x"


def test_warnings_count_loaded_rows_only(ws, write):
    text = ("Shipper,Consignee,Shipper Country,Quantity,Gross Weight,Weight Unit,HS Code\n"
            "A,B,Narnia,many,10,,2933\n"     # unknown country, unparsed quantity, weight without unit
            "A,B,CHN,5,10,KG,2933\n"         # clean
            "A,B,Narnia,many,10,,29XX\n")    # the same warnings, but quarantined (bad HS code)
    report = ws.load(write("f.csv", text), progress=False)
    assert report.rows_loaded == 2 and report.quarantine_reasons == {"bad_hs_code": 1}
    assert report.sources[0].warnings == {"unrecognised_country": 1, "unparsed_quantity": 1,
                                          "weight_without_unit_taken_as_kg": 1}
    assert ws.store.rows("SELECT shipper_country FROM shipments ORDER BY line") == [(None,), ("CN",)]


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_records_spanning_lines_get_physical_lines_without_a_python_pass(ws, write, monkeypatch, newline):
    import tracekit.store.scan as scan

    def no_python_pass(*_args, **_kwargs):
        raise AssertionError("the csv-module fallback ran")

    monkeypatch.setattr(scan, "record_lines", no_python_pass)
    lines = ["identifier,shipper_party_name,consignee_name,description_text",   # 1
             "B1,A,B,one",                                                      # 2
             f'B2,A,B,"two{newline}lines"',                                    # 3-4
             "B3,,,x",                                                          # 5 (no party)
             f'B4,"A{newline}{newline}B",C,"three{newline}more"',              # 6-9
             "B5,A,B,x"]                                                        # 10
    report = ws.load(write("f.csv", newline.join(lines) + newline), progress=False)
    assert report.rows_read == 5 and report.rows_loaded == 4
    assert ws.store.rows("SELECT record_id, line FROM shipments ORDER BY line") == [
        ("B1", 2), ("B2", 3), ("B4", 6), ("B5", 10)]
    assert ws.quarantine()[["line", "reason"]].values.tolist() == [[5, "no_party"]]
    assert ws.source_rows(source=1, lines=[6])["shipper_party_name"].tolist() == [f"A{newline}{newline}B"]


def test_ctrl_c_mid_write_leaves_workspace_and_settings_as_before(ws, write, monkeypatch):
    import tracekit.store.write as writing

    path = write("f.csv", ams_rows("B1,2024-01-12,A,,B,2933,x,1,KG,x", "B2,2024-01-12,A,,B,2933,x,1,KG,x"))

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(writing, "_derived_country_notes", interrupted)  # after shipments and mentions were written
    with pytest.raises(KeyboardInterrupt):
        ws.load(path, progress=False)
    info = ws.info()
    assert (info.sources, info.shipments, info.party_mentions, info.quarantined) == (0, 0, 0, 0)
    assert ws.store.rows("SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'raw_%'") == [(0,)]
    assert ws.store.rows("SELECT count(*) FROM source_files") == [(0,)]
    assert ws.store.rows("SELECT current_setting('preserve_insertion_order'), "
                         "current_setting('disabled_optimizers')")[0] == (True, "")
    monkeypatch.undo()
    assert ws.load(path, progress=False).rows_loaded == 2


def test_lines_follow_the_file_across_row_groups_and_sources(tmp_path, write):
    # Over 2 row groups (122,880 rows each), scanned on several threads, each in a fresh transaction;
    # the session itself does not keep insertion order.
    import tracekit

    rows = [f"B{n},2024-01-12,ACME {n},,B,2933,x,1,KG,x" for n in range(1, 250_001)]
    with tracekit.Workspace(tmp_path / "ws") as ws:
        ws.store.execute("SET preserve_insertion_order = false")
        ws.load(write("small.csv", ams_rows(*rows[:5])), progress=False)
        ws.load(write("big.csv", ams_rows(*rows)), progress=False)
        got = ws.store.rows("SELECT source_id, count(*), min(line), max(line), "
                            "count(*) FILTER (WHERE record_id <> 'B' || (line - 1)) FROM shipments "
                            "GROUP BY 1 ORDER BY 1")
        assert got == [(1, 5, 2, 6, 0), (2, 250_000, 2, 250_001, 0)]
        assert ws.source_rows(source=2, lines=[250_001])["identifier"].tolist() == ["B250000"]
        assert ws.store.scalar("SELECT current_setting('preserve_insertion_order')") is False


def test_many_rejected_lines_keep_every_physical_line(ws, write):
    lines, expected, rejected = [AMS_HEADER], {}, []
    for n in range(1, 3001):
        lines.append(f"B{n},2024-01-12,ACME,,QUIMICA,2933,x,1,KG,x")
        expected[f"B{n}"] = len(lines)
        if n % 7 in (0, 1):  # runs of two rejected lines too
            lines.append(f"R{n},RAGGED")
            rejected.append(len(lines))
    report = ws.load(write("f.csv", "\n".join(lines) + "\n"), progress=False)
    assert report.quarantine_reasons == {"ragged_line": len(rejected)}
    assert dict(ws.store.rows("SELECT record_id, line FROM shipments")) == expected
    assert ws.quarantine()["line"].tolist() == rejected


# Values shaped like the fast paths' forms (ISO dates, plain numbers, dotted HS codes), perturbed and padded:
# the fast paths test the *untrimmed* value, so padding, tabs, Unicode spaces and stray characters at any
# place must still give exactly the reference reading.
_shaped = st.builds(
    lambda core, left, right: left + core + right,
    st.one_of(st.text(alphabet="0123456789-", min_size=8, max_size=12),
              st.text(alphabet="0123456789-/.T :", min_size=6, max_size=14),
              st.sampled_from(["1899-12-31", "1900-01-01", "2100-12-31", "2101-01-01", "2024-02-30", "2024-01-1T",
                               "2024-01-12T08", "20240112", "2933.39", "12.5", "12.", "0.000"]),
              st.text(alphabet="0123456789.", min_size=1, max_size=16)),
    st.sampled_from(["", " ", "  ", "\t", "\u00a0", "\u3000"]),
    st.sampled_from(["", " ", "\t", "\u00a0", "x", "\u3000"]))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_shaped, order=st.sampled_from(["DMY", "MDY"]))
def test_fast_paths_on_untrimmed_values_equal_the_references(con, text, order):
    assert _sql(con, date_sql("v0", order), text) == parse_date(text, order)
    assert _sql(con, hs_code_sql("v0"), text) == normalise_hs_code(text)
    number, py = _sql(con, number_sql("v0"), text), parse_number(text)
    assert (number is None) if py is None else number == pytest.approx(py)
    weight, py = _sql(con, weight_sql("v0", "v1"), text, "LB"), parse_weight(text, "LB")
    assert (weight is None) if py is None else weight == pytest.approx(py)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(st.none(), _shaped, st.sampled_from(["13/01/2024", "01/13/2024", "5 MAR 2024", "JAN 5, 2024",
                                                           " 12-ENE-2024 ", "soon", ""])))
def test_date_form_bits_follow_the_forms(con, text):
    import re

    from tracekit.ingest.dates import (
        COMPACT,
        DAY_MONTH_NAME,
        ISO,
        MONTH_NAME_DAY,
        NUMERIC,
        date_form_bits_sql,
    )

    value = _sql(con, "upper(trim(v0))", text)
    expected = 0
    if value and re.fullmatch(ISO, value, re.ASCII):
        expected = 1
    elif value and re.fullmatch(COMPACT, value, re.ASCII):
        expected = 2
    elif value and (m := re.fullmatch(NUMERIC, value, re.ASCII)):
        expected = 3 + (8 if int(m[1]) > 12 else 0) + (16 if int(m[2]) > 12 else 0)
    elif value and (re.fullmatch(DAY_MONTH_NAME, value, re.ASCII) or re.fullmatch(MONTH_NAME_DAY, value, re.ASCII)):
        expected = 4
    assert _sql(con, date_form_bits_sql("v0"), text) == expected
