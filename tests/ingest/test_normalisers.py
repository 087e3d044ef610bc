"""Property tests: each normaliser's Python form and SQL form agree, and normalising is idempotent."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracekit.ingest.codes import (
    country_key,
    country_key_sql,
    country_table,
    hs_code_sql,
    normalise_country,
    normalise_hs_code,
)
from tracekit.ingest.dates import MONTHS, date_sql, parse_date
from tracekit.ingest.numbers import UNIT_FACTORS, number_sql, parse_number, parse_weight, weight_sql

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    keys = country_table()
    connection.execute("CREATE TABLE tk_country_keys (key VARCHAR, alpha2 VARCHAR)")
    connection.executemany("INSERT INTO tk_country_keys VALUES (?, ?)", list(keys.items()))
    yield connection
    connection.close()


def _sql(con, expr: str, *values):
    names = ", ".join(f"? AS v{i}" for i in range(len(values)))
    return con.execute(f"SELECT {expr} FROM (SELECT {names})", list(values)).fetchone()[0]  # noqa: S608


days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
month_names = st.sampled_from(sorted(MONTHS))


@st.composite
def written_dates(draw):
    d = draw(days)
    forms = [
        d.isoformat(), d.strftime("%Y%m%d"), f"{d.day}/{d.month}/{d.year}", f"{d.day:02d}.{d.month:02d}.{d.year}",
        f"{d.day}-{[k for k, v in MONTHS.items() if v == d.month][0]}-{d.year}",
        f"{[k for k, v in MONTHS.items() if v == d.month][-1].title()} {d.day}, {d.year}",
        f"{d.isoformat()}T08:30:00",
    ]
    return draw(st.sampled_from(forms))


noise = st.text(alphabet="0123456789/-. ,:TJANDICabc", max_size=14)


@SETTINGS
@given(text=st.one_of(written_dates(), noise, st.none()), order=st.sampled_from(["DMY", "MDY"]))
def test_date_python_equals_sql(con, text, order):
    assert parse_date(text, order) == _sql(con, date_sql("v0", order), text)


@SETTINGS
@given(d=days)
def test_date_iso_round_trip_and_idempotence(d):
    assert parse_date(d.isoformat()) == d
    assert parse_date(parse_date(d.strftime("%d/%m/%Y"), "DMY").isoformat()) == d
    assert parse_date(d.strftime("%m/%d/%Y"), "MDY") == d


@SETTINGS
@given(n=st.integers(1, 73000))
def test_excel_serial_python_equals_sql(con, n):
    text = str(n).rjust(5, "1")
    assert parse_date(text, excel_serials=True) == _sql(con, date_sql("v0", excel_serials=True), text)


amounts = st.decimals(min_value=-10**7, max_value=10**7, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def written_numbers(draw):
    value = draw(amounts)
    plain = f"{value:.2f}"
    forms = [plain, f"{value:,.2f}", f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", "."),
             str(int(value))]
    return draw(st.sampled_from(forms))


units = st.sampled_from(sorted(UNIT_FACTORS) + ["", "FURLONG", "kg.", "Lbs"])


@SETTINGS
@given(text=st.one_of(written_numbers(), st.text(alphabet="0123456789.,-+ $USDKGLBT", max_size=12), st.none()),
       unit=st.one_of(units, st.none()), embed=st.booleans())
def test_weight_python_equals_sql(con, text, unit, embed):
    value = f"{text} {unit}" if embed and text and unit else text
    py = parse_weight(value, None if embed else unit)
    sql = _sql(con, weight_sql("v0", "v1"), value, None if embed else unit)
    assert py == pytest.approx(sql) if py is not None else sql is None


@SETTINGS
@given(text=st.one_of(written_numbers(), st.text(alphabet="0123456789.,-+ $USD", max_size=12)))
def test_number_python_equals_sql_and_round_trips(con, text):
    py = parse_number(text)
    sql = _sql(con, number_sql("v0"), text)
    assert py == pytest.approx(sql) if py is not None else sql is None
    if py is not None:
        assert parse_number(repr(py) if "e" not in repr(py) else f"{py:f}") == pytest.approx(py)


@SETTINGS
@given(value=amounts)
def test_weight_units_scale(value):
    kg = parse_weight(f"{abs(value):.2f}", "KG")
    assert parse_weight(f"{abs(value):.2f}", "MT") == pytest.approx(kg * 1000)
    assert parse_weight(f"{abs(value):.2f} LB") == pytest.approx(kg * 0.45359237)


hs_digits = st.text(alphabet="0123456789", min_size=2, max_size=10)


@SETTINGS
@given(code=st.one_of(hs_digits, st.text(alphabet="0123456789. -,;/OXa", max_size=14), st.none()))
def test_hs_python_equals_sql_and_is_idempotent(con, code):
    py = normalise_hs_code(code)
    assert py == _sql(con, hs_code_sql("v0"), code)
    if py is not None:
        assert normalise_hs_code(py) == py and py.isdigit()


@SETTINGS
@given(digits=hs_digits)
def test_hs_keeps_leading_zeros_through_dots(digits):
    dotted = ".".join(digits[i:i + 2] for i in range(0, len(digits), 2))
    assert normalise_hs_code(dotted) == digits


country_names = st.sampled_from(sorted({k for k in country_table()} | {"Méjico", "EE.UU.", "Hong Kong SAR", "中国"}))


@SETTINGS
@given(name=st.one_of(country_names, st.text(max_size=12)),
       case=st.sampled_from([str.lower, str.upper, str.title, lambda s: f"  {s}. "]))
def test_country_python_equals_sql_and_is_idempotent(con, name, case):
    text = case(name)
    lookup = f"(SELECT alpha2 FROM tk_country_keys WHERE key = {country_key_sql('v0')})"  # noqa: S608
    sql = _sql(con, lookup, text)
    if country_key(text) == _sql(con, country_key_sql("v0"), text):
        assert normalise_country(text) == sql
    code = normalise_country(text)
    if code is not None:
        assert normalise_country(code) == code


# Letters, spaces and marks a country is written with (ASCII, Latin-1 and Latin Extended-A letters, ß,
# the no-break space, Han). Compatibility characters (superscripts, fractions, ª º, the ĳ and ŀ ligatures,
# full-width forms) are folded by Python's NFKD only: the engine has no NFKD.
_KEY_ALPHABET = "".join(
    [chr(c) for c in range(32, 127)] + [chr(c) for c in range(0xC0, 0x180) if c not in (0x132, 0x133, 0x13F, 0x140, 0x149)]
    + list("ßẞ\u00a0中国香港"))


@SETTINGS
@given(text=st.one_of(st.text(alphabet=_KEY_ALPHABET, max_size=16), st.sampled_from(["Straße", "STRAßE", "straße"])))
def test_country_key_python_equals_sql(con, text):
    assert country_key(text) == _sql(con, country_key_sql("v0"), text)


def test_country_key_of_sharp_s_is_ss_on_both_engines(con):
    assert country_key("Straße") == _sql(con, country_key_sql("v0"), "Straße") == "STRASSE"


@pytest.mark.parametrize(("text", "code"), [
    ("CHN", "CN"), ("China", "CN"), ("MEX", "MX"), ("Estados Unidos", "US"), ("Alemania", "DE"),
    ("JAPÓN", "JP"), ("Hong Kong SAR", "HK"), ("india", "IN"), ("N/A", None), ("", None),
])
def test_country_examples(text, code):
    assert normalise_country(text) == code
