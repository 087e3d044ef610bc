"""Dates: every common way a trade record writes a day, to ISO ``YYYY-MM-DD``.

Recognised forms (after trimming, case-insensitive):

* ISO ``2024-01-12`` (also ``2024/1/12``, with or without a time part ``2024-01-12T08:00``);
* compact ``20240112``;
* day/month ambiguous ``12/01/2024``, ``12.01.2024``, ``12-01-2024`` (optionally with a time): read
  day-first or month-first as decided *per column* from the data (:func:`choose_day_order`);
* month names ``12-JAN-2024``, ``12 Jan 2024``, ``JAN 12, 2024``, in English or Spanish
  (``12-ENE-2024``, ``5 DIC 2023``);
* Excel serial day numbers (``45303``) when the source is a spreadsheet.

Years outside 1900-2100 are treated as unparseable: a typo such as ``0224`` must not become a real date.

:func:`parse_date` is the reference implementation; :func:`date_sql` builds the SQL expression the store
runs at scale. Property tests check that both agree.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

from tracekit.ingest.sqltrim import trim_sql, trim_text

__all__ = [
    "DayOrder", "parse_date", "date_sql", "choose_day_order", "day_order_probe_sql", "date_forms_probe_sql",
    "describe_date_forms", "date_form_bits_sql", "DATE_FORM_CODES", "MONTHS",
]

DayOrder = Literal["DMY", "MDY"]

MONTHS: dict[str, int] = {
    "JAN": 1, "ENE": 1, "FEB": 2, "MAR": 3, "APR": 4, "ABR": 4, "MAY": 5, "JUN": 6, "JUL": 7,
    "AUG": 8, "AGO": 8, "SEP": 9, "SET": 9, "OCT": 10, "NOV": 11, "DEC": 12, "DIC": 12,
}

# One pattern per form, shared by the Python and the SQL implementation (RE2 and `re` agree on them).
ISO = r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T].*)?$"
COMPACT = r"^(\d{4})(\d{2})(\d{2})$"
NUMERIC = r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T].*)?$"
DAY_MONTH_NAME = r"^(\d{1,2})[-/. ]*([A-Z]{3})[A-Z]*\.?[-/. ,]*(\d{4})$"
MONTH_NAME_DAY = r"^([A-Z]{3})[A-Z]*\.?[ -]+(\d{1,2}),?[ -]+(\d{4})$"
EXCEL_SERIAL = r"^(\d{5})(?:\.\d+)?$"

_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0 (it counts the non-existent 1900-02-29)
_MIN_YEAR, _MAX_YEAR = 1900, 2100


def _full(pattern: str, value: str) -> re.Match | None:
    # fullmatch + ASCII: what RE2's ^...$ and \\d mean in SQL (Python's $ also matches before a final
    # newline, and its \\d takes any Unicode digit).
    return re.fullmatch(pattern, value, re.ASCII)


def _make(year: int, month: int, day: int) -> date | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str | None, order: DayOrder = "DMY", *, excel_serials: bool = False) -> date | None:
    """Parse one date as written in a trade record; None when empty or unparseable.

    Parameters
    ----------
    text : str or None
        The value as written.
    order : {"DMY", "MDY"}
        How to read ``12/01/2024``-style dates (decided per column by :func:`choose_day_order`).
    excel_serials : bool
        Accept Excel serial day numbers (spreadsheet sources only).

    Examples
    --------
    >>> parse_date("12-JAN-2024")
    datetime.date(2024, 1, 12)
    >>> parse_date("01/12/2024", "MDY"), parse_date("01/12/2024", "DMY")
    (datetime.date(2024, 1, 12), datetime.date(2024, 12, 1))
    >>> parse_date("20240112"), parse_date("5 dic 2023"), parse_date("2024-02-30")
    (datetime.date(2024, 1, 12), datetime.date(2023, 12, 5), None)
    >>> parse_date("45303", excel_serials=True)
    datetime.date(2024, 1, 12)
    """
    if text is None:
        return None
    value = trim_text(text).upper()
    if not value:
        return None
    if m := _full(ISO, value):
        return _make(int(m[1]), int(m[2]), int(m[3]))
    if m := _full(COMPACT, value):
        return _make(int(m[1]), int(m[2]), int(m[3]))
    if m := _full(NUMERIC, value):
        first, second = int(m[1]), int(m[2])
        day, month = (first, second) if order == "DMY" else (second, first)
        return _make(int(m[3]), month, day)
    if (m := _full(DAY_MONTH_NAME, value)) and m[2] in MONTHS:
        return _make(int(m[3]), MONTHS[m[2]], int(m[1]))
    if (m := _full(MONTH_NAME_DAY, value)) and m[1] in MONTHS:
        return _make(int(m[3]), MONTHS[m[1]], int(m[2]))
    if excel_serials and (m := _full(EXCEL_SERIAL, value)):
        result = _EXCEL_EPOCH + timedelta(days=int(m[1]))
        return result if _MIN_YEAR <= result.year <= _MAX_YEAR else None
    return None


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _ymd_sql(year: str, month: str, day: str) -> str:
    """SQL for a DATE from three integer SQL expressions; NULL for impossible dates or years."""
    return (
        f"CASE WHEN ({year}) BETWEEN {_MIN_YEAR} AND {_MAX_YEAR} THEN "
        f"TRY_CAST(lpad(CAST({year} AS VARCHAR), 4, '0') || '-' || lpad(CAST({month} AS VARCHAR), 2, '0')"
        f" || '-' || lpad(CAST({day} AS VARCHAR), 2, '0') AS DATE) END"
    )


def _group(value: str, pattern: str, group: int) -> str:
    return f"TRY_CAST(regexp_extract({value}, {_sql_str(pattern)}, {group}) AS INTEGER)"


def _month_sql(value: str, pattern: str, group: int) -> str:
    name = f"regexp_extract({value}, {_sql_str(pattern)}, {group})"
    cases = " ".join(f"WHEN {_sql_str(k)} THEN {v}" for k, v in MONTHS.items())
    return f"(CASE {name} {cases} END)"


def _iso_fast_sql(text: str) -> str:
    """SQL true when ``text`` is a real day written YYYY-MM-DD exactly (digits, zero-padded), else false or NULL.

    The engine's own date cast reads the text and its result, written back, must be the text itself: only
    the canonical form round-trips. That costs about 380 instructions per row less than the regular
    expression ``[0-9]{4}-[0-9]{2}-[0-9]{2}`` it replaces (which also let impossible days through to the
    cast), and the cast is the one the date needs anyway. An impossible day in that form (2023-02-30)
    is false here and is read, as before, by the ISO branch.
    """
    return f"(CAST(TRY_CAST({text} AS DATE) AS VARCHAR) = {text})"


def date_sql(column: str, order: DayOrder = "DMY", *, excel_serials: bool = False) -> str:
    """SQL expression computing :func:`parse_date` of ``column`` (a SQL expression of type VARCHAR).

    Examples
    --------
    >>> "regexp_matches" in date_sql('"fecha"')
    True
    """
    t = trim_sql(column)
    v = f"upper({t})"
    first, second = ("1", "2") if order == "DMY" else ("2", "1")
    branches = [
        (ISO, _ymd_sql(_group(v, ISO, 1), _group(v, ISO, 2), _group(v, ISO, 3))),
        (COMPACT, _ymd_sql(_group(v, COMPACT, 1), _group(v, COMPACT, 2), _group(v, COMPACT, 3))),
        (NUMERIC, _ymd_sql(_group(v, NUMERIC, 3), _group(v, NUMERIC, int(second)),
                           _group(v, NUMERIC, int(first)))),
        (DAY_MONTH_NAME, _ymd_sql(_group(v, DAY_MONTH_NAME, 3), _month_sql(v, DAY_MONTH_NAME, 2),
                                  _group(v, DAY_MONTH_NAME, 1))),
        (MONTH_NAME_DAY, _ymd_sql(_group(v, MONTH_NAME_DAY, 3), _month_sql(v, MONTH_NAME_DAY, 1),
                                  _group(v, MONTH_NAME_DAY, 2))),
    ]
    if excel_serials:
        serial = (f"(DATE '1899-12-30' + TRY_CAST(regexp_extract({v}, {_sql_str(EXCEL_SERIAL)}, 1) AS INTEGER))")
        branches.append(
            (EXCEL_SERIAL, f"CASE WHEN year({serial}) BETWEEN {_MIN_YEAR} AND {_MAX_YEAR} THEN {serial} END")
        )
    whens = " ".join(f"WHEN regexp_matches({v}, {_sql_str(p)}) THEN {expr}" for p, expr in branches)
    # Fast path for the form most extracts use, YYYY-MM-DD exactly: one cheap full match and a plain cast,
    # no group extraction. Exactly the ISO branch's result (the cast rejects impossible days; the year
    # bound is checked on the text). It tests the untrimmed value: text of that shape holds no space, so
    # trimming could not change it, and the common row skips the trim test (a padded value takes the ISO
    # branch, which reads it alike).
    iso = _iso_fast_sql(column)
    # the year bound compares the whole text (digits and dashes at fixed places: the same order as the
    # year's), which spares a Unicode-aware substring per row
    fast = (f"CASE WHEN {column} BETWEEN '{_MIN_YEAR}-00-00' AND '{_MAX_YEAR}-99-99' "
            f"THEN TRY_CAST({column} AS DATE) END")
    return f"(CASE WHEN {iso} THEN {fast} {whens} END)"


def day_order_probe_sql(column: str) -> str:
    """SQL aggregates counting evidence for day-first vs month-first in ``column``.

    Returns two comma-separated aggregate expressions: rows whose first number can only be a day
    (> 12), and rows whose second number can only be a day.
    """
    v = f"upper(trim({column}))"
    p = _sql_str(NUMERIC)
    return (
        f"count(*) FILTER (WHERE regexp_matches({v}, {p}) AND "
        f"TRY_CAST(regexp_extract({v}, {p}, 1) AS INTEGER) > 12), "
        f"count(*) FILTER (WHERE regexp_matches({v}, {p}) AND "
        f"TRY_CAST(regexp_extract({v}, {p}, 2) AS INTEGER) > 12)"
    )


_FORM_NAMES = {"iso": "ISO (YYYY-MM-DD)", "compact": "YYYYMMDD", "named": "month names", "serial": "Excel serials"}


def date_forms_probe_sql(column: str, table: str) -> str:
    """A query giving one row: how many values of ``column`` in ``table`` are written in each form.

    Columns ``iso, compact, numeric, named, numeric_first_over_12, numeric_second_over_12``; the last
    two are the evidence :func:`choose_day_order` weighs. ISO values are recognised without a regex.

    Examples
    --------
    >>> import duckdb
    >>> duckdb.connect().sql(date_forms_probe_sql("d", "(SELECT unnest(['2024-01-12', '13/01/2024', '']) AS d)")).fetchall()
    [(1, 0, 1, 0, 1, 0)]
    """
    t = trim_sql(column)
    v = f"upper({t})"
    iso_fast = _iso_fast_sql(column)  # untrimmed, as in date_sql
    form = (f"CASE WHEN {iso_fast} THEN 'iso' WHEN {t} IS NULL OR {t} = '' THEN NULL "
            f"WHEN regexp_matches({v}, {_sql_str(ISO)}) THEN 'iso' "
            f"WHEN regexp_matches({v}, {_sql_str(COMPACT)}) THEN 'compact' "
            f"WHEN regexp_matches({v}, {_sql_str(NUMERIC)}) THEN 'numeric' "
            f"WHEN regexp_matches({v}, {_sql_str(DAY_MONTH_NAME)}) OR regexp_matches({v}, {_sql_str(MONTH_NAME_DAY)}) "
            f"THEN 'named' END")
    numeric = _sql_str(NUMERIC)

    def part(n: int) -> str:
        return f"TRY_CAST(regexp_extract(v, {numeric}, {n}) AS INTEGER)"

    return (f"SELECT count(*) FILTER (WHERE form = 'iso') AS iso, "  # noqa: S608 - SQL this module builds
            f"count(*) FILTER (WHERE form = 'compact') AS compact, "
            f"count(*) FILTER (WHERE form = 'numeric') AS numeric, "
            f"count(*) FILTER (WHERE form = 'named') AS named, "
            f"count(*) FILTER (WHERE form = 'numeric' AND {part(1)} > 12) AS numeric_first_over_12, "
            f"count(*) FILTER (WHERE form = 'numeric' AND {part(2)} > 12) AS numeric_second_over_12 "
            f"FROM (SELECT {form} AS form, {v} AS v FROM {table})")


DATE_FORM_CODES = {"iso": 1, "compact": 2, "numeric": 3, "named": 4}
"""Codes of :func:`date_form_bits_sql` (bits 0-2); bit 3: numeric and first number > 12; bit 4: second > 12."""


def date_form_bits_sql(column: str) -> str:
    """Per row, the form of a date (what :func:`date_forms_probe_sql` counts) as a small integer.

    Bits 0-2 hold the form's code (:data:`DATE_FORM_CODES`, 0 for empty or unknown), bit 3 is set for a
    numeric date whose first number exceeds 12, bit 4 when its second does: summed over a column, the
    same six counts as the probe, but computed inside the loading pass instead of a second read.

    Examples
    --------
    >>> import duckdb
    >>> duckdb.connect().sql(f"SELECT {date_form_bits_sql('d')} FROM (SELECT unnest(['2024-01-12', '13/01/2024', '', '20240112', NULL]) AS d)").fetchall()
    [(1,), (11,), (0,), (2,), (0,)]
    """
    t = trim_sql(column)
    v = f"upper({t})"
    numeric = _sql_str(NUMERIC)

    def part(n: int) -> str:
        return f"TRY_CAST(regexp_extract({v}, {numeric}, {n}) AS INTEGER)"

    # the fast test first and on the untrimmed value, exactly as date_sql's: computed in the same
    # projection as the date, the engine evaluates it once for both
    return (f"(CASE WHEN {_iso_fast_sql(column)} THEN 1 WHEN {t} IS NULL OR {t} = '' THEN 0 "
            f"WHEN regexp_matches({v}, {_sql_str(ISO)}) THEN 1 "
            f"WHEN regexp_matches({v}, {_sql_str(COMPACT)}) THEN 2 "
            f"WHEN regexp_matches({v}, {numeric}) THEN 3 + (CASE WHEN {part(1)} > 12 THEN 8 ELSE 0 END) "
            f"+ (CASE WHEN {part(2)} > 12 THEN 16 ELSE 0 END) "
            f"WHEN regexp_matches({v}, {_sql_str(DAY_MONTH_NAME)}) OR regexp_matches({v}, {_sql_str(MONTH_NAME_DAY)}) "
            f"THEN 4 ELSE 0 END)")


def describe_date_forms(order: DayOrder, iso: int, compact: int, numeric: int, named: int) -> str:
    """How a date column was read, for the load report: its forms, most used first.

    ``NN/NN/YYYY`` values are named by the day order used for them; a column without any says so
    (an ISO column is reported as ISO, not as a day order it never needed).

    Examples
    --------
    >>> describe_date_forms("DMY", 900, 0, 0, 0)
    'ISO (YYYY-MM-DD)'
    >>> describe_date_forms("MDY", 10, 0, 200, 0)
    'MDY, ISO (YYYY-MM-DD)'
    >>> describe_date_forms("DMY", 0, 0, 0, 0)
    'no dates (DMY if any)'
    """
    counts = {order: numeric, _FORM_NAMES["iso"]: iso, _FORM_NAMES["compact"]: compact,
              _FORM_NAMES["named"]: named}
    seen = [name for name, n in sorted(counts.items(), key=lambda kv: -kv[1]) if n]
    return ", ".join(seen) if seen else f"no dates ({order} if any)"


def choose_day_order(first_over_12: int, second_over_12: int, default: DayOrder = "DMY") -> DayOrder:
    """Decide how to read ``NN/NN/YYYY`` dates in one column from counts of unambiguous values.

    A column where some first numbers exceed 12 is day-first; where some second numbers do, month-first.
    With evidence both ways, the majority wins (the minority are then unparseable and quarantined);
    with none, ``default``.

    Examples
    --------
    >>> choose_day_order(5, 0), choose_day_order(0, 3), choose_day_order(0, 0, "MDY")
    ('DMY', 'MDY', 'MDY')
    """
    if first_over_12 == second_over_12:
        return default
    return "DMY" if first_over_12 > second_over_12 else "MDY"
